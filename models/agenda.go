package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// Sources of an agenda item.
const (
	SourceTemplate  = "template"
	SourceCarryOver = "carry_over"
	SourceWorker    = "worker"
)

// AgendaItem is one point of a session's agenda.
type AgendaItem struct {
	ID          int64
	SessionID   int64
	Position    int
	Title       string
	Guidance    string
	Minutes     int
	Done        bool
	Notes       string
	Source      string
	AgreementID *int64
}

// AgendaItemFields are the writable fields of an agenda item.
type AgendaItemFields struct {
	Title    *string
	Guidance *string
	Minutes  *int
	Done     *bool
	Notes    *string
	Position *int // moves the item; others shift
}

func (f AgendaItemFields) apply(it *AgendaItem) error {
	var err error
	if f.Title != nil {
		if it.Title, err = cleanText("title", *f.Title, 300, false); err != nil {
			return err
		}
	}
	if f.Guidance != nil {
		if it.Guidance, err = cleanOptionalText("guidance", *f.Guidance, 2000, true); err != nil {
			return err
		}
	}
	if f.Notes != nil {
		if it.Notes, err = cleanOptionalText("notes", *f.Notes, 10000, true); err != nil {
			return err
		}
	}
	if f.Minutes != nil {
		if *f.Minutes < 0 || *f.Minutes > 240 {
			return Invalid("minutes", "minutes must be between 0 and 240")
		}
		it.Minutes = *f.Minutes
	}
	if f.Done != nil {
		it.Done = *f.Done
	}
	return nil
}

// FindAgenda returns the agenda of a session in the actor's reach, in order
// (a session outside it is ENOTFOUND).
func (s *Store) FindAgenda(ctx context.Context, a Actor, sessionID int64) ([]AgendaItem, error) {
	db := s.reader(ctx)
	if _, err := s.findSession(db, a, sessionID); err != nil {
		return nil, err
	}
	var items []AgendaItem
	err := db.Where("session_id = ?", sessionID).Order("position, id").Find(&items).Error
	return items, wrap(err, "find agenda")
}

// editableSession loads a session in reach that may still change.
func (s *Store) editableSession(tx *gorm.DB, a Actor, id int64) (Session, error) {
	sess, err := s.findSession(tx, a, id)
	if err != nil {
		return sess, err
	}
	if sess.Status != SessionPlanned && sess.Status != SessionStarted {
		return sess, Errorf(ECONFLICT, "session %d is %s; its agenda and agreements can no longer change", id, sess.Status)
	}
	return sess, nil
}

// AddAgendaItem adds a worker's item at the end, or at Position.
func (s *Store) AddAgendaItem(ctx context.Context, a Actor, sessionID int64, f AgendaItemFields) (AgendaItem, error) {
	if f.Title == nil {
		return AgendaItem{}, Invalid("title", "title is required")
	}
	it := AgendaItem{SessionID: sessionID, Source: SourceWorker}
	if err := f.apply(&it); err != nil {
		return AgendaItem{}, err
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if _, err := s.editableSession(tx, a, sessionID); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&AgendaItem{}).Where("session_id = ?", sessionID).Count(&n).Error; err != nil {
			return err
		}
		it.Position = int(n) + 1
		if err := tx.Create(&it).Error; err != nil {
			return err
		}
		if err := s.auditItem(tx, a, "create", it); err != nil {
			return err
		}
		if f.Position != nil {
			return moveItem(tx, &it, *f.Position)
		}
		return nil
	})
	return it, wrap(err, "add agenda item")
}

// UpdateAgendaItem edits, ticks off or moves an item.
func (s *Store) UpdateAgendaItem(ctx context.Context, a Actor, sessionID, itemID int64, f AgendaItemFields) (AgendaItem, error) {
	var it AgendaItem
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if it, err = s.findItem(tx, a, sessionID, itemID); err != nil {
			return err
		}
		if err := f.apply(&it); err != nil {
			return err
		}
		if err := tx.Save(&it).Error; err != nil {
			return err
		}
		if err := s.auditItem(tx, a, "update", it); err != nil {
			return err
		}
		if f.Position != nil {
			return moveItem(tx, &it, *f.Position)
		}
		return nil
	})
	return it, wrap(err, "update agenda item")
}

// DeleteAgendaItem removes an item and closes the gap.
func (s *Store) DeleteAgendaItem(ctx context.Context, a Actor, sessionID, itemID int64) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		it, err := s.findItem(tx, a, sessionID, itemID)
		if err != nil {
			return err
		}
		if err := tx.Delete(&AgendaItem{}, it.ID).Error; err != nil {
			return err
		}
		if err := s.auditItem(tx, a, "delete", it); err != nil {
			return err
		}
		return tx.Model(&AgendaItem{}).Where("session_id = ? AND position > ?", sessionID, it.Position).
			Update("position", gorm.Expr("position - 1")).Error
	})
	return wrap(err, "delete agenda item")
}

func (s *Store) auditItem(tx *gorm.DB, a Actor, action string, it AgendaItem) error {
	sess, err := s.FindSessionTx(Tx{db: tx}, it.SessionID)
	if err != nil {
		return err
	}
	return s.auditTx(tx, a, Audit{Action: action, Entity: "agenda_item", EntityID: it.ID, ClientID: &sess.ClientID,
		TeamID: &sess.TeamID, Changes: map[string]any{"session_id": it.SessionID, "done": it.Done, "position": it.Position}})
}

func (s *Store) findItem(tx *gorm.DB, a Actor, sessionID, itemID int64) (AgendaItem, error) {
	var it AgendaItem
	if _, err := s.editableSession(tx, a, sessionID); err != nil {
		return it, err
	}
	err := tx.Where("id = ? AND session_id = ?", itemID, sessionID).First(&it).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return it, Errorf(ENOTFOUND, "agenda item %d not found in session %d", itemID, sessionID)
	}
	return it, err
}

// moveItem puts it at position (clamped to the agenda), shifting the others.
func moveItem(tx *gorm.DB, it *AgendaItem, position int) error {
	var n int64
	if err := tx.Model(&AgendaItem{}).Where("session_id = ?", it.SessionID).Count(&n).Error; err != nil {
		return err
	}
	position = max(1, min(position, int(n)))
	if position == it.Position {
		return nil
	}
	q := tx.Model(&AgendaItem{}).Where("session_id = ? AND id <> ?", it.SessionID, it.ID)
	var err error
	if position < it.Position {
		err = q.Where("position >= ? AND position < ?", position, it.Position).Update("position", gorm.Expr("position + 1")).Error
	} else {
		err = q.Where("position > ? AND position <= ?", it.Position, position).Update("position", gorm.Expr("position - 1")).Error
	}
	if err != nil {
		return err
	}
	it.Position = position
	return tx.Model(&AgendaItem{}).Where("id = ?", it.ID).Update("position", position).Error
}
