package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
	contentapi "github.com/twilio/twilio-go/rest/content/v1"
)

// DefaultTwilioBaseURL is Twilio's REST API; other base URLs are reached by
// rewriting each request (twilio-go has no base-URL setting).
const DefaultTwilioBaseURL = "https://api.twilio.com"

// defaultTwilioTimeout bounds one HTTP exchange with Twilio.
const defaultTwilioTimeout = 10 * time.Second

const whatsAppPrefix = "whatsapp:"

// alphanumeric is what twilio-go accepts for credentials.
var alphanumeric = regexp.MustCompile(`^[a-zA-Z0-9]+$`)

// TwilioConfig configures a TwilioSender. SMSFrom and WhatsAppFrom are E.164
// numbers without any "whatsapp:" prefix; an empty one disables that channel.
type TwilioConfig struct {
	AccountSID   string
	AuthToken    string
	APIBaseURL   string        // empty: DefaultTwilioBaseURL
	SMSFrom      string        // E.164
	WhatsAppFrom string        // E.164
	Timeout      time.Duration // per HTTP exchange; 0: 10 s
}

var (
	_ Sender        = (*TwilioSender)(nil)
	_ MessageFinder = (*TwilioSender)(nil)
)

// TwilioSender sends messages with twilio-go. It implements Sender, Finder and
// MessageFinder and is safe for concurrent use.
type TwilioSender struct {
	cfg       TwilioConfig
	creds     *client.Credentials
	target    *url.URL        // nil when talking to api.twilio.com itself
	transport *http.Transport // shared connection pool
}

