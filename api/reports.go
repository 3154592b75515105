package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"

	"afspraak/models"
)

// ReportRowResponse is one worker's follow-up figures.
type ReportRowResponse struct {
	WorkerID              *int64   `json:"worker_id"`
	WorkerName            string   `json:"worker_name"`
	SessionsCompleted     int      `json:"sessions_completed"`
	SummariesSent         int      `json:"summaries_sent"`
	SummariesWithinSLA    int      `json:"summaries_within_sla"`
	SummariesDelivered    int      `json:"summaries_delivered"`
	SummariesAcknowledged int      `json:"summaries_acknowledged"`
	SummariesFailed       int      `json:"summaries_failed" doc:"no copy reached the client on any channel"`
	MedianMinutesToSend   *float64 `json:"median_minutes_to_send"`
	NoShows               int      `json:"no_shows"`
	PolicyOverrides       int      `json:"policy_overrides"`
	RiskSignals           int      `json:"risk_signals"`
	RemoteShare           *float64 `json:"remote_share" doc:"remote sessions / completed sessions"`
	AfterHoursReplies     int      `json:"after_hours_replies"`
}

// ReportResponse is the follow-up report.
type ReportResponse struct {
	From            string              `json:"from"`
	To              string              `json:"to"`
	TimeZone        string              `json:"time_zone"`
	SummarySLAHours int                 `json:"summary_sla_hours"`
	Rows            []ReportRowResponse `json:"rows"`
	Totals          ReportRowResponse   `json:"totals"`
}

func toReportRow(r models.ReportRow) ReportRowResponse {
	out := ReportRowResponse{WorkerName: r.WorkerName, SessionsCompleted: r.SessionsCompleted,
		SummariesSent: r.SummariesSent, SummariesWithinSLA: r.SummariesWithinSLA, SummariesDelivered: r.SummariesDelivered,
		SummariesAcknowledged: r.SummariesAcknowledged, SummariesFailed: r.SummariesFailed,
		MedianMinutesToSend: r.MedianMinutesToSend, NoShows: r.NoShows, PolicyOverrides: r.PolicyOverrides,
		RiskSignals: r.RiskSignals, RemoteShare: r.RemoteShare, AfterHoursReplies: r.AfterHoursReplies}
	if r.WorkerID != 0 {
		id := r.WorkerID
		out.WorkerID = &id
	}
	return out
}

type reportInput struct {
	From     string `query:"from" doc:"first day, YYYY-MM-DD in the contact-hours time zone; default the first of this month"`
	To       string `query:"to" doc:"last day (inclusive), YYYY-MM-DD; default today"`
	WorkerID int64  `query:"worker_id" minimum:"0"`
	Format   string `query:"format" enum:"json,csv," doc:"csv: the same as Accept: text/csv"`
}

type reportOutput struct {
	Body *ReportResponse
}

func (s *Server) followUpReport(ctx context.Context, in *reportInput) (*reportOutput, error) {
	loc := s.Composer.Hours.Location()
	now := time.Now().In(loc)
	from, err := parseDay("from", in.From, time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc), loc)
	if err != nil {
		return nil, err
	}
	to, err := parseDay("to", in.To, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc), loc)
	if err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, huma.Error422UnprocessableEntity("to lies before from", &huma.ErrorDetail{Location: "query.to", Message: "to lies before from"})
	}
	f := models.ReportFilter{From: from, To: to.AddDate(0, 0, 1), SLA: time.Duration(s.SummarySLAHours) * time.Hour}
	if in.WorkerID != 0 {
		f.WorkerID = &in.WorkerID
	}
	a := actorFrom(ctx)
	rep, err := s.Store.FollowUpReport(ctx, a, f)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	audit := models.Audit{Action: "report_view", Entity: "report", Changes: map[string]any{"report": "follow_up",
		"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly), "worker_id": in.WorkerID}}
	if err := s.Store.RecordAudit(ctx, a, audit); err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &ReportResponse{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), TimeZone: loc.String(),
		SummarySLAHours: s.SummarySLAHours, Rows: make([]ReportRowResponse, 0, len(rep.Rows)), Totals: toReportRow(rep.Totals)}
	for _, r := range rep.Rows {
		out.Rows = append(out.Rows, toReportRow(r))
	}
	return &reportOutput{Body: out}, nil
}

func parseDay(field, v string, def time.Time, loc *time.Location) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		msg := field + " must be a date such as 2026-03-31"
		return t, huma.Error422UnprocessableEntity(msg, &huma.ErrorDetail{Location: "query." + field, Message: msg})
	}
	return t, nil
}

// csvFormat renders the report as CSV with a header row; anything else (an
// error, say) falls back to JSON.
var csvFormat = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		rep, ok := v.(*ReportResponse)
		if !ok {
			return json.NewEncoder(w).Encode(v)
		}
		return writeReportCSV(w, rep)
	},
	Unmarshal: json.Unmarshal,
}

var reportColumns = []string{"worker_id", "worker_name", "sessions_completed", "summaries_sent", "summaries_within_sla",
	"summaries_delivered", "summaries_acknowledged", "summaries_failed", "median_minutes_to_send", "no_shows",
	"policy_overrides", "risk_signals", "remote_share", "after_hours_replies"}

// WriteReportCSV writes a follow-up report as the API's CSV (a header row, a
// row per worker, then the totals); the web interface's download uses it too.
func WriteReportCSV(w io.Writer, rep models.Report) error {
	out := &ReportResponse{Totals: toReportRow(rep.Totals)}
	for _, r := range rep.Rows {
		out.Rows = append(out.Rows, toReportRow(r))
	}
	return writeReportCSV(w, out)
}

func writeReportCSV(w io.Writer, rep *ReportResponse) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(reportColumns)
	opt := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	for _, r := range append(append([]ReportRowResponse{}, rep.Rows...), rep.Totals) {
		id := ""
		if r.WorkerID != nil {
			id = strconv.FormatInt(*r.WorkerID, 10)
		}
		rec := []string{id, r.WorkerName}
		for _, n := range []int{r.SessionsCompleted, r.SummariesSent, r.SummariesWithinSLA, r.SummariesDelivered,
			r.SummariesAcknowledged, r.SummariesFailed} {
			rec = append(rec, strconv.Itoa(n))
		}
		rec = append(rec, opt(r.MedianMinutesToSend))
		for _, n := range []int{r.NoShows, r.PolicyOverrides, r.RiskSignals} {
			rec = append(rec, strconv.Itoa(n))
		}
		rec = append(rec, opt(r.RemoteShare), strconv.Itoa(r.AfterHoursReplies))
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// csvQuery turns ?format=csv into Accept: text/csv for content negotiation.
func csvQuery(c *fiber.Ctx) error {
	if c.Query("format") == "csv" {
		c.Request().Header.Set(fiber.HeaderAccept, "text/csv")
	}
	return c.Next()
}
