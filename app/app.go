// Package app is afspraak's one composition root and the home of the
// workflows that span packages or that both HTTP doors (the API and the web
// pages) need. Open builds the whole object graph from a Config - database and
// read pool, migrations, store, composer, sender, dispatcher, job queue,
// metrics registry - and serve, every CLI command, the bench and the tests
// use it. A single-record read or write stays a direct call on the store.
package app

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"gorm.io/gorm"

	"afspraak/models"
	"afspraak/notify"
)

// App is the running service's object graph.
type App struct {
	Config     Config
	Logger     *slog.Logger
	Store      *models.Store
	Composer   notify.Composer
	Dispatcher *notify.Dispatcher
	Queue      *notify.Queue
	Registry   *prometheus.Registry // served on /metrics
	// Applied names the migrations Open applied.
	Applied []string

	db       *sql.DB
	twilio   *notify.TwilioSender // nil in dry run
	throttle *Throttle
	proxies  proxies
	clock    func() time.Time
	started  bool
}

// Options are what a caller of Open may set beyond the config.
type Options struct {
	Logger   *slog.Logger     // nil: from cfg.Log, to stderr
	Clock    func() time.Time // nil: the wall clock (store, dispatcher, report periods)
	Throttle *Throttle        // nil: NewThrottle(); tests pass one with a fake clock
	// JobTimeout and RescueAfter tune the queue; zero: serve's values.
	JobTimeout, RescueAfter time.Duration
	// QueueWorkers is River's MaxWorkers; zero: the queue's default.
	QueueWorkers int
	// WrapSender, when set, wraps the configured sender (the bench records
	// when each send was accepted; fault tests inject failures).
	WrapSender func(notify.Sender) notify.Sender
	// MustExist refuses to create a SQLite database that is not there yet:
	// commands that only read or change what exists say what is missing
	// instead of answering from an empty database.
	MustExist bool
	// SQLiteWriterConns, when set, replaces SQLite's one writer connection
	// (a bench experiment; serve never sets it).
	SQLiteWriterConns int
}

// Open opens and migrates the configured database and builds every part of
// the service on it. Nothing runs yet: Start starts the job queue. Close
// releases everything Open opened.
func Open(ctx context.Context, cfg Config, o Options) (*App, error) {
	a := &App{Config: cfg, Logger: o.Logger, clock: o.Clock, throttle: o.Throttle,
		proxies: parseProxies(cfg.Server.TrustedProxies)}
	if a.Logger == nil {
		a.Logger = NewLogger(cfg.Log, os.Stderr)
	}
	if a.clock == nil {
		a.clock = time.Now
	}
	if a.throttle == nil {
		a.throttle = NewThrottle()
	}
	if o.MustExist && cfg.Database.Driver == models.DriverSQLite {
		if _, err := os.Stat(cfg.Database.DSN); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("there is no database at %s (database.dsn); create it with \"afspraak migrate\" or \"afspraak serve\", or point --config at the right one", cfg.Database.DSN)
		}
	}
	db, err := models.Open(dbConfig(cfg.Database))
	if err != nil {
		return nil, err
	}
	if a.db, err = db.DB(); err != nil {
		return nil, err
	}
	if o.SQLiteWriterConns > 0 && cfg.Database.Driver == models.DriverSQLite {
		a.db.SetMaxOpenConns(o.SQLiteWriterConns)
	}
	if err := a.build(ctx, db, o); err != nil {
		_ = a.Close()
		return nil, err
	}
	return a, nil
}

func dbConfig(cfg DatabaseConfig) models.DBConfig {
	return models.DBConfig{Driver: cfg.Driver, DSN: cfg.DSN, MaxOpenConns: cfg.MaxOpenConns}
}

