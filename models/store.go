package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Store persists afspraak's domain.
type Store struct {
	DB          *gorm.DB
	Reads       *gorm.DB         // SQLite's read pool (OpenReads); nil: DB serves reads
	Now         func() time.Time // tests control the clock
	Policy      PolicyRules      // blended-supervision rules
	RiskSignals []string         // the vocabulary accepted at completion

	// OnSessionPlanned runs inside the transaction that plans or moves a
	// session (the notifier queues its reminders there).
	OnSessionPlanned func(tx *gorm.DB, sess Session) error

	group groupWriter // message updates, committed together on SQLite
}

// NewStore returns a store on db using the wall clock.
func NewStore(db *gorm.DB) *Store {
	return &Store{DB: db, Now: time.Now}
}

// Write runs fn in a write transaction. On PostgreSQL it first locks the
// audit chain's head, which every audited write takes anyway. Taken before any
// row lock, it gives all writers one lock order: otherwise a transaction that
// locked a row (an update, or a foreign key's share lock) and then waits for
// the head deadlocks with one that holds the head and then wants that row.
// SQLite's immediate transactions are serialised already.
func (s *Store) Write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == DriverPostgres {
			if err := tx.Exec("SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE").Error; err != nil {
				return fmt.Errorf("audit head: %w", err)
			}
		}
		return fn(tx)
	})
}

// SQLTx is the database/sql transaction under a GORM transaction: River's
// InsertTx takes it.
func SQLTx(tx *gorm.DB) *sql.Tx { return tx.Statement.ConnPool.(*sql.Tx) }

// Reader is where reads outside a write transaction go: the read pool when
// there is one, else DB.
func (s *Store) Reader(ctx context.Context) *gorm.DB {
	if s.Reads != nil {
		return s.Reads.WithContext(ctx)
	}
	return s.DB.WithContext(ctx)
}

// Close closes the read pool (the caller that opened DB closes it).
func (s *Store) Close() error {
	if s.Reads == nil {
		return nil
	}
	sqlDB, err := s.Reads.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func (s *Store) now() time.Time {
	return s.Now().UTC().Truncate(time.Microsecond)
}

// wrap adds context to an error that is not already a domain error.
func wrap(err error, op string) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	return fmt.Errorf("models: %s: %w", op, err)
}
