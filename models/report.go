package models

import (
	"context"

	"encoding/json"
	"gorm.io/gorm"
	"math"
	"sort"
	"time"
)

// ReportFilter selects the follow-up report's period and workers.
type ReportFilter struct {
	From, To time.Time // [From, To) by scheduled time
	WorkerID *int64
	SLA      time.Duration // a summary sent within this of completion is on time
}

// ReportRow is one worker's follow-up figures (or the totals).
type ReportRow struct {
	WorkerID              int64
	WorkerName            string
	SessionsCompleted     int
	SummariesSent         int
	SummariesWithinSLA    int
	SummariesDelivered    int
	SummariesAcknowledged int
	SummariesFailed       int
	MedianMinutesToSend   *float64
	NoShows               int
	PolicyOverrides       int
	RiskSignals           int
	RemoteShare           *float64
	AfterHoursReplies     int
	AutoReplies           int // auto-replies sent to the worker's clients (at most one per client per period)

	remote  int
	minutes []float64
}

// Report is the follow-up report: a row per worker and the totals.
type Report struct {
	Rows   []ReportRow
	Totals ReportRow
}

type sessionFacts struct {
	ID             int64
	WorkerID       int64
	Status         string
	Modality       string
	CompletedAt    any
	PolicyOverride bool
	RiskSignals    string
	FirstSent      any
	SummaryMsgs    int
	FailedMsgs     int
	Delivered      int
	Acked          int
}

// reportSessionsSQL gathers each session's follow-up facts in one statement;
// the correlated subqueries use messages(session_id, kind) and agreements(session_id).
const reportSessionsSQL = `SELECT s.id, s.worker_id, s.status, s.modality, s.completed_at, s.policy_override, s.risk_signals,
  (SELECT MIN(m.sent_at) FROM messages m WHERE m.session_id = s.id AND m.kind = 'agreement_summary') AS first_sent,
  (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id AND m.kind = 'agreement_summary' AND m.status <> 'skipped') AS summary_msgs,
  (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id AND m.kind = 'agreement_summary' AND m.status IN ('failed', 'undelivered')) AS failed_msgs,
  (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id AND m.kind = 'agreement_summary' AND m.delivered_at IS NOT NULL) AS delivered,
  (SELECT COUNT(*) FROM agreements a WHERE a.session_id = s.id AND a.acknowledged_at IS NOT NULL) AS acked
FROM sessions s WHERE s.scheduled_at >= ? AND s.scheduled_at < ?`

// FollowUpReport computes the follow-up report for the workers in reach.
func (s *Store) FollowUpReport(ctx context.Context, a Actor, f ReportFilter) (Report, error) {
	if a.Role != RoleSupervisor && a.Role != RoleAdmin {
		return Report{}, Errorf(ENOTFOUND, "not found")
	}
	db := s.reader(ctx)
	wq := db.Model(&User{}).Where("role = ?", RoleWorker)
	sql, args := reportSessionsSQL, []any{f.From.UTC(), f.To.UTC()}
	inbound := db.Table("inbound_messages i").Joins("JOIN clients c ON c.id = i.client_id").
		Where("i.after_hours = ? AND i.received_at >= ? AND i.received_at < ?", true, f.From.UTC(), f.To.UTC())
	autos := db.Table("messages m").Joins("JOIN clients c ON c.id = m.client_id").
		Where("m.kind = ? AND m.status <> ? AND m.created_at >= ? AND m.created_at < ?", KindAutoReply, MessageSkipped,
			f.From.UTC(), f.To.UTC())
	if a.Role == RoleSupervisor {
		wq = wq.Where("team_id = ?", a.TeamID)
		sql, args = sql+" AND s.team_id = ?", append(args, a.TeamID)
		inbound = inbound.Where("c.team_id = ?", a.TeamID)
		autos = autos.Where("c.team_id = ?", a.TeamID)
	}
	if f.WorkerID != nil {
		wq = wq.Where("id = ?", *f.WorkerID)
		sql, args = sql+" AND s.worker_id = ?", append(args, *f.WorkerID)
		inbound = inbound.Where("c.worker_id = ?", *f.WorkerID)
		autos = autos.Where("c.worker_id = ?", *f.WorkerID)
	}
	var workers []User
	if err := wq.Order("name, id").Find(&workers).Error; err != nil {
		return Report{}, wrap(err, "report workers")
	}
	if f.WorkerID != nil && len(workers) == 0 {
		return Report{}, Errorf(ENOTFOUND, "worker %d not found", *f.WorkerID)
	}
	facts, err := scanFacts(db.Raw(sql, args...))
	if err != nil {
		return Report{}, wrap(err, "report sessions")
	}
	var replies, autoReplies []workerCount
	if err := inbound.Select("c.worker_id AS worker_id, COUNT(*) AS n").Group("c.worker_id").Scan(&replies).Error; err != nil {
		return Report{}, wrap(err, "report replies")
	}
	if err := autos.Select("c.worker_id AS worker_id, COUNT(*) AS n").Group("c.worker_id").Scan(&autoReplies).Error; err != nil {
		return Report{}, wrap(err, "report auto-replies")
	}
	r := buildReport(workers, facts, replies, f.SLA)
	for _, ar := range autoReplies {
		for i := range r.Rows {
			if r.Rows[i].WorkerID == ar.WorkerID {
				r.Rows[i].AutoReplies += ar.N
				r.Totals.AutoReplies += ar.N
			}
		}
	}
	return r, nil
}

