package api

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"

	"afspraak/models"
	"afspraak/notify"
	"afspraak/notify/twiliofake"
)

const (
	fakeSID     = "AC0123456789abcdef0123456789abcdef"
	fakeToken   = "0123456789abcdef0123456789abcdef"
	publicBase  = "https://afspraak.example.org"
	clientPhone = "+31612345678"
)

// msgEnv is a server with the whole messaging pipeline: a River queue on the
// test database and the real twilio-go client against a fake Twilio.
type msgEnv struct {
	*testEnv
	fake *twiliofake.Server
	base string
	disp *notify.Dispatcher
	tok  string
}

type msgOpts struct {
	dryRun    bool
	now       func() time.Time // contact-hours clock
	offsets   []time.Duration
	hoursDays []string
}

func newMsgEnv(t *testing.T, driver string, o msgOpts) *msgEnv {
	t.Helper()
	t.Setenv("TWILIO_EDGE", "")
	t.Setenv("TWILIO_REGION", "")
	e := newTestEnv(t, driver)
	sqlDB, _ := e.store.DB.DB()
	days := o.hoursDays
	if days == nil {
		days = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	}
	hours, err := notify.NewContactHours("Europe/Amsterdam", days, "00:00", "24:00")
	if err != nil {
		t.Fatal(err)
	}
	if o.hoursDays != nil {
		hours, _ = notify.NewContactHours("Europe/Amsterdam", days, "08:00", "20:00")
	}
	m := &msgEnv{testEnv: e, fake: twiliofake.New(fakeSID, fakeToken)}
	t.Cleanup(m.fake.Close)
	logger := slog.New(slog.NewJSONHandler(e.logs, nil))
	m.disp = &notify.Dispatcher{Store: e.store, Composer: notify.Composer{Hours: hours, CrisisNumber: "113"},
		PublicBaseURL: publicBase, Logger: logger, Now: o.now, ReminderOffsets: o.offsets, NoShowGrace: 15 * time.Minute,
		RetentionDays: 90}
	if o.dryRun {
		m.disp.Sender = notify.DryRunSender{Logger: logger}
	} else {
		ts, err := notify.NewTwilioSender(notify.TwilioConfig{AccountSID: fakeSID, AuthToken: fakeToken,
			APIBaseURL: m.fake.URL(), SMSFrom: "+3197010000000", WhatsAppFrom: "+14155238886", Timeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		m.disp.Sender, m.disp.Finder = ts, ts
	}
	q, err := notify.NewQueue(sqlDB, notify.QueueConfig{Driver: driver, Workers: m.disp.Workers(), Logger: logger,
		JobTimeout: 5 * time.Second, RescueAfter: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	m.disp.Queue = q
	e.store.OnSessionPlanned = m.disp.ScheduleRemindersTx
	v := client.NewRequestValidator(fakeToken)
	e.srv.Notifier, e.srv.Validator, e.srv.PublicBaseURL, e.srv.Composer = m.disp, &v, publicBase, m.disp.Composer
	m.base = e.listen()
	m.fake.RouteCallbacks(publicBase, m.base)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Stop(ctx)
	})
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
