package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// SessionUpdate changes a planned session; nil fields are unchanged.
type SessionUpdate struct {
	ScheduledAt     *time.Time
	DurationMinutes *int
	Modality        *string
	Setting         *string
	Status          *string // only "cancelled"
}

// UpdateSession reschedules, changes modality or setting, or cancels a planned
// session. A change of time or modality re-evaluates the policy.
func (s *Store) UpdateSession(ctx context.Context, a Actor, id int64, u SessionUpdate) (Session, error) {
	var sess Session
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if sess, err = s.findSession(tx, a, id); err != nil {
			return err
		}
		if sess.Status != SessionPlanned {
			return Errorf(ECONFLICT, "session %d is %s; only a planned session can be changed", id, sess.Status)
		}
		now := s.now()
		before := sess
		if err := applySessionUpdate(&sess, u, now); err != nil {
			return err
		}
		if u.ScheduledAt != nil || u.Modality != nil {
			c, err := s.findClient(tx, Actor{Role: RoleAdmin}, sess.ClientID)
			if err != nil {
				return err
			}
			if sess.PolicyWarnings, err = s.policyFor(tx, c, sess.ScheduledAt, sess.Modality, sess.ID); err != nil {
				return err
			}
			sess.PolicyOverride = len(sess.PolicyWarnings) > 0
		}
		sess.UpdatedAt = now
		if err := tx.Save(&sess).Error; err != nil {
			return err
		}
		action := "update"
		if sess.Status == SessionCancelled {
			action = "cancel"
		}
		if err := s.auditTx(tx, a, sessionAudit(action, sess, u.changed())); err != nil {
			return err
		}
		moved := sess.Status == SessionPlanned && !sess.ScheduledAt.Equal(before.ScheduledAt)
		if s.outbox != nil && (moved || sess.Status == SessionCancelled) {
			if err := s.outbox.SessionChanged(ctx, Tx{db: tx}, before, sess); err != nil {
				return err
			}
		}
		if u.ScheduledAt != nil && sess.Status == SessionPlanned {
			return s.sessionPlanned(tx, sess)
		}
		return nil
	})
	return sess, wrap(err, "update session")
}

func (u SessionUpdate) changed() map[string]any {
	m := map[string]any{}
	if u.ScheduledAt != nil {
		m["scheduled_at"] = u.ScheduledAt.UTC().Format(time.RFC3339)
	}
	if u.DurationMinutes != nil {
		m["duration_minutes"] = *u.DurationMinutes
	}
	if u.Modality != nil {
		m["modality"] = *u.Modality
	}
	if u.Setting != nil {
		m["setting"] = "changed"
	}
	if u.Status != nil {
		m["status"] = *u.Status
	}
	return m
}

func applySessionUpdate(sess *Session, u SessionUpdate, now time.Time) error {
	if u.ScheduledAt != nil {
		if u.ScheduledAt.Before(now.Add(-5 * time.Minute)) {
			return Invalid("scheduled_at", "scheduled_at lies in the past; plan a session from now on")
		}
		sess.ScheduledAt = u.ScheduledAt.UTC()
	}
	if u.DurationMinutes != nil {
		if *u.DurationMinutes < 5 || *u.DurationMinutes > 480 {
			return Invalid("duration_minutes", "duration_minutes must be between 5 and 480")
		}
		sess.DurationMinutes = *u.DurationMinutes
	}
	if u.Modality != nil {
		if !oneOf(*u.Modality, Modalities...) {
			return Invalid("modality", "modality must be one of video, phone, whatsapp, face_to_face, walk")
		}
		sess.Modality = *u.Modality
	}
	if u.Setting != nil {
		v, err := cleanOptionalText("setting", *u.Setting, 2000, true)
		if err != nil {
			return err
		}
		sess.Setting = v
	}
	if u.Status != nil {
		if *u.Status != SessionCancelled {
			return Invalid("status", "status can only be set to cancelled; use start and complete for the rest")
		}
		sess.Status, sess.CancelledAt = SessionCancelled, &now
	}
	return nil
}

// StartSession records that the call began and who started it. A session
// marked no_show can still start when the client calls late.
func (s *Store) StartSession(ctx context.Context, a Actor, id int64, startedBy string) (Session, error) {
	var sess Session
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if sess, err = s.findSession(tx, a, id); err != nil {
			return err
		}
		if sess.Status != SessionPlanned && sess.Status != SessionNoShow {
			return Errorf(ECONFLICT, "session %d is %s and cannot start", id, sess.Status)
		}
		if startedBy == "" {
			startedBy = sess.Initiator
		}
		if !oneOf(startedBy, "client", "worker") {
			return Invalid("started_by", "started_by must be client or worker")
		}
		now := s.now()
		sess.Status, sess.StartedAt, sess.StartedBy, sess.UpdatedAt = SessionStarted, &now, &startedBy, now
		if err := tx.Save(&sess).Error; err != nil {
			return err
		}
		return s.auditTx(tx, a, sessionAudit("start", sess, map[string]any{"started_by": startedBy}))
	})
	return sess, wrap(err, "start session")
}

