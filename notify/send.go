package notify

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"afspraak/models"
)

// SendWorker runs SendMessageArgs jobs.
type SendWorker struct {
	river.WorkerDefaults[SendMessageArgs]
	D *Dispatcher
}

// Work sends one message at most once: a message that may already have been
// accepted (a crash or an ambiguous error after the send began) is looked up
// at the provider before any resend.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendMessageArgs]) error {
	d := w.D
	m, err := d.Store.FindMessage(ctx, job.Args.MessageID)
	if err != nil || m.Final() {
		return err
	}
	if now := d.now(); !d.Composer.Hours.Within(now) && !models.AnswersClient(m.Kind) {
		next := d.Composer.Hours.Next(now)
		_, err := d.Store.UpdateMessage(ctx, m.ID, func(_ models.Tx, m *models.Message, _ time.Time) error {
			n := next.UTC()
			m.Status, m.ScheduledFor = models.MessageScheduled, &n
			return nil
		})
		if err != nil {
			return err
		}
		return river.JobSnooze(next.Sub(now))
	}
	if err := d.Limiter.Wait(ctx); err != nil {
		return err
	}
	prior, held := m.Attempts, false
	m, err = d.Store.UpdateMessage(ctx, m.ID, func(tx models.Tx, m *models.Message, now time.Time) error {
		// Decided inside the transaction that hands the message over: while
		// it was queued or waited for the limiter, the number may have
		// changed, the consent been withdrawn or the message been cancelled.
		c, err := d.Store.FindClientTx(tx, m.ClientID)
		switch {
		case err != nil:
			return err
		case m.Final() || m.Status == models.MessageAwaitingCheck:
			return errFinal
		case !models.AnswersClient(m.Kind) && !consented(c, m.Channel):
			m.Status, m.SkipReason, held = models.MessageSkipped, SkipNoConsent, true
			return nil
		case models.NeedsConfirmedNumber(m.Kind) && !d.Store.NumberProven(c):
			// The number changed, or its check was started again, since
			// this was queued: it waits, and the check's answer releases it.
			m.Status, held = models.MessageAwaitingCheck, true
			return nil
		}
		if m.Attempts == 0 && c.Phone != "" {
			// The recipient is the client's number now, not when the message
			// was queued. A retry keeps the first attempt's, so that the
			// provider lookup before a resend searches the right number.
			m.Recipient = c.Phone
		}
		m.Attempts++
		if m.FirstAttemptAt == nil {
			m.FirstAttemptAt = &now
		}
		m.Status = models.MessageSending
		return nil
	})
	if err == nil && held {
		d.Metrics.message(m.Kind, m.Status)
		return nil
	}
	if err != nil {
		return sendOutcome(err)
	}
	out := d.outbound(m)
	if prior > 0 && d.Finder != nil {
		res, found, err := d.Finder.FindSentMessage(ctx, out, *m.FirstAttemptAt)
		if err != nil {
			return err // cannot tell; try again later rather than risk a duplicate
		}
		if found {
			d.log(ctx, "message found at provider after an uncertain send", m)
			return d.accepted(ctx, m, res)
		}
	}
	res, err := d.Sender.Send(ctx, out)
	if err != nil {
		return d.failed(ctx, m, err)
	}
	return d.accepted(ctx, m, res)
}

// errFinal: the message was ended (cancelled, skipped) while it waited.
var errFinal = errors.New("notify: the message ended while it waited to be sent")

// sendOutcome is what a send job returns for err from its hand-over
// transaction: nothing more to do for a message that ended.
func sendOutcome(err error) error {
	if errors.Is(err, errFinal) {
		return nil
	}
	return err
}

// consented reports whether the client consents to messages on channel.
func consented(c models.Client, channel string) bool {
	return (channel == ChannelWhatsApp && c.ConsentWhatsApp) || (channel == ChannelSMS && c.ConsentSMS)
}

// OutboundOf is what the sender gets for message m.
func (d *Dispatcher) OutboundOf(m models.Message) OutboundMessage { return d.outbound(m) }

// Requeue queues a send job for a stored message (a no-op for a final one).
func (d *Dispatcher) Requeue(ctx context.Context, id int64) error {
	_, err := d.Queue.Client.Insert(ctx, SendMessageArgs{MessageID: id}, nil)
	return err
}

func (d *Dispatcher) outbound(m models.Message) OutboundMessage {
	out := OutboundMessage{ID: m.ID, Channel: m.Channel, To: m.Recipient, ContentSID: m.ContentSID,
		ContentVariables: m.ContentVariables, StatusCallback: d.statusCallback(m.ID)}
	if m.Body != nil {
		out.Body = *m.Body
	}
	return out
}

