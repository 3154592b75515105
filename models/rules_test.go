package models

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPolicyRules: the blended-supervision rules on a client's history
// (newest first), without a database.
func TestPolicyRules(t *testing.T) {
	rules := PolicyRules{HighRiskMaxRemote: 1, MediumRiskMaxRemote: 3, StartPhaseFaceToFace: 2, RiskSignalFaceToFace: true}
	remote := Session{Modality: "video"}
	f2f := Session{Modality: "face_to_face"}
	signal := Session{Modality: "phone", RiskSignals: []string{"evasive"}}
	hist := func(s ...Session) []Session { return s }
	cases := []struct {
		name     string
		rules    PolicyRules
		client   Client
		history  []Session
		modality string
		want     []string
	}{
		{"face to face is always fine", rules, Client{RiskLevel: "high", Phase: "start"}, hist(signal, remote), "face_to_face", nil},
		{"a walk is not remote", rules, Client{RiskLevel: "high"}, hist(remote, remote), "walk", nil},
		{"high risk, first remote", rules, Client{RiskLevel: "high", Phase: "middle"}, hist(f2f), "video", nil},
		{"high risk after one remote", rules, Client{RiskLevel: "high", Phase: "middle"}, hist(remote, f2f), "phone", []string{RuleRiskLevelRemoteStreak}},
		{"medium risk below the limit", rules, Client{RiskLevel: "medium", Phase: "middle"}, hist(remote, remote, f2f), "video", nil},
		{"medium risk at the limit", rules, Client{RiskLevel: "medium", Phase: "middle"}, hist(remote, remote, remote, f2f), "video", []string{RuleRiskLevelRemoteStreak}},
		{"face to face breaks the streak", rules, Client{RiskLevel: "medium", Phase: "middle"}, hist(remote, f2f, remote, remote), "whatsapp", nil},
		{"low risk: rule off at zero", rules, Client{RiskLevel: "low", Phase: "middle"}, hist(remote, remote, remote, remote, remote), "video", nil},
		{"start phase without face to face", rules, Client{RiskLevel: "low", Phase: "start"}, hist(), "video", []string{RuleStartPhaseFaceToFace}},
		{"start phase with enough", rules, Client{RiskLevel: "low", Phase: "start"}, hist(remote, f2f, f2f), "video", nil},
		{"start phase rule off", PolicyRules{}, Client{RiskLevel: "low", Phase: "start"}, hist(), "video", nil},
		{"a risk signal last time", rules, Client{RiskLevel: "low", Phase: "end"}, hist(signal), "video", []string{RuleRiskSignalFaceToFace}},
		{"a risk signal earlier only", rules, Client{RiskLevel: "low", Phase: "end"}, hist(f2f, signal), "video", nil},
		{"risk signal rule off", PolicyRules{}, Client{RiskLevel: "high", Phase: "end"}, hist(signal), "video", nil},
		{"all three", rules, Client{RiskLevel: "high", Phase: "start"}, hist(signal), "video",
			[]string{RuleRiskLevelRemoteStreak, RuleStartPhaseFaceToFace, RuleRiskSignalFaceToFace}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.rules.evaluatePolicy(c.client, c.history, c.modality)
			var names []string
			for _, w := range got {
				names = append(names, w.Rule)
				if w.MessageNL == "" || w.MessageEN == "" {
					t.Errorf("%s without a message", w.Rule)
				}
			}
			if !slices.Equal(names, c.want) {
				t.Fatalf("warnings %v, want %v", names, c.want)
			}
		})
	}
	w := rules.evaluatePolicy(Client{RiskLevel: "medium"}, hist(remote, remote, remote, remote), "video")
	if !strings.Contains(w[0].MessageNL, "na 3 gesprek(ken)") || !strings.Contains(w[0].MessageNL, "Er waren er 4") {
		t.Fatalf("the streak message does not name the limit and the count: %s", w[0].MessageNL)
	}
}

