package api

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/models"
	"afspraak/notify"
	"afspraak/notify/twiliofake"
)

const (
	publicBase  = apptest.PublicBase
	clientPhone = "+31612345678"
)

// msgEnv is a server with the whole messaging pipeline running: a River queue
// on the test database and the real twilio-go client against a fake Twilio
// (or the dry-run sender).
type msgEnv struct {
	*testEnv
	fake *twiliofake.Server
	base string
	disp *notify.Dispatcher
	tok  string
}

type msgOpts struct {
	dryRun    bool
	now       func() time.Time // the service's clock
	offsets   []time.Duration  // reminders; none by default
	hoursDays []string         // contact hours 08:00-20:00 on these days; default around the clock
	// numberCheck turns the number check on; config adjusts the config last.
	numberCheck bool
	config      func(*app.Config)
}

func newMsgEnv(t *testing.T, driver string, o msgOpts) *msgEnv {
	t.Helper()
	opts := apptest.Options{Driver: driver, Twilio: !o.dryRun, Start: true, NumberCheck: o.numberCheck,
		Config: func(c *app.Config) {
			c.Notify.ReminderOffsets = o.offsets
			if o.config != nil {
				o.config(c)
			}
		}}
	if o.hoursDays != nil {
		opts.Hours = &app.ContactHoursConfig{Timezone: "Europe/Amsterdam", Days: o.hoursDays, Start: "08:00", End: "20:00"}
	}
	e := newEnvWith(t, opts)
	if o.now != nil {
		e.Clock.Set(o.now)
	}
	m := &msgEnv{testEnv: e, fake: e.Fake, disp: e.App.Dispatcher}
	if o.dryRun { // a fake nothing talks to, to prove that nothing reached it
		m.fake = twiliofake.New(apptest.FakeSID, apptest.FakeToken)
		t.Cleanup(m.fake.Close)
	}
	m.base = e.listen()
	_, m.tok = e.user("worker", "worker", "A")
	return m
}

// completeWith plans, holds and completes a session for client with agreements.
func (m *msgEnv) completeWith(t *testing.T, clientID int64, key string, agreements ...string) map[string]any {
	t.Helper()
	sid := num(plan(t, m.testEnv, m.tok, clientID, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	for _, a := range agreements {
		m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), m.tok, map[string]any{"text": a}).must(t, 201)
	}
	req := m.request("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), map[string]any{"send_summary": true}, key)
	return req.must(t, 200).json(t)
}

func (m *msgEnv) request(method, path string, body any, idemKey string) response {
	m.t.Helper()
	if idemKey == "" {
		return m.do(method, path, m.tok, body)
	}
	return m.doHeader(method, path, m.tok, body, map[string]string{"Idempotency-Key": idemKey})
}

// message reads a stored message.
func (m *msgEnv) message(t *testing.T, id int64) models.Message {
	t.Helper()
	msg, err := m.store.FindMessage(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// waitFor polls cond for up to 15 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// inbound posts a signed inbound message as Twilio would.
func (m *msgEnv) inbound(t *testing.T, from, body string) {
	t.Helper()
	if err := m.fake.SendInbound(context.Background(), m.base+"/webhooks/twilio/inbound", publicBase+"/webhooks/twilio/inbound",
		from, "whatsapp:+14155238886", body); err != nil {
		t.Fatal(err)
	}
}

// inboundWith posts a signed inbound message with more fields (a button, media).
func (m *msgEnv) inboundWith(t *testing.T, from, body string, extra url.Values) {
	t.Helper()
	if err := m.fake.SendInboundWith(context.Background(), m.base+"/webhooks/twilio/inbound", publicBase+"/webhooks/twilio/inbound",
		from, "whatsapp:+14155238886", body, extra); err != nil {
		t.Fatal(err)
	}
}

// summaryID returns the summary message id of a completion answer.
func summaryID(t *testing.T, done map[string]any) int64 {
	t.Helper()
	sm := done["summary_message"].(map[string]any)
	id, ok := sm["id"].(float64)
	if !ok {
		t.Fatalf("no summary message: %v", sm)
	}
	return int64(id)
}
