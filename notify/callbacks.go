package notify

import (
	"context"
	"strings"
	"time"

	"afspraak/models"
)

// StatusEvent is one status callback from the provider.
type StatusEvent struct {
	MessageID int64  // from our StatusCallback URL
	SID       string // provider id
	Status    string
	ErrorCode int
	Raw       string // the callback's form, without bodies or numbers
}

// HandleStatus keeps the event once and applies it when it moves the message
// forward (a late "sent" never overwrites "delivered"; "read" beats both).
// Failed WhatsApp messages fall back to SMS where the code says so.
func (d *Dispatcher) HandleStatus(ctx context.Context, ev StatusEvent) error {
	_, err := d.Store.UpdateMessage(ctx, ev.MessageID, func(tx models.Tx, m *models.Message, now time.Time) error {
		if m.TwilioSID != nil && ev.SID != "" && *m.TwilioSID != ev.SID {
			return models.Errorf(models.EINVALID, "status callback for another message")
		}
		applies := ShouldApply(m.Status, ev.Status) && m.Status != models.MessageFailed
		fresh, err := d.Store.AddMessageEventTx(tx, &models.MessageEvent{MessageID: m.ID, Status: ev.Status,
			ErrorCode: ev.ErrorCode, Source: "callback", Raw: ev.Raw, Applied: applies})
		if err != nil || !fresh || !applies {
			return err
		}
		if m.TwilioSID == nil && ev.SID != "" {
			sid := ev.SID
			m.TwilioSID = &sid // the callback beat our own record of the send
		}
		switch ev.Status {
		case "delivered":
			m.DeliveredAt = &now
		case "read":
			m.ReadAt = &now
			if m.DeliveredAt == nil {
				m.DeliveredAt = &now
			}
		case "failed", "undelivered":
			m.Status = ev.Status
			d.Metrics.message(m.Kind, ev.Status)
			return d.endInFailureTx(ctx, tx, m, ev.ErrorCode, now)
		}
		m.Status = ev.Status // the store audits the change
		d.Metrics.message(m.Kind, ev.Status)
		return nil
	})
	return err
}

// ChannelOf splits a provider address ("whatsapp:+316…" or "+316…").
func ChannelOf(addr string) (channel, e164 string) {
	if rest, ok := strings.CutPrefix(addr, "whatsapp:"); ok {
		return ChannelWhatsApp, rest
	}
	return ChannelSMS, addr
}
