package app

import (
	"cmp"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"afspraak/models"
)

// Period is a report's days, From to To inclusive, at midnight in the
// contact hours' time zone.
type Period struct {
	From, To time.Time
}

// ParsePeriod reads from and to (YYYY-MM-DD, inclusive) in loc; an empty
// from is the first of now's month, an empty to is now's day. Errors are
// EINVALID naming the field.
func ParsePeriod(from, to string, now time.Time, loc *time.Location) (Period, error) {
	now = now.In(loc)
	p := Period{From: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc),
		To: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)}
	var err error
	if from != "" {
		if p.From, err = time.ParseInLocation(time.DateOnly, from, loc); err != nil {
			return p, models.Invalid("from", "from must be a date such as 2026-03-31")
		}
	}
	if to != "" {
		if p.To, err = time.ParseInLocation(time.DateOnly, to, loc); err != nil {
			return p, models.Invalid("to", "to must be a date such as 2026-03-31")
		}
	}
	if p.To.Before(p.From) {
		return p, models.Invalid("to", "to lies before from")
	}
	return p, nil
}

// ReportPeriod is ParsePeriod now, in the contact hours' time zone.
func (a *App) ReportPeriod(from, to string) (Period, error) {
	return ParsePeriod(from, to, a.clock(), a.Location())
}

// Location is the organisation's time zone: the contact hours'.
func (a *App) Location() *time.Location { return a.Composer.Hours.Location() }

// SummarySLA is how soon after completion a summary counts as on time.
func (a *App) SummarySLA() time.Duration {
	return time.Duration(cmp.Or(a.Config.Followup.SummarySLAHours, 24)) * time.Hour
}

// ReportView says who looks at a report and how, for its audit event.
type ReportView struct {
	WorkerID *int64 // one worker's row only
	Via      Door   // the API or the web pages
	Format   string // json, csv or html
}

// FollowUpReport computes the follow-up report for the period and audits
// that the actor viewed it.
func (a *App) FollowUpReport(ctx context.Context, actor models.Actor, p Period, v ReportView) (models.Report, error) {
	f := models.ReportFilter{From: p.From, To: p.To.AddDate(0, 0, 1), SLA: a.SummarySLA(), WorkerID: v.WorkerID}
	rep, err := a.Store.FollowUpReport(ctx, actor, f)
	if err != nil {
		return rep, err
	}
	var worker int64
	if v.WorkerID != nil {
		worker = *v.WorkerID
	}
	via := "api"
	if v.Via == DoorWeb {
		via = "web"
	}
	return rep, a.Store.RecordAudit(ctx, actor, models.Audit{Action: "report_view", Entity: "report", Changes: map[string]any{
		"report": "follow_up", "from": p.From.Format(time.DateOnly), "to": p.To.Format(time.DateOnly),
		"worker_id": worker, "format": v.Format, "via": via}})
}

// ReportColumns is the header row of the follow-up report's CSV.
var ReportColumns = []string{"worker_id", "worker_name", "sessions_completed", "summaries_sent", "summaries_within_sla",
	"summaries_delivered", "summaries_acknowledged", "summaries_failed", "median_minutes_to_send", "no_shows",
	"policy_overrides", "risk_signals", "remote_share", "after_hours_replies", "auto_replies"}

// WriteReportCSV writes a follow-up report as CSV: a header row, a row per
// worker, then the totals. The API and the web download both use it.
func WriteReportCSV(w io.Writer, rep models.Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(ReportColumns)
	for _, r := range append(append([]models.ReportRow{}, rep.Rows...), rep.Totals) {
		_ = cw.Write(reportRecord(r))
	}
	cw.Flush()
	return cw.Error()
}

func reportRecord(r models.ReportRow) []string {
	opt := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	id := ""
	if r.WorkerID != 0 {
		id = strconv.FormatInt(r.WorkerID, 10)
	}
	rec := []string{id, csvText(r.WorkerName)}
	for _, n := range []int{r.SessionsCompleted, r.SummariesSent, r.SummariesWithinSLA, r.SummariesDelivered,
		r.SummariesAcknowledged, r.SummariesFailed} {
		rec = append(rec, strconv.Itoa(n))
	}
	rec = append(rec, opt(r.MedianMinutesToSend))
	for _, n := range []int{r.NoShows, r.PolicyOverrides, r.RiskSignals} {
		rec = append(rec, strconv.Itoa(n))
	}
	return append(rec, opt(r.RemoteShare), strconv.Itoa(r.AfterHoursReplies), strconv.Itoa(r.AutoReplies))
}

// csvText neutralises a text cell that a spreadsheet would run as a formula
// (OWASP, "CSV Injection"): one that starts with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, which spreadsheets show as text.
// Every CSV the service writes passes its text cells through it.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
