package models_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"afspraak/models"
)

// TestDatabaseFilesPrivate: the database, WAL and shared-memory files are
// readable by their owner only, in a world-readable folder and for a file that
// existed with a looser mode.
func TestDatabaseFilesPrivate(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	loose := filepath.Join(dir, "old.db")
	if err := os.WriteFile(loose, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "new.db"), loose} {
		db, err := models.Open(models.DBConfig{Driver: models.DriverSQLite, DSN: path})
		if err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := db.DB()
		if _, err := models.Migrate(context.Background(), sqlDB, models.DriverSQLite); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if mode := fi.Mode().Perm(); mode != 0o600 {
				t.Errorf("%s has mode %o, want 600", filepath.Base(p), mode)
			}
		}
		_ = sqlDB.Close()
	}
}
