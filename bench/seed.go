package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"afspraak/models"
)

// SeedOptions configure bench seed.
type SeedOptions struct {
	Database   string // sqlite (default) or postgres
	DSN        string // postgres server URL
	Path       string // sqlite: keep the database here (default: temporary, removed)
	Sessions   int    // sessions to create; default 200,000
	CPUProfile string // CPU profile of seeding and the timed queries
}

// Seed layout: 24 months of history, teams of 8 workers and a supervisor,
// about 700 sessions per team and month, 60 clients per worker.
const (
	seedMonths           = 24
	seedPerTeamMonth     = 700
	seedWorkersPerTeam   = 8
	seedClientsPerWorker = 60
)

// seeded is what the timings need from a seeded database.
type seeded struct {
	supervisor, worker *apiClient
	workerIDs          [][]int64 // per team
	clientIDs          [][]int64 // per worker (flattened over teams)
	start              time.Time // first day of the oldest month, UTC
}

// Seed builds a large database with bulk SQL in big transactions and times the
// follow-up report and the session list against it through the running API.
func Seed(ctx context.Context, o SeedOptions, out io.Writer) error {
	if o.Database == "" {
		o.Database = models.DriverSQLite
	}
	if o.Sessions <= 0 {
		o.Sessions = 200000
	}
	dir, err := os.MkdirTemp("", "afspraak-seed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b := &bench{o: Options{Database: o.Database, DSN: o.DSN, Workers: 1}, out: out, tty: isTerminal(out)}
	eo := Options{Database: o.Database, DSN: o.DSN}
	if b.env, err = startEnvAt(ctx, eo, dir, o.Path); err != nil {
		return err
	}
	defer b.env.close()
	stop, err := startCPUProfile(o.CPUProfile)
	if err != nil {
		return err
	}
	defer stop()
	t0 := time.Now()
	s, err := b.seed(ctx, o.Sessions)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d sessions in %s\n", o.Sessions, time.Since(t0).Round(100*time.Millisecond))
	return b.timeQueries(ctx, s)
}

// seed creates users through the store and everything else with plain SQL.
func (b *bench) seed(ctx context.Context, sessions int) (*seeded, error) {
	e := b.env
	teams := max(1, (sessions+seedMonths*seedPerTeamMonth-1)/(seedMonths*seedPerTeamMonth))
	now := time.Now().UTC()
	s := &seeded{start: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -seedMonths+1, 0)}
	pool := &httpClientPool{base: e.base, hc: newHTTPClient(4)}
	fmt.Fprintf(b.out, "seeding %d sessions: %d teams of %d workers, %d clients each, %d months from %s\n",
		sessions, teams, seedWorkersPerTeam, seedClientsPerWorker, seedMonths, s.start.Format("2006-01"))
	for t := range teams {
		team := "Seed team " + strconv.Itoa(t+1)
		_, tok, err := e.store.CreateUser(ctx, models.System, models.NewUser{Name: "Supervisor " + strconv.Itoa(t+1),
			Email: fmt.Sprintf("sup%d@seed.example", t+1), Role: models.RoleSupervisor, Team: team})
		if err != nil {
			return nil, err
		}
		if t == 0 {
			s.supervisor = pool.client(tok)
		}
		var ids []int64
		for w := range seedWorkersPerTeam {
			u, tok, err := e.store.CreateUser(ctx, models.System, models.NewUser{Name: fmt.Sprintf("Worker %d-%d", t+1, w+1),
				Email: fmt.Sprintf("w%d-%d@seed.example", t+1, w+1), Role: models.RoleWorker, Team: team})
			if err != nil {
				return nil, err
			}
			if t == 0 && w == 0 {
				s.worker = pool.client(tok)
			}
			ids = append(ids, u.ID)
		}
		s.workerIDs = append(s.workerIDs, ids)
	}
	var rows atomic.Int64
	stop := b.progress("seed", 0, time.Now(), &rowCounter{n: &rows})
	defer stop()
	if e.driver == models.DriverSQLite {
		// A large page cache while loading (SQLite's one connection); the
		// default is restored before anything is timed.
		if _, err := e.sqlDB.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
			return nil, err
		}
		defer e.sqlDB.ExecContext(ctx, "PRAGMA cache_size = -2000")
	}
	if err := b.seedClients(ctx, s, &rows); err != nil {
		return nil, err
	}
	return s, b.seedSessions(ctx, s, sessions, &rows)
}

// bulk runs fn in transactions of about batch rows each.
type bulk struct {
	db       *sql.DB
	tx       *sql.Tx
	stmts    map[string]*sql.Stmt
	postgres bool
	inTx     int
	rows     *atomic.Int64
}

