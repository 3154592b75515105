package models_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"gorm.io/gorm"

	"afspraak/models"
	"afspraak/models/modelstest"
)

func TestMigrateEmptyDatabase(t *testing.T) {
	for _, driver := range []string{models.DriverSQLite, models.DriverPostgres} {
		t.Run(driver, func(t *testing.T) {
			db, err := models.Open(modelstest.Config(t, driver))
			if err != nil {
				t.Fatal(err)
			}
			sqlDB, _ := db.DB()
			defer sqlDB.Close()
			ctx := context.Background()
			applied, err := models.Migrate(ctx, sqlDB, driver)
			if err != nil {
				t.Fatalf("migrate empty database: %v", err)
			}
			if len(applied) == 0 {
				t.Fatal("no migration applied on an empty database")
			}
			again, err := models.Migrate(ctx, sqlDB, driver)
			if err != nil || len(again) != 0 {
				t.Fatalf("second migrate: applied %v, err %v; want nothing", again, err)
			}
			// Down to the empty schema and up again: every Down matches its Up.
			if err := models.MigrateDownTo(ctx, sqlDB, driver, 0); err != nil {
				t.Fatalf("migrate down: %v", err)
			}
			if _, err := models.Migrate(ctx, sqlDB, driver); err != nil {
				t.Fatalf("migrate up after down: %v", err)
			}
			store := models.NewStore(db, models.Options{})
			if _, _, err := store.CreateUser(ctx, models.System, models.NewUser{Name: "A", Email: "a@example.org", Role: "admin", Team: "T"}); err != nil {
				t.Fatalf("schema unusable after migration: %v", err)
			}
		})
	}
}

// TestMigrateConcurrently starts two migrations on one PostgreSQL schema at
// once, as two instances starting together would.
func TestMigrateConcurrently(t *testing.T) {
	cfg := modelstest.Config(t, models.DriverPostgres)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := models.Open(cfg)
			if err != nil {
				errs[i] = err
				return
			}
			sqlDB, _ := db.DB()
			defer sqlDB.Close()
			_, errs[i] = models.Migrate(context.Background(), sqlDB, models.DriverPostgres)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
}

// TestMigrateFromPreviousSchema: data written under the previous schema
// survives the upgrade to the current one.
func TestMigrateFromPreviousSchema(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			db, sqlDB := migratedTo(t, driver, 2)
			ctx := context.Background()
			// Write with plain SQL: the current store may need newer tables.
			for _, q := range []string{
				`INSERT INTO teams (name, created_at) VALUES ('T', CURRENT_TIMESTAMP)`,
				`INSERT INTO users (team_id, name, email, role, created_at) VALUES (1, 'W', 'w@example.org', 'worker', CURRENT_TIMESTAMP)`,
				`INSERT INTO clients (team_id, worker_id, name, phone, language, preferred_channel, risk_level, phase, created_at, updated_at)
				 VALUES (1, 1, 'C', '+31612345678', 'nl', 'whatsapp', 'low', 'start', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			} {
				if err := db.Exec(q).Error; err != nil {
					t.Fatal(err)
				}
			}
			if _, err := models.Migrate(ctx, sqlDB, driver); err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			c, err := models.NewStore(db, models.Options{}).FindClientByID(ctx, models.Actor{Role: models.RoleAdmin}, 1)
			if err != nil || c.Phone != "+31612345678" {
				t.Fatalf("client after upgrade: %+v, %v", c, err)
			}
		})
	}
}

// TestMigrateDuplicateNumbers: clients that shared a number before the
// one-number rule are all kept, marked shared and for review, and checked
// again before anything personal goes to them; other numbers stay in use.
func TestMigrateDuplicateNumbers(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			db, sqlDB := migratedTo(t, driver, 5)
			ctx := context.Background()
			stmts := []string{
				`INSERT INTO teams (name, created_at) VALUES ('T', CURRENT_TIMESTAMP)`,
				`INSERT INTO users (team_id, name, email, role, created_at) VALUES (1, 'W', 'w@example.org', 'worker', CURRENT_TIMESTAMP)`,
			}
			for _, phone := range []string{"+31612345678", "+31612345678", "+31687654321"} {
				stmts = append(stmts, `INSERT INTO clients (team_id, worker_id, name, phone, language, preferred_channel,
					risk_level, phase, created_at, updated_at) VALUES (1, 1, 'C', '`+phone+`', 'nl', 'whatsapp', 'low', 'start',
					CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
			}
			for _, q := range stmts {
				if err := db.Exec(q).Error; err != nil {
					t.Fatal(err)
				}
			}
			if _, err := models.Migrate(ctx, sqlDB, driver); err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			store := models.NewStore(db, models.Options{})
			admin := models.Actor{Role: models.RoleAdmin}
			review, _, err := store.FindClients(ctx, admin, models.ClientFilter{PhoneReview: true})
			if err != nil || len(review) != 2 {
				t.Fatalf("clients for review: %d, %v", len(review), err)
			}
			for _, c := range review {
				if !c.PhoneShared || c.NumberCheck != models.NumberUnchecked {
					t.Fatalf("a duplicate after the upgrade: %+v", c)
				}
			}
			if c, _ := store.FindClientByID(ctx, admin, 3); c.PhoneReview || c.NumberCheck != models.NumberConfirmed {
				t.Fatalf("a number of its own after the upgrade: %+v", c)
			}
		})
	}
}

// migratedTo opens a fresh database of driver migrated up to version; it is
// closed when the test ends.
func migratedTo(t *testing.T, driver string, version int64) (*gorm.DB, *sql.DB) {
	t.Helper()
	db, err := models.Open(modelstest.Config(t, driver))
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { sqlDB.Close() })
	if err := models.MigrateUpTo(context.Background(), sqlDB, driver, version); err != nil {
		t.Fatal(err)
	}
	return db, sqlDB
}
