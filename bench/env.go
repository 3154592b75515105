package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"afspraak/app"
	"afspraak/models"
	"afspraak/notify"
	"afspraak/notify/twiliofake"
	"afspraak/server"
)

// Fake Twilio credentials (twilio-go wants them alphanumeric) and the public
// URL webhooks are signed over; the fake routes callbacks to the listener.
const (
	fakeSID      = "AC0123456789abcdef0123456789abcdef"
	fakeToken    = "0123456789abcdef0123456789abcdef"
	publicBase   = "https://afspraak.bench.invalid"
	whatsAppFrom = "+14155238886"
)

// env is the service running in this process, wired as serve wires it
// (app.Open), on a temporary database with a fake Twilio on loopback.
type env struct {
	driver string
	svc    *app.App
	sqlDB  *sql.DB
	store  *models.Store
	app    *fiber.App
	base   string // http://127.0.0.1:port
	fake   *twiliofake.Server
	sent   *recordingSender
	twilio *notify.TwilioSender
	disp   *notify.Dispatcher
	queue  *notify.Queue
	drop   func() // removes the temporary database
}

// openDB creates a fresh database: a SQLite file in a temporary folder, or a
// new PostgreSQL schema that drop removes.
func openDB(driver, dsn, dir, path string) (cfg models.DBConfig, drop func(), err error) {
	if driver == models.DriverSQLite {
		if path == "" {
			path = filepath.Join(dir, "bench.db")
		}
		return models.DBConfig{Driver: driver, DSN: path}, func() {}, nil
	}
	if dsn == "" {
		return cfg, nil, errors.New("bench: --database postgres needs --dsn or AFSPRAAK_TEST_POSTGRES_DSN")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "afspraak_bench_" + hex.EncodeToString(b)
	admin, err := models.Open(models.DBConfig{Driver: driver, DSN: dsn, MaxOpenConns: 2})
	if err != nil {
		return cfg, nil, err
	}
	if err := admin.Exec(`CREATE SCHEMA "` + schema + `"`).Error; err != nil {
		closeGorm(admin)
		return cfg, nil, fmt.Errorf("bench: create schema: %w", err)
	}
	drop = func() {
		admin.Exec(`DROP SCHEMA "` + schema + `" CASCADE`)
		closeGorm(admin)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		drop()
		return cfg, nil, fmt.Errorf("bench: dsn: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return models.DBConfig{Driver: driver, DSN: u.String(), MaxOpenConns: 10}, drop, nil
}

func closeGorm(db *gorm.DB) {
	if s, err := db.DB(); err == nil {
		_ = s.Close()
	}
}

// startEnv opens and migrates the database and starts the service: API on a
// loopback port, River queue and dispatcher sending through twilio-go to the fake.
func startEnv(ctx context.Context, o Options, dir string) (*env, error) {
	return startEnvAt(ctx, o, dir, "")
}

// startEnvAt is startEnv with the SQLite file at path (in dir when empty).
func startEnvAt(ctx context.Context, o Options, dir, path string) (*env, error) {
	dbCfg, drop, err := openDB(o.Database, o.DSN, dir, path)
	if err != nil {
		return nil, err
	}
	e := &env{driver: o.Database, drop: drop}
	if err := e.start(ctx, o, dbCfg); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// config is serve's default config on the bench's database and fake Twilio,
// with contact hours around the clock and the rate limit off.
func (e *env) config(dbCfg models.DBConfig) app.Config {
	cfg := app.DefaultConfig()
	cfg.Database = app.DatabaseConfig{Driver: dbCfg.Driver, DSN: dbCfg.DSN, MaxOpenConns: dbCfg.MaxOpenConns}
	cfg.Server.PublicBaseURL = publicBase
	cfg.Twilio.AccountSID, cfg.Twilio.AuthToken, cfg.Twilio.APIBaseURL = fakeSID, fakeToken, e.fake.URL()
	cfg.Twilio.WhatsAppFrom, cfg.Twilio.RatePerSecond = whatsAppFrom, 0
	cfg.Notify.ContactHours = app.ContactHoursConfig{Timezone: "Europe/Amsterdam",
		Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, Start: "00:00", End: "24:00"}
	cfg.Notify.CrisisNumber = "113"
	// The figures are of the sending path; the number check would hold every
	// bench client's summary until a reply that no bench client sends.
	cfg.Notify.NumberCheck = false
	return cfg
}

// start opens the service with app.Open, as serve does: API on a loopback
// port, River queue and dispatcher sending through twilio-go to the fake.
func (e *env) start(ctx context.Context, o Options, dbCfg models.DBConfig) error {
	os.Setenv("TWILIO_EDGE", "") // see NOTES.md: they would rewrite 127.0.0.1
	os.Setenv("TWILIO_REGION", "")
	// The access log is formatted as in serve (JSON, info) but not written
	// out; warnings and errors go to stderr, where they explain a failed phase.
	logger := slog.New(slog.NewMultiHandler(
		slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}),
		slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	e.fake = twiliofake.New(fakeSID, fakeToken)
	var err error
	e.svc, err = app.Open(ctx, e.config(dbCfg), app.Options{Logger: logger, QueueWorkers: o.QueueWorkers,
		SQLiteWriterConns: o.SQLiteConns, WrapSender: func(s notify.Sender) notify.Sender {
			e.sent = &recordingSender{next: s, at: map[int64]sentAt{}}
			return e.sent
		}})
	if err != nil {
		return err
	}
	e.sqlDB, e.store, e.disp, e.queue = e.svc.SQL(), e.svc.Store, e.svc.Dispatcher, e.svc.Queue
	e.twilio = e.disp.Sender.(*recordingSender).next.(*notify.TwilioSender)
	e.app = server.New(e.svc)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.base = "http://" + ln.Addr().String()
	go func() { _ = e.app.Listener(ln) }()
	e.fake.RouteCallbacks(publicBase, e.base)
	return e.svc.Start(ctx)
}

// close stops the service in serve's order: HTTP, then queue and database.
func (e *env) close() {
	if e.app != nil {
		_ = e.app.ShutdownWithTimeout(5 * time.Second)
	}
	if e.svc != nil {
		_ = e.svc.Close()
	}
	if e.fake != nil {
		e.fake.Close()
	}
	e.drop()
}

// sentAt is when the fake Twilio accepted a message.
type sentAt struct {
	at  time.Time
	sid string
}

// recordingSender passes sends to twilio-go and notes when each was accepted
// (the fake has answered the create), by our message id.
type recordingSender struct {
	next     notify.Sender
	mu       sync.Mutex
	at       map[int64]sentAt
	accepted chan acceptedMsg // when set, every accepted send is offered here
}

type acceptedMsg struct {
	id  int64
	sid string
	to  string
}

// Send implements notify.Sender.
func (r *recordingSender) Send(ctx context.Context, m notify.OutboundMessage) (notify.SendResult, error) {
	res, err := r.next.Send(ctx, m)
	if err != nil {
		return res, err
	}
	now := time.Now()
	r.mu.Lock()
	r.at[m.ID] = sentAt{at: now, sid: res.SID}
	ch := r.accepted
	r.mu.Unlock()
	if ch != nil {
		select {
		case ch <- acceptedMsg{id: m.ID, sid: res.SID, to: m.To}:
		default: // the callback simulator is behind; skip this one
		}
	}
	return res, nil
}

func (r *recordingSender) setAccepted(ch chan acceptedMsg) {
	r.mu.Lock()
	r.accepted = ch
	r.mu.Unlock()
}

func (r *recordingSender) sentAt(id int64) (sentAt, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.at[id]
	return s, ok
}

func (r *recordingSender) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.at)
}
