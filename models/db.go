package models

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed migrations
var migrations embed.FS

// Drivers supported by Open.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// DBConfig is how to reach the database.
type DBConfig struct {
	Driver       string
	DSN          string // sqlite: a file path; postgres: a URL
	MaxOpenConns int    // postgres only; sqlite uses one writer connection
	ReadConns    int    // sqlite only: connections of OpenReads's pool, default 4
}

// sqlitePragmas avoid "database is locked" (see NOTES.md): WAL, a busy timeout and
// immediate write transactions.
const sqlitePragmas = "_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_foreign_keys=on&_txlock=immediate"

// Open connects to the database. For SQLite the folder is created and one
// connection is used so that writers never contend.
func Open(cfg DBConfig) (*gorm.DB, error) {
	gcfg := &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() }}
	var dialector gorm.Dialector
	switch cfg.Driver {
	case DriverSQLite:
		if dir := filepath.Dir(cfg.DSN); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("models: create database folder: %w", err)
			}
		}
		dialector = sqlite.Open("file:" + cfg.DSN + "?" + sqlitePragmas)
	case DriverPostgres:
		dialector = postgres.Open(cfg.DSN)
	default:
		return nil, fmt.Errorf("models: unknown database driver %q", cfg.Driver)
	}
	db, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, fmt.Errorf("models: open %s database: %w", cfg.Driver, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("models: open %s database: %w", cfg.Driver, err)
	}
	if cfg.Driver == DriverSQLite {
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(max(cfg.MaxOpenConns, 2))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("models: reach %s database: %w", cfg.Driver, err)
	}
	return db, nil
}

// DefaultReadConns is the size of SQLite's read pool: enough for the two
// cores this runs on to read while the writer writes.
const DefaultReadConns = 4

// OpenReads opens, for SQLite, a pool of query-only connections on the same
// file as Open's writer. In WAL mode readers never wait for the writer and see
// every committed transaction, so reads stop queueing behind writes on the one
// writer connection. Statements are prepared once per connection and kept.
// For PostgreSQL it returns nil: its one pool serves reads and writes. Open
// (and migrate) the writer first: it puts the file in WAL mode.
func OpenReads(cfg DBConfig) (*gorm.DB, error) {
	if cfg.Driver != DriverSQLite {
		return nil, nil
	}
	dsn := "file:" + cfg.DSN + "?_busy_timeout=5000&_query_only=1"
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{Logger: logger.Discard,
		NowFunc:     func() time.Time { return time.Now().UTC() },
		PrepareStmt: true, PrepareStmtMaxSize: 256})
	if err != nil {
		return nil, fmt.Errorf("models: open sqlite read pool: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("models: open sqlite read pool: %w", err)
	}
	n := cmp.Or(cfg.ReadConns, DefaultReadConns)
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("models: reach sqlite read pool: %w", err)
	}
	return db, nil
}

// Migrate applies every pending migration of our schema. On PostgreSQL it holds
// an advisory lock so that two instances starting together migrate once.
func Migrate(ctx context.Context, db *sql.DB, driver string) ([]string, error) {
	provider, err := newMigrationProvider(db, driver)
	if err != nil {
		return nil, err
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: migrate: %w", err)
	}
	applied := make([]string, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}

// MigrateUpTo applies migrations up to and including version (tests use it to
// build the previous schema).
func MigrateUpTo(ctx context.Context, db *sql.DB, driver string, version int64) error {
	provider, err := newMigrationProvider(db, driver)
	if err != nil {
		return err
	}
	_, err = provider.UpTo(ctx, version)
	return err
}

// MigrateDownTo rolls back to version (tests use it to check upgrades).
func MigrateDownTo(ctx context.Context, db *sql.DB, driver string, version int64) error {
	provider, err := newMigrationProvider(db, driver)
	if err != nil {
		return err
	}
	_, err = provider.DownTo(ctx, version)
	return err
}

func newMigrationProvider(db *sql.DB, driver string) (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if driver == DriverPostgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 120))
		if err != nil {
			return nil, fmt.Errorf("models: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations, "migrations/"+strings.ReplaceAll(driver, "/", ""))
	if err != nil {
		return nil, fmt.Errorf("models: migrations for %s: %w", driver, err)
	}
	p, err := goose.NewProvider(dialect, db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("models: migrations for %s: %w", driver, err)
	}
	return p, nil
}
