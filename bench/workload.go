package bench

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"afspraak/models"
)

// clientsPerWorker is each simulated worker's caseload in the benchmark.
const clientsPerWorker = 8

// actor is a simulated user with its own token and, for workers, clients.
type actor struct {
	*apiClient
	id      int64
	clients []int64
	phones  []string
	next    int
	// sessions are the sessions this worker planned, for the read phase.
	sessions []int64
}

// population is the benchmark's team: workers (one per load goroutine) and a
// supervisor per team of eight.
type population struct {
	workers     []*actor
	supervisors []*actor
	completions sync.Map // message id → time the complete request was sent
}

// setup creates users through the store (to get tokens) and clients through the API.
func setup(ctx context.Context, e *env, n int, hc *httpClientPool) (*population, error) {
	p := &population{}
	for i := range n {
		team := "Team " + strconv.Itoa(i/8+1)
		if i%8 == 0 {
			u, tok, err := e.store.CreateUser(ctx, models.System, models.NewUser{Name: "Supervisor " + strconv.Itoa(i/8+1),
				Email: fmt.Sprintf("sup%d@bench.example", i/8+1), Role: models.RoleSupervisor, Team: team})
			if err != nil {
				return nil, err
			}
			p.supervisors = append(p.supervisors, &actor{apiClient: hc.client(tok), id: u.ID})
		}
		u, tok, err := e.store.CreateUser(ctx, models.System, models.NewUser{Name: "Worker " + strconv.Itoa(i+1),
			Email: fmt.Sprintf("w%d@bench.example", i+1), Role: models.RoleWorker, Team: team})
		if err != nil {
			return nil, err
		}
		a := &actor{apiClient: hc.client(tok), id: u.ID}
		for j := range clientsPerWorker {
			phone := fmt.Sprintf("+3161%03d%04d", i, j)
			var c struct{ ID int64 }
			err := a.do(ctx, "POST", "/api/v1/clients", map[string]any{"name": fmt.Sprintf("Client %d-%d", i, j),
				"phone": phone, "language": "nl", "preferred_channel": "sms", "risk_level": "low", "phase": "middle",
				"consent": map[string]any{"sms": true}}, &c, 201)
			if err != nil {
				return nil, err
			}
			a.clients, a.phones = append(a.clients, c.ID), append(a.phones, phone)
		}
		p.workers = append(p.workers, a)
	}
	return p, nil
}

type sessionAnswer struct {
	ID     int64 `json:"id"`
	Agenda []struct {
		Source      string `json:"source"`
		AgreementID *int64 `json:"agreement_id"`
	} `json:"agenda"`
}

// session is one conversation as a worker has it: plan from a template (open
// agreements carry over), read it, close the carried-over agreements, record
// two new ones, read it again with the client's messages, start, complete
// with a summary to the client.
func (p *population) session(ctx context.Context, a *actor, rec *recorder) error {
	i := a.next % len(a.clients)
	a.next++
	cid := a.clients[i]
	var s sessionAnswer
	plan := map[string]any{"client_id": cid, "scheduled_at": time.Now().Add(2 * time.Hour).Format(time.RFC3339),
		"duration_minutes": 45, "modality": "video", "initiator": "worker", "template": "begeleiding"}
	if err := timed(rec, "POST /sessions (plan)", func() error { return a.do(ctx, "POST", "/api/v1/sessions", plan, &s, 201) }); err != nil {
		return err
	}
	a.sessions = append(a.sessions, s.ID)
	path := "/api/v1/sessions/" + strconv.FormatInt(s.ID, 10)
	if err := timed(rec, "GET /sessions/{id}", func() error { return a.do(ctx, "GET", path, nil, &s, 200) }); err != nil {
		return err
	}
	for k, it := range s.Agenda {
		if it.Source != "carry_over" || it.AgreementID == nil {
			continue
		}
		status := []string{"kept", "not_kept"}[k%2]
		ap := "/api/v1/agreements/" + strconv.FormatInt(*it.AgreementID, 10)
		if err := timed(rec, "PATCH /agreements/{id}", func() error {
			return a.do(ctx, "PATCH", ap, map[string]any{"status": status}, nil, 200)
		}); err != nil {
			return err
		}
	}
	for k := range 2 {
		body := map[string]any{"text": fmt.Sprintf("Afspraak %d: melden bij de wijkagent op dinsdag", k+1), "owner": "client"}
		if err := timed(rec, "POST /sessions/{id}/agreements", func() error {
			return a.do(ctx, "POST", path+"/agreements", body, nil, 201)
		}); err != nil {
			return err
		}
	}
	if err := timed(rec, "GET /sessions/{id}", func() error { return a.do(ctx, "GET", path, nil, nil, 200) }); err != nil {
		return err
	}
	mp := "/api/v1/messages?client_id=" + strconv.FormatInt(cid, 10) + "&limit=20"
	if err := timed(rec, "GET /messages?client_id", func() error { return a.do(ctx, "GET", mp, nil, nil, 200) }); err != nil {
		return err
	}
	if err := timed(rec, "POST /sessions/{id}/start", func() error {
		return a.do(ctx, "POST", path+"/start", map[string]any{"started_by": "worker"}, nil, 200)
	}); err != nil {
		return err
	}
	return p.complete(ctx, a, path, rec)
}

func (p *population) complete(ctx context.Context, a *actor, path string, rec *recorder) error {
	var done struct {
		SummaryMessage struct {
			ID     *int64 `json:"id"`
			Status string `json:"status"`
		} `json:"summary_message"`
	}
	body := map[string]any{"send_summary": true, "notes": "Gesprek verliep rustig; afspraken doorgenomen.", "risk_signals": []string{}}
	start := time.Now()
	if err := timed(rec, "POST /sessions/{id}/complete", func() error { return a.do(ctx, "POST", path+"/complete", body, &done, 200) }); err != nil {
		return err
	}
	if done.SummaryMessage.ID != nil {
		p.completions.Store(*done.SummaryMessage.ID, start)
	}
	return nil
}

// report is a supervisor pulling this month's follow-up report, then a pause.
func (p *population) report(ctx context.Context, a *actor, rec *recorder) error {
	now := time.Now()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	q := "/api/v1/reports/follow-up?from=" + from.Format("2006-01-02") + "&to=" + from.AddDate(0, 1, -1).Format("2006-01-02")
	err := timed(rec, "GET /reports/follow-up", func() error { return a.do(ctx, "GET", q, nil, nil, 200) })
	sleepCtx(ctx, 250*time.Millisecond)
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// completionLatency pairs each completion with the fake Twilio accepting its
// summary; it returns p50, p99, how many were paired and how many were not sent.
func (p *population) completionLatency(s *recordingSender) (p50, p99 time.Duration, n, missing int) {
	var l []time.Duration
	p.completions.Range(func(k, v any) bool {
		if at, ok := s.sentAt(k.(int64)); ok {
			l = append(l, at.at.Sub(v.(time.Time)))
		} else {
			missing++
		}
		return true
	})
	p50, p99 = percentiles(l)
	return p50, p99, len(l), missing
}