func (k *bulk) exec(ctx context.Context, query string, args ...any) (int64, error) {
	if k.tx == nil {
		tx, err := k.db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		k.tx, k.stmts = tx, map[string]*sql.Stmt{}
	}
	st := k.stmts[query]
	if st == nil {
		var err error
		if st, err = k.tx.PrepareContext(ctx, (&rawAgreementWriter{postgres: k.postgres}).q(query)); err != nil {
			return 0, err
		}
		k.stmts[query] = st
	}
	var id int64
	if err := st.QueryRowContext(ctx, args...).Scan(&id); err != nil {
		return 0, err
	}
	k.rows.Add(1)
	if k.inTx++; k.inTx >= 50000 {
		return id, k.commit()
	}
	return id, nil
}

func (k *bulk) commit() error {
	if k.tx == nil {
		return nil
	}
	err := k.tx.Commit()
	k.tx, k.inTx = nil, 0
	return err
}

func (b *bench) seedClients(ctx context.Context, s *seeded, rows *atomic.Int64) error {
	k := &bulk{db: b.env.sqlDB, postgres: b.env.driver == models.DriverPostgres, rows: rows}
	for t, ws := range s.workerIDs {
		for wi, w := range ws {
			var ids []int64
			for c := range seedClientsPerWorker {
				at := s.start
				id, err := k.exec(ctx, `INSERT INTO clients (team_id, worker_id, name, phone, language, preferred_channel,
					consent_sms, consent_sms_at, risk_level, phase, created_at, updated_at)
					VALUES (?, ?, ?, ?, 'nl', 'sms', TRUE, ?, ?, 'middle', ?, ?) RETURNING id`,
					t+1, w, fmt.Sprintf("Client %d-%d-%d", t+1, wi+1, c+1), fmt.Sprintf("+316%02d%02d%04d", t%100, wi, c),
					at, []string{"low", "medium", "high"}[c%3], at, at)
				if err != nil {
					return fmt.Errorf("bench: seed clients: %w", err)
				}
				ids = append(ids, id)
			}
			s.clientIDs = append(s.clientIDs, ids)
		}
	}
	return k.commit()
}

// rowCounter shows seeding progress as rows inserted.
type rowCounter struct{ n *atomic.Int64 }

func (r *rowCounter) counts() (int64, int64) { return r.n.Load(), 0 }

// seedSessions writes the sessions spread over the months, with for each
// completed one two agreements and its summary message; some replies.
func (b *bench) seedSessions(ctx context.Context, s *seeded, n int, rows *atomic.Int64) error {
	k := &bulk{db: b.env.sqlDB, postgres: b.env.driver == models.DriverPostgres, rows: rows}
	span := s.start.AddDate(0, seedMonths, 0).Sub(s.start)
	teamIDs, err := queryIDs(ctx, b.env.sqlDB, "SELECT id FROM teams ORDER BY id")
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	for i := range n {
		t := i % len(s.workerIDs)
		wi := (i / len(s.workerIDs)) % seedWorkersPerTeam
		ci := (i / (len(s.workerIDs) * seedWorkersPerTeam)) % seedClientsPerWorker
		client := s.clientIDs[t*seedWorkersPerTeam+wi][ci]
		at := s.start.Add(time.Duration(float64(span) * float64(i) / float64(n))).Truncate(time.Minute)
		if err := b.seedSession(ctx, k, i, teamIDs[t], s.workerIDs[t][wi], client, at, now); err != nil {
			return fmt.Errorf("bench: seed sessions: %w", err)
		}
	}
	return k.commit()
}