// workerCount is a count per worker.
type workerCount struct {
	WorkerID int64
	N        int
}

// scanFacts reads the session facts by hand: times computed by an expression
// come back as text from SQLite, which GORM's struct scanning cannot take.
func scanFacts(q *gorm.DB) ([]sessionFacts, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sessionFacts
	for rows.Next() {
		var f sessionFacts
		if err := rows.Scan(&f.ID, &f.WorkerID, &f.Status, &f.Modality, &f.CompletedAt, &f.PolicyOverride,
			&f.RiskSignals, &f.FirstSent, &f.SummaryMsgs, &f.FailedMsgs, &f.Delivered, &f.Acked); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func buildReport(workers []User, facts []sessionFacts, replies []workerCount, sla time.Duration) Report {
	rows := make(map[int64]*ReportRow, len(workers))
	r := Report{Rows: make([]ReportRow, len(workers))}
	for i, w := range workers {
		r.Rows[i] = ReportRow{WorkerID: w.ID, WorkerName: w.Name}
		rows[w.ID] = &r.Rows[i]
	}
	for _, f := range facts {
		if row := rows[f.WorkerID]; row != nil {
			row.add(f, sla)
		}
	}
	for _, rp := range replies {
		if row := rows[rp.WorkerID]; row != nil {
			row.AfterHoursReplies += rp.N
		}
	}
	r.Totals.WorkerName = "total"
	for i := range r.Rows {
		r.Rows[i].finish()
		r.Totals.merge(r.Rows[i])
	}
	r.Totals.finish()
	return r
}

func (row *ReportRow) add(f sessionFacts, sla time.Duration) {
	switch f.Status {
	case SessionNoShow:
		row.NoShows++
	case SessionCompleted:
		row.SessionsCompleted++
		if IsRemote(f.Modality) {
			row.remote++
		}
	}
	if f.PolicyOverride {
		row.PolicyOverrides++
	}
	var signals []string
	if json.Unmarshal([]byte(f.RiskSignals), &signals) == nil {
		row.RiskSignals += len(signals)
	}
	completed, sent := dbTime(f.CompletedAt), dbTime(f.FirstSent)
	if sent != nil {
		row.SummariesSent++
		if completed != nil {
			d := sent.Sub(*completed)
			row.minutes = append(row.minutes, d.Minutes())
			if d <= sla {
				row.SummariesWithinSLA++
			}
		}
	}
	if f.Delivered > 0 {
		row.SummariesDelivered++
	}
	if f.Acked > 0 {
		row.SummariesAcknowledged++
	}
	if f.SummaryMsgs > 0 && f.FailedMsgs == f.SummaryMsgs {
		row.SummariesFailed++ // no copy reached the client on any channel
	}
}

func (row *ReportRow) merge(o ReportRow) {
	row.SessionsCompleted += o.SessionsCompleted
	row.SummariesSent += o.SummariesSent
	row.SummariesWithinSLA += o.SummariesWithinSLA
	row.SummariesDelivered += o.SummariesDelivered
	row.SummariesAcknowledged += o.SummariesAcknowledged
	row.SummariesFailed += o.SummariesFailed
	row.NoShows += o.NoShows
	row.PolicyOverrides += o.PolicyOverrides
	row.RiskSignals += o.RiskSignals
	row.AfterHoursReplies += o.AfterHoursReplies
	row.remote += o.remote
	row.minutes = append(row.minutes, o.minutes...)
}

func (row *ReportRow) finish() {
	if n := len(row.minutes); n > 0 {
		m := append([]float64(nil), row.minutes...)
		sort.Float64s(m)
		med := m[n/2]
		if n%2 == 0 {
			med = (m[n/2-1] + m[n/2]) / 2
		}
		med = math.Round(med*10) / 10
		row.MedianMinutesToSend = &med
	}
	if row.SessionsCompleted > 0 {
		share := math.Round(float64(row.remote)/float64(row.SessionsCompleted)*1000) / 1000
		row.RemoteShare = &share
	}
}

// dbTime reads a time that a driver returned from an expression: a time.Time
// (PostgreSQL) or text (SQLite).
func dbTime(v any) *time.Time {
	switch t := v.(type) {
	case time.Time:
		return &t
	case *time.Time:
		return t
	case string:
		return parseDBTime(t)
	case []byte:
		return parseDBTime(string(t))
	}
	return nil
}

func parseDBTime(s string) *time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	return nil
}
