package notify

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"afspraak/models"
)

// Queue defaults; see QueueConfig.
const (
	DefaultQueueMaxWorkers        = 100
	DefaultQueueRescueAfter       = time.Minute
	DefaultQueueJobTimeout        = 30 * time.Second
	DefaultQueueFetchCooldown     = 10 * time.Millisecond
	DefaultQueueFetchPollInterval = 50 * time.Millisecond
	DefaultQueueSoftStopTimeout   = 30 * time.Second
)

// queueMigrationLockID is the PostgreSQL advisory lock held while River's
// migrations run. It differs from goose's (lock.DefaultLockID, 4097083626 in
// goose v3.30) so that the two locks never block each other by accident.
const queueMigrationLockID int64 = 0x6166_7370_7276_6d67 // "afsprvmg"

// QueueConfig configures the job queue. Zero values take the defaults above.
type QueueConfig struct {
	Driver       string         // models.DriverSQLite or models.DriverPostgres
	Workers      *river.Workers // nil: the queue only inserts jobs and runs none
	PeriodicJobs []*river.PeriodicJob
	Queues       []string // queues to work; default river.QueueDefault only
	MaxWorkers   int      // jobs run at once per queue, default 100

	// RescueAfter is River's RescueStuckJobsAfter: a job still "running" after
	// this long (its process was killed) is run again. It must exceed
	// JobTimeout. Default 1 minute; sends are made safe to repeat elsewhere.
	RescueAfter time.Duration
	// JobTimeout cancels a job's context after this long. Default 30 s.
	JobTimeout time.Duration
	// FetchPollInterval is how often idle producers look for new jobs. The
	// database/sql driver cannot LISTEN on PostgreSQL, so polling is how new
	// jobs are found there, and jobs inserted inside a transaction (every
	// summary) wait for the next poll. Default 50 ms.
	FetchPollInterval time.Duration
	// FetchCooldown is the least time between two fetches. A queue fetches
	// again as soon as jobs finish, so this bounds throughput at about
	// MaxWorkers jobs per cooldown. Default 10 ms (River's own is 100 ms).
	FetchCooldown time.Duration
	// SoftStopTimeout is how long Stop waits for running jobs before their
	// contexts are cancelled. Default 30 s.
	SoftStopTimeout time.Duration

	Logger *slog.Logger // nil: slog.Default()
}

// Queue wraps a River client on a *sql.DB so that one client type, and one
// InsertTx taking a *sql.Tx, serves both SQLite and PostgreSQL.
type Queue struct {
	Client *river.Client[*sql.Tx]
}

// NewQueue builds a queue on db, which must be the same database our store
// uses (jobs are inserted in the store's transactions).
//
// SQLite: pass the store's own *sql.DB, including its single connection
// (SetMaxOpenConns(1), as models.Open sets it); River takes that connection
// only for short statements and transactions, never across a job's run.
// PostgreSQL: pass a pgx stdlib *sql.DB (gorm's postgres driver) with at least
// two connections; River polls instead of LISTENing.
func NewQueue(db *sql.DB, cfg QueueConfig) (*Queue, error) {
	rdriver, err := newQueueDriver(db, cfg.Driver)
	if err != nil {
		return nil, err
	}
	rcfg, err := cfg.riverConfig()
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(rdriver, rcfg)
	if err != nil {
		return nil, fmt.Errorf("notify: new queue: %w", err)
	}
	return &Queue{Client: client}, nil
}

