package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/models"
)

// sessionData is the session page: the conversation and what came of it.
type sessionData struct {
	Session    models.Session
	Local      time.Time
	Client     models.Client
	Agenda     []models.AgendaItem
	Agreements []models.Agreement
	Carried    map[int64]models.Agreement // carried-over agreements by id
	Messages   []messageRow
	Editable   bool
}

func paramID(c *fiber.Ctx, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	return id, err == nil && id > 0
}

// session shows a session with its agenda, agreements and messages; a session
// out of reach is a 404.
func (h *Handler) session(c *fiber.Ctx) error {
	return h.showSession(c, fiber.StatusOK)
}

func (h *Handler) showSession(c *fiber.Ctx, status int) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	d, err := h.loadSession(c, id)
	if err != nil {
		return h.storeError(c, err, func() error { return h.fail(c, err) })
	}
	return h.render(c, status, "session", "title.session", d)
}

func (h *Handler) loadSession(c *fiber.Ctx, id int64) (sessionData, error) {
	ctx, a := c.UserContext(), actor(c)
	var d sessionData
	var err error
	if d.Session, err = h.store.FindSessionByID(ctx, a, id); err != nil {
		return d, err
	}
	d.Local = d.Session.ScheduledAt.In(h.loc())
	d.Editable = d.Session.Status == models.SessionPlanned || d.Session.Status == models.SessionStarted
	if d.Client, err = h.store.FindClientByID(ctx, a, d.Session.ClientID); err != nil {
		return d, err
	}
	if d.Agenda, err = h.store.FindAgenda(ctx, actor(c), id); err != nil {
		return d, err
	}
	if d.Agreements, err = h.store.FindAgreements(ctx, actor(c), models.AgreementFilter{SessionID: &id}); err != nil {
		return d, err
	}
	all, err := h.store.FindAgreements(ctx, actor(c), models.AgreementFilter{ClientID: &d.Client.ID})
	if err != nil {
		return d, err
	}
	d.Carried = map[int64]models.Agreement{}
	for _, ag := range all {
		d.Carried[ag.ID] = ag
	}
	msgs, _, err := h.store.FindMessages(ctx, a, models.MessageFilter{SessionID: &id})
	if err != nil {
		return d, err
	}
	d.Messages, err = h.messageRows(c, msgs, d.Agreements)
	return d, err
}

func sessionPath(id int64) string { return "/sessies/" + strconv.FormatInt(id, 10) }

// start records that the call began.
func (h *Handler) start(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	if _, err := h.store.StartSession(c.UserContext(), actor(c), id, c.FormValue("started_by")); err != nil {
		return h.storeError(c, err, func() error { return h.showSession(c, fiber.StatusUnprocessableEntity) })
	}
	return c.Redirect(sessionPath(id)+"?ok=started", fiber.StatusSeeOther)
}

// updateItem ticks an agenda item off (or on) and saves its notes.
func (h *Handler) updateItem(c *fiber.Ctx) error {
	id, ok1 := paramID(c, "id")
	item, ok2 := paramID(c, "item")
	if !ok1 || !ok2 {
		return h.notFound(c)
	}
	done, notes := c.FormValue("done") == "on", c.FormValue("notes")
	_, err := h.store.UpdateAgendaItem(c.UserContext(), actor(c), id, item, models.AgendaItemFields{Done: &done, Notes: &notes})
	if err != nil {
		return h.storeError(c, err, func() error { return h.showSession(c, fiber.StatusUnprocessableEntity) })
	}
	return c.Redirect(sessionPath(id)+"?ok=saved#item-"+strconv.FormatInt(item, 10), fiber.StatusSeeOther)
}

// addAgreement records an agreement; "not in the summary" keeps it from the
// client's message.
func (h *Handler) addAgreement(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	text, owner, due := c.FormValue("text"), c.FormValue("owner"), c.FormValue("due_date")
	include := c.FormValue("not_in_summary") != "on"
	_, err := h.store.CreateAgreement(c.UserContext(), actor(c), id, models.AgreementFields{Text: &text, Owner: &owner,
		DueDate: &due, IncludeInSummary: &include})
	if err != nil {
		return h.storeError(c, err, func() error { return h.showSession(c, fiber.StatusUnprocessableEntity) })
	}
	return c.Redirect(sessionPath(id)+"?ok=agreement#afspraken", fiber.StatusSeeOther)
}

// closeAgreement records whether a carried-over agreement was kept, then goes
// back to the session it was discussed in.
func (h *Handler) closeAgreement(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	back, ok2 := strconv.ParseInt(c.FormValue("session_id"), 10, 64)
	if !ok || ok2 != nil {
		return h.notFound(c)
	}
	status := c.FormValue("status")
	if _, err := h.store.UpdateAgreement(c.UserContext(), actor(c), id, models.AgreementFields{Status: &status}); err != nil {
		return h.storeError(c, err, func() error { return c.Redirect(sessionPath(back), fiber.StatusSeeOther) })
	}
	return c.Redirect(sessionPath(back)+"?ok=saved", fiber.StatusSeeOther)
}