// NewTwilioSender checks cfg and returns a sender for it.
func NewTwilioSender(cfg TwilioConfig) (*TwilioSender, error) {
	if !alphanumeric.MatchString(cfg.AccountSID) || !alphanumeric.MatchString(cfg.AuthToken) {
		return nil, errors.New("notify: twilio: account sid and auth token must be set and alphanumeric")
	}
	if cfg.SMSFrom == "" && cfg.WhatsAppFrom == "" {
		return nil, errors.New("notify: twilio: neither sms_from nor whatsapp_from is set")
	}
	if cfg.APIBaseURL == "" {
		cfg.APIBaseURL = DefaultTwilioBaseURL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTwilioTimeout
	}
	u, err := url.Parse(strings.TrimRight(cfg.APIBaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("notify: twilio: api base url %q is not an http(s) url", cfg.APIBaseURL)
	}
	s := &TwilioSender{
		cfg:       cfg,
		creds:     client.NewCredentials(cfg.AccountSID, cfg.AuthToken),
		transport: newTransport(),
	}
	if u.String() != DefaultTwilioBaseURL {
		s.target = u
	}
	return s, nil
}

// Send creates the message at Twilio. Failures are *SendError; see
// twilio_errors.go for how they are classified.
func (s *TwilioSender) Send(ctx context.Context, m OutboundMessage) (SendResult, error) {
	params, err := s.createParams(m)
	if err != nil {
		return SendResult{}, &SendError{Class: ErrPermanent, Err: err}
	}
	if err := ctx.Err(); err != nil {
		// Nothing left this process: trying again later is safe.
		return SendResult{}, &SendError{Class: ErrRetry, Err: fmt.Errorf("twilio create message: %w", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	api, rt := s.api(ctx)
	msg, err := api.CreateMessage(params)
	if err != nil {
		return SendResult{}, sendError(err, rt.lastStatus())
	}
	if msg.Sid == nil || *msg.Sid == "" {
		return SendResult{}, &SendError{Class: ErrAmbiguous, Err: errors.New("twilio create message: reply without sid")}
	}
	return toResult(msg), nil
}

// createParams builds Twilio's create request: WhatsApp addresses get the
// "whatsapp:" prefix; a template is sent as ContentSid and ContentVariables (a
// one-line JSON object) and no Body.
func (s *TwilioSender) createParams(m OutboundMessage) (*openapi.CreateMessageParams, error) {
	to, from, err := s.addresses(m.Channel, m.To)
	if err != nil {
		return nil, err
	}
	p := (&openapi.CreateMessageParams{}).SetTo(to).SetFrom(from)
	switch {
	case m.ContentSID != "":
		p.SetContentSid(m.ContentSID)
		if len(m.ContentVariables) > 0 {
			// encoding/json escapes newlines, so the object is one line.
			vars, err := json.Marshal(m.ContentVariables)
			if err != nil {
				return nil, fmt.Errorf("twilio: content variables: %w", err)
			}
			p.SetContentVariables(string(vars))
		}
	case m.Body != "":
		p.SetBody(m.Body)
	default:
		return nil, fmt.Errorf("twilio: message %d has neither body nor content sid", m.ID)
	}
	if m.StatusCallback != "" {
		p.SetStatusCallback(m.StatusCallback)
	}
	return p, nil
}

// addresses returns Twilio's To and From for a channel and an E.164 recipient.
// Its errors, like createParams', lack the "notify:" prefix: callers wrap them.
func (s *TwilioSender) addresses(channel, to string) (string, string, error) {
	to = strings.TrimPrefix(to, whatsAppPrefix)
	if to == "" {
		return "", "", errors.New("twilio: no recipient")
	}
	switch channel {
	case ChannelSMS:
		if s.cfg.SMSFrom == "" {
			return "", "", errors.New("twilio: sms_from is not configured")
		}
		return to, s.cfg.SMSFrom, nil
	case ChannelWhatsApp:
		if s.cfg.WhatsAppFrom == "" {
			return "", "", errors.New("twilio: whatsapp_from is not configured")
		}
		return whatsAppPrefix + to, whatsAppPrefix + strings.TrimPrefix(s.cfg.WhatsAppFrom, whatsAppPrefix), nil
	default:
		return "", "", fmt.Errorf("twilio: unknown channel %q", channel)
	}
}

// newTransport returns a connection pool of our own, configured as Go's default.
func newTransport() *http.Transport {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
}

func toResult(msg *openapi.ApiV2010Message) SendResult {
	var r SendResult
	if msg.Sid != nil {
		r.SID = *msg.Sid
	}
	if msg.Status != nil {
		r.Status = *msg.Status
	}
	if msg.NumSegments != nil {
		r.NumSegments, _ = strconv.Atoi(*msg.NumSegments) // "0" or absent: unknown
	}
	return r
}

// api returns a twilio-go API service whose requests run under ctx (twilio-go
// itself takes no context) and go to the configured base URL. The returned
// transport remembers the status of the last reply.
func (s *TwilioSender) api(ctx context.Context) (*openapi.ApiService, *rewriteTransport) {
	c, rt := s.client(ctx)
	return openapi.NewApiServiceWithClient(c), rt
}

// content is api for Twilio's Content API (approved WhatsApp templates).
func (s *TwilioSender) content(ctx context.Context) (*contentapi.ApiService, *rewriteTransport) {
	c, rt := s.client(ctx)
	return contentapi.NewApiServiceWithClient(c), rt
}

// client is the twilio-go client under api and content.
func (s *TwilioSender) client(ctx context.Context) (*client.Client, *rewriteTransport) {
	rt := &rewriteTransport{ctx: ctx, target: s.target, next: s.transport}
	c := &client.Client{
		Credentials: s.creds,
		HTTPClient: &http.Client{
			Transport: rt,
			Timeout:   s.cfg.Timeout,
			// As twilio-go's default client: never follow redirects.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	// ClientParams' AccountSid is ignored once a Client is given: set it here.
	c.SetAccountSid(s.cfg.AccountSID)
	return c, rt
}

// rewriteTransport sends each request under ctx, to target's scheme, host and
// path prefix when target is set, and records the reply's status code.
type rewriteTransport struct {
	ctx    context.Context
	target *url.URL
	next   http.RoundTripper
	status atomic.Int32
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(t.ctx)
	if t.target != nil {
		r.URL.Scheme = t.target.Scheme
		r.URL.Host = t.target.Host
		r.URL.Path = t.target.Path + r.URL.Path
		r.URL.RawPath = ""
		r.Host = ""
	}
	resp, err := t.next.RoundTrip(r)
	if resp != nil {
		t.status.Store(int32(resp.StatusCode))
	}
	return resp, err
}

func (t *rewriteTransport) lastStatus() int { return int(t.status.Load()) }

// CheckAccount fetches the configured account once, so that wrong
// credentials or an unreachable Twilio show at start rather than as messages
// that wait for ever. It returns the error's Twilio code, 0 when none.
func (s *TwilioSender) CheckAccount(ctx context.Context) (int, error) {
	api, rt := s.api(ctx)
	_, err := api.FetchAccount(s.cfg.AccountSID)
	if err == nil {
		return 0, nil
	}
	e, _ := describe("fetch account", err, rt.lastStatus())
	return e.code, e
}
