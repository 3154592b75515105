package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"afspraak/models"
	"afspraak/models/modelstest"
	"afspraak/notify"
)

type pingArgs struct {
	N int `json:"n"`
}

func (pingArgs) Kind() string { return "queue_test_ping" }

// runCounter counts how often each job number ran, across queue instances.
type runCounter struct {
	mu   sync.Mutex
	runs map[int]int
}

func (c *runCounter) add(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.runs[n]++
}

// check reports jobs 0..want-1 that ran other than once, and the total.
func (c *runCounter) check(want int) (bad map[int]int, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	bad = map[int]int{}
	for n := range want {
		if c.runs[n] != 1 {
			bad[n] = c.runs[n]
		}
	}
	for _, k := range c.runs {
		total += k
	}
	return bad, total
}

// pingWorker records its run in memory, then writes a row and completes the
// job in one GORM transaction, as a sending worker would.
type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	db   *gorm.DB
	runs *runCounter
}

func (w *pingWorker) Work(ctx context.Context, job *river.Job[pingArgs]) error {
	w.runs.add(job.Args.N)
	return w.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO queue_test_runs (n) VALUES (?)", job.Args.N).Error; err != nil {
			return err
		}
		_, err := notify.CompleteTx(ctx, tx.Statement.ConnPool.(*sql.Tx), job)
		return err
	})
}

// openQueueDB opens cfg's database with our migrations, River's and the test
// tables applied.
func openQueueDB(t *testing.T, cfg models.DBConfig) *gorm.DB {
	t.Helper()
	gdb, err := models.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := gdb.DB()
	t.Cleanup(func() { _ = sqlDB.Close() })
	ctx := context.Background()
	if _, err := models.Migrate(ctx, sqlDB, cfg.Driver); err != nil {
		t.Fatal(err)
	}
	if err := notify.MigrateQueue(ctx, sqlDB, cfg.Driver); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"queue_test_rows", "queue_test_runs"} {
		if err := gdb.Exec("CREATE TABLE IF NOT EXISTS " + table + " (n INTEGER NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
	}
	return gdb
}

// startQueue starts a queue running pingWorker on gdb; it stops at cleanup,
// before the database closes.
func startQueue(t *testing.T, gdb *gorm.DB, driver string, runs *runCounter) *notify.Queue {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, &pingWorker{db: gdb, runs: runs})
	sqlDB, _ := gdb.DB()
	q, err := notify.NewQueue(sqlDB, notify.QueueConfig{
		Driver:  driver,
		Workers: workers,
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return q
}

// enqueue writes a row for job n and enqueues it in one GORM transaction,
// which fails (and rolls back) when fail is set.
func enqueue(ctx context.Context, gdb *gorm.DB, q *notify.Queue, n int, fail bool) error {
	return gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO queue_test_rows (n) VALUES (?)", n).Error; err != nil {
			return err
		}
		if _, err := q.InsertTx(ctx, tx.Statement.ConnPool.(*sql.Tx), pingArgs{N: n}, nil); err != nil {
			return err
		}
		if fail {
			return errors.New("rolled back on purpose")
		}
		return nil
	})
}

