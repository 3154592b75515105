package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AuditEvent records who did what to which record. Events are append-only and
// hash-chained: each stores the previous event's hash and its own.
type AuditEvent struct {
	ID        int64
	At        time.Time
	ActorID   *int64
	ActorRole string // worker | supervisor | admin | system | client
	TeamID    *int64
	Action    string
	Entity    string
	EntityID  int64
	ClientID  *int64
	RequestID string
	Changes   string // JSON of what changed; never message bodies
	PrevHash  string
	Hash      string
}

type auditHead struct {
	ID       int64
	LastID   int64
	LastHash string
}

func (auditHead) TableName() string { return "audit_head" }

type requestIDKey struct{}

// WithRequestID puts the request id into ctx so audit events carry it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id in ctx.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Audit is one event to record.
type Audit struct {
	Action, Entity string
	EntityID       int64
	ClientID       *int64
	TeamID         *int64
	Changes        map[string]any
}

// System is the actor of background work.
var System = Actor{Role: "system"}

// ChainHash is the hash of an event given the previous hash: SHA-256 over the
// previous hash and every field in a fixed order.
func ChainHash(e AuditEvent) string {
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	fields := []string{e.PrevHash, strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), opt(e.ActorID),
		e.ActorRole, opt(e.TeamID), e.Action, e.Entity, strconv.FormatInt(e.EntityID, 10), opt(e.ClientID),
		e.RequestID, e.Changes}
	sum := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// clientAudit is an event about something of client c.
func clientAudit(action, entity string, id int64, c Client, changes map[string]any) Audit {
	return Audit{Action: action, Entity: entity, EntityID: id, ClientID: &c.ID, TeamID: &c.TeamID, Changes: changes}
}

// auditTx appends an event inside tx, locking the chain's head so concurrent
// writers (several instances on PostgreSQL) never fork the chain.
func (s *Store) auditTx(tx *gorm.DB, a Actor, ev Audit) error {
	q := tx
	if tx.Dialector.Name() == "postgres" {
		q = tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var head auditHead
	if err := q.First(&head, 1).Error; err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	changes := "{}"
	if len(ev.Changes) > 0 {
		b, err := json.Marshal(ev.Changes)
		if err != nil {
			return err
		}
		changes = string(b)
	}
	e := AuditEvent{At: s.now(), ActorRole: a.Role, Action: ev.Action, Entity: ev.Entity, EntityID: ev.EntityID,
		ClientID: ev.ClientID, TeamID: ev.TeamID, RequestID: RequestID(tx.Statement.Context), Changes: changes,
		PrevHash: head.LastHash}
	if a.UserID != 0 {
		e.ActorID = &a.UserID
	}
	if e.TeamID == nil && e.ClientID != nil {
		var team []int64
		if err := tx.Model(&Client{}).Where("id = ?", *e.ClientID).Pluck("team_id", &team).Error; err != nil {
			return err
		}
		if len(team) == 1 {
			e.TeamID = &team[0]
		}
	}
	if e.TeamID == nil && a.TeamID != 0 {
		e.TeamID = &a.TeamID
	}
	// Ids are handed out under the head's lock so the hash can cover the id.
	e.ID = head.LastID + 1
	e.Hash = ChainHash(e)
	if err := tx.Create(&e).Error; err != nil {
		return err
	}
	return tx.Model(&auditHead{}).Where("id = 1").Updates(map[string]any{"last_id": e.ID, "last_hash": e.Hash}).Error
}

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	ActorID, ClientID *int64
	Entity, Action    string
	From, To          *time.Time
	Page              Page
}

// FindAuditEvents lists events in reach, newest first: a supervisor its team's,
// an admin all; workers see none.
func (s *Store) FindAuditEvents(ctx context.Context, a Actor, f AuditFilter) (list []AuditEvent, more bool, err error) {
	p := f.Page.normalise()
	q := s.reader(ctx)
	switch a.Role {
	case RoleAdmin:
	case RoleSupervisor:
		q = q.Where("team_id = ?", a.TeamID)
	default:
		return nil, false, Errorf(ENOTFOUND, "not found")
	}
	if f.ActorID != nil {
		q = q.Where("actor_id = ?", *f.ActorID)
	}
	if f.ClientID != nil {
		q = q.Where("client_id = ?", *f.ClientID)
	}
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.From != nil {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("at < ?", f.To.UTC())
	}
	err = q.Order("id DESC").Limit(p.Limit + 1).Offset(p.Offset).Find(&list).Error
	if len(list) > p.Limit {
		list, more = list[:p.Limit], true
	}
	return list, more, wrap(err, "find audit events")
}

// VerifyAudit walks the whole chain in order. It returns the id of the first
// event that does not match its stored hash or its predecessor's, 0 when the
// chain is intact, and how many events it checked.
func (s *Store) VerifyAudit(ctx context.Context) (brokenID int64, checked int, reason string, err error) {
	prev, lastID := "", int64(0)
	for {
		var batch []AuditEvent
		if err := s.reader(ctx).Where("id > ?", lastID).Order("id").Limit(1000).Find(&batch).Error; err != nil {
			return 0, checked, "", wrap(err, "verify audit")
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			switch {
			case e.ID != lastID+1:
				return lastID + 1, checked, fmt.Sprintf("event %d is missing", lastID+1), nil
			case e.PrevHash != prev:
				return e.ID, checked, "its previous hash does not match the event before it", nil
			case ChainHash(e) != e.Hash:
				return e.ID, checked, "its content does not match its hash", nil
			}
			prev, lastID = e.Hash, e.ID
			checked++
		}
	}
	var head auditHead
	if err := s.reader(ctx).First(&head, 1).Error; err != nil {
		return 0, checked, "", wrap(err, "verify audit")
	}
	if head.LastID != lastID || head.LastHash != prev {
		return lastID + 1, checked, "events after the last one found are missing", nil
	}
	return 0, checked, "", nil
}

// RecordAudit appends an event in its own transaction (for reads worth
// recording: report views, exports, failed logins).
func (s *Store) RecordAudit(ctx context.Context, a Actor, ev Audit) error {
	return wrap(s.write(ctx, func(tx *gorm.DB) error { return s.auditTx(tx, a, ev) }), "record audit")
}
