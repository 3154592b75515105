package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Number-check states of a client's phone number. Nothing personal is sent
// before the client confirmed that the number is their own.
const (
	NumberUnchecked = "unchecked" // no check sent yet (channel none, or no consent)
	NumberPending   = "pending"   // the welcome message asks the client to confirm
	NumberConfirmed = "confirmed"
	NumberRejected  = "rejected" // the client answered NEE: not their phone
	NumberExpired   = "expired"  // no answer within notify.number_check_timeout
)

// SkipNumberNotConfirmed is the skip reason of a message that waited for a
// number check the client rejected or never answered.
const SkipNumberNotConfirmed = "number_not_confirmed"

// ErrPhoneInUse is the refusal of a number that another client has. It says
// nothing about whose it is.
var ErrPhoneInUse = &Error{Code: ECONFLICT, Field: "phone",
	Message: "dit nummer is al geregistreerd; vraag uw leidinggevende (this number is already registered; ask your supervisor)"}

// phoneConflict carries, inside the store, the client that has the number,
// so that the refused attempt can be audited after its transaction rolled
// back.
type phoneConflict struct{ existing int64 }

func (p *phoneConflict) Error() string { return ErrPhoneInUse.Error() }

// messaged reports whether the client is to get messages at all: a channel
// chosen and consent for one.
func (c Client) messaged() bool {
	return c.PreferredChannel != "none" && (c.ConsentSMS || c.ConsentWhatsApp)
}

// NeedsConfirmedNumber reports whether a message of kind carries something
// personal (agreements, appointment times, a worker's words), so that it
// waits until the client confirmed the number.
func NeedsConfirmedNumber(kind string) bool {
	switch kind {
	case KindAgreementSummary, KindReminder, KindNoShowNudge, KindWorkerReply, KindSessionMoved, KindSessionCancelled,
		KindSummaryOverview:
		return true
	}
	return false
}

// NumberProven reports whether personal messages may go to the client's
// number: it was confirmed, or the organisation does not check numbers
// (notify.number_check off).
func (s *Store) NumberProven(c Client) bool {
	return !s.numberCheck || c.NumberCheck == NumberConfirmed
}

// claimPhone makes sure c may have its number: no other client has it, or c
// is marked shared and every other client with it is in the actor's reach.
// Marking a number shared marks every record with it, so the warning shows
// wherever it appears.
func (s *Store) claimPhone(tx *gorm.DB, a Actor, c *Client) error {
	var others []Client
	if err := tx.Where("phone = ? AND id <> ?", c.Phone, c.ID).Order("id").Find(&others).Error; err != nil {
		return err
	}
	if len(others) == 0 {
		return nil
	}
	if !c.PhoneShared {
		return &phoneConflict{existing: others[0].ID}
	}
	for _, o := range others {
		// Sharing a number shares the replies: only for clients the actor
		// may see already. Anyone else's is a conflict for a supervisor.
		if !a.reaches(o.WorkerID, o.TeamID) {
			return &phoneConflict{existing: o.ID}
		}
	}
	for _, o := range others {
		if o.PhoneShared {
			continue
		}
		if err := tx.Model(&Client{}).Where("id = ?", o.ID).Updates(map[string]any{"phone_shared": true,
			"updated_at": s.now()}).Error; err != nil {
			return err
		}
		if err := s.auditTx(tx, a, clientAudit("update", "client", o.ID, o, map[string]any{"phone_shared": true})); err != nil {
			return err
		}
	}
	return nil
}

// refusedPhone audits a refused claim of a number in use, in a transaction of
// its own (the claim's rolled back), and returns the refusal the caller
// sees. Any other error is returned as it is; a unique-index violation is a
// claim that lost a race.
func (s *Store) refusedPhone(ctx context.Context, a Actor, clientID int64, err error) error {
	var pc *phoneConflict
	switch {
	case errors.As(err, &pc):
	case IsUniqueViolation(err) && strings.Contains(strings.ToLower(err.Error()), "phone"):
		pc = &phoneConflict{}
	default:
		return err
	}
	changes := map[string]any{"refused": "phone_in_use"}
	if pc.existing != 0 {
		changes["existing_client_id"] = pc.existing
	}
	if aerr := s.RecordAudit(ctx, a, Audit{Action: "phone_conflict", Entity: "client", EntityID: clientID,
		Changes: changes}); aerr != nil {
		return aerr
	}
	return ErrPhoneInUse
}

