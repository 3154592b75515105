package web

import (
	"bytes"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/api"
	"afspraak/models"
)

// reportData is the follow-up report page.
type reportData struct {
	From, To string
	Report   models.Report
	SLAHours int
}

// period reads from/to (YYYY-MM-DD, inclusive) with the API's defaults: the
// first of this month until today.
func (h *Handler) period(c *fiber.Ctx) (from, to time.Time, err error) {
	loc := h.loc()
	now := time.Now().In(loc)
	from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if v := c.Query("from"); v != "" {
		if from, err = time.ParseInLocation(time.DateOnly, v, loc); err != nil {
			return from, to, models.Invalid("from", "from must be a date such as 2026-03-31")
		}
	}
	if v := c.Query("to"); v != "" {
		if to, err = time.ParseInLocation(time.DateOnly, v, loc); err != nil {
			return from, to, models.Invalid("to", "to must be a date such as 2026-03-31")
		}
	}
	if to.Before(from) {
		return from, to, models.Invalid("to", "to lies before from")
	}
	return from, to, nil
}

// followUp computes the report exactly as the API does and audits the view.
func (h *Handler) followUp(c *fiber.Ctx, format string, worker *int64) (reportData, error) {
	from, to, err := h.period(c)
	d := reportData{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), SLAHours: h.SummarySLAHours}
	if err != nil {
		return d, err
	}
	ctx, a := c.UserContext(), actor(c)
	f := models.ReportFilter{From: from, To: to.AddDate(0, 0, 1), SLA: time.Duration(h.SummarySLAHours) * time.Hour,
		WorkerID: worker}
	if d.Report, err = h.Store.FollowUpReport(ctx, a, f); err != nil {
		return d, err
	}
	return d, h.Store.RecordAudit(ctx, a, models.Audit{Action: "report_view", Entity: "report", Changes: map[string]any{
		"report": "follow_up", "from": d.From, "to": d.To, "format": format, "via": "web", "worker_id": workerID(worker)}})
}

func workerID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// report shows the follow-up report for a chosen period (supervisors and
// admins; anyone else gets a 404, as from the API).
func (h *Handler) report(c *fiber.Ctx) error {
	d, err := h.followUp(c, "html", nil)
	if err != nil {
		return h.storeError(c, err, func() error {
			return h.render(c, fiber.StatusUnprocessableEntity, "report", "title.report", d)
		})
	}
	return h.render(c, fiber.StatusOK, "report", "title.report", d)
}

// reportCSV streams the report as the API's CSV, for the cookie session.
func (h *Handler) reportCSV(c *fiber.Ctx) error {
	d, err := h.followUp(c, "csv", nil)
	if err != nil {
		return h.storeError(c, err, func() error {
			return h.render(c, fiber.StatusUnprocessableEntity, "report", "title.report", d)
		})
	}
	var buf bytes.Buffer
	if err := api.WriteReportCSV(&buf, d.Report); err != nil {
		return err
	}
	c.Set("Content-Disposition", `attachment; filename="follow-up-`+d.From+`-`+d.To+`.csv"`)
	c.Type("csv", "utf-8")
	return c.Send(buf.Bytes())
}

// auditData is the audit trail page with its filters.
type auditData struct {
	Entity, Action, ActorID, ClientID, From, To string
	Events                                      []models.AuditEvent
	More                                        bool
}

// audit lists the audit trail with filters (supervisors: their team).
func (h *Handler) audit(c *fiber.Ctx) error {
	d := auditData{Entity: c.Query("entity"), Action: c.Query("action"), ActorID: c.Query("actor_id"),
		ClientID: c.Query("client_id"), From: c.Query("from"), To: c.Query("to")}
	f := models.AuditFilter{Entity: d.Entity, Action: d.Action, Page: models.Page{Limit: 100}}
	if id, err := strconv.ParseInt(d.ActorID, 10, 64); err == nil {
		f.ActorID = &id
	}
	if id, err := strconv.ParseInt(d.ClientID, 10, 64); err == nil {
		f.ClientID = &id
	}
	if t, err := time.ParseInLocation(time.DateOnly, d.From, h.loc()); err == nil {
		f.From = &t
	}
	if t, err := time.ParseInLocation(time.DateOnly, d.To, h.loc()); err == nil {
		end := t.AddDate(0, 0, 1)
		f.To = &end
	}
	var err error
	if d.Events, d.More, err = h.Store.FindAuditEvents(c.UserContext(), actor(c), f); err != nil {
		return h.storeError(c, err, func() error { return h.fail(c, err) })
	}
	return h.render(c, fiber.StatusOK, "audit", "title.audit", d)
}
