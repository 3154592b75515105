package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SummaryData is what a session's summary is made of, read in one transaction.
type SummaryData struct {
	Client     Client
	WorkerName string
	Agreements []Agreement
	Next       *Session
}

// SummaryDataTx reads a session's summary data inside tx.
func (s *Store) SummaryDataTx(tx *gorm.DB, sess Session) (SummaryData, error) {
	var d SummaryData
	if err := tx.First(&d.Client, sess.ClientID).Error; err != nil {
		return d, err
	}
	var w User
	if err := tx.First(&w, sess.WorkerID).Error; err != nil {
		return d, err
	}
	d.WorkerName = w.Name
	if err := tx.Where("session_id = ?", sess.ID).Order("id").Find(&d.Agreements).Error; err != nil {
		return d, err
	}
	var next []Session
	err := tx.Where("client_id = ? AND status = ? AND scheduled_at > ? AND id <> ?", sess.ClientID, SessionPlanned, sess.ScheduledAt, sess.ID).
		Order("scheduled_at").Limit(1).Find(&next).Error
	if len(next) > 0 {
		d.Next = &next[0]
	}
	return d, err
}

// SummaryData reads a session's summary data; the session must be one the
// caller has already found in reach. Previews use it, so what they show is
// what QueueSummaryTx sends.
func (s *Store) SummaryData(ctx context.Context, sess Session) (SummaryData, error) {
	d, err := s.SummaryDataTx(s.Reader(ctx), sess)
	return d, wrap(err, "summary data")
}

// FindClientTx returns a client regardless of reach (for the dispatcher).
func (s *Store) FindClientTx(tx *gorm.DB, id int64) (Client, error) {
	var c Client
	err := tx.First(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, Errorf(ENOTFOUND, "client %d not found", id)
	}
	return c, err
}

// FindSessionTx returns a session regardless of reach (for the dispatcher).
func (s *Store) FindSessionTx(tx *gorm.DB, id int64) (Session, error) {
	var sess Session
	err := tx.First(&sess, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sess, Errorf(ENOTFOUND, "session %d not found", id)
	}
	return sess, err
}

// SetConsentTx grants or withdraws a channel's consent on the client's own
// word (an inbound keyword or a provider's opt-out error) and records it.
func (s *Store) SetConsentTx(tx *gorm.DB, clientID int64, channel string, granted bool, source string) error {
	now := s.now()
	col := map[string]string{"whatsapp": "consent_whatsapp", "sms": "consent_sms"}[channel]
	if col == "" {
		return Errorf(EINVALID, "unknown channel %q", channel)
	}
	res := tx.Model(&Client{}).Where("id = ? AND "+col+" <> ?", clientID, granted).
		Updates(map[string]any{col: granted, col + "_at": now, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	if err := tx.Create(&ConsentEvent{ClientID: clientID, Channel: channel, Granted: granted, Source: source, CreatedAt: now}).Error; err != nil {
		return err
	}
	c, err := s.FindClientTx(tx, clientID)
	if err != nil {
		return err
	}
	return s.auditTx(tx, Actor{Role: "client"}, clientAudit("consent_change", "client", clientID, c,
		map[string]any{"channel": channel, "granted": granted, "source": source}))
}

// FindClientsByPhone returns the clients with that E.164 number, newest first.
func (s *Store) FindClientsByPhone(ctx context.Context, phone string) ([]Client, error) {
	var list []Client
	err := s.Reader(ctx).Where("phone = ?", phone).Order("id DESC").Limit(10).Find(&list).Error
	return list, wrap(err, "find clients by phone")
}

// InboundMessage is a message a client sent us.
type InboundMessage struct {
	ID           int64
	TwilioSID    string `gorm:"column:twilio_sid"`
	ClientID     *int64
	Channel      string
	Body         *string
	Keyword      string
	AfterHours   bool
	BodyPurgedAt *time.Time
	ReceivedAt   time.Time
}

// AddInboundTx keeps an inbound message once; it reports whether it was new.
func (s *Store) AddInboundTx(tx *gorm.DB, in *InboundMessage) (bool, error) {
	in.ReceivedAt = s.now()
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(in)
	return res.RowsAffected == 1, res.Error
}

// FindInbound lists a client's replies, newest first.
func (s *Store) FindInbound(ctx context.Context, clientID int64, limit int) ([]InboundMessage, error) {
	var list []InboundMessage
	err := s.Reader(ctx).Where("client_id = ?", clientID).Order("id DESC").Limit(limit).Find(&list).Error
	return list, wrap(err, "find inbound")
}

// AcknowledgeLatestSummaryTx marks the agreements of the client's latest sent
// summary as acknowledged and returns how many.
func (s *Store) AcknowledgeLatestSummaryTx(tx *gorm.DB, clientID int64) (int64, error) {
	var m []Message
	err := tx.Where("client_id = ? AND kind = ? AND session_id IS NOT NULL AND sent_at IS NOT NULL", clientID, KindAgreementSummary).
		Order("sent_at DESC, id DESC").Limit(1).Find(&m).Error
	if err != nil || len(m) == 0 {
		return 0, err
	}
	res := tx.Model(&Agreement{}).Where("session_id = ? AND include_in_summary = ? AND acknowledged_at IS NULL", *m[0].SessionID, true).
		Update("acknowledged_at", s.now())
	return res.RowsAffected, res.Error
}

// RecordIdempotencyKeyTx claims key for the user's completion of sessionID. It
// returns the session already completed under that key, if any.
func (s *Store) RecordIdempotencyKeyTx(tx *gorm.DB, userID int64, key string, sessionID int64) error {
	return tx.Exec("INSERT INTO idempotency_keys (user_id, key, session_id, created_at) VALUES (?, ?, ?, ?)",
		userID, key, sessionID, s.now()).Error
}

// FindIdempotencyKey returns the session completed under key, 0 when unused.
func (s *Store) FindIdempotencyKey(ctx context.Context, userID int64, key string) (int64, error) {
	var ids []int64
	err := s.DB.WithContext(ctx).Raw("SELECT session_id FROM idempotency_keys WHERE user_id = ? AND key = ?", userID, key).Scan(&ids).Error
	if err != nil || len(ids) == 0 {
		return 0, wrap(err, "find idempotency key")
	}
	return ids[0], nil
}

// PurgeMessageBodies removes bodies and variables of messages, and texts of
// client replies, older than the cutoff; metadata stays. It returns how many
// rows were purged.
func (s *Store) PurgeMessageBodies(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	err := s.Write(ctx, func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&Message{}).Where("created_at < ? AND body_purged_at IS NULL", cutoff.UTC()).
			Updates(map[string]any{"body": nil, "content_variables": nil, "body_purged_at": now})
		if res.Error != nil {
			return res.Error
		}
		total += res.RowsAffected
		res = tx.Model(&InboundMessage{}).Where("received_at < ? AND body_purged_at IS NULL", cutoff.UTC()).
			Updates(map[string]any{"body": nil, "body_purged_at": now})
		total += res.RowsAffected
		if res.Error != nil || total == 0 {
			return res.Error
		}
		return s.auditTx(tx, System, Audit{Action: "retention_purge", Entity: "message", Changes: map[string]any{
			"purged": total, "older_than": cutoff.UTC().Format(time.RFC3339)}})
	})
	return total, wrap(err, "purge message bodies")
}

// IsUniqueViolation reports whether err is a unique-constraint violation.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	return errors.Is(err, gorm.ErrDuplicatedKey) || strings.Contains(msg, "unique constraint") ||
		strings.Contains(msg, "duplicate key")
}
