package twiliofake

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Signature computes X-Twilio-Signature as Twilio does for a form POST: HMAC-SHA1,
// keyed with the auth token, over the full URL followed by each parameter's name
// and value in sorted name order (a repeated name once for each of its values,
// in order), base64-encoded.
func Signature(authToken, fullURL string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		for _, v := range params[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// RouteCallbacks makes status callbacks whose URL starts with publicBaseURL go
// to actualBaseURL plus the rest of the URL, while still being signed over the
// original public URL, as Twilio would sign a request reaching a service behind
// a proxy. Later routes do not replace earlier ones with the same prefix.
func (s *Server) RouteCallbacks(publicBaseURL, actualBaseURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes = append(s.routes, [2]string{publicBaseURL, actualBaseURL})
}

func (s *Server) route(callbackURL string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.routes {
		if rest, ok := strings.CutPrefix(callbackURL, r[0]); ok {
			return r[1] + rest
		}
	}
	return callbackURL
}

// SendStatus moves message sid to status (recording errorCode when non-zero) and,
// when the message has a StatusCallback, POSTs Twilio's status callback to it,
// signed over that URL. Statuses sent, delivered, undelivered and read set
// date_sent if it was unset. It fails when the webhook answers other than 2xx.
func (s *Server) SendStatus(ctx context.Context, sid, status string, errorCode int) error {
	m, ok := s.setStatus(sid, status, errorCode)
	if !ok {
		return fmt.Errorf("twiliofake: send status: no message %s", sid)
	}
	if m.StatusCallback == "" {
		return nil
	}
	form := url.Values{
		"MessageSid":    {m.SID},
		"MessageStatus": {status},
		"SmsSid":        {m.SID},
		"SmsStatus":     {status},
		"To":            {m.To},
		"From":          {m.From},
		"AccountSid":    {m.AccountSID},
		"ApiVersion":    {apiVersion},
	}
	if errorCode != 0 {
		form.Set("ErrorCode", strconv.Itoa(errorCode))
	}
	return s.post(ctx, s.route(m.StatusCallback), m.StatusCallback, form)
}

func (s *Server) setStatus(sid, status string, errorCode int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.msgs {
		if m.SID != sid {
			continue
		}
		now := time.Now().UTC().Truncate(time.Second)
		m.Status, m.DateUpdated = status, now
		if errorCode != 0 {
			m.ErrorCode = errorCode
		}
		switch status {
		case "sent", "delivered", "undelivered", "read":
			if m.DateSent.IsZero() {
				m.DateSent = now
			}
		}
		return *m, true
	}
	return Message{}, false
}

// SendInbound POSTs an inbound message webhook to targetURL, signed over signURL
// (targetURL when empty). For a "whatsapp:" sender it adds WaId and ProfileName.
// The inbound message is not stored.
func (s *Server) SendInbound(ctx context.Context, targetURL, signURL, from, to, body string) error {
	return s.SendInboundWith(ctx, targetURL, signURL, from, to, body, nil)
}

// SendInboundWith is SendInbound with more fields, set over the usual ones:
// a quick-reply button (ButtonText, ButtonPayload, OriginalRepliedMessageSid)
// or media (NumMedia, MediaContentType0, MediaUrl0 …).
func (s *Server) SendInboundWith(ctx context.Context, targetURL, signURL, from, to, body string, extra url.Values) error {
	sid := newSID("SM")
	form := url.Values{
		"From":          {from},
		"To":            {to},
		"Body":          {body},
		"MessageSid":    {sid},
		"SmsMessageSid": {sid},
		"SmsSid":        {sid},
		"SmsStatus":     {"received"},
		"AccountSid":    {s.accountSID},
		"NumMedia":      {"0"},
		"NumSegments":   {"1"},
		"ApiVersion":    {apiVersion},
	}
	if number, ok := strings.CutPrefix(from, "whatsapp:"); ok {
		form.Set("WaId", strings.TrimPrefix(number, "+"))
		form.Set("ProfileName", "Test Client")
	}
	for k, vs := range extra {
		form[k] = vs
	}
	if signURL == "" {
		signURL = targetURL
	}
	return s.post(ctx, targetURL, signURL, form)
}

func loopback(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// webhookClient posts callbacks; ctx bounds each call, the timeout is a backstop.
var webhookClient = &http.Client{Timeout: 30 * time.Second}

// post sends a signed webhook. Only this machine is reached: a test that posts
// to a public callback URL must route it with RouteCallbacks.
func (s *Server) post(ctx context.Context, target, signURL string, form url.Values) error {
	if !loopback(target) {
		return errors.New("twiliofake: webhook target is not on this machine; route it with RouteCallbacks")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("twiliofake: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", Signature(s.authToken, signURL, form))
	req.Header.Set("I-Twilio-Idempotency-Token", newSID(""))
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	resp, err := webhookClient.Do(req)
	if err != nil {
		return fmt.Errorf("twiliofake: webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("twiliofake: webhook answered %d", resp.StatusCode)
	}
	return nil
}
