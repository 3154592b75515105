package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Session statuses.
const (
	SessionPlanned   = "planned"
	SessionStarted   = "started"
	SessionCompleted = "completed"
	SessionNoShow    = "no_show"
	SessionCancelled = "cancelled"
)

// Session is one supervision conversation.
type Session struct {
	ID              int64
	ClientID        int64
	WorkerID        int64
	TeamID          int64
	ScheduledAt     time.Time
	DurationMinutes int
	Modality        string
	Initiator       string // client | worker
	Setting         string
	Template        string
	Status          string
	StartedAt       *time.Time
	StartedBy       *string
	CompletedAt     *time.Time
	CancelledAt     *time.Time
	Notes           string
	RiskSignals     []string `gorm:"serializer:json"`
	SendSummary     bool
	PolicyWarnings  []PolicyWarning `gorm:"serializer:json"`
	PolicyOverride  bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// TemplateItem is one item of an agenda template, resolved before planning.
type TemplateItem struct {
	Title    string
	Guidance string
	Minutes  int
}

// NewSession is what is needed to plan a session.
type NewSession struct {
	ClientID        int64
	ScheduledAt     time.Time
	DurationMinutes int
	Modality        string
	Initiator       string
	Setting         string
	Template        string         // key or id, as given
	TemplateItems   []TemplateItem // resolved by the caller
}

// CarryOverGuidance is the guidance of an agenda item that carries over an
// open agreement.
const CarryOverGuidance = "Afspraak uit een eerder gesprek: bespreek of die is nagekomen en leg dat vast (kept / not kept)."

func (in NewSession) validate(now time.Time) error {
	switch {
	case in.ScheduledAt.IsZero():
		return Invalid("scheduled_at", "scheduled_at is required (RFC 3339, e.g. 2026-03-03T14:00:00+01:00)")
	case in.ScheduledAt.Before(now.Add(-5 * time.Minute)):
		return Invalid("scheduled_at", "scheduled_at lies in the past; plan a session from now on")
	case in.DurationMinutes < 5 || in.DurationMinutes > 480:
		return Invalid("duration_minutes", "duration_minutes must be between 5 and 480")
	case !oneOf(in.Modality, Modalities...):
		return Invalid("modality", "modality must be one of video, phone, whatsapp, face_to_face, walk")
	case !oneOf(in.Initiator, "client", "worker"):
		return Invalid("initiator", "initiator must be client (the client calls) or worker")
	}
	_, err := cleanOptionalText("setting", in.Setting, 2000, true)
	return err
}

// CreateSession plans a session: the template's items, then one carry_over item
// per open agreement of the client, and the policy warnings it departs from.
func (s *Store) CreateSession(ctx context.Context, a Actor, in NewSession) (Session, error) {
	now := s.now()
	if err := in.validate(now); err != nil {
		return Session{}, err
	}
	setting, _ := cleanOptionalText("setting", in.Setting, 2000, true)
	var sess Session
	err := s.write(ctx, func(tx *gorm.DB) error {
		c, err := s.findClient(tx, a, in.ClientID)
		if err != nil {
			if ErrorCode(err) == ENOTFOUND {
				return Invalid("client_id", "client %d not found", in.ClientID)
			}
			return err
		}
		warnings, err := s.policyFor(tx, c, in.ScheduledAt, in.Modality, 0)
		if err != nil {
			return err
		}
		sess = Session{ClientID: c.ID, WorkerID: c.WorkerID, TeamID: c.TeamID, ScheduledAt: in.ScheduledAt.UTC(),
			DurationMinutes: in.DurationMinutes, Modality: in.Modality, Initiator: in.Initiator, Setting: setting,
			Template: in.Template, Status: SessionPlanned, RiskSignals: []string{}, PolicyWarnings: warnings,
			PolicyOverride: len(warnings) > 0, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&sess).Error; err != nil {
			return err
		}
		if err := s.buildAgenda(tx, sess, in.TemplateItems); err != nil {
			return err
		}
		if err := s.auditTx(tx, a, sessionAudit("create", sess, map[string]any{"modality": sess.Modality,
			"initiator": sess.Initiator, "template": sess.Template, "policy_override": sess.PolicyOverride})); err != nil {
			return err
		}
		return s.sessionPlanned(tx, sess)
	})
	return sess, wrap(err, "create session")
}

func (s *Store) buildAgenda(tx *gorm.DB, sess Session, items []TemplateItem) error {
	var open []Agreement
	if err := tx.Where("client_id = ? AND status = ?", sess.ClientID, AgreementOpen).Order("id").Find(&open).Error; err != nil {
		return err
	}
	agenda := make([]AgendaItem, 0, len(items)+len(open))
	for _, it := range items {
		agenda = append(agenda, AgendaItem{Title: it.Title, Guidance: it.Guidance, Minutes: it.Minutes, Source: SourceTemplate})
	}
	for _, ag := range open {
		agenda = append(agenda, AgendaItem{Title: ag.Text, Guidance: CarryOverGuidance, Minutes: 2,
			Source: SourceCarryOver, AgreementID: &ag.ID})
	}
	for i := range agenda {
		agenda[i].SessionID, agenda[i].Position = sess.ID, i+1
	}
	if len(agenda) == 0 {
		return nil
	}
	return tx.Create(&agenda).Error
}

// sessionAudit is an event about session sess.
func sessionAudit(action string, sess Session, changes map[string]any) Audit {
	return Audit{Action: action, Entity: "session", EntityID: sess.ID, ClientID: &sess.ClientID, TeamID: &sess.TeamID,
		Changes: changes}
}

// sessionPlanned tells the outbox, inside tx, that sess was planned or moved.
func (s *Store) sessionPlanned(tx *gorm.DB, sess Session) error {
	if s.outbox == nil {
		return nil
	}
	return s.outbox.SessionPlanned(tx.Statement.Context, Tx{db: tx}, sess)
}

// policyFor evaluates the policy for a session of client at t, ignoring the
// session with id except (when re-planning it).
func (s *Store) policyFor(tx *gorm.DB, c Client, t time.Time, modality string, except int64) ([]PolicyWarning, error) {
	var history []Session
	err := tx.Where("client_id = ? AND status = ? AND scheduled_at < ? AND id <> ?", c.ID, SessionCompleted, t.UTC(), except).
		Order("scheduled_at DESC").Limit(100).Find(&history).Error
	if err != nil {
		return nil, err
	}
	w := s.policy.evaluatePolicy(c, history, modality)
	if w == nil {
		w = []PolicyWarning{}
	}
	return w, nil
}

// scopeSessions limits a query on sessions to the actor's reach (through the client).
func scopeSessions(tx *gorm.DB, a Actor) *gorm.DB {
	return scopeClients(tx.Joins("JOIN clients ON clients.id = sessions.client_id"), a)
}

// FindSessionByID returns a session in reach.
func (s *Store) FindSessionByID(ctx context.Context, a Actor, id int64) (Session, error) {
	return s.findSession(s.reader(ctx), a, id)
}

func (s *Store) findSession(tx *gorm.DB, a Actor, id int64) (Session, error) {
	// Two lookups by primary key rather than a join on clients: on SQLite
	// the join is prepared anew on every run (see FindUserByToken).
	var sess Session
	err := tx.Where("id = ?", id).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, Errorf(ENOTFOUND, "session %d not found", id)
	}
	if err != nil {
		return Session{}, wrap(err, "find session")
	}
	var owner struct{ WorkerID, TeamID int64 }
	if err := tx.Table("clients").Select("worker_id, team_id").Where("id = ?", sess.ClientID).Take(&owner).Error; err != nil {
		return Session{}, wrap(err, "find session's client")
	}
	if !a.reaches(owner.WorkerID, owner.TeamID) {
		return Session{}, Errorf(ENOTFOUND, "session %d not found", id)
	}
	return sess, nil
}

// SessionFilter narrows a session list.
type SessionFilter struct {
	ClientID, WorkerID *int64
	From, To           *time.Time
	Status             string
	Page               Page
}

// FindSessions lists sessions in reach by scheduled time.
func (s *Store) FindSessions(ctx context.Context, a Actor, f SessionFilter) (list []Session, more bool, err error) {
	p := f.Page.normalise()
	q := scopeSessions(s.reader(ctx), a).Select("sessions.*")
	if f.ClientID != nil {
		q = q.Where("sessions.client_id = ?", *f.ClientID)
	}
	if f.WorkerID != nil {
		q = q.Where("sessions.worker_id = ?", *f.WorkerID)
	}
	if f.From != nil {
		q = q.Where("sessions.scheduled_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("sessions.scheduled_at < ?", f.To.UTC())
	}
	if f.Status != "" {
		q = q.Where("sessions.status = ?", f.Status)
	}
	err = q.Order("sessions.scheduled_at, sessions.id").Limit(p.Limit + 1).Offset(p.Offset).Find(&list).Error
	if len(list) > p.Limit {
		list, more = list[:p.Limit], true
	}
	return list, more, wrap(err, "find sessions")
}
