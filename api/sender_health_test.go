package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/notify/twiliofake"
)

// TestWrongTwilioCredentialsSeen: with an auth token Twilio refuses, the
// start-up check logs an error, /readyz stays ready but reports the sender
// degraded, the metric says unhealthy, and a message that cannot be sent is
// logged at ERROR with Twilio's code; a good token reports ok.
func TestWrongTwilioCredentialsSeen(t *testing.T) {
	e := newEnvWith(t, apptest.Options{Twilio: true, Start: true,
		Config: func(c *app.Config) { c.Twilio.AuthToken = "0000000000000000000000000000000f" }})
	ready := e.do("GET", "/readyz", "", nil).must(t, 200).json(t)
	sender, _ := ready["sender"].(map[string]any)
	if sender["state"] != "degraded" || sender["error_code"] != float64(20003) {
		t.Fatalf("/readyz with refused credentials: %v", ready)
	}
	if !strings.Contains(e.logs.String(), `"level":"ERROR","msg":"Twilio account check failed`) {
		t.Fatalf("no error logged at start: %s", e.logs.String())
	}
	if m := e.do("GET", "/metrics", "", nil).must(t, 200); !strings.Contains(string(m.Body), "afspraak_sender_healthy 0") {
		t.Fatal("the metric does not say sending is unhealthy")
	}
	_, tok := e.user("w", "worker", "A")
	cid := newClient(t, e, tok, nil)
	sid := num(plan(t, e, tok, cid, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": "Bellen"}).must(t, 201)
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), tok, map[string]any{"send_summary": true}).must(t, 200)
	waitFor(t, "the send failure logged", func() bool {
		return strings.Contains(e.logs.String(), `"msg":"Twilio refused the account's credentials; messages wait until they are fixed"`)
	})

	good := newEnvWith(t, apptest.Options{Twilio: true, Start: true})
	ready = good.do("GET", "/readyz", "", nil).must(t, 200).json(t)
	if s, _ := ready["sender"].(map[string]any); s["state"] != "ok" {
		t.Fatalf("/readyz with good credentials: %v", ready)
	}
	dry := newTestEnv(t, "sqlite")
	if s, _ := dry.do("GET", "/readyz", "", nil).must(t, 200).json(t)["sender"].(map[string]any); s["state"] != "dry_run" {
		t.Fatalf("/readyz in dry run: %v", s)
	}
}

// TestTwilioDownDegrades: three sends in a row that Twilio answers with 5xx
// make the sender degraded (logged at WARN); a retry that gets through makes
// it ok again.
func TestTwilioDownDegrades(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	m.fake.FailNext(3, twiliofake.APIError(503, 0))
	cid := newClient(t, m.testEnv, m.tok, nil)
	for range 3 {
		m.completeWith(t, cid, "", "x")
	}
	waitFor(t, "degraded", func() bool { return m.App.SenderStatus().State == "degraded" })
	if !strings.Contains(m.logs.String(), `"level":"WARN","msg":"message not taken by the provider; it is retried"`) {
		t.Fatal("the failures are not logged at WARN")
	}
	waitFor(t, "ok again", func() bool { return m.App.SenderStatus().State == "ok" })
}
