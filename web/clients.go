package web

import (
	"github.com/gofiber/fiber/v2"

	"afspraak/models"
)

// clients lists the clients in reach.
func (h *Handler) clients(c *fiber.Ctx) error {
	list, _, err := h.store.FindClients(c.UserContext(), actor(c), models.ClientFilter{Page: models.Page{Limit: 200}})
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, fiber.StatusOK, "clients", "title.clients", list)
}

// clientData is the client page.
type clientData struct {
	Client     models.Client
	Consent    []models.ConsentEvent
	Agreements []models.Agreement
	Sessions   []sessionRow
	Messages   []messageRow
	Replies    []models.InboundMessage
}

// client shows a client's profile, consent history, agreement ledger,
// sessions and message timeline; someone else's client is a 404.
func (h *Handler) client(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	ctx, a := c.UserContext(), actor(c)
	var d clientData
	var err error
	if d.Client, err = h.store.FindClientByID(ctx, a, id); err != nil {
		return h.storeError(c, err, func() error { return h.fail(c, err) })
	}
	if d.Consent, err = h.store.FindConsentEvents(ctx, actor(c), id); err != nil {
		return h.fail(c, err)
	}
	if d.Agreements, err = h.store.FindAgreements(ctx, actor(c), models.AgreementFilter{ClientID: &id}); err != nil {
		return h.fail(c, err)
	}
	sessions, _, err := h.store.FindSessions(ctx, a, models.SessionFilter{ClientID: &id, Page: models.Page{Limit: 200}})
	if err != nil {
		return h.fail(c, err)
	}
	for _, s := range sessions {
		d.Sessions = append(d.Sessions, sessionRow{Session: s, ClientName: d.Client.Name, Local: s.ScheduledAt.In(h.loc())})
	}
	msgs, _, err := h.store.FindMessages(ctx, a, models.MessageFilter{ClientID: &id, Page: models.Page{Limit: 100}})
	if err != nil {
		return h.fail(c, err)
	}
	if d.Messages, err = h.messageRows(c, msgs, d.Agreements); err != nil {
		return h.fail(c, err)
	}
	if d.Replies, err = h.store.FindInbound(ctx, actor(c), id, 20); err != nil {
		return h.fail(c, err)
	}
	return h.render(c, fiber.StatusOK, "client", "title.client", d)
}
