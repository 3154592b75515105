package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/models"
)

// conversationLimit is how many messages the client page shows: weeks of
// ordinary contact, still one page.
const conversationLimit = 100

// conversationRow is one message of the conversation as the page shows it.
type conversationRow struct {
	models.ConversationItem
	Status string   // ours: a key under "status."
	Media  []string // the client's: a key under "media." per attachment
}

// conversationData is the conversation section of the client page.
type conversationData struct {
	Rows         []conversationRow // oldest first, so the newest is next to the answer form
	Unseen       int
	WhatsAppOpen bool
	OpenUntil    *time.Time
	Draft        models.Answer // what the worker wrote, kept when it was refused
}

// conversation loads the conversation with client id; draft is the answer
// to show in the form again.
func (h *Handler) conversation(c *fiber.Ctx, id int64, draft models.Answer) (conversationData, error) {
	ctx, a := c.UserContext(), actor(c)
	conv, err := h.store.FindConversation(ctx, a, id, conversationLimit)
	if err != nil {
		return conversationData{}, err
	}
	d := conversationData{Unseen: conv.UnseenAlerts, Draft: draft}
	if u := conv.WhatsAppOpenUntil; u != nil && u.After(time.Now()) {
		d.WhatsAppOpen, d.OpenUntil = true, u
	}
	if d.Draft.Channel == "" { // free text goes where it can
		d.Draft.Channel = map[bool]string{true: "whatsapp", false: "sms"}[d.WhatsAppOpen]
	}
	for _, it := range conv.Items {
		r := conversationRow{ConversationItem: it}
		if it.Inbound {
			r.Media = mediaKinds(it.MediaTypes, it.MediaCount)
		} else {
			r.Status = itemStatus(it.Status)
		}
		d.Rows = append(d.Rows, r)
	}
	return d, nil
}

// itemStatus names the delivery state of one of our messages in the
// worker's words from its stored status (ours or Twilio's).
func itemStatus(status string) string {
	switch status {
	case "delivered", "read", models.MessageSkipped, models.MessageDryRun:
		return status
	case "sent", "accepted":
		return "sent"
	case models.MessageFailed, "undelivered", "canceled":
		return "failed"
	case models.MessageScheduled:
		return "later"
	case models.MessageAwaitingCheck:
		return "awaiting_check"
	}
	return "queued"
}

// mediaKinds says what the client sent besides text, one entry per item.
// The media are never fetched: the worker looks in WhatsApp itself.
func mediaKinds(types []string, count int) []string {
	out := make([]string, 0, max(count, len(types)))
	for _, t := range types {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case strings.HasPrefix(t, "audio/"):
			out = append(out, "audio")
		case strings.HasPrefix(t, "image/"):
			out = append(out, "image")
		default:
			out = append(out, "other")
		}
	}
	for len(out) < count {
		out = append(out, "other")
	}
	return out
}

func clientPath(id int64) string { return "/clienten/" + strconv.FormatInt(id, 10) }

// refusedStatus is the status of a page that shows a refusal: 409 when the
// client cannot be reached that way now, 422 for a form to correct.
func refusedStatus(err error) int {
	if models.ErrorCode(err) == models.ECONFLICT {
		return fiber.StatusConflict
	}
	return fiber.StatusUnprocessableEntity
}

// answer queues the worker's answer to the client through the application's
// workflow (contact hours, consent, number check, WhatsApp window). A
// refusal shows the client page with the reason and the text kept.
func (h *Handler) answer(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	ans := models.Answer{Channel: c.FormValue("channel"), Body: c.FormValue("body")}
	if _, err := h.app.AnswerClient(c.UserContext(), actor(c), id, ans); err != nil {
		return h.storeError(c, err, func() error { return h.showClient(c, refusedStatus(err), ans) })
	}
	return c.Redirect(clientPath(id)+"?ok=answered#gesprek", fiber.StatusSeeOther)
}

// markSeen marks the client's alerts as seen, which also lets an automatic
// no-show that waited for them go ahead.
func (h *Handler) markSeen(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	if _, err := h.store.MarkRepliesSeen(c.UserContext(), actor(c), id); err != nil {
		return h.storeError(c, err, func() error { return h.showClient(c, refusedStatus(err), models.Answer{}) })
	}
	return c.Redirect(clientPath(id)+"?ok=seen#gesprek", fiber.StatusSeeOther)
}

// numberCheck asks the client again whether the number is theirs.
func (h *Handler) numberCheck(c *fiber.Ctx) error {
	id, ok := paramID(c, "id")
	if !ok {
		return h.notFound(c)
	}
	if _, err := h.store.StartNumberCheck(c.UserContext(), actor(c), id); err != nil {
		return h.storeError(c, err, func() error { return h.showClient(c, refusedStatus(err), models.Answer{}) })
	}
	return c.Redirect(clientPath(id)+"?ok=numbercheck#nummer", fiber.StatusSeeOther)
}
