package api

import (
	"context"
	"time"

	"afspraak/models"
)

type createSessionInput struct {
	Body struct {
		ClientID        int64     `json:"client_id" minimum:"1"`
		ScheduledAt     time.Time `json:"scheduled_at" doc:"RFC 3339"`
		DurationMinutes int       `json:"duration_minutes,omitempty" minimum:"5" maximum:"480" default:"45"`
		Modality        string    `json:"modality" enum:"video,phone,whatsapp,face_to_face,walk"`
		Initiator       string    `json:"initiator" enum:"client,worker" doc:"who calls: for a reporting call (meldplicht) the client"`
		Template        string    `json:"template" minLength:"1" maxLength:"100" doc:"built-in key (meldplicht, begeleiding, intake, evaluatie) or the id of a team template"`
		Setting         string    `json:"setting,omitempty" maxLength:"2000" doc:"agreement about the setting: a quiet, private place; who is present"`
	}
}

type sessionOutput struct {
	Body SessionResponse
}

func (s *Server) createSession(ctx context.Context, in *createSessionInput) (*sessionOutput, error) {
	b := in.Body
	sess, err := s.app.PlanSession(ctx, actorFrom(ctx), models.NewSession{ClientID: b.ClientID,
		ScheduledAt: b.ScheduledAt, DurationMinutes: b.DurationMinutes, Modality: b.Modality,
		Initiator: b.Initiator, Setting: b.Setting, Template: b.Template})
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return s.sessionDetail(ctx, sess)
}

// sessionDetail answers a session with its agenda and agreements.
func (s *Server) sessionDetail(ctx context.Context, sess models.Session) (*sessionOutput, error) {
	agenda, err := s.store.FindAgenda(ctx, actorFrom(ctx), sess.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	ags, err := s.store.FindAgreements(ctx, actorFrom(ctx), models.AgreementFilter{SessionID: &sess.ID})
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	r := toSessionResponse(sess)
	r.Agenda = make([]AgendaItemResponse, 0, len(agenda))
	for _, it := range agenda {
		r.Agenda = append(r.Agenda, toAgendaItemResponse(it))
	}
	r.Agreements = toAgreementResponses(ags)
	return &sessionOutput{Body: r}, nil
}

func (s *Server) getSession(ctx context.Context, in *idInput) (*sessionOutput, error) {
	sess, err := s.store.FindSessionByID(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return s.sessionDetail(ctx, sess)
}

type listSessionsInput struct {
	PageInput
	ClientID int64     `query:"client_id" minimum:"0"`
	WorkerID int64     `query:"worker_id" minimum:"0"`
	From     time.Time `query:"from" doc:"RFC 3339; sessions at or after"`
	To       time.Time `query:"to" doc:"RFC 3339; sessions before"`
	Status   string    `query:"status" enum:"planned,started,completed,no_show,cancelled,"`
}

type listSessionsOutput struct {
	Body struct {
		Items      []SessionResponse `json:"items"`
		NextOffset *int              `json:"next_offset"`
	}
}

func (s *Server) listSessions(ctx context.Context, in *listSessionsInput) (*listSessionsOutput, error) {
	f := models.SessionFilter{Status: in.Status, Page: in.page()}
	if in.ClientID != 0 {
		f.ClientID = &in.ClientID
	}
	if in.WorkerID != 0 {
		f.WorkerID = &in.WorkerID
	}
	if !in.From.IsZero() {
		f.From = &in.From
	}
	if !in.To.IsZero() {
		f.To = &in.To
	}
	list, more, err := s.store.FindSessions(ctx, actorFrom(ctx), f)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &listSessionsOutput{}
	out.Body.Items = make([]SessionResponse, 0, len(list))
	for _, sess := range list {
		out.Body.Items = append(out.Body.Items, toSessionResponse(sess))
	}
	out.Body.NextOffset = in.next(more)
	return out, nil
}

type updateSessionInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		ScheduledAt     *time.Time `json:"scheduled_at,omitempty"`
		DurationMinutes *int       `json:"duration_minutes,omitempty" minimum:"5" maximum:"480"`
		Modality        *string    `json:"modality,omitempty" enum:"video,phone,whatsapp,face_to_face,walk"`
		Setting         *string    `json:"setting,omitempty" maxLength:"2000"`
		Status          *string    `json:"status,omitempty" enum:"cancelled" doc:"cancelled cancels the session"`
	}
}

func (s *Server) updateSession(ctx context.Context, in *updateSessionInput) (*sessionOutput, error) {
	b := in.Body
	sess, err := s.store.UpdateSession(ctx, actorFrom(ctx), in.ID, models.SessionUpdate{ScheduledAt: b.ScheduledAt,
		DurationMinutes: b.DurationMinutes, Modality: b.Modality, Setting: b.Setting, Status: b.Status})
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return s.sessionDetail(ctx, sess)
}

type startSessionInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body *struct {
		StartedBy string `json:"started_by,omitempty" enum:"client,worker" doc:"who made the call; default the planned initiator"`
	}
}

func (s *Server) startSession(ctx context.Context, in *startSessionInput) (*sessionOutput, error) {
	by := ""
	if in.Body != nil {
		by = in.Body.StartedBy
	}
	sess, err := s.store.StartSession(ctx, actorFrom(ctx), in.ID, by)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return s.sessionDetail(ctx, sess)
}
