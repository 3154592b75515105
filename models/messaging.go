package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SummaryData is what a session's summary is made of, read in one transaction.
type SummaryData struct {
	Client     Client
	Worker     User // as clients know them: DisplayName and Phone
	Agreements []Agreement
	Next       *Session
}

// SummaryDataTx reads a session's summary data inside tx (for the
// dispatcher, which queues what it reads).
func (s *Store) SummaryDataTx(tx Tx, sess Session) (SummaryData, error) {
	return s.summaryData(tx.db, sess)
}

func (s *Store) summaryData(tx *gorm.DB, sess Session) (SummaryData, error) {
	var d SummaryData
	if err := tx.First(&d.Client, sess.ClientID).Error; err != nil {
		return d, err
	}
	if err := tx.First(&d.Worker, sess.WorkerID).Error; err != nil {
		return d, err
	}
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

// SummaryData reads the summary data of a session in the actor's reach (a
// session outside it is ENOTFOUND). Previews use it, so what they show is
// what the outbox sends.
func (s *Store) SummaryData(ctx context.Context, a Actor, sessionID int64) (Session, SummaryData, error) {
	db := s.reader(ctx)
	sess, err := s.findSession(db, a, sessionID)
	if err != nil {
		return sess, SummaryData{}, err
	}
	d, err := s.summaryData(db, sess)
	return sess, d, wrap(err, "summary data")
}

// FindUserTx returns a user regardless of reach, inside tx (the dispatcher
// names the worker in reminders).
func (s *Store) FindUserTx(tx Tx, id int64) (User, error) {
	var u User
	err := tx.db.First(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, Errorf(ENOTFOUND, "user %d not found", id)
	}
	return u, err
}

// FindClient returns a client regardless of reach (for the dispatcher).
func (s *Store) FindClient(ctx context.Context, id int64) (Client, error) {
	c, err := findClientAnyReach(s.reader(ctx), id)
	return c, wrap(err, "find client")
}

// FindClientTx returns a client regardless of reach, inside tx (for the
// dispatcher).
func (s *Store) FindClientTx(tx Tx, id int64) (Client, error) { return findClientAnyReach(tx.db, id) }

func findClientAnyReach(db *gorm.DB, id int64) (Client, error) {
	var c Client
	err := db.First(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, Errorf(ENOTFOUND, "client %d not found", id)
	}
	return c, err
}

// FindSessionTx returns a session regardless of reach (for the dispatcher).
func (s *Store) FindSessionTx(tx Tx, id int64) (Session, error) {
	var sess Session
	err := tx.db.First(&sess, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sess, Errorf(ENOTFOUND, "session %d not found", id)
	}
	return sess, err
}

// SetConsentTx grants or withdraws a channel's consent on the client's own
// word (an inbound keyword or a provider's opt-out error) and records it.
// It reports whether the consent changed (a repeated STOP changes nothing).
func (s *Store) SetConsentTx(tx Tx, clientID int64, channel string, granted bool, source string) (bool, error) {
	return s.setConsent(tx.db, clientID, channel, granted, source)
}

func (s *Store) setConsent(tx *gorm.DB, clientID int64, channel string, granted bool, source string) (bool, error) {
	now := s.now()
	col := map[string]string{"whatsapp": "consent_whatsapp", "sms": "consent_sms"}[channel]
	if col == "" {
		return false, Errorf(EINVALID, "unknown channel %q", channel)
	}
	res := tx.Model(&Client{}).Where("id = ? AND "+col+" <> ?", clientID, granted).
		Updates(map[string]any{col: granted, col + "_at": now, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	if err := tx.Create(&ConsentEvent{ClientID: clientID, Channel: channel, Granted: granted, Source: source, CreatedAt: now}).Error; err != nil {
		return false, err
	}
	c, err := findClientAnyReach(tx, clientID)
	if err != nil {
		return false, err
	}
	return true, s.auditTx(tx, Actor{Role: "client"}, clientAudit("consent_change", "client", clientID, c,
		map[string]any{"channel": channel, "granted": granted, "source": source}))
}

// ConsentStop is the source of consent withdrawn by the client's STOP.
const ConsentStop = "inbound_stop"

// StoppedTx reports whether the client's last word on consent was STOP: then
// nothing may be sent but the STOP confirmation, not even an auto-reply.
func (s *Store) StoppedTx(tx Tx, clientID int64) (bool, error) {
	var last []ConsentEvent
	err := tx.db.Where("client_id = ?", clientID).Order("id DESC").Limit(1).Find(&last).Error
	return len(last) == 1 && last[0].Source == ConsentStop && !last[0].Granted, err
}

// ToldOfSessionTx reports whether the client was told about a session: a
// reminder of it went out, or a summary since it was planned (which named
// it as the next contact).
func (s *Store) ToldOfSessionTx(tx Tx, sess Session) (bool, error) {
	var n int64
	err := tx.db.Model(&Message{}).Where("status <> ? AND ((session_id = ? AND kind = ?) OR (client_id = ? AND kind = ? AND created_at > ?))",
		MessageSkipped, sess.ID, KindReminder, sess.ClientID, KindAgreementSummary, sess.CreatedAt).Count(&n).Error
	return n > 0, err
}

// LastSessionMessageTx returns the latest message of kind about a session,
// and false when there is none.
func (s *Store) LastSessionMessageTx(tx Tx, sessionID int64, kind string) (Message, bool, error) {
	var last []Message
	err := tx.db.Where("session_id = ? AND kind = ?", sessionID, kind).Order("id DESC").Limit(1).Find(&last).Error
	if err != nil || len(last) == 0 {
		return Message{}, false, err
	}
	return last[0], true, nil
}

// LastMessageTx returns when the client was last sent (queued) a message of
// kind, and false when never.
func (s *Store) LastMessageTx(tx Tx, clientID int64, kind string) (time.Time, bool, error) {
	var last []Message
	err := tx.db.Where("client_id = ? AND kind = ?", clientID, kind).Order("id DESC").Limit(1).Find(&last).Error
	if err != nil || len(last) == 0 {
		return time.Time{}, false, err
	}
	return last[0].CreatedAt, true, nil
}

// DefaultAckWindow is how long after a summary was sent a plain "akkoord"
// still answers it, unless Options.AckWindow says otherwise.
const DefaultAckWindow = 7 * 24 * time.Hour

// AcknowledgeLatestSummaryTx marks the agreements of the summary a reply
// answers as acknowledged, audits it, and returns how many. A reply answers
// the client's latest sent summary only when that was sent within the
// acknowledgement window (Options.AckWindow)
// and no reminder was sent after it: "JA" to a reminder, or a week later, is
// an ordinary reply.
func (s *Store) AcknowledgeLatestSummaryTx(tx Tx, clientID int64) (int64, error) {
	m, ok, err := s.SummaryMessageTx(tx, clientID, 0)
	if err != nil || !ok || s.now().Sub(*m.SentAt) > s.ackWindow {
		return 0, err
	}
	var later int64
	err = tx.db.Model(&Message{}).Where("client_id = ? AND kind = ? AND sent_at > ?", clientID, KindReminder, *m.SentAt).
		Count(&later).Error
	if err != nil || later > 0 {
		return 0, err
	}
	return s.acknowledge(tx.db, clientID, m, "keyword")
}

// AcknowledgeSummaryTx marks the agreements of one summary as acknowledged:
// the message a quick-reply button answers. A message that is not a summary
// sent to this client acknowledges nothing.
func (s *Store) AcknowledgeSummaryTx(tx Tx, clientID, messageID int64) (int64, error) {
	m, ok, err := s.SummaryMessageTx(tx, clientID, messageID)
	if err != nil || !ok || messageID == 0 {
		return 0, err
	}
	return s.acknowledge(tx.db, clientID, m, "button")
}

func (s *Store) acknowledge(tx *gorm.DB, clientID int64, m Message, source string) (int64, error) {
	res := tx.Model(&Agreement{}).Where("session_id = ? AND include_in_summary = ? AND acknowledged_at IS NULL", *m.SessionID, true).
		Update("acknowledged_at", s.now())
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, res.Error
	}
	return res.RowsAffected, s.auditTx(tx, Actor{Role: "client"}, Audit{Action: "acknowledge", Entity: "session",
		EntityID: *m.SessionID, ClientID: &clientID, Changes: map[string]any{"agreements": res.RowsAffected,
			"message_id": m.ID, "source": source}})
}

// SummaryMessageTx returns the summary a client asks about: message id when
// it is a summary sent to them, else (id 0) their latest sent summary;
// found is false when there is none.
func (s *Store) SummaryMessageTx(tx Tx, clientID, id int64) (Message, bool, error) {
	q := tx.db.Where("client_id = ? AND kind = ? AND session_id IS NOT NULL AND sent_at IS NOT NULL", clientID, KindAgreementSummary)
	if id != 0 {
		q = q.Where("id = ?", id)
	}
	var m []Message
	err := q.Order("sent_at DESC, id DESC").Limit(1).Find(&m).Error
	if err != nil || len(m) == 0 {
		return Message{}, false, err
	}
	return m[0], true, nil
}

// FindMessageBySIDTx returns the message Twilio knows by sid, inside tx (a
// reply names the message it answers by its sid); found is false for none.
func (s *Store) FindMessageBySIDTx(tx Tx, sid string) (Message, bool, error) {
	var m []Message
	err := tx.db.Where("twilio_sid = ?", sid).Limit(1).Find(&m).Error
	if err != nil || len(m) == 0 {
		return Message{}, false, err
	}
	return m[0], true, nil
}

// claimIdempotencyKey claims key for the user's completion of sessionID; a
// key used before violates its unique index.
func (s *Store) claimIdempotencyKey(tx *gorm.DB, userID int64, key string, sessionID int64) error {
	return tx.Exec("INSERT INTO idempotency_keys (user_id, key, session_id, created_at) VALUES (?, ?, ?, ?)",
		userID, key, sessionID, s.now()).Error
}

// FindIdempotencyKey returns the session completed under key, 0 when unused.
func (s *Store) FindIdempotencyKey(ctx context.Context, userID int64, key string) (int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Raw("SELECT session_id FROM idempotency_keys WHERE user_id = ? AND key = ?", userID, key).Scan(&ids).Error
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
	err := s.write(ctx, func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&Message{}).Where("created_at < ? AND body_purged_at IS NULL", cutoff.UTC()).
			Updates(map[string]any{"body": nil, "content_variables": nil, "body_purged_at": now})
		if res.Error != nil {
			return res.Error
		}
		total += res.RowsAffected
		res = tx.Model(&InboundMessage{}).Where("received_at < ? AND body_purged_at IS NULL", cutoff.UTC()).
			Updates(map[string]any{"body": nil, "unmatched_from": nil, "body_purged_at": now})
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
