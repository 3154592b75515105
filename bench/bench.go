// Package bench measures afspraak against its own ceilings: it starts the
// service in this process on a temporary database with a fake Twilio on
// loopback, drives it with a mixed workload over real HTTP, and measures in
// the same run what the same machine does without afspraak in the way.
package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"afspraak/models"
	"afspraak/notify"
)

// Options are the benchmark's settings; zero values take the defaults.
type Options struct {
	Database   string        // sqlite (default) or postgres
	DSN        string        // postgres: server URL; a fresh schema is made and dropped
	Workers    int           // concurrent simulated clients; default 8
	Duration   time.Duration // per timed phase; default 15 s
	Messages   int           // messages in the dispatch phase; default 3000
	CPUProfile string        // per-phase CPU profiles: CPUProfile + "." + phase name
	// QueueWorkers is River's MaxWorkers; 0 is serve's (notify's default, 100).
	// Changing it is an experiment, printed in the header.
	QueueWorkers int
	// SQLiteConns, when set, widens SQLite's pool from models.Open's single
	// connection: an experiment, printed in the header.
	SQLiteConns int
}

func (o *Options) defaults() {
	if o.Database == "" {
		o.Database = models.DriverSQLite
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Duration <= 0 {
		o.Duration = 15 * time.Second
	}
	if o.Messages <= 0 {
		o.Messages = 3000
	}
}

// bench is one run.
type bench struct {
	o   Options
	out io.Writer
	tty bool
	env *env
}

// Run runs the whole benchmark and prints its results to out.
func Run(ctx context.Context, o Options, out io.Writer) (err error) {
	o.defaults()
	if o.Database != models.DriverSQLite && o.Database != models.DriverPostgres {
		return fmt.Errorf("bench: unknown database %q (sqlite or postgres)", o.Database)
	}
	b := &bench{o: o, out: out, tty: isTerminal(out)}
	dir, err := os.MkdirTemp("", "afspraak-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if b.env, err = startEnv(ctx, o, dir); err != nil {
		return err
	}
	defer b.env.close()
	return b.run(ctx)
}

func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// results holds every figure of a run, for printing.
type results struct {
	idleRSS, peakRSS float64
	idleAnon         float64
	peakReset        bool
	ceiling, rawDB   phaseResult
	rawTwilio        phaseResult
	mixed, read      phaseResult
	write            phaseResult
	c2t50, c2t99     time.Duration
	c2tN, c2tMissing int
	dispatch         dispatchResult
}

func (b *bench) run(ctx context.Context) error {
	o, e := b.o, b.env
	hc := newHTTPClient(o.Workers + 4)
	pool := &httpClientPool{base: e.base, hc: hc}
	fmt.Fprintf(b.out, "afspraak bench: %s, %d workers, %s per phase, %d CPUs (GOMAXPROCS %d), %s, queue workers %d, db conns %d\n",
		o.Database, o.Workers, o.Duration, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(),
		cmp.Or(o.QueueWorkers, notify.DefaultQueueMaxWorkers), e.sqlDB.Stats().MaxOpenConnections)
	p, err := setup(ctx, e, o.Workers, pool)
	if err != nil {
		return fmt.Errorf("bench: setup: %w", err)
	}
	var r results
	time.Sleep(time.Second) // let River's startup work finish
	settle()
	r.idleRSS, r.idleAnon = rssMB("VmRSS"), rssMB("RssAnon")
	fmt.Fprintf(b.out, "service up on %s; idle RSS %.1f MB (anonymous %.1f MB, file-backed %.1f MB)\n",
		e.base, r.idleRSS, r.idleAnon, rssMB("RssFile"))

	r.ceiling = b.runPhase(ctx, "http ceiling", o.Duration, o.Workers, healthz(pool.client("")))
	r.peakReset = resetPeakRSS()
	sim := startTwilioSim(ctx, e, hc, newRecorder())
	r.mixed = b.runPhase(ctx, "mixed", o.Duration, o.Workers+len(p.supervisors), b.mixedFunc(p))
	time.Sleep(500 * time.Millisecond) // the last summaries leave the queue
	sim.stop()
	r.peakRSS = rssMB("VmHWM")
	r.mixed.rec.merge(sim.rec)
	r.c2t50, r.c2t99, r.c2tN, r.c2tMissing = p.completionLatency(e.sent)

	r.read = b.runPhase(ctx, "session read", o.Duration, o.Workers, func(ctx context.Context, w int, rec *recorder) error {
		a := p.workers[w]
		if len(a.sessions) == 0 {
			sleepCtx(ctx, 10*time.Millisecond)
			return errors.New("bench: worker planned no session in the mixed phase; nothing to read")
		}
		a.next++
		path := "/api/v1/sessions/" + strconv.FormatInt(a.sessions[a.next%len(a.sessions)], 10)
		return timed(rec, "GET /sessions/{id}", func() error { return a.do(ctx, "GET", path, nil, nil, 200) })
	})
	open, err := b.openSessions(ctx, p)
	if err != nil {
		return err
	}
	r.write = b.runPhase(ctx, "agreement write", o.Duration, o.Workers, func(ctx context.Context, w int, rec *recorder) error {
		a, path := p.workers[w], "/api/v1/sessions/"+strconv.FormatInt(open[w], 10)+"/agreements"
		body := map[string]any{"text": "Melden bij de wijkagent op dinsdag", "owner": "client"}
		return timed(rec, "POST /sessions/{id}/agreements", func() error { return a.do(ctx, "POST", path, body, nil, 201) })
	})
	raw := &rawAgreementWriter{db: e.sqlDB, postgres: o.Database == models.DriverPostgres, sessionID: open[0],
		clientID: p.workers[0].clients[0], teamID: 1}
	r.rawDB = b.runPhase(ctx, "raw database", o.Duration, o.Workers, raw.phase())
	if r.dispatch, err = b.dispatch(ctx, p, o.Messages); err != nil {
		return err
	}
	r.rawTwilio = b.runPhase(ctx, "raw twilio-go", o.Duration, o.Workers, rawTwilio(e.twilio))
	if ctx.Err() != nil {
		return ctx.Err()
	}
	b.print(r)
	return nil
}

// mixedFunc gives each worker goroutine whole sessions and each supervisor
// goroutine follow-up reports.
func (b *bench) mixedFunc(p *population) phaseFunc {
	return func(ctx context.Context, w int, rec *recorder) error {
		if w < len(p.workers) {
			return p.session(ctx, p.workers[w], rec)
		}
		return p.report(ctx, p.supervisors[w-len(p.workers)], rec)
	}
}

// openSessions plans one session per worker to record agreements on.
func (b *bench) openSessions(ctx context.Context, p *population) ([]int64, error) {
	ids := make([]int64, len(p.workers))
	for i, a := range p.workers {
		var s sessionAnswer
		plan := map[string]any{"client_id": a.clients[0], "scheduled_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339),
			"duration_minutes": 45, "modality": "phone", "initiator": "worker", "template": "meldplicht"}
		if err := a.do(ctx, "POST", "/api/v1/sessions", plan, &s, 201); err != nil {
			return nil, err
		}
		ids[i] = s.ID
	}
	if len(ids) == 0 {
		return nil, errors.New("bench: no workers")
	}
	return ids, nil
}

// httpClientPool hands out API clients sharing one connection pool.
type httpClientPool struct {
	base string
	hc   *http.Client
}

func (p *httpClientPool) client(token string) *apiClient {
	return &apiClient{base: p.base, token: token, hc: p.hc}
}
