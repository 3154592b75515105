package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"afspraak/models"
)

// messageRow is a message with what the worker needs to know about it.
type messageRow struct {
	models.Message
	Status       string // a key under "status." in the dictionary
	ScheduledFor *time.Time
	Acknowledged *time.Time
	Events       []models.MessageEvent
}

// messageStatus names the state of a message in the worker's words.
func messageStatus(m models.Message, acked *time.Time) string {
	switch {
	case acked != nil && m.Kind == models.KindAgreementSummary && m.SentAt != nil:
		return "acknowledged"
	case m.ReadAt != nil:
		return "read"
	case m.DeliveredAt != nil:
		return "delivered"
	case m.Status == "undelivered" || m.Status == models.MessageFailed:
		return "failed"
	case m.Status == models.MessageScheduled:
		return "scheduled"
	case m.Status == models.MessageSkipped:
		return "skipped"
	case m.Status == models.MessageDryRun:
		return "dry_run"
	case m.Status == models.MessageAwaitingCheck:
		return "awaiting_check"
	case m.SentAt != nil || m.TwilioSID != nil:
		return "sent"
	}
	return "queued"
}

// messageRows adds statuses and events; agreements tell whether a summary
// was acknowledged.
func (h *Handler) messageRows(c *fiber.Ctx, msgs []models.Message, ags []models.Agreement) ([]messageRow, error) {
	acked := map[int64]*time.Time{} // session id → first acknowledgement
	for _, ag := range ags {
		if ag.AcknowledgedAt != nil && acked[ag.SessionID] == nil {
			acked[ag.SessionID] = ag.AcknowledgedAt
		}
	}
	out := make([]messageRow, 0, len(msgs))
	for _, m := range msgs {
		r := messageRow{Message: m}
		if m.SessionID != nil {
			r.Acknowledged = acked[*m.SessionID]
		}
		r.Status = messageStatus(m, r.Acknowledged)
		if m.ScheduledFor != nil {
			t := m.ScheduledFor.In(h.loc())
			r.ScheduledFor = &t
		}
		evs, err := h.store.FindMessageEvents(c.UserContext(), actor(c), m.ID)
		if err != nil {
			return nil, err
		}
		r.Events = evs
		out = append(out, r)
	}
	return out, nil
}
