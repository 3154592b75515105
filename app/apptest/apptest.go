// Package apptest builds the service for tests the way serve builds it
// (app.Open), on a fresh SQLite file or PostgreSQL schema, with the dry-run
// sender or the real twilio-go client against a fake Twilio on loopback. It
// is the one test set-up of the API, web and workflow tests.
package apptest

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/app"
	"afspraak/models"
	"afspraak/models/modelstest"
	"afspraak/notify/twiliofake"
)

// Fake Twilio credentials (twilio-go wants them alphanumeric) and the public
// URL webhooks are signed over.
const (
	FakeSID      = "AC0123456789abcdef0123456789abcdef"
	FakeToken    = "0123456789abcdef0123456789abcdef"
	PublicBase   = "https://afspraak.example.org"
	SMSFrom      = "+3197010000000"
	WhatsAppFrom = "+14155238886"
)

// RiskSignals is the default risk vocabulary (config.yaml's).
var RiskSignals = app.DefaultConfig().Sessions.RiskSignals

// Options say which service to build.
type Options struct {
	Driver string // models.DriverSQLite (default) or models.DriverPostgres (skips without a server)
	Twilio bool   // the real twilio-go client against a fake Twilio; default the dry-run sender
	Start  bool   // run the job queue (sends, reminders, sweeps); default jobs are only queued
	// Hours are the contact hours; default every day around the clock.
	Hours *app.ContactHoursConfig
	// Config, when set, adjusts the config last (reminder offsets, content SIDs…).
	Config func(*app.Config)
	// DiscardLogs drops the service's log instead of keeping it in Logs.
	DiscardLogs bool
	// ThrottleLimit replaces the sign-in throttle's limit (0: app.ThrottleLimit).
	ThrottleLimit int
	// App's WrapSender, JobTimeout and RescueAfter are passed to app.Open.
	App app.Options
	// NumberCheck turns on the number check (notify.number_check), as in
	// production. Off by default, so that tests of other flows see only
	// their own messages; the number check's own tests turn it on.
	NumberCheck bool
}

// Env is a built service and what tests need around it.
type Env struct {
	App   *app.App
	Store *models.Store
	Logs  *SyncBuffer // the service's JSON log
	Clock *Clock      // the store's, dispatcher's and reports' clock
	Fake  *twiliofake.Server
	// Throttle is the sign-in throttle; its delays are not waited for.
	Throttle *app.Throttle

	t      testing.TB
	tables []string // Tables' answer
}

// New builds the service; everything is closed when the test ends.
func New(t testing.TB, o Options) *Env {
	t.Helper()
	t.Setenv("TWILIO_EDGE", "") // see NOTES.md: they would rewrite 127.0.0.1
	t.Setenv("TWILIO_REGION", "")
	driver := o.Driver
	if driver == "" {
		driver = models.DriverSQLite
	}
	e := &Env{Logs: &SyncBuffer{}, Clock: &Clock{}, t: t}
	db := modelstest.Config(t, driver)
	cfg := app.DefaultConfig()
	cfg.Database = app.DatabaseConfig{Driver: db.Driver, DSN: db.DSN, MaxOpenConns: db.MaxOpenConns}
	cfg.Server.PublicBaseURL = PublicBase
	cfg.Notify.CrisisNumber = "113"
	cfg.Notify.NumberCheck = o.NumberCheck
	cfg.Notify.ContactHours = app.ContactHoursConfig{Timezone: "Europe/Amsterdam",
		Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, Start: "00:00", End: "24:00"}
	if o.Hours != nil {
		cfg.Notify.ContactHours = *o.Hours
	}
	cfg.Twilio.RatePerSecond = 0
	if o.Twilio {
		e.Fake = twiliofake.New(FakeSID, FakeToken)
		t.Cleanup(e.Fake.Close)
		cfg.Twilio.AccountSID, cfg.Twilio.AuthToken, cfg.Twilio.APIBaseURL = FakeSID, FakeToken, e.Fake.URL()
		cfg.Twilio.SMSFrom, cfg.Twilio.WhatsAppFrom, cfg.Twilio.Timeout = SMSFrom, WhatsAppFrom, 2*time.Second
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	opts := o.App
	var logTo io.Writer = e.Logs
	if o.DiscardLogs {
		logTo = io.Discard
	}
	opts.Logger = slog.New(slog.NewJSONHandler(logTo, nil))
	opts.Clock = e.Clock.Now
	e.Throttle = app.NewThrottleWith(e.Clock.Now, func(time.Duration) {}, o.ThrottleLimit)
	opts.Throttle = e.Throttle
	opts.JobTimeout, opts.RescueAfter = cmp.Or(opts.JobTimeout, 5*time.Second), cmp.Or(opts.RescueAfter, 10*time.Second)
	a, err := app.Open(context.Background(), cfg, opts)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	e.App, e.Store = a, a.Store
	if o.Start {
		if err := a.Start(context.Background()); err != nil {
			t.Fatalf("apptest: %v", err)
		}
	}
	return e
}

// Listen serves f on a loopback port until the test ends and returns its base
// URL; the fake Twilio's callbacks go there.
func (e *Env) Listen(f *fiber.App) string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go func() { _ = f.Listener(ln) }()
	e.t.Cleanup(func() { _ = f.Shutdown() })
	base := "http://" + ln.Addr().String()
	if e.Fake != nil {
		e.Fake.RouteCallbacks(PublicBase, base)
	}
	return base
}

// User creates a user (email from the name) and returns it with its token.
func (e *Env) User(name, role, team string) (models.User, string) {
	e.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org"
	u, token, err := e.Store.CreateUser(context.Background(), models.System, models.NewUser{
		Name: name, Email: email, Role: role, Team: team})
	if err != nil {
		e.t.Fatal(err)
	}
	return u, token
}

// CreateMessage stores m as the dispatcher would, without queueing a send.
func (e *Env) CreateMessage(m *models.Message) {
	e.t.Helper()
	if err := e.Store.Write(context.Background(), func(tx models.Tx) error { return e.Store.CreateMessageTx(tx, m) }); err != nil {
		e.t.Fatal(err)
	}
}

// Clock is a settable clock; by default the wall clock.
type Clock struct {
	mu sync.Mutex
	fn func() time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	fn := c.fn
	c.mu.Unlock()
	if fn == nil {
		return time.Now()
	}
	return fn()
}

// Set makes fn the clock (nil: the wall clock again).
func (c *Clock) Set(fn func() time.Time) {
	c.mu.Lock()
	c.fn = fn
	c.mu.Unlock()
}

// SyncBuffer is a log buffer safe for the server's and the queue's goroutines.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Bytes is String as bytes.
func (b *SyncBuffer) Bytes() []byte { return []byte(b.String()) }
