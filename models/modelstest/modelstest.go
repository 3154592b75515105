// Package modelstest opens migrated test databases: a fresh SQLite file per
// test, and a fresh PostgreSQL schema per test when AFSPRAAK_TEST_POSTGRES_DSN
// is set.
package modelstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"afspraak/models"
)

// PostgresEnv names the variable holding the PostgreSQL test server's URL.
const PostgresEnv = "AFSPRAAK_TEST_POSTGRES_DSN"

// Drivers returns the drivers to test: sqlite always, postgres when configured.
func Drivers() []string {
	if os.Getenv(PostgresEnv) != "" {
		return []string{models.DriverSQLite, models.DriverPostgres}
	}
	return []string{models.DriverSQLite}
}

// Config returns a DB config for a fresh, empty database of that driver; the
// database (or schema) is removed when the test ends. Postgres tests skip when
// AFSPRAAK_TEST_POSTGRES_DSN is unset.
func Config(t testing.TB, driver string) models.DBConfig {
	t.Helper()
	if driver == models.DriverSQLite {
		return models.DBConfig{Driver: driver, DSN: filepath.Join(t.TempDir(), "test.db")}
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set " + PostgresEnv + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	schema := "afspraak_test_" + randomHex(6)
	admin, err := models.Open(models.DBConfig{Driver: driver, DSN: base, MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("modelstest: %v", err)
	}
	if err := admin.Exec(`CREATE SCHEMA "` + schema + `"`).Error; err != nil {
		t.Fatalf("modelstest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA "` + schema + `" CASCADE`)
		closeDB(admin)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("modelstest: %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return models.DBConfig{Driver: driver, DSN: u.String(), MaxOpenConns: 8}
}

// Open returns a fresh, migrated database of that driver.
func Open(t testing.TB, driver string) *gorm.DB {
	t.Helper()
	db, _ := open(t, driver)
	return db
}

func open(t testing.TB, driver string) (*gorm.DB, models.DBConfig) {
	t.Helper()
	cfg := Config(t, driver)
	db, err := models.Open(cfg)
	if err != nil {
		t.Fatalf("modelstest: %v", err)
	}
	t.Cleanup(func() { closeDB(db) })
	sqlDB, _ := db.DB()
	if _, err := models.Migrate(context.Background(), sqlDB, driver); err != nil {
		t.Fatalf("modelstest: %v", err)
	}
	return db, cfg
}

// Store returns a bare store (no policy, vocabulary or outbox) on a fresh,
// migrated database of that driver, with the read pool serve uses (SQLite's
// query-only connections). The service as a whole is app/apptest's.
func Store(t testing.TB, driver string) *models.Store {
	t.Helper()
	db, cfg := open(t, driver)
	reads, err := models.OpenReads(cfg)
	if err != nil {
		t.Fatalf("modelstest: %v", err)
	}
	store := models.NewStore(db, models.Options{Reads: reads})
	t.Cleanup(func() { _ = store.Close() })
	return store
}

func closeDB(db *gorm.DB) {
	if s, err := db.DB(); err == nil {
		_ = s.Close()
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
