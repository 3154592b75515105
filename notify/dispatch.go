package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"afspraak/models"
	"afspraak/templates"
)

// Dispatcher turns stored messages into sends and applies what comes back.
type Dispatcher struct {
	Store         *models.Store
	Queue         *Queue
	Sender        Sender
	Finder        MessageFinder // nil: never look up (dry-run)
	Composer      Composer
	PublicBaseURL string
	Limiter       *Limiter // nil: no rate limit
	Logger        *slog.Logger
	Metrics       *Metrics
	Health        *Health // nil: dry run
	Now           func() time.Time

	ReminderOffsets []time.Duration
	AutoReplyEvery  time.Duration // at most one auto-reply per client in this period; 0: 12 h
	// NumberCheckTimeout is how long the client has to answer the number
	// check; 0: DefaultNumberCheckTimeout.
	NumberCheckTimeout time.Duration
	NoShowGrace        time.Duration
	RetentionDays      int
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// statusCallback is where Twilio reports on message id.
func (d *Dispatcher) statusCallback(id int64) string {
	return strings.TrimRight(d.PublicBaseURL, "/") + "/webhooks/twilio/status?message_id=" + strconv.FormatInt(id, 10)
}

// queueTx stores m (queued, or scheduled for the next contact window) and
// inserts its send job in the same transaction.
func (d *Dispatcher) queueTx(ctx context.Context, tx models.Tx, m *models.Message) error {
	now := d.now()
	if m.Status == "" {
		m.Status = models.MessageQueued
	}
	if m.Status == models.MessageQueued && !models.AnswersClient(m.Kind) && !d.Composer.Hours.Within(now) {
		next := d.Composer.Hours.Next(now).UTC()
		m.Status, m.ScheduledFor = models.MessageScheduled, &next
	}
	if err := d.Store.CreateMessageTx(tx, m); err != nil {
		return err
	}
	d.Metrics.message(m.Kind, m.Status)
	if m.Status == models.MessageSkipped || m.Status == models.MessageAwaitingCheck {
		return nil // nothing to send; or sent once the number is confirmed (releaseTx)
	}
	opts := &river.InsertOpts{}
	if m.ScheduledFor != nil {
		opts.ScheduledAt = *m.ScheduledFor
	}
	_, err := d.Queue.InsertTx(ctx, tx.SQL(), SendMessageArgs{MessageID: m.ID}, opts)
	return err
}

// QueueTx queues a message written elsewhere (a worker's answer) inside tx,
// as queueTx does for the messages the dispatcher composes.
func (d *Dispatcher) QueueTx(ctx context.Context, tx models.Tx, m *models.Message) error {
	return d.queueTx(ctx, tx, m)
}

// messageFrom turns a composed text into a message row for client.
func (d *Dispatcher) messageFrom(c Composed, kind string, client models.Client, sessionID *int64) models.Message {
	m := models.Message{ClientID: client.ID, SessionID: sessionID, Kind: kind, Channel: c.Channel,
		Recipient: client.Phone, ContentSID: c.ContentSID, ContentVariables: c.Variables, SkipReason: c.SkipReason}
	if c.Body != "" {
		body := c.Body
		m.Body = &body
	}
	switch {
	case c.SkipReason != "":
		m.Status, m.Recipient = models.MessageSkipped, ""
	case models.NeedsConfirmedNumber(kind) && !d.Store.NumberProven(client):
		m.Status = models.MessageAwaitingCheck // nothing personal to a number not proven the client's
	}
	return m
}

// DefaultNumberCheckTimeout is how long a client has to answer the number
// check, unless notify.number_check_timeout says otherwise.
const DefaultNumberCheckTimeout = 72 * time.Hour

// NumberCheckStarted queues the welcome message that asks the client to
// confirm the number is theirs, on the channel they chose, and the job that
// ends the check when it is not answered in time (models.Outbox).
func (d *Dispatcher) NumberCheckStarted(ctx context.Context, tx models.Tx, client models.Client) (models.Message, error) {
	c, err := d.Composer.Message(templates.KindNumberCheck, client, templates.MessageData{})
	if err != nil {
		return models.Message{}, err
	}
	m := d.messageFrom(c, models.KindNumberCheck, client, nil)
	if err := d.queueTx(ctx, tx, &m); err != nil || m.Status == models.MessageSkipped {
		return m, err
	}
	at := d.now().Add(cmp.Or(d.NumberCheckTimeout, DefaultNumberCheckTimeout))
	if m.ScheduledFor != nil {
		at = m.ScheduledFor.Add(cmp.Or(d.NumberCheckTimeout, DefaultNumberCheckTimeout))
	}
	_, err = d.Queue.InsertTx(ctx, tx.SQL(), NumberCheckExpiryArgs{ClientID: client.ID, MessageID: m.ID},
		&river.InsertOpts{ScheduledAt: at})
	return m, err
}

// SessionCompleted builds the session's agreement summary and queues it
// inside the completion transaction (models.Outbox); it returns the stored
// message.
func (d *Dispatcher) SessionCompleted(ctx context.Context, tx models.Tx, sess models.Session) (models.Message, error) {
	data, err := d.Store.SummaryDataTx(tx, sess)
	if err != nil {
		return models.Message{}, err
	}
	c, err := d.Composer.Summary(SummaryInput(data))
	if err != nil {
		return models.Message{}, err
	}
	if c.TooLong != "" && c.ContentSID != "" && data.Client.ConsentSMS {
		// Over the WhatsApp template's limits: by SMS, when that fits.
		if sms, err := d.Composer.SummaryOn(SummaryInput(data), ChannelSMS); err == nil && sms.TooLong == "" {
			c = sms
		}
	}
	if !sess.SendSummary {
		m := models.Message{ClientID: data.Client.ID, SessionID: &sess.ID, Kind: models.KindAgreementSummary,
			Status: models.MessageSkipped, SkipReason: SkipSummaryDisabled}
		return m, d.queueTx(ctx, tx, &m)
	}
	if c.SkipReason == "" && c.TooLong != "" {
		// Never over Twilio's limits, never an agreement dropped: the
		// worker shortens them (the preview said so first).
		return models.Message{}, models.Invalid("agreements", "%s", c.TooLong)
	}
	return d.queuePartsTx(ctx, tx, c, models.KindAgreementSummary, data.Client, &sess.ID, nil)
}

// queuePartsTx queues a composed message, as several messages when its body
// is longer than one may be (Composed.More), and returns the first.
func (d *Dispatcher) queuePartsTx(ctx context.Context, tx models.Tx, c Composed, kind string, client models.Client,
	sessionID, fallbackOf *int64) (models.Message, error) {
	first := d.messageFrom(c, kind, client, sessionID)
	first.FallbackOf = fallbackOf
	if err := d.queueTx(ctx, tx, &first); err != nil {
		return first, err
	}
	for _, part := range c.More {
		next := c
		next.Body, next.More = part, nil
		m := d.messageFrom(next, kind, client, sessionID)
		m.FallbackOf = fallbackOf
		if err := d.queueTx(ctx, tx, &m); err != nil {
			return first, err
		}
	}
	return first, nil
}

// SessionPlanned queues the reminder jobs of a planned or moved session
// inside the transaction that plans it (models.Outbox).
func (d *Dispatcher) SessionPlanned(ctx context.Context, tx models.Tx, sess models.Session) error {
	now := d.now()
	for _, off := range d.ReminderOffsets {
		at := sess.ScheduledAt.Add(-off)
		if off >= 12*time.Hour && !d.Composer.Hours.Within(at) {
			// A day-before reminder outside the hours goes late in the last
			// window before it, not at the next opening (which may be the
			// morning of the session, together with the hour-before one).
			if earlier, ok := d.Composer.Hours.AfternoonBefore(at); ok {
				at = earlier
			}
		}
		if !at.After(now) {
			continue
		}
		args := ReminderArgs{SessionID: sess.ID, ScheduledAt: sess.ScheduledAt.UTC(), Offset: off}
		if _, err := d.Queue.InsertTx(ctx, tx.SQL(), args, &river.InsertOpts{ScheduledAt: at}); err != nil {
			return fmt.Errorf("notify: queue reminder: %w", err)
		}
	}
	return nil
}

// SessionChanged tells the client that a session they were told about moved
// or was cancelled, inside the transaction that changes it (models.Outbox).
// A session the client never heard of changes silently.
func (d *Dispatcher) SessionChanged(ctx context.Context, tx models.Tx, before, after models.Session) error {
	kind := templates.KindSessionMoved
	data := templates.MessageData{SessionAt: after.ScheduledAt, MovedFrom: &before.ScheduledAt, NextModality: after.Modality,
		ClientCalls: after.Initiator == "client"}
	if after.Status == models.SessionCancelled {
		kind, data.SessionAt, data.MovedFrom = templates.KindSessionCancelled, before.ScheduledAt, nil
	}
	told, err := d.Store.ToldOfSessionTx(tx, before)
	if err != nil || !told {
		return err
	}
	return d.queueAboutTx(ctx, tx, kind, after, data)
}

// queueAboutTx composes and queues a message of kind about a session, to its
// client, naming its worker as clients know them.
func (d *Dispatcher) queueAboutTx(ctx context.Context, tx models.Tx, kind string, sess models.Session, data templates.MessageData) error {
	client, err := d.Store.FindClientTx(tx, sess.ClientID)
	if err != nil {
		return err
	}
	worker, err := d.Store.FindUserTx(tx, sess.WorkerID)
	if err != nil {
		return err
	}
	c, err := d.Composer.MessageFor(kind, client, worker, data)
	if err != nil {
		return err
	}
	m := d.messageFrom(c, kind, client, &sess.ID)
	return d.queueTx(ctx, tx, &m)
}

// errStale marks a job whose reason to exist is gone.
var errStale = errors.New("stale")
