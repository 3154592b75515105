package api

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/notify/twiliofake"
)

// newFuzzEnv is newTestEnv for a fuzz target: the server and its database
// live for the whole run of one fuzzing process (newTestEnv needs a
// *testing.T, which a testing.F is not), and each input borrows them with its
// own t through withT.
func newFuzzEnv(f *testing.F) *testEnv {
	f.Helper()
	// Twilio is configured (webhooks are signature-checked) but no job runs;
	// the log is discarded: an access log line per input would grow without
	// bound.
	return newEnvWith(f, apptest.Options{Twilio: true, DiscardLogs: true,
		Config: func(c *app.Config) { c.Sessions.RiskSignals = []string{"evasive", "under_influence"} }})
}

// withT returns the environment for one fuzz input.
func (e *testEnv) withT(t *testing.T) *testEnv {
	c := *e
	c.t = t
	return &c
}

// FuzzWriteBodies sends any body to every JSON write endpoint: the answer is
// never a 5xx, every 4xx is problem+json, and a 4xx writes nothing.
func FuzzWriteBodies(f *testing.F) {
	base := newFuzzEnv(f)
	seedFixture := &writeFixture{client: 1}
	for i, op := range writeOps {
		f.Add(uint8(i), encode(op.body(seedFixture)))
	}
	for i, body := range []string{`{"name":`, "{\"text\":\"a\xffb\"}", `{"text":"a\u0000b"}`, `{"minutes":1e309}`,
		`{"client_id":-1}`, `{"title":"{{.}}"}`, `[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]`, `{"consent":{"sms":"yes"}}`,
		`{"items":[{"title":"'; DROP TABLE clients; --","minutes":99999999999999999999}]}`, `null`, ``} {
		for _, op := range []int{i, i + 4, 8} { // 8: create agreement
			f.Add(uint8(op), []byte(body))
		}
	}
	var fx *writeFixture
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		e := base.withT(t)
		if fx == nil {
			fx = newWriteFixture(t, e)
		}
		op := writeOps[int(opIndex)%len(writeOps)]
		before := e.RowCounts(t)
		r := e.do(op.method, op.path(fx), op.token(fx), body)
		checkAnswer(t, op.name, r)
		switch {
		case r.Status < 300 && !utf8.Valid(body):
			t.Fatalf("%s: a body that is not UTF-8 was accepted: %s", op.name, r.Body)
		case r.Status >= 400:
			if after := e.RowCounts(t); !maps.Equal(before, after) {
				t.Fatalf("%s: status %d but rows changed: %v → %v", op.name, r.Status, before, after)
			}
		case closingOps[op.name]:
			fx.refresh(t, e)
		}
	})
}

// webhookFixture is a client with a queued summary message, so that status
// callbacks and replies have something to change.
type webhookFixture struct {
	message int64
}

func newWebhookFixture(t *testing.T, e *testEnv) webhookFixture {
	t.Helper()
	_, tok := e.user("worker", "worker", "A")
	cid := newClient(t, e, tok, nil)
	sid := num(plan(t, e, tok, cid, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": "Bellen"}).must(t, 201)
	done := e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), tok, map[string]any{"send_summary": true}).must(t, 200).json(t)
	return webhookFixture{message: summaryID(t, done)}
}

// FuzzTwilioWebhook posts any form with any signature to both webhooks: only
// the signature Twilio would compute over the public URL and the form is
// accepted; anything else is a 403 problem that changes nothing.
func FuzzTwilioWebhook(f *testing.F) {
	base := newFuzzEnv(f)
	status := "MessageSid=SM0123&MessageStatus=delivered"
	reply := "MessageSid=SM4567&From=whatsapp%3A%2B31612345678&Body=AKKOORD"
	for _, s := range []struct {
		inbound bool
		id      string
		body    string
		sig     string
		sign    bool
	}{
		{false, "1", status, "", true},
		{false, "1", "MessageSid=SM0123&MessageStatus=failed&ErrorCode=63016", "", true},
		{false, "1", status, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", false},
		{false, "-1", status, "", true},
		{false, "1", "%zz", "", true},
		{true, "", reply, "", true},
		{true, "", "MessageSid=SM4568&From=%2B31612345678&Body=STOP", "", true},
		{true, "", reply, "not base64 at all", false},
		{true, "", reply + "&Body=STOP", "", true},
		{true, "", "MessageSid=SM4569&From=whatsapp%3A&Body=%00%FF", "", true},
	} {
		f.Add(s.inbound, s.id, []byte(s.body), s.sig, s.sign)
	}
	var fx *webhookFixture
	f.Fuzz(func(t *testing.T, inbound bool, messageID string, body []byte, sig string, sign bool) {
		if strings.ContainsFunc(sig, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Skip("not a header value: the HTTP parser refuses it before the app sees it")
		}
		e := base.withT(t)
		if fx == nil {
			w := newWebhookFixture(t, e)
			fx = &w
		}
		path := "/webhooks/twilio/inbound"
		if !inbound {
			path = "/webhooks/twilio/status?" + url.Values{"message_id": {messageID}}.Encode()
		}
		correct := ""
		if form, err := url.ParseQuery(string(body)); err == nil {
			correct = twiliofake.Signature(apptest.FakeToken, publicBase+path, form)
		}
		if sign {
			sig = correct
		}
		before, mutable := e.RowCounts(t), e.Dump(t, "messages", "clients", "agreements")
		r := postSigned(t, e, path, body, sig)
		checkAnswer(t, path, r)
		if sig != "" && sig == correct {
			if r.Status == 403 {
				t.Fatalf("a correctly signed request was refused: %s", r.Body)
			}
			return
		}
		if r.Status != 403 {
			t.Fatalf("signature %q: status %d, want 403: %s", sig, r.Status, r.Body)
		}
		if !maps.Equal(before, e.RowCounts(t)) || mutable != e.Dump(t, "messages", "clients", "agreements") {
			t.Fatal("a refused callback changed the database")
		}
	})
}

// postSigned posts a form to a webhook as Twilio would.
func postSigned(t *testing.T, e *testEnv, path string, body []byte, sig string) response {
	t.Helper()
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Body: data}
}
