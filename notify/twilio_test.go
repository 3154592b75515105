package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"afspraak/notify/twiliofake"
)

const (
	fakeSID    = "AC0123456789abcdef0123456789abcdef"
	fakeToken  = "0123456789abcdef0123456789abcdef"
	clientNum  = "+31612345678"
	smsFrom    = "+3197010000000"
	waFrom     = "+14155238886"
	publicURL  = "https://afspraak.example.org"
	callbackOK = publicURL + "/webhooks/twilio/status?message_id=42"
)

// newFakeTwilio starts a fake Twilio and a TwilioSender configured for it.
func newFakeTwilio(t *testing.T, timeout time.Duration) (*twiliofake.Server, *TwilioSender) {
	t.Helper()
	t.Setenv("TWILIO_EDGE", "")
	t.Setenv("TWILIO_REGION", "")
	fake := twiliofake.New(fakeSID, fakeToken)
	t.Cleanup(fake.Close)
	s, err := NewTwilioSender(TwilioConfig{
		AccountSID: fakeSID, AuthToken: fakeToken, APIBaseURL: fake.URL(),
		SMSFrom: smsFrom, WhatsAppFrom: waFrom, Timeout: timeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Status callbacks to the public URL go to a local receiver that accepts them.
	receiver := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(receiver.Close)
	fake.RouteCallbacks(publicURL, receiver.URL)
	return fake, s
}

func smsMessage(body string) OutboundMessage {
	return OutboundMessage{ID: 42, Channel: ChannelSMS, To: clientNum, Body: body, StatusCallback: callbackOK}
}

func TestTwilioSenderSendSMS(t *testing.T) {
	fake, s := newFakeTwilio(t, time.Second)
	body := strings.Repeat("Afspraak om 10:00. ", 10) // 190 GSM-7 characters: 2 segments
	res, err := s.Send(t.Context(), smsMessage(body))
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	got := fake.MessagesTo(clientNum)
	if len(got) != 1 {
		t.Fatalf("fake holds %d messages, want 1", len(got))
	}
	m := got[0]
	if res.SID != m.SID || res.Status != "queued" || res.NumSegments != 2 {
		t.Errorf("result = %+v, fake sid %s", res, m.SID)
	}
	if m.From != smsFrom || m.Body != body || m.StatusCallback != callbackOK || m.Params.Has("ContentSid") {
		t.Errorf("stored = %+v", m)
	}
}

func TestTwilioSenderSendWhatsAppContent(t *testing.T) {
	fake, s := newFakeTwilio(t, time.Second)
	vars := map[string]string{"1": "Sam", "2": "Bel de reclassering\nvoor 17:00"}
	m := OutboundMessage{ID: 7, Channel: ChannelWhatsApp, To: clientNum, ContentSID: "HX0123", ContentVariables: vars, StatusCallback: callbackOK}
	res, err := s.Send(t.Context(), m)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	got := fake.MessagesTo("whatsapp:" + clientNum)
	if len(got) != 1 || got[0].SID != res.SID {
		t.Fatalf("fake holds %+v", got)
	}
	sent := got[0]
	if sent.From != "whatsapp:"+waFrom || sent.ContentSID != "HX0123" || sent.Params.Has("Body") {
		t.Errorf("stored = %+v", sent)
	}
	if strings.ContainsAny(sent.ContentVariables, "\r\n") {
		t.Errorf("ContentVariables is not one line: %q", sent.ContentVariables)
	}
	var decoded map[string]string
	if err := json.Unmarshal([]byte(sent.ContentVariables), &decoded); err != nil || decoded["2"] != vars["2"] || len(decoded) != 2 {
		t.Errorf("ContentVariables = %q (%v)", sent.ContentVariables, err)
	}
}

func TestTwilioSenderErrorClasses(t *testing.T) {
	cases := []struct {
		name  string
		fault twiliofake.Fault
		class ErrorClass
		code  int
	}{
		{"invalid number", twiliofake.APIError(400, 21211), ErrPermanent, 21211},
		{"opted out", twiliofake.APIError(400, 21610), ErrPermanent, 21610},
		{"outside whatsapp window", twiliofake.APIError(400, 63016), ErrNoWhatsApp, 63016},
		{"not on whatsapp", twiliofake.APIError(400, 63003), ErrNoWhatsApp, 63003},
		{"rate limited", twiliofake.APIError(429, 20429), ErrRetry, 20429},
		{"429 unknown code", twiliofake.APIError(429, 99999), ErrRetry, 99999},
		{"json 503", twiliofake.APIError(503, 20503), ErrAmbiguous, 20503},
		{"unknown 4xx", twiliofake.APIError(400, 21999), ErrPermanent, 21999},
		{"500 not json", twiliofake.NonJSON(500), ErrAmbiguous, 0},
		{"429 not json", twiliofake.NonJSON(429), ErrRetry, 0},
		{"201 not json", twiliofake.Fault{Status: 201, RawBody: "<ok/>"}, ErrAmbiguous, 0},
		{"timeout", twiliofake.Slow(2 * time.Second), ErrAmbiguous, 0},
		{"accept then drop", twiliofake.AcceptThenDrop(), ErrAmbiguous, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, s := newFakeTwilio(t, 300*time.Millisecond)
			fake.FailNext(1, tc.fault)
			_, err := s.Send(t.Context(), smsMessage("Hallo"))
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *SendError", err)
			}
			if se.Class != tc.class || se.Code != tc.code {
				t.Errorf("class %d code %d, want class %d code %d (%v)", se.Class, se.Code, tc.class, tc.code, err)
			}
			if msg := err.Error(); strings.Contains(msg, "5678") || !strings.HasPrefix(msg, "notify: ") {
				t.Errorf("error text %q leaks the number or lacks the prefix", msg)
			}
		})
	}
}

