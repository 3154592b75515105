package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// MaxAgreementText is the longest agreement text: one agreement must leave
// room for others in a summary within Twilio's limits (1,600 characters a
// message, 255 a WhatsApp template variable).
const MaxAgreementText = 300

// Agreement statuses.
const (
	AgreementOpen      = "open"
	AgreementKept      = "kept"
	AgreementNotKept   = "not_kept"
	AgreementCancelled = "cancelled"
)

// Agreement is something agreed in a session, tracked until kept.
type Agreement struct {
	ID               int64
	ClientID         int64
	SessionID        int64
	Text             string
	Owner            string  // client | worker
	DueDate          *string // YYYY-MM-DD
	IncludeInSummary bool
	Status           string
	AcknowledgedAt   *time.Time
	ClosedAt         *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time

	// Sensitive are the sensitive words in Text (Options.SensitiveWords),
	// filled by the store on writes and reads; not a column.
	Sensitive []string `gorm:"-"`
}

// AgreementFields are the writable fields of an agreement.
type AgreementFields struct {
	Text             *string
	Owner            *string
	DueDate          *string // "" clears it
	IncludeInSummary *bool
	Status           *string
}

func (f AgreementFields) apply(ag *Agreement, now time.Time) error {
	if ag.Status != AgreementOpen && (f.Text != nil || f.Owner != nil || f.DueDate != nil || f.IncludeInSummary != nil || f.Status != nil) {
		return Errorf(ECONFLICT, "agreement %d is %s; a closed agreement cannot change", ag.ID, ag.Status)
	}
	var err error
	if f.Text != nil {
		if ag.Text, err = cleanText("text", *f.Text, MaxAgreementText, false); err != nil {
			return err
		}
	}
	if f.Owner != nil {
		if !oneOf(*f.Owner, "client", "worker") {
			return Invalid("owner", "owner must be client or worker")
		}
		ag.Owner = *f.Owner
	}
	if f.DueDate != nil {
		if *f.DueDate == "" {
			ag.DueDate = nil
		} else if _, err := time.Parse(time.DateOnly, *f.DueDate); err != nil {
			return Invalid("due_date", "due_date must be a date such as 2026-03-31")
		} else {
			d := *f.DueDate
			ag.DueDate = &d
		}
	}
	if f.IncludeInSummary != nil {
		ag.IncludeInSummary = *f.IncludeInSummary
	}
	if f.Status != nil && *f.Status != ag.Status {
		if !oneOf(*f.Status, AgreementKept, AgreementNotKept, AgreementCancelled) {
			return Invalid("status", "an open agreement can become kept, not_kept or cancelled")
		}
		ag.Status, ag.ClosedAt = *f.Status, &now
	}
	return nil
}

// CreateAgreement records an agreement made in a session.
func (s *Store) CreateAgreement(ctx context.Context, a Actor, sessionID int64, f AgreementFields) (Agreement, error) {
	if f.Text == nil {
		return Agreement{}, Invalid("text", "text is required")
	}
	if f.Status != nil && *f.Status != AgreementOpen {
		return Agreement{}, Invalid("status", "a new agreement is open")
	}
	f.Status = nil
	now := s.now()
	ag := Agreement{SessionID: sessionID, Owner: "client", IncludeInSummary: true, Status: AgreementOpen,
		CreatedAt: now, UpdatedAt: now}
	if err := f.apply(&ag, now); err != nil {
		return Agreement{}, err
	}
	ag.Sensitive = s.sensitiveIn(ag.Text)
	if len(ag.Sensitive) > 0 && f.IncludeInSummary == nil {
		ag.IncludeInSummary = false // out of the summary unless the worker puts it in
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		sess, err := s.editableSession(tx, a, sessionID)
		if err != nil {
			return err
		}
		ag.ClientID = sess.ClientID
		if err := tx.Create(&ag).Error; err != nil {
			return err
		}
		if err := s.auditAgreement(tx, a, "create", ag); err != nil {
			return err
		}
		return s.auditSensitive(tx, a, ag)
	})
	return ag, wrap(err, "create agreement")
}

// UpdateAgreement edits an open agreement or closes it.
func (s *Store) UpdateAgreement(ctx context.Context, a Actor, id int64, f AgreementFields) (Agreement, error) {
	var ag Agreement
	err := s.write(ctx, func(tx *gorm.DB) error {
		err := scopeClients(tx.Joins("JOIN clients ON clients.id = agreements.client_id"), a).
			Where("agreements.id = ?", id).Select("agreements.*").First(&ag).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(ENOTFOUND, "agreement %d not found", id)
		}
		if err != nil {
			return err
		}
		now := s.now()
		if err := f.apply(&ag, now); err != nil {
			return err
		}
		ag.UpdatedAt = now
		if err := tx.Save(&ag).Error; err != nil {
			return err
		}
		ag.Sensitive = s.sensitiveIn(ag.Text)
		if err := s.auditAgreement(tx, a, "update", ag); err != nil {
			return err
		}
		if f.IncludeInSummary == nil && f.Text == nil {
			return nil // nothing about its place in the summary changed
		}
		return s.auditSensitive(tx, a, ag)
	})
	return ag, wrap(err, "update agreement")
}

func (s *Store) auditAgreement(tx *gorm.DB, a Actor, action string, ag Agreement) error {
	c, err := findClientAnyReach(tx, ag.ClientID)
	if err != nil {
		return err
	}
	return s.auditTx(tx, a, clientAudit(action, "agreement", ag.ID, c, map[string]any{"session_id": ag.SessionID,
		"status": ag.Status, "owner": ag.Owner, "include_in_summary": ag.IncludeInSummary}))
}

// auditSensitive records that a worker put an agreement with sensitive words
// in the client's summary: their judgement, to be seen by supervisors.
func (s *Store) auditSensitive(tx *gorm.DB, a Actor, ag Agreement) error {
	if len(ag.Sensitive) == 0 || !ag.IncludeInSummary {
		return nil
	}
	c, err := findClientAnyReach(tx, ag.ClientID)
	if err != nil {
		return err
	}
	return s.auditTx(tx, a, clientAudit("sensitive_override", "agreement", ag.ID, c, map[string]any{
		"session_id": ag.SessionID, "words": ag.Sensitive}))
}

// AgreementFilter narrows an agreement list.
type AgreementFilter struct {
	ClientID  *int64
	SessionID *int64
	Status    string
}

// FindAgreements lists the agreements of a client or a session in the
// actor's reach (a parent outside it is ENOTFOUND; a filter naming neither
// lists every agreement in reach).
func (s *Store) FindAgreements(ctx context.Context, a Actor, f AgreementFilter) ([]Agreement, error) {
	db := s.reader(ctx)
	if f.ClientID != nil {
		if _, err := s.findClient(db, a, *f.ClientID); err != nil {
			return nil, err
		}
	}
	if f.SessionID != nil {
		if _, err := s.findSession(db, a, *f.SessionID); err != nil {
			return nil, err
		}
	}
	q := scopeClients(db.Joins("JOIN clients ON clients.id = agreements.client_id"), a).Select("agreements.*")
	if f.ClientID != nil {
		q = q.Where("agreements.client_id = ?", *f.ClientID)
	}
	if f.SessionID != nil {
		q = q.Where("agreements.session_id = ?", *f.SessionID)
	}
	if f.Status != "" {
		q = q.Where("agreements.status = ?", f.Status)
	}
	var list []Agreement
	err := q.Order("agreements.id").Limit(1000).Find(&list).Error
	for i := range list {
		list[i].Sensitive = s.sensitiveIn(list[i].Text)
	}
	return list, wrap(err, "find agreements")
}
