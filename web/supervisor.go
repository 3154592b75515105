package web

import (
	"bytes"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/app"
	"afspraak/models"
)

// reportData is the follow-up report page.
type reportData struct {
	From, To string
	Report   models.Report
	SLAHours int
}

// followUp computes the report for the period in the query (the API's
// workflow and defaults) and audits the view.
func (h *Handler) followUp(c *fiber.Ctx, format string, worker *int64) (reportData, error) {
	d := reportData{From: c.Query("from"), To: c.Query("to"), SLAHours: int(h.app.SummarySLA().Hours())}
	p, err := h.app.ReportPeriod(d.From, d.To)
	if err != nil {
		return d, err
	}
	d.From, d.To = p.From.Format(time.DateOnly), p.To.Format(time.DateOnly)
	d.Report, err = h.app.FollowUpReport(c.UserContext(), actor(c), p, app.ReportView{WorkerID: worker, Via: app.DoorWeb, Format: format})
	return d, err
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
	if err := app.WriteReportCSV(&buf, d.Report); err != nil {
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
	if d.Events, d.More, err = h.store.FindAuditEvents(c.UserContext(), actor(c), f); err != nil {
		return h.storeError(c, err, func() error { return h.fail(c, err) })
	}
	return h.render(c, fiber.StatusOK, "audit", "title.audit", d)
}
