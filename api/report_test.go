package api

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// history builds a known November 2026 for team A (workers w1, w2) and team B
// (w3), and returns the tokens of supervisor A, admin and worker w1.
type history struct {
	supA, admin, w1 string
	ids             map[string]int64
}

func buildHistory(t *testing.T, e *testEnv) history {
	t.Helper()
	ctx := context.Background()
	h := history{ids: map[string]int64{}}
	users := map[string]models.User{}
	for _, p := range []struct{ name, role, team string }{{"w1", "worker", "A"}, {"w2", "worker", "A"},
		{"w3", "worker", "B"}, {"supA", "supervisor", "A"}, {"admin", "admin", "A"}} {
		u, tok := e.user(p.name, p.role, p.team)
		users[p.name], h.ids[p.name] = u, u.ID
		switch p.name {
		case "supA":
			h.supA = tok
		case "admin":
			h.admin = tok
		case "w1":
			h.w1 = tok
		}
	}
	clients := map[string]models.Client{}
	for i, w := range []string{"w1", "w2", "w3"} {
		name, phone, yes := "Client "+w, fmt.Sprintf("06123456%02d", 80+i), true
		c, err := e.store.CreateClient(ctx, models.ActorFor(users[w]), models.ClientFields{Name: &name, Phone: &phone,
			ConsentWhatsApp: &yes, RiskLevel: ptr("low"), Phase: ptr("middle")})
		if err != nil {
			t.Fatal(err)
		}
		clients[w] = c
	}
	day := func(d, hour int) time.Time { return time.Date(2026, 11, d, hour, 0, 0, 0, time.UTC) }
	type sess struct {
		worker, modality string
		day              int
		signals          []string
		outcome          string // completed | no_show
	}
	mk := func(s sess) models.Session {
		e.Clock.Set(func() time.Time { return day(s.day, 8) })
		a := models.ActorFor(users[s.worker])
		planned, err := e.store.CreateSession(ctx, a, models.NewSession{ClientID: clients[s.worker].ID,
			ScheduledAt: day(s.day, 10), DurationMinutes: 45, Modality: s.modality, Initiator: "client", Template: "meldplicht"})
		if err != nil {
			t.Fatal(err)
		}
		if s.outcome == "no_show" {
			e.Clock.Set(func() time.Time { return day(s.day, 11) })
			if _, err := e.store.MarkNoShows(ctx, 15*time.Minute, nil); err != nil {
				t.Fatal(err)
			}
			return planned
		}
		if _, err := e.store.CreateAgreement(ctx, a, planned.ID, models.AgreementFields{Text: ptr("afspraak")}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(func() time.Time { return day(s.day, 11) })
		// Without a summary of its own (a skipped message, which the report
		// ignores): the copies below are the summaries.
		done, _, err := e.store.CompleteSession(ctx, a, planned.ID, models.Completion{RiskSignals: s.signals})
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	// message stores a summary copy of sess sent after, ending in status.
	message := func(sess models.Session, channel string, after time.Duration, status string) {
		sent := sess.CompletedAt.Add(after)
		m := models.Message{ClientID: sess.ClientID, SessionID: &sess.ID, Kind: models.KindAgreementSummary, Channel: channel,
			Recipient: "+31612345678", Status: status, SentAt: &sent}
		if status == "delivered" {
			m.DeliveredAt = &sent
		}
		e.CreateMessage(&m)
	}
	s1 := mk(sess{worker: "w1", modality: "video", day: 2, signals: []string{"evasive"}, outcome: "completed"})
	message(s1, "whatsapp", 10*time.Minute, "delivered")
	e.Exec(t, "UPDATE agreements SET acknowledged_at = ? WHERE session_id = ?", day(3, 9), s1.ID)
	s2 := mk(sess{worker: "w1", modality: "face_to_face", day: 4, outcome: "completed"})
	message(s2, "whatsapp", 30*time.Hour, "delivered")
	e.Exec(t, "UPDATE sessions SET policy_override = ? WHERE id = ?", true, s2.ID)
	s3 := mk(sess{worker: "w1", modality: "phone", day: 5, outcome: "completed"})
	message(s3, "whatsapp", time.Minute, "failed")
	message(s3, "sms", 2*time.Minute, "undelivered")
	mk(sess{worker: "w1", modality: "video", day: 6, outcome: "no_show"})
	s5 := mk(sess{worker: "w2", modality: "video", day: 9, outcome: "completed"})
	skip := models.Message{ClientID: s5.ClientID, SessionID: &s5.ID, Kind: models.KindAgreementSummary, Status: "skipped", SkipReason: "no_consent"}
	e.CreateMessage(&skip)
	mk(sess{worker: "w2", modality: "walk", day: 10, outcome: "completed"})
	s7 := mk(sess{worker: "w3", modality: "video", day: 11, outcome: "completed"})
	message(s7, "sms", 5*time.Minute, "delivered")
	mk(sess{worker: "w3", modality: "video", day: 3, outcome: "completed"})
	// An after-hours reply from w1's client in November, one in December (outside).
	w1Client := clients["w1"].ID
	for _, at := range []time.Time{day(7, 22), time.Date(2026, 12, 2, 22, 0, 0, 0, time.UTC)} {
		e.Clock.Set(func() time.Time { return at })
		body := "hallo"
		in := &models.InboundMessage{TwilioSID: fmt.Sprint("SM", at.Unix()), ClientID: &w1Client, Channel: "whatsapp",
			Body: &body, Keyword: "none", AfterHours: true}
		if err := e.store.Write(ctx, func(tx models.Tx) error { _, err := e.store.AddInboundTx(tx, in); return err }); err != nil {
			t.Fatal(err)
		}
	}
	e.Clock.Set(time.Now)
	return h
}

func ptr[T any](v T) *T { return &v }

type row map[string]any

func rowsByName(t *testing.T, rep map[string]any) map[string]row {
	out := map[string]row{"total": rep["totals"].(map[string]any)}
	for _, r := range rep["rows"].([]any) {
		m := r.(map[string]any)
		out[m["worker_name"].(string)] = m
	}
	return out
}

func TestFollowUpReport(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			h := buildHistory(t, e)
			q := "/api/v1/reports/follow-up?from=2026-11-01&to=2026-11-30"
			rep := e.do("GET", q, h.supA, nil).must(t, 200).json(t)
			rows := rowsByName(t, rep)
			want := map[string]row{
				"w1": {"sessions_completed": 3.0, "summaries_sent": 3.0, "summaries_within_sla": 2.0, "summaries_delivered": 2.0,
					"summaries_acknowledged": 1.0, "summaries_failed": 1.0, "median_minutes_to_send": 10.0, "no_shows": 1.0,
					"policy_overrides": 1.0, "risk_signals": 1.0, "remote_share": 0.667, "after_hours_replies": 1.0},
				"w2": {"sessions_completed": 2.0, "summaries_sent": 0.0, "summaries_within_sla": 0.0, "summaries_delivered": 0.0,
					"summaries_acknowledged": 0.0, "summaries_failed": 0.0, "median_minutes_to_send": nil, "no_shows": 0.0,
					"policy_overrides": 0.0, "risk_signals": 0.0, "remote_share": 0.5, "after_hours_replies": 0.0},
				"total": {"sessions_completed": 5.0, "summaries_sent": 3.0, "summaries_within_sla": 2.0, "summaries_delivered": 2.0,
					"summaries_acknowledged": 1.0, "summaries_failed": 1.0, "median_minutes_to_send": 10.0, "no_shows": 1.0,
					"policy_overrides": 1.0, "risk_signals": 1.0, "remote_share": 0.6, "after_hours_replies": 1.0},
			}
			if len(rows) != 3 {
				t.Fatalf("supervisor A sees %d rows, want w1, w2 and totals: %v", len(rows), rows)
			}
			for name, fields := range want {
				for k, v := range fields {
					if fmt.Sprint(rows[name][k]) != fmt.Sprint(v) {
						t.Errorf("%s.%s = %v, want %v", name, k, rows[name][k], v)
					}
				}
			}
			// CSV: the same figures, a header row, one row per worker and the totals.
			res := e.doHeader("GET", q, h.supA, nil, map[string]string{"Accept": "text/csv"}).must(t, 200)
			viaQuery := e.do("GET", q+"&format=csv", h.supA, nil).must(t, 200)
			if string(res.Body) != string(viaQuery.Body) || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("CSV by Accept and by ?format=csv differ or wrong type %q", res.Header.Get("Content-Type"))
			}
			recs, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
			if err != nil || len(recs) != 4 || recs[0][0] != "worker_id" {
				t.Fatalf("CSV: %v %q", err, res.Body)
			}
			for _, rec := range recs[1:] {
				r := rows[rec[1]]
				for i, col := range recs[0][2:] {
					got := rec[i+2]
					wantV := fmt.Sprint(r[col])
					if r[col] == nil {
						wantV = ""
					}
					if got != wantV {
						t.Errorf("CSV %s.%s = %q, JSON %q", rec[1], col, got, wantV)
					}
				}
			}
			all := rowsByName(t, e.do("GET", q, h.admin, nil).must(t, 200).json(t))
			if all["total"]["sessions_completed"] != 7.0 || all["w3"] == nil {
				t.Fatalf("admin totals: %v", all["total"])
			}
			one := rowsByName(t, e.do("GET", fmt.Sprintf("%s&worker_id=%d", q, h.ids["w2"]), h.supA, nil).must(t, 200).json(t))
			if len(one) != 2 || one["w2"] == nil {
				t.Fatalf("worker filter: %v", one)
			}
			e.do("GET", fmt.Sprintf("%s&worker_id=%d", q, h.ids["w3"]), h.supA, nil).must(t, 404)
			e.do("GET", q, h.w1, nil).must(t, 404)
			e.do("GET", "/api/v1/reports/follow-up?from=2026-13-01", h.supA, nil).must(t, 422)
			dec := rowsByName(t, e.do("GET", "/api/v1/reports/follow-up?from=2026-12-01&to=2026-12-31", h.supA, nil).must(t, 200).json(t))
			if dec["total"]["sessions_completed"] != 0.0 || dec["w1"]["after_hours_replies"] != 1.0 {
				t.Fatalf("December: %v", dec)
			}
		})
	}
}