// enqueueConcurrently runs enqueue for 0..count-1 from several goroutines, so
// that transactions compete for SQLite's single connection with the queue.
func enqueueConcurrently(t *testing.T, ctx context.Context, gdb *gorm.DB, q *notify.Queue, count int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, count)
	for g := range 5 {
		wg.Go(func() {
			for n := g; n < count; n += 5 {
				if err := enqueue(ctx, gdb, q, n, false); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("enqueue: %v", err)
	}
}

func count(t *testing.T, gdb *gorm.DB, query string) int64 {
	t.Helper()
	var n int64
	if err := gdb.Raw(query).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkRanOnce waits for jobs 0..want-1 to be completed and checks each ran
// exactly once, including a short while after.
func checkRanOnce(t *testing.T, gdb *gorm.DB, runs *runCounter, want int) {
	t.Helper()
	waitFor(t, "jobs to complete", 12*time.Second, func() bool {
		return count(t, gdb, "SELECT count(*) FROM river_job WHERE state = 'completed'") == int64(want)
	})
	time.Sleep(300 * time.Millisecond) // a second run would show up now
	if bad, total := runs.check(want); len(bad) > 0 || total != want {
		t.Errorf("runs: %d in all, want %d; job → runs not 1: %v", total, want, bad)
	}
	if n := count(t, gdb, "SELECT count(*) FROM queue_test_runs"); n != int64(want) {
		t.Errorf("worker rows = %d, want %d", n, want)
	}
	if n := count(t, gdb, "SELECT count(*) FROM river_job WHERE state <> 'completed'"); n != 0 {
		t.Errorf("%d jobs not completed", n)
	}
}

func TestQueueInsertTxRunsOnce(t *testing.T) {
	for _, driver := range []string{models.DriverSQLite, models.DriverPostgres} {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			gdb := openQueueDB(t, modelstest.Config(t, driver))
			runs := &runCounter{runs: map[int]int{}}
			q := startQueue(t, gdb, driver, runs)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			enqueueConcurrently(t, ctx, gdb, q, 50)
			if n := count(t, gdb, "SELECT count(*) FROM queue_test_rows"); n != 50 {
				t.Errorf("rows = %d, want 50", n)
			}
			checkRanOnce(t, gdb, runs, 50)
		})
	}
}

func TestQueueRollbackEnqueuesNothing(t *testing.T) {
	for _, driver := range []string{models.DriverSQLite, models.DriverPostgres} {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			gdb := openQueueDB(t, modelstest.Config(t, driver))
			runs := &runCounter{runs: map[int]int{}}
			q := startQueue(t, gdb, driver, runs)

			if err := enqueue(context.Background(), gdb, q, 0, true); err == nil {
				t.Fatal("transaction did not fail")
			}
			time.Sleep(300 * time.Millisecond) // several fetch polls
			if n := count(t, gdb, "SELECT count(*) FROM river_job"); n != 0 {
				t.Errorf("%d jobs after rollback, want 0", n)
			}
			if n := count(t, gdb, "SELECT count(*) FROM queue_test_rows"); n != 0 {
				t.Errorf("%d rows after rollback, want 0", n)
			}
			if _, total := runs.check(0); total != 0 {
				t.Errorf("%d runs after rollback, want 0", total)
			}
		})
	}
}

// TestQueueTwoInstancesPostgres runs two queues, each on its own pool as two
// processes would, against one schema.
func TestQueueTwoInstancesPostgres(t *testing.T) {
	cfg := modelstest.Config(t, models.DriverPostgres)
	t.Parallel()
	gdbA := openQueueDB(t, cfg)
	gdbB := openQueueDB(t, cfg)
	runs := &runCounter{runs: map[int]int{}}
	qA := startQueue(t, gdbA, cfg.Driver, runs)
	startQueue(t, gdbB, cfg.Driver, runs)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	enqueueConcurrently(t, ctx, gdbA, qA, 200)
	checkRanOnce(t, gdbA, runs, 200)
	var perClient []struct {
		Client string
		N      int
	}
	gdbA.Raw("SELECT attempted_by[1] AS client, count(*) AS n FROM river_job GROUP BY 1").Scan(&perClient)
	t.Logf("jobs per instance: %+v", perClient)
}

func TestMigrateQueueConcurrentPostgres(t *testing.T) {
	cfg := modelstest.Config(t, models.DriverPostgres)
	t.Parallel()
	var dbs [2]*sql.DB
	for i := range dbs {
		gdb, err := models.Open(cfg)
		if err != nil {
			t.Fatal(err)
		}
		dbs[i], _ = gdb.DB()
		t.Cleanup(func() { _ = dbs[i].Close() })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { errs[i] = notify.MigrateQueue(ctx, db, cfg.Driver) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrator %d: %v", i, err)
		}
	}
	var jobs int64
	if err := dbs[0].QueryRowContext(ctx, "SELECT count(*) FROM river_job").Scan(&jobs); err != nil {
		t.Errorf("river_job after migrating: %v", err)
	}
	// Applying again is a no-op.
	if err := notify.MigrateQueue(ctx, dbs[1], cfg.Driver); err != nil {
		t.Errorf("migrate again: %v", err)
	}
}

func TestNewQueueRejectsBadConfig(t *testing.T) {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		name string
		cfg  notify.QueueConfig
	}{
		{"unknown driver", notify.QueueConfig{Driver: "mysql"}},
		{"rescue not after timeout", notify.QueueConfig{Driver: models.DriverSQLite, RescueAfter: time.Second, JobTimeout: time.Second}},
		{"negative workers", notify.QueueConfig{Driver: models.DriverSQLite, MaxWorkers: -1}},
		{"periodic jobs without workers", notify.QueueConfig{Driver: models.DriverSQLite, PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Minute), func() (river.JobArgs, *river.InsertOpts) { return pingArgs{}, nil }, nil),
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := notify.NewQueue(db, tt.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
}
