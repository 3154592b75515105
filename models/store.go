package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// Store persists afspraak's domain. Its invariants - every write audited in
// its own transaction, reach checked on every read - hold inside it, so
// callers cannot forget them; a transaction never leaves it except as the
// opaque Tx that its own methods take.
type Store struct {
	db             *gorm.DB
	reads          *gorm.DB // SQLite's read pool (OpenReads); nil: db serves reads
	clock          func() time.Time
	policy         PolicyRules
	riskSignals    []string
	outbox         Outbox
	ackWindow      time.Duration
	numberCheck    bool
	sensitiveWords []string

	group groupWriter // message updates, committed together on SQLite
}

// Options configure a store; the zero value is a store with the wall clock,
// no policy, no risk vocabulary and no outbox.
type Options struct {
	Reads       *gorm.DB         // SQLite's read pool (OpenReads); nil: the writer serves reads
	Clock       func() time.Time // nil: time.Now; tests control the clock
	Policy      PolicyRules      // blended-supervision rules
	RiskSignals []string         // the vocabulary accepted at completion
	Outbox      Outbox           // nil: nothing follows from planning or completing
	AckWindow   time.Duration    // how long a reply can acknowledge a summary; 0: DefaultAckWindow
	// NumberCheck: new numbers are confirmed by the client before anything
	// personal is sent to them (notify.number_check).
	NumberCheck bool
	// SensitiveWords keep an agreement out of the summary unless the worker
	// puts it in on purpose; nil: DefaultSensitiveWords.
	SensitiveWords []string
}

// Outbox is what follows from a write, done inside that write's transaction
// so that both commit or neither does: the messaging pipeline queues a
// session's reminders when it is planned or moved, its summary when it is
// completed, and the number check when a client's number is new.
type Outbox interface {
	SessionPlanned(ctx context.Context, tx Tx, sess Session) error
	SessionCompleted(ctx context.Context, tx Tx, sess Session) (Message, error)
	// NumberCheckStarted queues the welcome message that asks the client to
	// confirm the number is theirs; it returns the stored message.
	NumberCheckStarted(ctx context.Context, tx Tx, c Client) (Message, error)
	// SessionChanged tells the client that a session moved (before → after)
	// or was cancelled, when they were told about it.
	SessionChanged(ctx context.Context, tx Tx, before, after Session) error
}

// Tx is a write transaction of the store. Only the store's own methods read
// or write through it; the job queue gets its database/sql handle.
type Tx struct{ db *gorm.DB }

// SQL is the database/sql transaction under tx. It exists for the job queue
// alone (River inserts and completes jobs in it, so that they commit with the
// data that caused them); domain data is written through the store.
func (t Tx) SQL() *sql.Tx { return t.db.Statement.ConnPool.(*sql.Tx) }

// Context is the context the transaction runs under.
func (t Tx) Context() context.Context { return t.db.Statement.Context }

// NewStore returns a store on db.
func NewStore(db *gorm.DB, o Options) *Store {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.AckWindow <= 0 {
		o.AckWindow = DefaultAckWindow
	}
	if o.SensitiveWords == nil {
		o.SensitiveWords = DefaultSensitiveWords
	}
	return &Store{db: db, reads: o.Reads, clock: o.Clock, policy: o.Policy, riskSignals: o.RiskSignals, outbox: o.Outbox,
		ackWindow: o.AckWindow, numberCheck: o.NumberCheck, sensitiveWords: o.SensitiveWords}
}

// RiskSignals is the vocabulary accepted at completion.
func (s *Store) RiskSignals() []string { return s.riskSignals }

// Driver names the database: DriverSQLite or DriverPostgres.
func (s *Store) Driver() string { return s.db.Dialector.Name() }

// Write runs fn in a write transaction of the store.
func (s *Store) Write(ctx context.Context, fn func(tx Tx) error) error {
	return s.write(ctx, func(tx *gorm.DB) error { return fn(Tx{db: tx}) })
}

// write runs fn in a write transaction. On PostgreSQL it first locks the
// audit chain's head, which every audited write takes anyway. Taken before any
// row lock, it gives all writers one lock order: otherwise a transaction that
// locked a row (an update, or a foreign key's share lock) and then waits for
// the head deadlocks with one that holds the head and then wants that row.
// SQLite's immediate transactions are serialised already.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == DriverPostgres {
			if err := tx.Exec("SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE").Error; err != nil {
				return fmt.Errorf("audit head: %w", err)
			}
		}
		return fn(tx)
	})
}

// reader is where reads outside a write transaction go: the read pool when
// there is one, else the writer.
func (s *Store) reader(ctx context.Context) *gorm.DB {
	if s.reads != nil {
		return s.reads.WithContext(ctx)
	}
	return s.db.WithContext(ctx)
}

// Close closes the read pool (the caller that opened the writer closes it).
func (s *Store) Close() error {
	if s.reads == nil {
		return nil
	}
	sqlDB, err := s.reads.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func (s *Store) now() time.Time {
	return s.clock().UTC().Truncate(time.Microsecond)
}

// wrap adds context to an error that is not already a domain error; a
// database that is locked or cannot be written becomes EUNAVAILABLE.
func wrap(err error, op string) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	if unavailable(err) {
		return &Error{Code: EUNAVAILABLE, Message: "the database is busy or cannot be written at the moment; try again in a minute"}
	}
	return fmt.Errorf("models: %s: %w", op, err)
}

// unavailable reports whether err says the database cannot take the write
// now: SQLite busy, locked or read-only; PostgreSQL read-only, out of locks
// or connections, or shutting down.
func unavailable(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrFull, sqlite3.ErrIoErr:
			return true
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "25006", "55P03", "53300", "57P01", "57P02", "57P03", "53100":
			return true
		}
	}
	return false
}

// ProbeWrite reports whether the database can be written now, within a
// second, without changing anything: SQLite takes and releases the write lock
// on a connection of its own (so a busy writer pool does not delay the
// answer); PostgreSQL answers whether its transactions are read-only.
func ProbeWrite(ctx context.Context, cfg DBConfig, db *sql.DB) error {
	if cfg.Driver != DriverSQLite {
		var ro string
		if err := db.QueryRowContext(ctx, "SHOW transaction_read_only").Scan(&ro); err != nil {
			return err
		}
		if ro != "off" {
			return errors.New("models: the database is read-only")
		}
		return nil
	}
	probe, err := sql.Open("sqlite3", "file:"+cfg.DSN+"?mode=rw&_busy_timeout=1000&_txlock=immediate")
	if err != nil {
		return err
	}
	defer probe.Close()
	tx, err := probe.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, "UPDATE audit_head SET last_id = last_id WHERE id = 1")
	return err
}