func (b *bench) seedSession(ctx context.Context, k *bulk, i int, team, worker, client int64, at, now time.Time) error {
	status := "completed"
	switch {
	case at.After(now):
		status = "planned"
	case i%20 == 7:
		status = "no_show"
	case i%20 == 13:
		status = "cancelled"
	}
	var completed *time.Time
	if status == "completed" {
		c := at.Add(45 * time.Minute)
		completed = &c
	}
	risk := "[]"
	if i%10 == 3 {
		risk = `["evasive"]`
	}
	modality := []string{"video", "phone", "face_to_face", "video", "whatsapp"}[i%5]
	sid, err := k.exec(ctx, `INSERT INTO sessions (client_id, worker_id, team_id, scheduled_at, duration_minutes, modality,
		initiator, template, status, completed_at, risk_signals, send_summary, policy_warnings, policy_override,
		created_at, updated_at) VALUES (?, ?, ?, ?, 45, ?, 'worker', 'begeleiding', ?, ?, ?, ?, '[]', ?, ?, ?) RETURNING id`,
		client, worker, team, at, modality, status, completed, risk, completed != nil, i%20 == 5, at.Add(-48*time.Hour), at)
	if err != nil || completed == nil {
		return err
	}
	for a := range 2 {
		var ack *time.Time
		if i%5 < 3 {
			t := completed.Add(3 * time.Hour)
			ack = &t
		}
		if _, err := k.exec(ctx, `INSERT INTO agreements (client_id, session_id, text, owner, include_in_summary, status,
			acknowledged_at, created_at, updated_at) VALUES (?, ?, ?, 'client', TRUE, ?, ?, ?, ?) RETURNING id`,
			client, sid, "Afspraak "+strconv.Itoa(a+1)+": melden bij de wijkagent", []string{"kept", "open"}[a], ack, *completed, *completed); err != nil {
			return err
		}
	}
	sent := completed.Add(time.Duration(1+i%30) * time.Minute)
	status, delivered, failed := "delivered", &sent, (*time.Time)(nil)
	if i%33 == 0 {
		status, delivered, failed = "failed", nil, &sent
	}
	if _, err := k.exec(ctx, `INSERT INTO messages (client_id, session_id, kind, channel, recipient, body, status, twilio_sid,
		attempts, first_attempt_at, sent_at, delivered_at, failed_at, created_at, updated_at)
		VALUES (?, ?, 'agreement_summary', 'sms', '', 'Samenvatting', ?, ?, 1, ?, ?, ?, ?, ?, ?) RETURNING id`,
		client, sid, status, fmt.Sprintf("SMseed%026d", i), sent, sent, delivered, failed, *completed, sent); err != nil {
		return err
	}
	if i%20 == 1 {
		_, err = k.exec(ctx, `INSERT INTO inbound_messages (twilio_sid, client_id, channel, body, keyword, after_hours, received_at)
			VALUES (?, ?, 'sms', 'OK', 'ack', ?, ?) RETURNING id`, fmt.Sprintf("SMin%028d", i), client, i%3 == 0, completed.Add(3*time.Hour))
	}
	return err
}

// timeQueries times the follow-up report and the session list over HTTP, as a
// supervisor and a worker of team 1 would ask for them, for the last full month.
func (b *bench) timeQueries(ctx context.Context, s *seeded) error {
	now := time.Now().UTC()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	to := from.AddDate(0, 1, 0)
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	rfc := func(t time.Time) string { return t.Format(time.RFC3339) }
	var n int
	q := "SELECT COUNT(*) FROM sessions WHERE team_id = 1 AND scheduled_at >= $1 AND scheduled_at < $2"
	if b.env.driver == models.DriverSQLite {
		q = "SELECT COUNT(*) FROM sessions WHERE team_id = 1 AND scheduled_at >= ? AND scheduled_at < ?"
	}
	if err := b.env.sqlDB.QueryRowContext(ctx, q, from, to).Scan(&n); err != nil {
		return err
	}
	fmt.Fprintf(b.out, "\n== Queries over the seeded database (team 1, %s: %d sessions in the month; 1 warm-up, then 10 runs)\n", from.Format("2006-01"), n)
	fmt.Fprintf(b.out, "%-62s %10s %10s %10s\n", "query", "min", "p50", "max")
	queries := []struct {
		name string
		c    *apiClient
		path string
	}{
		{"GET /reports/follow-up (supervisor, team, month)", s.supervisor, "/api/v1/reports/follow-up?from=" + day(from) + "&to=" + day(to.AddDate(0, 0, -1))},
		{"GET /reports/follow-up CSV (supervisor, team, month)", s.supervisor, "/api/v1/reports/follow-up?format=csv&from=" + day(from) + "&to=" + day(to.AddDate(0, 0, -1))},
		{"GET /sessions?from&to (supervisor, month, first page)", s.supervisor, "/api/v1/sessions?from=" + rfc(from) + "&to=" + rfc(to)},
		{"GET /sessions?from&to (worker, month, first page)", s.worker, "/api/v1/sessions?from=" + rfc(from) + "&to=" + rfc(to)},
		{"GET /sessions?from&to&offset=150 (worker, month)", s.worker, "/api/v1/sessions?offset=150&from=" + rfc(from) + "&to=" + rfc(to)},
		{"GET /sessions (worker, all, first page)", s.worker, "/api/v1/sessions"},
		{"GET /sessions?status=completed (supervisor, all, first page)", s.supervisor, "/api/v1/sessions?status=completed"},
	}
	for _, q := range queries {
		var l []time.Duration
		for i := range 11 {
			start := time.Now()
			if err := q.c.do(ctx, "GET", q.path, nil, nil, 200); err != nil {
				return err
			}
			if i > 0 {
				l = append(l, time.Since(start))
			}
		}
		p50, _ := percentiles(l)
		lo, hi := slicesMinMax(l)
		fmt.Fprintf(b.out, "%-62s %10s %10s %10s\n", q.name, ms(lo), ms(p50), ms(hi))
	}
	return nil
}

func slicesMinMax(l []time.Duration) (lo, hi time.Duration) {
	lo, hi = l[0], l[0]
	for _, d := range l {
		lo, hi = min(lo, d), max(hi, d)
	}
	return lo, hi
}

// queryIDs reads one column of ids.
func queryIDs(ctx context.Context, db *sql.DB, query string) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
