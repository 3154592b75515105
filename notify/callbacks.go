package notify

import (
	"cmp"
	"context"
	"log/slog"
	"strings"
	"time"

	"afspraak/models"
	"afspraak/templates"
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

// InboundEvent is one message a client sent us.
type InboundEvent struct {
	SID     string
	Channel string // whatsapp | sms
	From    string // E.164
	Body    string
}

// HandleInbound stores a client's message once and acts on keywords:
// acknowledgement, STOP and START. Outside contact hours the client gets an
// auto-reply with office hours and the crisis number.
func (d *Dispatcher) HandleInbound(ctx context.Context, ev InboundEvent) error {
	clients, err := d.Store.FindClientsByPhone(ctx, ev.From)
	if err != nil {
		return err
	}
	kw := ParseKeyword(ev.Body)
	afterHours := !d.Composer.Hours.Within(d.now())
	return d.Store.Write(ctx, func(tx models.Tx) error {
		in := &models.InboundMessage{TwilioSID: ev.SID, Channel: ev.Channel, Keyword: kw.String(), AfterHours: afterHours}
		if kw == KeywordNone {
			body := ev.Body
			in.Body = &body // a reply for the worker; keywords need no copy
		}
		if len(clients) > 0 {
			in.ClientID = &clients[0].ID
		}
		fresh, err := d.Store.AddInboundTx(tx, in) // audited by the store
		if err != nil || !fresh || len(clients) == 0 {
			return err // a retry of a callback we handled, or an unknown number
		}
		for i, c := range clients { // one number may belong to several client records
			if err := d.applyKeywordTx(ctx, tx, c, ev.Channel, kw, afterHours && i == 0); err != nil {
				return err
			}
		}
		d.Logger.InfoContext(ctx, "client message received", slog.Int64("client_id", clients[0].ID),
			slog.String("channel", ev.Channel), slog.String("keyword", kw.String()), slog.Bool("after_hours", afterHours))
		return nil
	})
}

func (d *Dispatcher) applyKeywordTx(ctx context.Context, tx models.Tx, c models.Client, channel string, kw Keyword, afterHours bool) error {
	switch kw {
	case KeywordAck:
		_, err := d.Store.AcknowledgeLatestSummaryTx(tx, c.ID)
		return err
	case KeywordStop:
		// STOP stops every channel: withdrawn on one, the next message
		// would otherwise simply come by the other.
		changed := false
		for _, ch := range []string{ChannelWhatsApp, ChannelSMS} {
			ok, err := d.Store.SetConsentTx(tx, c.ID, ch, false, models.ConsentStop)
			if err != nil {
				return err
			}
			changed = changed || ok
		}
		if !changed {
			return nil // confirmed once already
		}
		return d.answerTx(ctx, tx, c, channel, templates.KindStopConfirmation, models.KindStopConfirmation)
	case KeywordStart:
		changed, err := d.Store.SetConsentTx(tx, c.ID, channel, true, "inbound")
		if err != nil || !changed {
			return err
		}
		return d.answerTx(ctx, tx, c, channel, templates.KindStartConfirmation, models.KindStartConfirmation)
	}
	if !afterHours {
		return nil
	}
	if stopped, err := d.Store.StoppedTx(tx, c.ID); err != nil || stopped {
		return err // after STOP nothing is sent but the STOP confirmation
	}
	last, ok, err := d.Store.LastMessageTx(tx, c.ID, models.KindAutoReply)
	if err != nil || (ok && d.now().Sub(last) < cmp.Or(d.AutoReplyEvery, 12*time.Hour)) {
		return err // one auto-reply says it all; a hundred would be a flood
	}
	// The auto-reply exists to say that nobody reads messages now.
	return d.answerTx(ctx, tx, c, channel, templates.KindAutoReply, models.KindAutoReply)
}

// answerTx queues an answer to the client's own message: right away, as free
// text on the channel the client used (their message opened WhatsApp's
// 24-hour window), whatever the consent (models.AnswersClient). The composer
// renders the text also when the client's own channel has no consent.
func (d *Dispatcher) answerTx(ctx context.Context, tx models.Tx, c models.Client, channel, template, kind string) error {
	composer := d.Composer
	composer.ContentSIDs = nil // inside the window: free text, never a template
	reply, err := composer.Message(template, c, templates.MessageData{})
	if err != nil {
		return err
	}
	reply.Channel, reply.SkipReason = channel, ""
	m := messageFrom(reply, kind, c, nil)
	return d.queueTx(ctx, tx, &m)
}

// ChannelOf splits a provider address ("whatsapp:+316…" or "+316…").
func ChannelOf(addr string) (channel, e164 string) {
	if rest, ok := strings.CutPrefix(addr, "whatsapp:"); ok {
		return ChannelWhatsApp, rest
	}
	return ChannelSMS, addr
}
