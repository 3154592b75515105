package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// TestConcurrentWriters: 32 writers at once, each planning and completing
// sessions for clients of its own for a few seconds. No request fails, no
// "database is locked", every acknowledged write is there afterwards, and the
// audit chain, written by all of them, is unbroken.
func TestConcurrentWriters(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			tokens := make([]string, 4)
			for i := range tokens {
				_, tokens[i] = e.user(fmt.Sprintf("w%d", i), "worker", "A")
			}
			var clients, sessions, agreements, items, completed atomic.Int64
			deadline := time.Now().Add(2500 * time.Millisecond)
			var wg sync.WaitGroup
			for g := range 32 {
				wg.Go(func() {
					w := writer{e: e, tok: tokens[g%len(tokens)]}
					for time.Now().Before(deadline) && w.err == nil {
						w.round()
						clients.Add(w.clients)
						sessions.Add(w.sessions)
						agreements.Add(w.agreements)
						items.Add(w.items)
						completed.Add(w.completed)
						w.clients, w.sessions, w.agreements, w.items, w.completed = 0, 0, 0, 0, 0
					}
					if w.err != nil {
						t.Errorf("writer %d: %v", g, w.err)
					}
				})
			}
			wg.Wait()
			counts := e.RowCounts(t)
			summaries := e.Count(t, "SELECT COUNT(*) FROM messages WHERE kind = ?", models.KindAgreementSummary)
			done := e.Count(t, "SELECT COUNT(*) FROM sessions WHERE status = ?", models.SessionCompleted)
			workerItems := e.Count(t, "SELECT COUNT(*) FROM agenda_items WHERE source = ?", models.SourceWorker)
			got := fmt.Sprint(counts["clients"], counts["sessions"], counts["agreements"], workerItems, done, summaries)
			want := fmt.Sprint(clients.Load(), sessions.Load(), agreements.Load(), items.Load(), completed.Load(), completed.Load())
			if got != want {
				t.Fatalf("clients sessions agreements items completed summaries: stored %s, acknowledged %s", got, want)
			}
			if completed.Load() < 32 {
				t.Fatalf("only %d sessions completed: the writers hardly ran", completed.Load())
			}
			if broken, checked, reason, err := e.store.VerifyAudit(context.Background()); err != nil || broken != 0 {
				t.Fatalf("audit chain after concurrent writes: event %d of %d: %s %v", broken, checked, reason, err)
			}
			if logs := e.logs.String(); strings.Contains(logs, "database is locked") || strings.Contains(logs, "internal error") {
				t.Fatalf("errors logged under concurrency:\n%s", logs)
			}
			t.Logf("%s: %d clients, %d sessions completed by 32 writers", driver, clients.Load(), completed.Load())
		})
	}
}

// writer runs one round of a worker's writes and tallies what was
// acknowledged; the first failure stops it.
type writer struct {
	e                                               *testEnv
	tok                                             string
	clients, sessions, agreements, items, completed int64
	err                                             error
}

func (w *writer) round() {
	cid := w.post("POST", "/api/v1/clients", 201, map[string]any{"name": "Jan", "phone": uniquePhone(),
		"consent": map[string]any{"whatsapp": true}}, &w.clients)
	sid := w.post("POST", "/api/v1/sessions", 201, map[string]any{"client_id": cid, "scheduled_at": future(),
		"modality": "video", "initiator": "client", "template": "begeleiding"}, &w.sessions)
	w.post("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), 201, map[string]any{"text": "Bellen"}, &w.agreements)
	w.post("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), 201, map[string]any{"text": "Mailen"}, &w.agreements)
	w.post("POST", fmt.Sprintf("/api/v1/sessions/%d/agenda", sid), 201, map[string]any{"title": "Werk", "position": 1}, &w.items)
	w.post("PATCH", fmt.Sprintf("/api/v1/clients/%d", cid), 200, map[string]any{"risk_level": "medium"}, nil)
	w.post("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), 200, map[string]any{"send_summary": true}, &w.completed)
}

// post sends a request unless an earlier one failed, counts it when it got
// the status wanted, and returns the id answered.
func (w *writer) post(method, path string, want int, body any, tally *int64) int64 {
	if w.err != nil {
		return 0
	}
	data, _ := json.Marshal(body)
	req := httptest.NewRequest(method, path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.tok)
	res, err := w.e.app.Test(req, -1)
	if err != nil {
		w.err = err
		return 0
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		w.err = fmt.Errorf("%s %s: status %d: %s", method, path, res.StatusCode, answer)
		return 0
	}
	if tally != nil {
		*tally++
	}
	var out struct{ ID int64 }
	_ = json.Unmarshal(answer, &out)
	return out.ID
}

// phoneSeq numbers the clients the tests create, each with its own number.
var phoneSeq atomic.Int64

// uniquePhone is a mobile number no other client of the test run has.
func uniquePhone() string { return fmt.Sprintf("+3162%07d", phoneSeq.Add(1)) }