func (d *Dispatcher) accepted(ctx context.Context, m models.Message, res SendResult) error {
	m, err := d.Store.UpdateMessage(ctx, m.ID, func(tx models.Tx, m *models.Message, now time.Time) error {
		sid := res.SID
		m.TwilioSID, m.SentAt, m.Status = &sid, &now, res.Status
		if m.Status == "" {
			m.Status = "queued"
		}
		_, err := d.Store.AddMessageEventTx(tx, &models.MessageEvent{MessageID: m.ID, Status: m.Status, Source: "send"})
		return err // the store audits the hand-over
	})
	if err != nil {
		return err
	}
	d.Metrics.message(m.Kind, m.Status)
	d.Metrics.sent(m)
	d.Health.succeeded()
	d.log(ctx, "message handed to provider", m)
	return nil
}

// failed applies a send error: permanent errors end the message, WhatsApp
// errors fall back to SMS, the rest are retried by the queue.
func (d *Dispatcher) failed(ctx context.Context, m models.Message, err error) error {
	var se *SendError
	if !errors.As(err, &se) {
		se = &SendError{Class: ErrAmbiguous, Err: err}
	}
	switch {
	case credentialCodes[se.Code]:
		d.Health.failed("credentials", se.Code)
		d.Logger.ErrorContext(ctx, "Twilio refused the account's credentials; messages wait until they are fixed",
			slog.Int64("message_id", m.ID), slog.Int("error_code", se.Code))
		return se // retried: the message itself is fine
	case se.Class == ErrRetry || se.Class == ErrAmbiguous:
		d.Health.failed(map[ErrorClass]string{ErrRetry: "retry", ErrAmbiguous: "ambiguous"}[se.Class], se.Code)
		d.Logger.WarnContext(ctx, "message not taken by the provider; it is retried", slog.Int64("message_id", m.ID),
			slog.Int("error_code", se.Code), slog.Int("http_status", httpStatusOf(se)))
	}
	switch se.Class {
	case ErrPermanent, ErrNoWhatsApp:
		_, uerr := d.Store.UpdateMessage(ctx, m.ID, func(tx models.Tx, m *models.Message, now time.Time) error {
			return d.endInFailureTx(ctx, tx, m, se.Code, now)
		})
		d.Metrics.message(m.Kind, models.MessageFailed)
		d.Logger.WarnContext(ctx, "message failed", slog.Int64("message_id", m.ID), slog.Int("error_code", se.Code))
		return uerr
	case ErrRetry:
		_, uerr := d.Store.UpdateMessage(ctx, m.ID, func(_ models.Tx, m *models.Message, _ time.Time) error {
			// Never processed. Attempts stay counted, so the retry still looks
			// up any earlier uncertain attempt before sending.
			m.Status, m.ErrorCode = models.MessageQueued, se.Code
			return nil
		})
		return errors.Join(se, uerr)
	default: // ambiguous: stays "sending"; the next attempt looks it up first
		return se
	}
}

// credentialCodes are Twilio's answers about the account rather than the
// message: authentication failed, account suspended or not found.
var credentialCodes = map[int]bool{20003: true, 20005: true, 20404: true}

// endInFailureTx marks m failed with code and applies what the code means:
// 21610 withdraws SMS consent; WhatsApp unreachability falls back to SMS.
func (d *Dispatcher) endInFailureTx(ctx context.Context, tx models.Tx, m *models.Message, code int, now time.Time) error {
	if m.Status != "undelivered" {
		m.Status = models.MessageFailed
	}
	m.ErrorCode, m.FailedAt = code, &now // the store audits the failure
	if code == 21610 {
		if _, err := d.Store.SetConsentTx(tx, m.ClientID, ChannelSMS, false, "provider_opt_out"); err != nil {
			return err
		}
	}
	if m.Channel != ChannelWhatsApp || ClassifyCode(code) != ErrNoWhatsApp {
		return nil
	}
	return d.fallbackTx(ctx, tx, *m)
}

func (d *Dispatcher) log(ctx context.Context, msg string, m models.Message) {
	d.Logger.InfoContext(ctx, msg, slog.Int64("message_id", m.ID), slog.String("kind", m.Kind),
		slog.String("channel", m.Channel), slog.String("status", m.Status), slog.String("to", MaskPhone(m.Recipient)))
}

// httpStatusOf is the HTTP status of the provider's reply behind se, 0 when
// there was none (a timeout, a dropped connection).
func httpStatusOf(se *SendError) int {
	var ae *apiError
	if errors.As(se, &ae) {
		return ae.status
	}
	return 0
}
