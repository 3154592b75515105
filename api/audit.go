package api

import (
	"context"
	"encoding/json"
	"time"

	"afspraak/models"
)

// AuditEventResponse is one event of the audit trail.
type AuditEventResponse struct {
	ID        int64           `json:"id"`
	At        time.Time       `json:"at"`
	ActorID   *int64          `json:"actor_id"`
	ActorRole string          `json:"actor_role"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  int64           `json:"entity_id"`
	ClientID  *int64          `json:"client_id"`
	RequestID string          `json:"request_id"`
	Changes   json.RawMessage `json:"changes"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
}

type auditInput struct {
	PageInput
	ActorID  int64     `query:"actor_id" minimum:"0"`
	ClientID int64     `query:"client_id" minimum:"0"`
	Entity   string    `query:"entity" maxLength:"40"`
	Action   string    `query:"action" maxLength:"40"`
	From     time.Time `query:"from"`
	To       time.Time `query:"to"`
}

type auditOutput struct {
	Body struct {
		Items      []AuditEventResponse `json:"items"`
		NextOffset *int                 `json:"next_offset"`
	}
}

func (s *Server) listAuditEvents(ctx context.Context, in *auditInput) (*auditOutput, error) {
	f := models.AuditFilter{Entity: in.Entity, Action: in.Action, Page: in.page()}
	if in.ActorID != 0 {
		f.ActorID = &in.ActorID
	}
	if in.ClientID != 0 {
		f.ClientID = &in.ClientID
	}
	if !in.From.IsZero() {
		f.From = &in.From
	}
	if !in.To.IsZero() {
		f.To = &in.To
	}
	list, more, err := s.store.FindAuditEvents(ctx, actorFrom(ctx), f)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &auditOutput{}
	out.Body.Items = make([]AuditEventResponse, 0, len(list))
	for _, e := range list {
		out.Body.Items = append(out.Body.Items, AuditEventResponse{ID: e.ID, At: e.At, ActorID: e.ActorID,
			ActorRole: e.ActorRole, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, ClientID: e.ClientID,
			RequestID: e.RequestID, Changes: json.RawMessage(e.Changes), PrevHash: e.PrevHash, Hash: e.Hash})
	}
	out.Body.NextOffset = in.next(more)
	return out, nil
}
