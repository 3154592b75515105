package api

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"afspraak/models"
)

// TestLockedDatabase: while another process holds SQLite's write lock, a
// write answers 503 with a problem+json body within a few seconds (not a
// generic 500 after half a minute), /readyz says not ready, and both recover
// once the lock is gone.
func TestLockedDatabase(t *testing.T) {
	e := newTestEnv(t, models.DriverSQLite)
	_, tok := e.user("w", "worker", "A")
	e.do("GET", "/readyz", "", nil).must(t, 200)
	var path string
	if err := e.App.SQL().QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=100")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "Jan", "phone": "0612345678"})
	took := time.Since(start)
	if r.Status != 503 || r.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(r.Body), "database") {
		t.Errorf("a write on a locked database: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if took > 8*time.Second {
		t.Errorf("the answer took %s", took)
	}
	start = time.Now()
	if r := e.do("GET", "/readyz", "", nil); r.Status != 503 || time.Since(start) > 4*time.Second {
		t.Errorf("/readyz on a locked database: %d after %s", r.Status, time.Since(start))
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	e.do("GET", "/readyz", "", nil).must(t, 200)
	e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "Jan", "phone": "0612345678"}).must(t, 201)
}
