package models

import (
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
}

// sqlitePragmas avoid "database is locked" (see NOTES.md): WAL, a busy timeout and
// immediate write transactions.
const sqlitePragmas = "_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_foreign_keys=on&_txlock=immediate"

// Open connects to the database. For SQLite the folder is created and one
// connection is used so that writers never contend.
func Open(cfg DBConfig) (*gorm.DB, error) {
	switch cfg.Driver {
	case DriverSQLite:
		if dir := filepath.Dir(cfg.DSN); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("models: create database folder: %w", err)
			}
		}
		if err := privateFile(cfg.DSN); err != nil {
			return nil, err
		}
		return openPool(sqlite.Open("file:"+cfg.DSN+"?"+sqlitePragmas), gormConfig(), 1, "sqlite database")
	case DriverPostgres:
		return openPool(postgres.Open(cfg.DSN), gormConfig(), max(cfg.MaxOpenConns, 2), "postgres database")
	default:
		return nil, fmt.Errorf("models: unknown database driver %q", cfg.Driver)
	}
}

// privateFile creates the SQLite file readable by its owner only (0600), or
// makes an existing one so, whatever the folder's mode: it holds criminal-law
// personal data. SQLite gives the WAL and shared-memory files the database
// file's mode.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("models: create database file: %w", err)
	}
	_ = f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("models: make database file private: %w", err)
		}
	}
	return nil
}

// sqliteReadConns is the size of SQLite's read pool: enough for the two
// cores this runs on to read while the writer writes.
const sqliteReadConns = 4

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
	gcfg := gormConfig()
	gcfg.PrepareStmt, gcfg.PrepareStmtMaxSize = true, 256
	db, err := openPool(sqlite.Open("file:"+cfg.DSN+"?_busy_timeout=5000&_query_only=1"), gcfg, sqliteReadConns, "sqlite read pool")
	if err != nil {
		return nil, err
	}
	// Idle connections stay open: each keeps its prepared statements.
	sqlDB, _ := db.DB() // openPool got it already
	sqlDB.SetMaxIdleConns(sqliteReadConns)
	return db, nil
}

func gormConfig() *gorm.Config {
	return &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() }}
}

// openPool opens a pool of at most conns connections and checks that the
// database answers.
func openPool(d gorm.Dialector, gcfg *gorm.Config, conns int, what string) (*gorm.DB, error) {
	db, err := gorm.Open(d, gcfg)
	if err != nil {
		return nil, fmt.Errorf("models: open %s: %w", what, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("models: open %s: %w", what, err)
	}
	sqlDB.SetMaxOpenConns(conns)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("models: reach %s: %w", what, err)
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