// build migrates, then wires store, messaging and queue in dependency order.
func (a *App) build(ctx context.Context, db *gorm.DB, o Options) error {
	cfg := a.Config
	var err error
	if a.Applied, err = models.Migrate(ctx, a.db, cfg.Database.Driver); err != nil {
		return err
	}
	if err := notify.MigrateQueue(ctx, a.db, cfg.Database.Driver); err != nil { // River's tables, after ours
		return err
	}
	reads, err := models.OpenReads(dbConfig(cfg.Database))
	if err != nil {
		return err
	}
	hours, err := notify.NewContactHours(cfg.Notify.ContactHours.Timezone, cfg.Notify.ContactHours.Days,
		cfg.Notify.ContactHours.Start, cfg.Notify.ContactHours.End)
	if err != nil {
		return err
	}
	a.Composer = notify.Composer{ContentSIDs: cfg.Twilio.ContentSIDs, Hours: hours, CrisisNumber: cfg.Notify.CrisisNumber,
		OfficePhone: cfg.Notify.OfficePhone, OfficeAddress: cfg.Notify.OfficeAddress, OfficeHoursText: cfg.Notify.OfficeHoursText,
		WhatsAppSummary: cfg.Notify.WhatsAppSummary}
	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	d, err := a.dispatcher()
	if err != nil {
		return err
	}
	if o.WrapSender != nil {
		d.Sender = o.WrapSender(d.Sender)
	}
	// The store tells the dispatcher, inside its transactions, what follows
	// from planning and completing (models.Outbox); the dispatcher reads and
	// writes through the store; the queue runs the dispatcher's workers and the
	// dispatcher enqueues on it. The three are tied together here and nowhere
	// else, before anything runs.
	a.Store = models.NewStore(db, models.Options{Reads: reads, Clock: a.clock, Outbox: d, AckWindow: cfg.Notify.AckWindow,
		NumberCheck: cfg.Notify.NumberCheck, SensitiveWords: cfg.Notify.SensitiveWords,
		RiskSignals: cfg.Sessions.RiskSignals, Policy: models.PolicyRules{
			HighRiskMaxRemote: cfg.Policy.HighRiskMaxRemote, MediumRiskMaxRemote: cfg.Policy.MediumRiskMaxRemote,
			LowRiskMaxRemote: cfg.Policy.LowRiskMaxRemote, StartPhaseFaceToFace: cfg.Policy.StartPhaseFaceToFace,
			RiskSignalFaceToFace: cfg.Policy.RiskSignalFaceToFace}})
	d.Store = a.Store
	a.Dispatcher = d
	a.Queue, err = notify.NewQueue(a.db, notify.QueueConfig{Driver: cfg.Database.Driver, Workers: d.Workers(),
		PeriodicJobs: notify.PeriodicJobs(), Logger: a.Logger, MaxWorkers: o.QueueWorkers,
		// A job whose process was killed runs again within a minute of restart:
		// River's rescuer looks every 30 s for jobs running longer than this.
		JobTimeout: cmp.Or(o.JobTimeout, 20*time.Second), RescueAfter: cmp.Or(o.RescueAfter, 30*time.Second)})
	if err != nil {
		return err
	}
	d.Queue = a.Queue
	return nil
}

// dispatcher builds the messaging pipeline's dispatcher with its sender:
// Twilio, or the dry-run sender when no account is configured.
func (a *App) dispatcher() (*notify.Dispatcher, error) {
	cfg := a.Config
	d := &notify.Dispatcher{Composer: a.Composer, PublicBaseURL: cfg.Server.PublicBaseURL,
		Limiter: notify.NewLimiter(cfg.Twilio.RatePerSecond), Logger: a.Logger, Metrics: notify.NewMetrics(a.Registry),
		ReminderOffsets: cfg.Notify.ReminderOffsets, NoShowGrace: cfg.Sessions.NoShowGrace, AutoReplyEvery: cfg.Notify.AutoReplyEvery,
		NumberCheckTimeout: cfg.Notify.NumberCheckTimeout,
		RetentionDays:      cfg.Retention.MessageBodyDays, Now: a.clock}
	if cfg.Twilio.AccountSID == "" {
		d.Sender = notify.DryRunSender{Logger: a.Logger}
		return d, nil
	}
	d.Health = notify.NewHealth(a.Registry)
	ts, err := newTwilioSender(cfg)
	if err != nil {
		return nil, err
	}
	d.Sender, d.Finder, a.twilio = ts, ts, ts
	return d, nil
}

// DryRun reports whether messages stay on this machine.
func (a *App) DryRun() bool { return a.Config.Twilio.AccountSID == "" }

// Ping reports whether the database answers and can be written.
func (a *App) Ping(ctx context.Context) error {
	if err := a.db.PingContext(ctx); err != nil {
		return err
	}
	return models.ProbeWrite(ctx, dbConfig(a.Config.Database), a.db)
}

// SenderStatus is the health of sending: ok, degraded or dry run.
func (a *App) SenderStatus() notify.SenderStatus { return a.Dispatcher.Health.Status() }

// SQL is the database's own handle, for measurements and test checks that
// look under the store (the bench's raw ceilings, row counts); domain data is
// read and written through the store.
func (a *App) SQL() *sql.DB { return a.db }

// Start checks the Twilio account (a clear warning in dry run) and starts
// the job queue: sends, reminders and the periodic sweeps. A failed check
// does not stop the service: sending shows as degraded until a send gets
// through.
func (a *App) Start(ctx context.Context) error {
	if a.DryRun() {
		a.Logger.Warn("no Twilio account configured: dry-run sender, nothing leaves this machine")
	} else if a.twilio != nil {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		code, err := a.twilio.CheckAccount(cctx)
		cancel()
		a.Dispatcher.Health.CredentialsChecked(err, code)
		if err != nil {
			a.Logger.Error("Twilio account check failed: messages will wait until Twilio accepts the credentials",
				slog.Int("error_code", code), slog.String("error", err.Error()))
		} else {
			a.Logger.Info("Twilio account check passed")
		}
	}
	if err := a.Queue.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	a.started = true
	return nil
}

// Close stops the job queue (letting running jobs finish within the
// shutdown timeout) and closes the database, in that order.
func (a *App) Close() error {
	var errs []error
	if a.started {
		ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(a.Config.Server.ShutdownTimeout, 10*time.Second))
		if err := a.Queue.Stop(ctx); err != nil {
			a.Logger.Warn("job queue stopped with jobs still running; they run again after restart", slog.String("error", err.Error()))
		}
		cancel()
		a.started = false
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	if a.db != nil {
		errs = append(errs, a.db.Close())
	}
	return errors.Join(errs...)
}

// NewLogger returns the logger the config asks for, writing to w.
func NewLogger(cfg LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
