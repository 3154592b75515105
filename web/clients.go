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
	Client       models.Client
	Consent      []models.ConsentEvent
	Agreements   []models.Agreement
	Sessions     []sessionRow
	Messages     []messageRow
	Conversation conversationData
	// NumberProven: personal messages may go to the number (confirmed, or
	// the organisation does not check numbers, which NumberCheckOn says).
	NumberProven, NumberCheckOn bool
}

// client shows a client's profile, the conversation with the answer form,
// consent history, agreement ledger, sessions and message timeline;
// someone else's client is a 404.
func (h *Handler) client(c *fiber.Ctx) error {
	return h.showClient(c, fiber.StatusOK, models.Answer{})
}

// showClient renders the client page with status; draft is an answer that
// was refused, shown in the form again.
func (h *Handler) showClient(c *fiber.Ctx, status int, draft models.Answer) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	d, err := h.loadClient(c, id)
	if err == nil {
		d.Conversation, err = h.conversation(c, id, draft)
	}
	if err != nil {
		return h.storeError(c, err, func() error { return h.fail(c, err) })
	}
	d.NumberProven, d.NumberCheckOn = h.store.NumberProven(d.Client), h.app.Config.Notify.NumberCheck
	return h.render(c, status, "client", "title.client", d)
}

func (h *Handler) loadClient(c *fiber.Ctx, id int64) (clientData, error) {
	ctx, a := c.UserContext(), actor(c)
	var d clientData
	var err error
	if d.Client, err = h.store.FindClientByID(ctx, a, id); err != nil {
		return d, err
	}
	if d.Consent, err = h.store.FindConsentEvents(ctx, a, id); err != nil {
		return d, err
	}
	if d.Agreements, err = h.store.FindAgreements(ctx, a, models.AgreementFilter{ClientID: &id}); err != nil {
		return d, err
	}
	sessions, _, err := h.store.FindSessions(ctx, a, models.SessionFilter{ClientID: &id, Page: models.Page{Limit: 200}})
	if err != nil {
		return d, err
	}
	for _, s := range sessions {
		d.Sessions = append(d.Sessions, sessionRow{Session: s, ClientName: d.Client.Name, Local: s.ScheduledAt.In(h.loc())})
	}
	msgs, _, err := h.store.FindMessages(ctx, a, models.MessageFilter{ClientID: &id, Page: models.Page{Limit: 100}})
	if err != nil {
		return d, err
	}
	d.Messages, err = h.messageRows(c, msgs, d.Agreements)
	return d, err
}