// Completion is what a worker records at the end of a session.
type Completion struct {
	RiskSignals []string
	Notes       string
	SendSummary bool
	// IdempotencyKey, when set, is claimed for the actor's completion of this
	// session in the same transaction: a second completion under that key
	// fails with ECONFLICT (see FindIdempotencyKey).
	IdempotencyKey string
}

// CompleteSession completes a started (or planned) session and, in the same
// transaction, has the outbox queue its summary (a skipped one when
// SendSummary is off). It returns the session and that message.
func (s *Store) CompleteSession(ctx context.Context, a Actor, id int64, in Completion) (Session, Message, error) {
	notes, err := cleanOptionalText("notes", in.Notes, 20000, true)
	if err != nil {
		return Session{}, Message{}, err
	}
	signals := []string{}
	for _, sig := range in.RiskSignals {
		if !oneOf(sig, s.riskSignals...) {
			return Session{}, Message{}, Invalid("risk_signals", "risk signal %q is not in the vocabulary", sig)
		}
		if !oneOf(sig, signals...) {
			signals = append(signals, sig)
		}
	}
	var sess Session
	var msg Message
	err = s.write(ctx, func(tx *gorm.DB) error {
		if sess, err = s.findSession(tx, a, id); err != nil {
			return err
		}
		if sess.Status != SessionStarted && sess.Status != SessionPlanned {
			return Errorf(ECONFLICT, "session %d is %s and cannot be completed", id, sess.Status)
		}
		now := s.now()
		if sess.StartedAt == nil {
			sess.StartedAt = &now
		}
		sess.Status, sess.CompletedAt, sess.UpdatedAt = SessionCompleted, &now, now
		sess.RiskSignals, sess.Notes, sess.SendSummary = signals, notes, in.SendSummary
		if err := tx.Save(&sess).Error; err != nil {
			return err
		}
		err := s.auditTx(tx, a, sessionAudit("complete", sess, map[string]any{"risk_signals": sess.RiskSignals,
			"send_summary": sess.SendSummary}))
		if err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			if err := s.claimIdempotencyKey(tx, a.UserID, in.IdempotencyKey, sess.ID); err != nil {
				return err
			}
		}
		if s.outbox != nil {
			msg, err = s.outbox.SessionCompleted(ctx, Tx{db: tx}, sess)
		}
		return err
	})
	return sess, msg, wrap(err, "complete session")
}

// MarkNoShows marks client-initiated sessions that did not start within grace
// of their time as no_show, and returns them; a session whose client sent an
// alert the worker has not seen waits.
// after, when set, runs in the same transaction (to queue nudges).
func (s *Store) MarkNoShows(ctx context.Context, grace time.Duration, after func(tx Tx, list []Session) error) ([]Session, error) {
	var list []Session
	err := s.write(ctx, func(tx *gorm.DB) error {
		now := s.now()
		err := tx.Where("status = ? AND initiator = ? AND scheduled_at < ?", SessionPlanned, "client", now.Add(-grace)).
			Find(&list).Error
		if err != nil || len(list) == 0 {
			return err
		}
		// One update per session, so only the sessions this sweep changed are
		// nudged, even if another sweep ran at the same moment.
		marked := list[:0]
		for _, sess := range list {
			// A reply the worker has not seen yet ("ik kan niet", "ik bel om
			// tien over") holds the no-show until they have.
			held, err := unseenAlertSince(tx, sess.ClientID, sess.ScheduledAt.Add(-AlertWindow))
			if err != nil {
				return err
			}
			if held {
				continue
			}
			res := tx.Model(&Session{}).Where("id = ? AND status = ?", sess.ID, SessionPlanned).
				Updates(map[string]any{"status": SessionNoShow, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				sess.Status = SessionNoShow
				marked = append(marked, sess)
			}
		}
		list = marked
		for _, sess := range list {
			if err := s.auditTx(tx, System, sessionAudit("no_show", sess, nil)); err != nil {
				return err
			}
		}
		if after == nil {
			return nil
		}
		return after(Tx{db: tx}, list)
	})
	return list, wrap(err, "mark no-shows")
}
