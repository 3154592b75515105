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
	"github.com/twilio/twilio-go/client"
	"gorm.io/gorm"

	"afspraak/api"
	"afspraak/models"
	"afspraak/notify"
	"afspraak/notify/twiliofake"
)

// Fake Twilio credentials (twilio-go wants them alphanumeric) and the public
// URL webhooks are signed over; the fake routes callbacks to the listener.
const (
	fakeSID      = "AC0123456789abcdef0123456789abcdef"
	fakeToken    = "0123456789abcdef0123456789abcdef"
	publicBase   = "https://afspraak.bench.invalid"
	whatsAppFrom = "+14155238886"
)

// env is the service running in this process, wired as serve wires it, on a
// temporary database with a fake Twilio on loopback.
type env struct {
	driver string
	db     *gorm.DB
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
	cfg, drop, err := openDB(o.Database, o.DSN, dir, path)
	if err != nil {
		return nil, err
	}
	e := &env{driver: o.Database, drop: drop}
	if e.db, err = models.Open(cfg); err != nil {
		drop()
		return nil, err
	}
	e.sqlDB, _ = e.db.DB()
	if _, err := models.Migrate(ctx, e.sqlDB, cfg.Driver); err != nil {
		e.close()
		return nil, err
	}
	if err := notify.MigrateQueue(ctx, e.sqlDB, cfg.Driver); err != nil {
		e.close()
		return nil, err
	}
	if o.SQLiteConns > 0 && cfg.Driver == models.DriverSQLite {
		e.sqlDB.SetMaxOpenConns(o.SQLiteConns)
	}
	reads, err := models.OpenReads(cfg)
	if err != nil {
		e.close()
		return nil, err
	}
	if err := e.wire(ctx, o.QueueWorkers, reads); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// wire builds store, server, dispatcher and queue as newStore and newNotifier
// in package main do, with the default config; the rate limit is off.
func (e *env) wire(ctx context.Context, queueWorkers int, reads *gorm.DB) error {
	os.Setenv("TWILIO_EDGE", "") // see NOTES.md: they would rewrite 127.0.0.1
	os.Setenv("TWILIO_REGION", "")
	// The access log is formatted as in serve (JSON, info) but not written
	// out; warnings and errors go to stderr, where they explain a failed phase.
	logger := slog.New(slog.NewMultiHandler(
		slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}),
		slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	e.store = models.NewStore(e.db)
	e.store.Reads = reads
	e.store.Policy = models.PolicyRules{HighRiskMaxRemote: 1, MediumRiskMaxRemote: 3, StartPhaseFaceToFace: 2, RiskSignalFaceToFace: true}
	e.store.RiskSignals = []string{"cannot_assess_emotion", "third_party_present", "under_influence", "evasive",
		"threat_or_escalation", "technical_problems"}
	srv := &api.Server{Store: e.store, DB: e.sqlDB, Logger: logger, RequestTimeout: 30 * time.Second,
		PublicBaseURL: publicBase, SummarySLAHours: 24}
	e.app = srv.App()
	hours, err := notify.NewContactHours("Europe/Amsterdam", []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, "00:00", "24:00")
	if err != nil {
		return err
	}
	e.fake = twiliofake.New(fakeSID, fakeToken)
	e.twilio, err = notify.NewTwilioSender(notify.TwilioConfig{AccountSID: fakeSID, AuthToken: fakeToken,
		APIBaseURL: e.fake.URL(), SMSFrom: "+3197010000000", WhatsAppFrom: whatsAppFrom, Timeout: 10 * time.Second})
	if err != nil {
		return err
	}
	e.sent = &recordingSender{next: e.twilio, at: map[int64]sentAt{}}
	composer := notify.Composer{Hours: hours, CrisisNumber: "113"}
	e.disp = &notify.Dispatcher{Store: e.store, Composer: composer, PublicBaseURL: publicBase, Logger: logger,
		Metrics: notify.NewMetrics(srv.Registry()), Sender: e.sent, Finder: e.twilio,
		ReminderOffsets: []time.Duration{24 * time.Hour, time.Hour}, NoShowGrace: 15 * time.Minute, RetentionDays: 90}
	e.queue, err = notify.NewQueue(e.sqlDB, notify.QueueConfig{Driver: e.driver, Workers: e.disp.Workers(),
		PeriodicJobs: notify.PeriodicJobs(), Logger: logger, MaxWorkers: queueWorkers, JobTimeout: 20 * time.Second, RescueAfter: 30 * time.Second})
	if err != nil {
		return err
	}
	e.disp.Queue = e.queue
	e.store.OnSessionPlanned = e.disp.ScheduleRemindersTx
	v := client.NewRequestValidator(fakeToken)
	srv.Validator, srv.Composer, srv.Notifier = &v, composer, e.disp
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.base = "http://" + ln.Addr().String()
	go func() { _ = e.app.Listener(ln) }()
	e.fake.RouteCallbacks(publicBase, e.base)
	return e.queue.Start(ctx)
}

// close stops the service in serve's order: HTTP, queue, database.
func (e *env) close() {
	if e.app != nil {
		_ = e.app.ShutdownWithTimeout(5 * time.Second)
	}
	if e.queue != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = e.queue.Stop(ctx)
		cancel()
	}
	if e.fake != nil {
		e.fake.Close()
	}
	if e.store != nil {
		_ = e.store.Close() // the read pool
	}
	if e.sqlDB != nil {
		_ = e.sqlDB.Close()
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
