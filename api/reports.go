package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"

	"afspraak/app"
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
	AutoReplies           int      `json:"auto_replies" doc:"auto-replies sent (at most one per client per notify.auto_reply_every)"`
}

// ReportResponse is the follow-up report.
type ReportResponse struct {
	From            string              `json:"from"`
	To              string              `json:"to"`
	TimeZone        string              `json:"time_zone"`
	SummarySLAHours int                 `json:"summary_sla_hours"`
	Rows            []ReportRowResponse `json:"rows"`
	Totals          ReportRowResponse   `json:"totals"`

	report models.Report // what the CSV is written from
}

func toReportRow(r models.ReportRow) ReportRowResponse {
	out := ReportRowResponse{WorkerName: r.WorkerName, SessionsCompleted: r.SessionsCompleted,
		SummariesSent: r.SummariesSent, SummariesWithinSLA: r.SummariesWithinSLA, SummariesDelivered: r.SummariesDelivered,
		SummariesAcknowledged: r.SummariesAcknowledged, SummariesFailed: r.SummariesFailed,
		MedianMinutesToSend: r.MedianMinutesToSend, NoShows: r.NoShows, PolicyOverrides: r.PolicyOverrides,
		RiskSignals: r.RiskSignals, RemoteShare: r.RemoteShare, AfterHoursReplies: r.AfterHoursReplies,
		AutoReplies: r.AutoReplies}
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
	p, err := s.app.ReportPeriod(in.From, in.To)
	if err != nil {
		return nil, s.queryError(ctx, err)
	}
	v := app.ReportView{Via: app.DoorAPI, Format: "json"}
	if in.Format == "csv" {
		v.Format = "csv"
	}
	if in.WorkerID != 0 {
		v.WorkerID = &in.WorkerID
	}
	rep, err := s.app.FollowUpReport(ctx, actorFrom(ctx), p, v)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &ReportResponse{From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly), TimeZone: s.app.Location().String(),
		SummarySLAHours: int(s.app.SummarySLA().Hours()), Rows: make([]ReportRowResponse, 0, len(rep.Rows)),
		Totals: toReportRow(rep.Totals), report: rep}
	for _, r := range rep.Rows {
		out.Rows = append(out.Rows, toReportRow(r))
	}
	return &reportOutput{Body: out}, nil
}

// queryError is httpError for a query parameter at fault.
func (s *Server) queryError(ctx context.Context, err error) error {
	var de *models.Error
	if errors.As(err, &de) && de.Field != "" {
		return huma.Error422UnprocessableEntity(de.Message, &huma.ErrorDetail{Location: "query." + de.Field, Message: de.Message})
	}
	return s.httpError(ctx, err)
}

// csvFormat renders the report as CSV with a header row; anything else (an
// error, say) falls back to JSON.
var csvFormat = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		rep, ok := v.(*ReportResponse)
		if !ok {
			return json.NewEncoder(w).Encode(v)
		}
		return app.WriteReportCSV(w, rep.report)
	},
	Unmarshal: json.Unmarshal,
}

// csvQuery turns ?format=csv into Accept: text/csv for content negotiation.
func csvQuery(c *fiber.Ctx) error {
	if c.Query("format") == "csv" {
		c.Request().Header.Set(fiber.HeaderAccept, "text/csv")
	}
	return c.Next()
}