func TestTwilioSenderRejectedCredentials(t *testing.T) {
	fake, _ := newFakeTwilio(t, time.Second)
	s, err := NewTwilioSender(TwilioConfig{
		AccountSID: fakeSID, AuthToken: "ffffffffffffffffffffffffffffffff", APIBaseURL: fake.URL(), SMSFrom: smsFrom,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(t.Context(), smsMessage("Hallo"))
	var se *SendError
	if !errors.As(err, &se) || se.Class != ErrPermanent || se.Code != 20003 {
		t.Fatalf("err = %v, want permanent 20003", err)
	}
}

func TestTwilioSenderInvalidMessages(t *testing.T) {
	fake, s := newFakeTwilio(t, time.Second)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	cases := []struct {
		name  string
		ctx   context.Context
		m     OutboundMessage
		class ErrorClass
	}{
		{"unknown channel", t.Context(), OutboundMessage{Channel: "pigeon", To: clientNum, Body: "x"}, ErrPermanent},
		{"no recipient", t.Context(), OutboundMessage{Channel: ChannelSMS, Body: "x"}, ErrPermanent},
		{"no body nor template", t.Context(), OutboundMessage{Channel: ChannelSMS, To: clientNum}, ErrPermanent},
		{"cancelled before sending", cancelled, smsMessage("x"), ErrRetry},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Send(tc.ctx, tc.m)
			var se *SendError
			if !errors.As(err, &se) || se.Class != tc.class {
				t.Errorf("err = %v, want class %d", err, tc.class)
			}
		})
	}
	if n := len(fake.Messages()); n != 0 {
		t.Errorf("%d messages reached Twilio", n)
	}
}

func TestNewTwilioSenderValidation(t *testing.T) {
	ok := TwilioConfig{AccountSID: fakeSID, AuthToken: fakeToken, SMSFrom: smsFrom}
	cases := []struct {
		name   string
		change func(*TwilioConfig)
		valid  bool
	}{
		{"defaults", func(*TwilioConfig) {}, true},
		{"no account sid", func(c *TwilioConfig) { c.AccountSID = "" }, false},
		{"token with symbols", func(c *TwilioConfig) { c.AuthToken = "abc-123" }, false},
		{"no sender number", func(c *TwilioConfig) { c.SMSFrom = "" }, false},
		{"base url without scheme", func(c *TwilioConfig) { c.APIBaseURL = "127.0.0.1:8080" }, false},
		{"ftp base url", func(c *TwilioConfig) { c.APIBaseURL = "ftp://example.org" }, false},
		{"local base url", func(c *TwilioConfig) { c.APIBaseURL = "http://127.0.0.1:8080/" }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.change(&cfg)
			s, err := NewTwilioSender(cfg)
			if (err == nil) != tc.valid {
				t.Fatalf("err = %v, want valid=%v", err, tc.valid)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "notify: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if s != nil && s.cfg.Timeout != defaultTwilioTimeout {
				t.Errorf("timeout = %v, want the default", s.cfg.Timeout)
			}
		})
	}
}

func TestClassifyCode(t *testing.T) {
	cases := []struct {
		name string
		code int
		want ErrorClass
	}{
		{"not on whatsapp", 63003, ErrNoWhatsApp},
		{"invalid whatsapp recipient", 63024, ErrNoWhatsApp},
		{"outside window", 63016, ErrNoWhatsApp},
		{"invalid number", 21211, ErrPermanent},
		{"opted out", 21610, ErrPermanent},
		{"not mobile", 21614, ErrPermanent},
		{"blocked", 63014, ErrPermanent},
		{"whatsapp rate limit", 63018, ErrRetry},
		{"too many requests", 20429, ErrRetry},
		{"carrier unreachable", 30003, ErrPermanent},
		{"unknown", 12345, ErrPermanent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ClassifyCode(tc.code); got != tc.want {
				t.Errorf("ClassifyCode(%d) = %d, want %d", tc.code, got, tc.want)
			}
		})
	}
}
