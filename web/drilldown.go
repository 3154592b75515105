package web

import (
	"github.com/gofiber/fiber/v2"

	"afspraak/models"
)

// workerSession is one of a worker's sessions in the report period with what
// the supervisor looks for: overrides, risk signals, the summary's fate.
type workerSession struct {
	sessionRow
	Summary   *messageRow // the first summary message, if any
	Attention bool        // failed or unacknowledged summary, override or risk signal
}

type workerData struct {
	reportData
	Worker   models.ReportRow
	Sessions []workerSession
}

// workerReport drills down from the report to one worker's sessions in the
// period. Out of reach (a worker asking, another team's worker) is a 404.
func (h *Handler) workerReport(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	ctx, a := c.UserContext(), actor(c)
	d := workerData{}
	var err error
	if d.reportData, err = h.followUp(c, "html", &id); err != nil {
		return h.storeError(c, err, func() error { return h.fail(c, err) })
	}
	if len(d.Report.Rows) == 1 {
		d.Worker = d.Report.Rows[0]
	}
	p, _ := h.app.ReportPeriod(c.Query("from"), c.Query("to")) // followUp checked it
	from, end := p.From, p.To.AddDate(0, 0, 1)
	list, _, err := h.store.FindSessions(ctx, a, models.SessionFilter{WorkerID: &id, From: &from, To: &end, Page: models.Page{Limit: 200}})
	if err != nil {
		return h.fail(c, err)
	}
	clients, _, err := h.store.FindClients(ctx, a, models.ClientFilter{WorkerID: &id, Page: models.Page{Limit: 200}})
	if err != nil {
		return h.fail(c, err)
	}
	names := map[int64]string{}
	for _, cl := range clients {
		names[cl.ID] = cl.Name
	}
	for _, s := range list {
		ws, err := h.workerSession(c, s, names[s.ClientID])
		if err != nil {
			return h.fail(c, err)
		}
		d.Sessions = append(d.Sessions, ws)
	}
	return h.render(c, fiber.StatusOK, "worker", "title.worker", d)
}

func (h *Handler) workerSession(c *fiber.Ctx, s models.Session, name string) (workerSession, error) {
	ws := workerSession{sessionRow: sessionRow{Session: s, ClientName: name, Local: s.ScheduledAt.In(h.loc())}}
	msgs, _, err := h.store.FindMessages(c.UserContext(), actor(c), models.MessageFilter{SessionID: &s.ID})
	if err != nil {
		return ws, err
	}
	ags, err := h.store.FindAgreements(c.UserContext(), actor(c), models.AgreementFilter{SessionID: &s.ID})
	if err != nil {
		return ws, err
	}
	var summaries []models.Message
	for _, m := range msgs {
		if m.Kind == models.KindAgreementSummary {
			summaries = append(summaries, m)
		}
	}
	rows, err := h.messageRows(c, summaries, ags)
	if err != nil {
		return ws, err
	}
	if len(rows) > 0 {
		ws.Summary = &rows[len(rows)-1] // newest first: the last is the first sent
	}
	unacked := ws.Summary != nil && ws.Summary.Status != "acknowledged" && ws.Summary.Status != "skipped"
	failed := ws.Summary != nil && ws.Summary.Status == "failed"
	ws.Attention = unacked || failed || s.PolicyOverride || len(s.RiskSignals) > 0
	return ws, nil
}