// riverConfig fills in defaults and checks the settings River would reject
// less clearly.
func (cfg QueueConfig) riverConfig() (*river.Config, error) {
	rescue := cmp.Or(cfg.RescueAfter, DefaultQueueRescueAfter)
	timeout := cmp.Or(cfg.JobTimeout, DefaultQueueJobTimeout)
	if cfg.RescueAfter < 0 || cfg.JobTimeout < 0 || cfg.MaxWorkers < 0 {
		return nil, errors.New("notify: queue durations and MaxWorkers must not be negative")
	}
	if rescue <= timeout {
		return nil, fmt.Errorf("notify: queue RescueAfter (%s) must exceed JobTimeout (%s)", rescue, timeout)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	rcfg := &river.Config{
		FetchCooldown:        cmp.Or(cfg.FetchCooldown, DefaultQueueFetchCooldown),
		FetchPollInterval:    cmp.Or(cfg.FetchPollInterval, DefaultQueueFetchPollInterval),
		JobTimeout:           timeout,
		Logger:               logger,
		PeriodicJobs:         cfg.PeriodicJobs,
		RescueStuckJobsAfter: rescue,
		SoftStopTimeout:      cmp.Or(cfg.SoftStopTimeout, DefaultQueueSoftStopTimeout),
	}
	if cfg.Workers == nil {
		if len(cfg.PeriodicJobs) > 0 {
			return nil, errors.New("notify: queue has periodic jobs but no workers")
		}
		return rcfg, nil // insert-only client, e.g. for CLI commands
	}
	rcfg.Workers = cfg.Workers
	queues := cfg.Queues
	if len(queues) == 0 {
		queues = []string{river.QueueDefault}
	}
	rcfg.Queues = make(map[string]river.QueueConfig, len(queues))
	for _, name := range queues {
		rcfg.Queues[name] = river.QueueConfig{MaxWorkers: cmp.Or(cfg.MaxWorkers, DefaultQueueMaxWorkers)}
	}
	return rcfg, nil
}

// newQueueDriver picks River's database/sql driver for our database driver.
// Both use the connection's default schema (SQLite "main", PostgreSQL the
// search_path), so River's Schema setting stays empty.
func newQueueDriver(db *sql.DB, name string) (riverdriver.Driver[*sql.Tx], error) {
	if db == nil {
		return nil, errors.New("notify: queue needs a database")
	}
	switch name {
	case models.DriverSQLite:
		return riversqlite.New(db), nil
	case models.DriverPostgres:
		return riverdatabasesql.New(db), nil
	default:
		return nil, fmt.Errorf("notify: queue: unknown database driver %q", name)
	}
}

// MigrateQueue applies River's own migrations on db. Run it after our own
// migrations (models.Migrate). On PostgreSQL it holds an advisory lock on a
// dedicated connection, so instances starting together migrate one after the
// other; db then needs at least two connections. On SQLite, immediate
// transactions already serialise migrators.
func MigrateQueue(ctx context.Context, db *sql.DB, driver string) error {
	rdriver, err := newQueueDriver(db, driver)
	if err != nil {
		return err
	}
	migrator, err := rivermigrate.New(rdriver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("notify: migrate queue: %w", err)
	}
	migrate := func() error {
		if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("notify: migrate queue: %w", err)
		}
		return nil
	}
	if driver != models.DriverPostgres {
		return migrate()
	}
	return withAdvisoryLock(ctx, db, queueMigrationLockID, migrate)
}

// withAdvisoryLock runs fn while a session advisory lock is held on a
// connection of its own. If unlocking fails the connection is discarded,
// which ends its session and so releases the lock.
func withAdvisoryLock(ctx context.Context, db *sql.DB, id int64, fn func() error) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("notify: migrate queue: lock connection: %w", err)
	}
	defer func() {
		// A fresh context: the lock must go even when ctx has ended.
		unlockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, uerr := conn.ExecContext(unlockCtx, "SELECT pg_advisory_unlock($1)", id); uerr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", id); err != nil {
		return fmt.Errorf("notify: migrate queue: lock: %w", err)
	}
	return fn()
}

// Start starts fetching and working jobs (and periodic jobs, on the elected
// leader). Cancelling ctx stops the queue like Stop does.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.Client.Start(ctx); err != nil {
		return fmt.Errorf("notify: start queue: %w", err)
	}
	return nil
}

// Stop stops fetching and waits for running jobs to finish; jobs still
// running after SoftStopTimeout have their contexts cancelled. If ctx ends
// first, running jobs are cancelled at once and Stop returns ctx's error;
// those jobs are rescued and run again after RescueAfter.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.Client.Stop(ctx)
	if err == nil {
		return nil
	}
	hardCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = q.Client.StopAndCancel(hardCtx)
	return fmt.Errorf("notify: stop queue: %w", err)
}

// InsertTx enqueues a job in tx, so that it commits or rolls back with the
// data that caused it. From the store: tx.SQL() of a models.Tx. On
// SQLite never enqueue outside tx while tx is open: with one connection that
// waits for tx forever.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	res, err := q.Client.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("notify: enqueue %s: %w", args.Kind(), err)
	}
	return res, nil
}

// CompleteTx marks a running job completed in tx, from inside its worker, so
// that a worker's own writes (e.g. the provider's message SID) and the job's
// completion commit together. It works on both databases: River needs only
// some *sql.Tx driver type here, and takes the real driver from ctx.
func CompleteTx[T river.JobArgs](ctx context.Context, tx *sql.Tx, job *river.Job[T]) (*river.Job[T], error) {
	done, err := river.JobCompleteTx[*riversqlite.Driver](ctx, tx, job)
	if err != nil {
		return nil, fmt.Errorf("notify: complete job %d: %w", job.ID, err)
	}
	return done, nil
}
