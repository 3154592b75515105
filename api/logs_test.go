package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"afspraak/notify/twiliofake"
)

// TestLogsHoldNoPersonalData runs a whole day's scenario — sign-in failures,
// a client, a session, agreements, a summary with a failure and an SMS
// fallback, callbacks, replies — and greps everything logged for what it used.
func TestLogsHoldNoPersonalData(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	secrets := []string{m.tok, "Wilhelmina Geheimnaam", "+31612345678", "0612345678", "612345678",
		"Meld je dinsdag bij het UWV", "Ik heb hoofdpijn en blijf thuis", "Notitie over het gesprek"}
	cid := m.do("POST", "/api/v1/clients", m.tok, map[string]any{"name": "Wilhelmina Geheimnaam", "phone": "06 12345678",
		"consent": map[string]any{"whatsapp": true, "sms": true}}).must(t, 201).id(t)
	m.do("GET", "/api/v1/me", "afs_not_a_real_token_but_a_secret", nil).must(t, 401)
	secrets = append(secrets, "afs_not_a_real_token_but_a_secret")
	m.fake.FailNext(1, twiliofake.APIError(400, 63016))
	sid := num(plan(t, m.testEnv, m.tok, cid, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), m.tok, map[string]any{"text": "Meld je dinsdag bij het UWV"}).must(t, 201)
	m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), m.tok, map[string]any{"send_summary": true,
		"notes": "Notitie over het gesprek"}).must(t, 200)
	waitFor(t, "the SMS fallback", func() bool { return len(m.fake.MessagesTo("+31612345678")) == 1 })
	sms := m.fake.MessagesTo("+31612345678")[0]
	for _, st := range []string{"sent", "delivered"} {
		if err := m.fake.SendStatus(context.Background(), sms.SID, st, 0); err != nil {
			t.Fatal(err)
		}
	}
	m.inbound(t, "+31612345678", "Ik heb hoofdpijn en blijf thuis")
	m.inbound(t, "+31612345678", "AKKOORD")
	logs := m.logs.String()
	if !strings.Contains(logs, "message handed to provider") {
		t.Fatal("the scenario logged nothing about sending; the check below would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains %q", s)
		}
	}
}
