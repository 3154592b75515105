package apptest

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"afspraak/models"
)

// Tables lists the tables of the test database (ours and River's), read
// once: the schema does not change in a test, and fuzz targets count rows
// for every input.
func (e *Env) Tables(t testing.TB) []string {
	t.Helper()
	if e.tables != nil {
		return e.tables
	}
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if e.Store.Driver() == models.DriverPostgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := e.App.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	e.tables = names
	return names
}

// RowCounts counts the rows of every table, in one query.
func (e *Env) RowCounts(t testing.TB) map[string]int64 {
	t.Helper()
	var parts []string
	for _, table := range e.Tables(t) {
		parts = append(parts, fmt.Sprintf(`SELECT '%s' AS name, COUNT(*) AS n FROM "%s"`, table, table))
	}
	rows, err := e.App.SQL().Query(strings.Join(parts, " UNION ALL "))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		counts[name] = n
	}
	return counts
}

// Count runs a COUNT query (with ? placeholders on both databases).
func (e *Env) Count(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.App.SQL().QueryRow(e.rebind(query), args...).Scan(&n); err != nil {
		t.Fatalf("apptest: %s: %v", query, err)
	}
	return n
}

// Exec runs a statement under the store (with ? placeholders on both
// databases), for set-ups no workflow makes, such as backdating a row.
func (e *Env) Exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := e.App.SQL().Exec(e.rebind(query), args...); err != nil {
		t.Fatalf("apptest: %s: %v", query, err)
	}
}

// rebind turns ? placeholders into PostgreSQL's $n.
func (e *Env) rebind(query string) string {
	if e.Store.Driver() != models.DriverPostgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Dump renders every row of the tables (default all), so that two dumps are
// equal exactly when the data is.
func (e *Env) Dump(t testing.TB, tables ...string) string {
	t.Helper()
	if len(tables) == 0 {
		tables = e.Tables(t)
	}
	if e.Store.Driver() == models.DriverPostgres {
		return e.pgDump(t, tables)
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := e.App.SQL().Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var line strings.Builder
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprint(&line, v, "\x1f") // a separator no stored text holds
			}
			lines = append(lines, line.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "%s %v\n%s\n", table, cols, strings.Join(lines, "\n"))
	}
	return b.String()
}

// pgDump is Dump in one round trip: PostgreSQL renders each row as text.
func (e *Env) pgDump(t testing.TB, tables []string) string {
	t.Helper()
	var parts []string
	for _, table := range tables {
		parts = append(parts, fmt.Sprintf(`SELECT '%s' AS name, (SELECT COALESCE(string_agg(r::text, E'\n' ORDER BY r::text), '') FROM "%s" r) AS rows`, table, table))
	}
	rows, err := e.App.SQL().Query(strings.Join(parts, " UNION ALL "))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s\n%s\n", name, text)
	}
	return b.String()
}