// beginNumberCheck starts the number check of c, when it is messaged: the
// outbox queues the welcome message that asks the client to confirm the
// number. A client without a channel stays (or becomes) unchecked.
func (s *Store) beginNumberCheck(tx *gorm.DB, a Actor, c *Client) error {
	now := s.now()
	c.NumberCheck, c.NumberCheckAt, c.NumberCheckMessageID = NumberUnchecked, &now, nil
	if c.messaged() && s.numberCheck {
		c.NumberCheck = NumberPending
		if s.outbox != nil {
			m, err := s.outbox.NumberCheckStarted(tx.Statement.Context, Tx{db: tx}, *c)
			if err != nil {
				return err
			}
			if m.ID != 0 {
				c.NumberCheckMessageID = &m.ID
			}
		}
	}
	err := tx.Model(&Client{}).Where("id = ?", c.ID).Updates(map[string]any{"number_check": c.NumberCheck,
		"number_check_at": now, "number_check_message_id": c.NumberCheckMessageID}).Error
	if err != nil {
		return err
	}
	return s.auditTx(tx, a, clientAudit("number_check", "client", c.ID, *c, numberCheckChanges(*c, "start")))
}

func numberCheckChanges(c Client, source string) map[string]any {
	m := map[string]any{"state": c.NumberCheck, "source": source}
	if c.NumberCheckMessageID != nil {
		m["message_id"] = *c.NumberCheckMessageID
	}
	return m
}

// StartNumberCheck starts the number check again (after NEE, no answer, or
// a number that was shared before the one-number rule).
func (s *Store) StartNumberCheck(ctx context.Context, a Actor, id int64) (Client, error) {
	var c Client
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if c, err = s.findClient(tx, a, id); err != nil {
			return err
		}
		if !c.messaged() {
			return Errorf(ECONFLICT, "client %d gets no messages (no channel or no consent): there is nothing to check the number with", id)
		}
		return s.beginNumberCheck(tx, a, &c)
	})
	return c, wrap(err, "start number check")
}

// SetNumberCheckTx records the client's answer to the number check (state
// confirmed or rejected) or its expiry. It changes only a pending check,
// and, when answer names the welcome message answered, only that check. On
// confirmation the messages that waited are queued again and returned, for
// the caller to give send jobs; otherwise they are skipped. Every step is
// audited.
func (s *Store) SetNumberCheckTx(tx Tx, clientID int64, welcome *int64, state string) (Client, []Message, bool, error) {
	c, err := findClientAnyReach(tx.db, clientID)
	if err != nil || c.NumberCheck != NumberPending {
		return c, nil, false, err
	}
	if welcome != nil && (c.NumberCheckMessageID == nil || *c.NumberCheckMessageID != *welcome) {
		return c, nil, false, nil // an answer to an earlier check
	}
	now := s.now()
	c.NumberCheck, c.NumberCheckAt = state, &now
	err = tx.db.Model(&Client{}).Where("id = ?", c.ID).Updates(map[string]any{"number_check": state,
		"number_check_at": now, "updated_at": now}).Error
	if err != nil {
		return c, nil, false, err
	}
	source := "client"
	if state == NumberExpired {
		source = "timeout"
	}
	if err := s.auditTx(tx.db, Actor{Role: source}, clientAudit("number_check", "client", c.ID, c,
		numberCheckChanges(c, source))); err != nil {
		return c, nil, false, err
	}
	var held []Message
	if err := tx.db.Where("client_id = ? AND status = ?", c.ID, MessageAwaitingCheck).Order("id").Find(&held).Error; err != nil {
		return c, nil, false, err
	}
	released := held[:0:0]
	for i := range held {
		m := &held[i]
		m.Status, m.UpdatedAt = MessageQueued, now
		switch passed, err := sessionPassed(tx.db, *m, now); {
		case err != nil:
			return c, nil, false, err
		case state != NumberConfirmed:
			m.Status, m.SkipReason = MessageSkipped, SkipNumberNotConfirmed
		case passed:
			m.Status, m.SkipReason = MessageSkipped, SkipSessionPassed
		default:
			released = append(released, *m)
		}
		if err := tx.db.Model(m).Select("status", "skip_reason", "updated_at").Updates(m).Error; err != nil {
			return c, nil, false, err
		}
		if err := s.auditTx(tx.db, System, messageAudit("status_change", *m)); err != nil {
			return c, nil, false, err
		}
	}
	return c, released, true, nil
}

// SkipSessionPassed is the skip reason of a reminder that waited for the
// number check until its session had begun: sent now it would mislead.
const SkipSessionPassed = "session_passed"

// sessionPassed reports whether m reminds of a session that is no longer
// ahead (begun, moved or cancelled).
func sessionPassed(tx *gorm.DB, m Message, now time.Time) (bool, error) {
	if m.Kind != KindReminder || m.SessionID == nil {
		return false, nil
	}
	var sess Session
	if err := tx.First(&sess, *m.SessionID).Error; err != nil {
		return false, err
	}
	return sess.Status != SessionPlanned || !sess.ScheduledAt.After(now), nil
}
