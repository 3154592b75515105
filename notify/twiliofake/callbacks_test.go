package twiliofake_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/twilio/twilio-go/client"

	"afspraak/notify/twiliofake"
)

// receiver records webhook posts and validates their signature over signBase +
// the request's path and query, as an app behind a proxy would.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	forms []url.Values
	valid []bool
}

func newReceiver(t *testing.T, signBase string, status int) *receiver {
	t.Helper()
	rv := &receiver{}
	validator := client.NewRequestValidator(testToken)
	rv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		ok := validator.ValidateBody(signBase+r.URL.RequestURI(), body, r.Header.Get("X-Twilio-Signature"))
		rv.mu.Lock()
		rv.forms, rv.valid = append(rv.forms, form), append(rv.valid, ok)
		rv.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rv.Close)
	return rv
}

func (rv *receiver) only(t *testing.T) url.Values {
	t.Helper()
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if len(rv.forms) != 1 {
		t.Fatalf("received %d posts, want 1", len(rv.forms))
	}
	if !rv.valid[0] {
		t.Error("signature does not validate with client.NewRequestValidator")
	}
	return rv.forms[0]
}

func TestSendStatusSignedOverPublicURL(t *testing.T) {
	const public = "https://afspraak.example.org"
	s := start(t)
	rv := newReceiver(t, public, http.StatusOK)
	s.RouteCallbacks(public, rv.URL)
	p := smsParams(clientTo, "x").SetStatusCallback(public + "/webhooks/twilio/status?message_id=7")
	msg, err := api(t, s, testToken).CreateMessage(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendStatus(t.Context(), *msg.Sid, "undelivered", 30003); err != nil {
		t.Fatalf("send status: %v", err)
	}
	form := rv.only(t)
	want := map[string]string{
		"MessageSid": *msg.Sid, "MessageStatus": "undelivered", "ErrorCode": "30003",
		"To": clientTo, "From": ourFrom, "AccountSid": testSID, "SmsSid": *msg.Sid, "SmsStatus": "undelivered",
	}
	for k, v := range want {
		if got := form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	stored := s.Messages()[0]
	if stored.Status != "undelivered" || stored.ErrorCode != 30003 || stored.DateSent.IsZero() {
		t.Errorf("stored after status: %+v", stored)
	}
}

func TestSendStatusWithoutCallbackOrWithFailingWebhook(t *testing.T) {
	s := start(t)
	a := api(t, s, testToken)
	plain, err := a.CreateMessage(smsParams(clientTo, "x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendStatus(t.Context(), *plain.Sid, "sent", 0); err != nil {
		t.Errorf("no callback url: %v", err)
	}
	if err := s.SendStatus(t.Context(), "SMnope", "sent", 0); err == nil {
		t.Error("unknown sid: no error")
	}
	remote, err := a.CreateMessage(smsParams(clientTo, "z").SetStatusCallback("https://example.org/status"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendStatus(t.Context(), *remote.Sid, "sent", 0); err == nil {
		t.Error("unrouted public callback url: no error")
	}
	rv := newReceiver(t, "", http.StatusForbidden)
	cb, err := a.CreateMessage(smsParams(clientTo, "y").SetStatusCallback(rv.URL + "/status"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendStatus(t.Context(), *cb.Sid, "delivered", 0); err == nil {
		t.Error("webhook answering 403: no error")
	}
}

func TestSendInbound(t *testing.T) {
	cases := []struct {
		name, from string
		wantWaID   string
	}{
		{"sms", clientTo, ""},
		{"whatsapp", "whatsapp:" + clientTo, "31612345678"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const public = "https://afspraak.example.org"
			s := start(t)
			rv := newReceiver(t, public, http.StatusNoContent)
			err := s.SendInbound(t.Context(), rv.URL+"/webhooks/twilio/inbound", public+"/webhooks/twilio/inbound", tc.from, ourFrom, "AKKOORD")
			if err != nil {
				t.Fatal(err)
			}
			form := rv.only(t)
			if form.Get("From") != tc.from || form.Get("Body") != "AKKOORD" || form.Get("NumMedia") != "0" ||
				form.Get("AccountSid") != testSID || form.Get("MessageSid") == "" || form.Get("WaId") != tc.wantWaID {
				t.Errorf("form = %v", form)
			}
			if (form.Get("ProfileName") != "") != (tc.wantWaID != "") {
				t.Errorf("ProfileName = %q", form.Get("ProfileName"))
			}
		})
	}
}

// TestSignatureTestVector checks Signature against Twilio's published example.
func TestSignatureTestVector(t *testing.T) {
	const (
		token = "12345"
		u     = "https://mycompany.com/myapp.php?foo=1&bar=2"
		want  = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
	)
	params := url.Values{
		"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"},
	}
	if got := twiliofake.Signature(token, u, params); got != want {
		t.Errorf("Signature = %q, want %q", got, want)
	}
	flat := map[string]string{}
	for k := range params {
		flat[k] = params.Get(k)
	}
	v := client.NewRequestValidator(token)
	if !v.Validate(u, flat, want) {
		t.Error("twilio-go's validator rejects the test vector")
	}
	if v.Validate(u+"&x=1", flat, twiliofake.Signature(token, u, params)) {
		t.Error("signature over another URL validates")
	}
}
