package models

import (
	"context"
	"errors"
	"reflect"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Message kinds.
const (
	KindAgreementSummary = "agreement_summary"
	KindReminder         = "reminder"
	KindNoShowNudge      = "no_show_nudge"
	KindAutoReply        = "auto_reply"
	// KindStopConfirmation and KindStartConfirmation answer STOP and START.
	KindStopConfirmation  = "stop_confirmation"
	KindStartConfirmation = "start_confirmation"
	// KindNumberCheck asks the client to confirm the number is theirs;
	// KindAckReceipt says an acknowledgement was received.
	KindNumberCheck = "number_check"
	KindAckReceipt  = "ack_receipt"
	// KindWorkerReply is a worker's own answer to the client.
	KindWorkerReply = "worker_reply"
	// KindSessionMoved and KindSessionCancelled tell the client a session
	// they were told about moved or does not take place.
	KindSessionMoved     = "session_moved"
	KindSessionCancelled = "session_cancelled"
	// KindSummaryOverview is the full summary as free text, sent when the
	// client taps "Toon overzicht" under the summary's WhatsApp notice.
	KindSummaryOverview = "summary_overview"
)

// AnswersClient reports whether messages of kind answer a message the client
// just sent: they go at once, on the channel the client used, whatever the
// contact hours and the consent (the STOP confirmation is the one message
// sent after STOP).
func AnswersClient(kind string) bool {
	return kind == KindAutoReply || kind == KindStopConfirmation || kind == KindStartConfirmation ||
		kind == KindAckReceipt || kind == KindSummaryOverview
}

// Message statuses of our own; provider statuses (queued, sent, delivered,
// read, failed, undelivered …) are stored as Twilio reports them.
const (
	MessageQueued    = "queued"    // waiting for the dispatcher
	MessageScheduled = "scheduled" // waiting for contact hours
	MessageSending   = "sending"   // handed to the provider, answer not yet recorded
	MessageSkipped   = "skipped"   // nothing sent; see skip_reason
	MessageDryRun    = "dry_run"   // the dry-run sender took it
	MessageFailed    = "failed"
	// MessageAwaitingCheck: personal, and waiting until the client confirms
	// the number (NeedsConfirmedNumber).
	MessageAwaitingCheck = "awaiting_number_check"
)

// Message is one message to a client and what became of it.
type Message struct {
	ID               int64
	ClientID         int64
	SessionID        *int64
	Kind             string
	Channel          string
	Recipient        string
	Body             *string
	ContentSID       string            `gorm:"column:content_sid"`
	ContentVariables map[string]string `gorm:"serializer:json"`
	Status           string
	SkipReason       string
	TwilioSID        *string `gorm:"column:twilio_sid"`
	ErrorCode        int
	Attempts         int
	ScheduledFor     *time.Time
	FirstAttemptAt   *time.Time
	SentAt           *time.Time
	DeliveredAt      *time.Time
	ReadAt           *time.Time
	FailedAt         *time.Time
	FallbackOf       *int64
	AuthorID         *int64 // the worker who wrote a worker_reply
	BodyPurgedAt     *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// MessageEvent is one status change of a message, kept once.
type MessageEvent struct {
	ID        int64
	MessageID int64
	Status    string
	ErrorCode int
	Source    string // callback | send | system
	Raw       string
	Applied   bool
	CreatedAt time.Time
}

// Final reports whether nothing more will be sent for the message.
func (m Message) Final() bool {
	if m.TwilioSID != nil {
		return true // the provider has it; only callbacks change it now
	}
	switch m.Status {
	case MessageQueued, MessageScheduled, MessageSending, MessageAwaitingCheck:
		return false
	}
	return true
}

// CreateMessageTx stores a new message inside tx and audits it.
func (s *Store) CreateMessageTx(tx Tx, m *Message) error {
	now := s.now()
	m.CreatedAt, m.UpdatedAt = now, now
	if err := tx.db.Create(m).Error; err != nil {
		return err
	}
	ev := messageAudit("queue", *m)
	if m.AuthorID != nil {
		ev.Changes["author_id"] = *m.AuthorID // a worker's own answer
	}
	return s.auditTx(tx.db, System, ev)
}

// messageAudit is an audit event about m: its status, never its body or
// recipient.
func messageAudit(action string, m Message) Audit {
	changes := map[string]any{"kind": m.Kind, "channel": m.Channel, "status": m.Status, "error_code": m.ErrorCode}
	if m.SkipReason != "" {
		changes["skip_reason"] = m.SkipReason
	}
	return Audit{Action: action, Entity: "message", EntityID: m.ID, ClientID: &m.ClientID, Changes: changes}
}

// messageAction names the audit event of a message update, "" when its
// status did not change: a failure, the hand-over to the provider, or any
// other status change.
func messageAction(before, after Message) string {
	switch {
	case before.Status == after.Status:
		return ""
	case after.Status == MessageFailed || after.Status == "undelivered":
		return "fail"
	case before.SentAt == nil && after.SentAt != nil:
		return "send"
	default:
		return "status_change"
	}
}

// FindMessage returns a message regardless of reach (for the dispatcher).
func (s *Store) FindMessage(ctx context.Context, id int64) (Message, error) {
	var m Message
	err := s.reader(ctx).First(&m, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, Errorf(ENOTFOUND, "message %d not found", id)
	}
	return m, wrap(err, "find message")
}

// FindMessageByID returns a message in the actor's reach.
func (s *Store) FindMessageByID(ctx context.Context, a Actor, id int64) (Message, error) {
	var m Message
	err := scopeClients(s.reader(ctx).Joins("JOIN clients ON clients.id = messages.client_id"), a).
		Where("messages.id = ?", id).Select("messages.*").First(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, Errorf(ENOTFOUND, "message %d not found", id)
	}
	return m, wrap(err, "find message")
}

// MessageFilter narrows a message list.
type MessageFilter struct {
	ClientID, SessionID *int64
	Status              string
	Page                Page
}

// FindMessages lists messages in reach, newest first.
func (s *Store) FindMessages(ctx context.Context, a Actor, f MessageFilter) (list []Message, more bool, err error) {
	p := f.Page.normalise()
	q := scopeClients(s.reader(ctx).Joins("JOIN clients ON clients.id = messages.client_id"), a).Select("messages.*")
	if f.ClientID != nil {
		q = q.Where("messages.client_id = ?", *f.ClientID)
	}
	if f.SessionID != nil {
		q = q.Where("messages.session_id = ?", *f.SessionID)
	}
	if f.Status != "" {
		q = q.Where("messages.status = ?", f.Status)
	}
	err = q.Order("messages.id DESC").Limit(p.Limit + 1).Offset(p.Offset).Find(&list).Error
	if len(list) > p.Limit {
		list, more = list[:p.Limit], true
	}
	return list, more, wrap(err, "find messages")
}

// FindMessageEvents returns the events of a message in the actor's reach,
// oldest first (a message outside it is ENOTFOUND).
func (s *Store) FindMessageEvents(ctx context.Context, a Actor, messageID int64) ([]MessageEvent, error) {
	if _, err := s.FindMessageByID(ctx, a, messageID); err != nil {
		return nil, err
	}
	var list []MessageEvent
	err := s.reader(ctx).Where("message_id = ?", messageID).Order("id").Find(&list).Error
	return list, wrap(err, "find message events")
}

// UpdateMessage applies fn to the message inside a transaction and saves it;
// fn may return an error to abort. A change of status is audited in the same
// transaction (see messageAction). It returns the saved message.
func (s *Store) UpdateMessage(ctx context.Context, id int64, fn func(tx Tx, m *Message, now time.Time) error) (Message, error) {
	var m Message
	err := s.writeGrouped(ctx, func(tx *gorm.DB) error {
		err := tx.First(&m, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(ENOTFOUND, "message %d not found", id)
		}
		if err != nil {
			return err
		}
		before, now := m, s.now()
		if err := fn(Tx{db: tx}, &m, now); err != nil {
			return err
		}
		m.UpdatedAt = now
		// Only the columns fn changed: SQLite rewrites the entry of every
		// index on a column that an UPDATE sets, changed or not.
		cols, err := changedColumns(tx, before, m)
		if err != nil {
			return err
		}
		if err := tx.Model(&m).Select(cols).Updates(&m).Error; err != nil {
			return err
		}
		if action := messageAction(before, m); action != "" {
			return s.auditTx(tx, System, messageAudit(action, m))
		}
		return nil
	})
	return m, wrap(err, "update message")
}

// changedColumns names the columns whose values differ between a and b.
func changedColumns(tx *gorm.DB, a, b Message) ([]string, error) {
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(&Message{}); err != nil {
		return nil, err
	}
	sch := stmt.Schema
	va, vb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	var cols []string
	for _, f := range sch.Fields {
		if f.DBName == "" || f.PrimaryKey {
			continue
		}
		x, _ := f.ValueOf(tx.Statement.Context, va)
		y, _ := f.ValueOf(tx.Statement.Context, vb)
		if !reflect.DeepEqual(x, y) {
			cols = append(cols, f.DBName)
		}
	}
	return cols, nil
}

// AddMessageEventTx keeps an event once; it reports whether it was new.
func (s *Store) AddMessageEventTx(tx Tx, ev *MessageEvent) (bool, error) {
	ev.CreatedAt = s.now()
	res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(ev)
	return res.RowsAffected == 1, res.Error
}

// FindMessageBySID returns the message Twilio knows by sid.
func (s *Store) FindMessageBySID(ctx context.Context, sid string) (Message, error) {
	var m Message
	err := s.reader(ctx).Where("twilio_sid = ?", sid).First(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, Errorf(ENOTFOUND, "no message with that provider id")
	}
	return m, wrap(err, "find message by sid")
}