// TestReportRows: the follow-up figures from session facts, as PostgreSQL
// (times) and SQLite (text) return them, without a database.
func TestReportRows(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	text := func(t time.Time) string { return t.Format("2006-01-02 15:04:05.999999999-07:00") }
	done := func(id, worker int64, modality string, completed, sent any) sessionFacts {
		return sessionFacts{ID: id, WorkerID: worker, Status: SessionCompleted, Modality: modality, CompletedAt: completed,
			FirstSent: sent, RiskSignals: "[]"}
	}
	workers := []User{{ID: 1, Name: "Anna"}, {ID: 2, Name: "Bram"}}
	facts := []sessionFacts{
		// Anna: sent after 10 min (as times), after 30 h (as text), never; one no-show.
		func() sessionFacts {
			f := done(1, 1, "video", at, at.Add(10*time.Minute))
			f.SummaryMsgs, f.Delivered, f.Acked, f.RiskSignals = 1, 1, 1, `["evasive","under_influence"]`
			return f
		}(),
		func() sessionFacts {
			f := done(2, 1, "face_to_face", text(at), text(at.Add(30*time.Hour)))
			f.SummaryMsgs, f.PolicyOverride = 1, true
			return f
		}(),
		func() sessionFacts {
			f := done(3, 1, "phone", []byte(text(at)), nil)
			f.SummaryMsgs, f.FailedMsgs = 2, 2 // WhatsApp and the SMS fallback both failed
			return f
		}(),
		{ID: 4, WorkerID: 1, Status: SessionNoShow, Modality: "video", RiskSignals: "[]"},
		// Bram: one sent after 20 min; one copy failed but another got through.
		func() sessionFacts {
			f := done(5, 2, "walk", at, at.Add(20*time.Minute))
			f.SummaryMsgs, f.FailedMsgs = 2, 1
			return f
		}(),
		// A worker not in the report.
		done(6, 9, "video", at, at),
	}
	replies := []struct {
		WorkerID int64
		N        int
	}{{WorkerID: 2, N: 3}, {WorkerID: 9, N: 5}}
	rep := buildReport(workers, facts, replies, 24*time.Hour)
	row := func(r ReportRow) string {
		opt := func(f *float64) string {
			if f == nil {
				return "-"
			}
			return fmt.Sprint(*f)
		}
		return fmt.Sprintf("%s done=%d sent=%d sla=%d delivered=%d acked=%d failed=%d median=%s noshow=%d overrides=%d signals=%d remote=%s replies=%d",
			r.WorkerName, r.SessionsCompleted, r.SummariesSent, r.SummariesWithinSLA, r.SummariesDelivered, r.SummariesAcknowledged,
			r.SummariesFailed, opt(r.MedianMinutesToSend), r.NoShows, r.PolicyOverrides, r.RiskSignals, opt(r.RemoteShare), r.AfterHoursReplies)
	}
	want := []string{
		"Anna done=3 sent=2 sla=1 delivered=1 acked=1 failed=1 median=905 noshow=1 overrides=1 signals=2 remote=0.667 replies=0",
		"Bram done=1 sent=1 sla=1 delivered=0 acked=0 failed=0 median=20 noshow=0 overrides=0 signals=0 remote=0 replies=3",
		"total done=4 sent=3 sla=2 delivered=1 acked=1 failed=1 median=20 noshow=1 overrides=1 signals=2 remote=0.5 replies=3",
	}
	got := []string{row(rep.Rows[0]), row(rep.Rows[1]), row(rep.Totals)}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
	empty := buildReport([]User{{ID: 3, Name: "Cor"}}, nil, nil, time.Hour)
	if r := empty.Rows[0]; r.MedianMinutesToSend != nil || r.RemoteShare != nil {
		t.Fatalf("nothing to measure, yet median %v and remote share %v", r.MedianMinutesToSend, r.RemoteShare)
	}
}
