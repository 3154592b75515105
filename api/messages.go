package api

import (
	"context"
	"time"

	"afspraak/models"
)

// MessageEventResponse is one status change of a message.
type MessageEventResponse struct {
	Status    string    `json:"status"`
	ErrorCode int       `json:"error_code,omitempty"`
	Source    string    `json:"source" doc:"send, callback"`
	Applied   bool      `json:"applied" doc:"false when it arrived late and did not change the status"`
	At        time.Time `json:"at"`
}

// MessageResponse is a message to a client and what became of it.
type MessageResponse struct {
	ID               int64                  `json:"id"`
	ClientID         int64                  `json:"client_id"`
	SessionID        *int64                 `json:"session_id"`
	Kind             string                 `json:"kind"`
	Channel          string                 `json:"channel"`
	Status           string                 `json:"status"`
	TwilioSID        *string                `json:"twilio_sid,omitempty" doc:"Twilio's id of the message (SM…), to trace it with Twilio's support and logs"`
	SkipReason       string                 `json:"skip_reason,omitempty"`
	Body             *string                `json:"body,omitempty" doc:"purged after the retention period"`
	ContentSID       string                 `json:"content_sid,omitempty"`
	ContentVariables map[string]string      `json:"content_variables,omitempty"`
	ErrorCode        int                    `json:"error_code,omitempty"`
	Attempts         int                    `json:"attempts"`
	ScheduledFor     *time.Time             `json:"scheduled_for,omitempty" doc:"held until contact hours"`
	SentAt           *time.Time             `json:"sent_at,omitempty" doc:"when the provider accepted it"`
	DeliveredAt      *time.Time             `json:"delivered_at,omitempty"`
	ReadAt           *time.Time             `json:"read_at,omitempty"`
	FailedAt         *time.Time             `json:"failed_at,omitempty"`
	FallbackOf       *int64                 `json:"fallback_of,omitempty" doc:"the WhatsApp message this SMS replaces"`
	CreatedAt        time.Time              `json:"created_at"`
	Events           []MessageEventResponse `json:"events,omitempty"`
}

func toMessageResponse(m models.Message) MessageResponse {
	return MessageResponse{ID: m.ID, ClientID: m.ClientID, SessionID: m.SessionID, Kind: m.Kind, Channel: m.Channel,
		Status: m.Status, TwilioSID: m.TwilioSID, SkipReason: m.SkipReason, Body: m.Body, ContentSID: m.ContentSID,
		ContentVariables: m.ContentVariables, ErrorCode: m.ErrorCode, Attempts: m.Attempts,
		ScheduledFor: m.ScheduledFor, SentAt: m.SentAt, DeliveredAt: m.DeliveredAt, ReadAt: m.ReadAt,
		FailedAt: m.FailedAt, FallbackOf: m.FallbackOf, CreatedAt: m.CreatedAt}
}

type listMessagesInput struct {
	PageInput
	ClientID  int64  `query:"client_id" minimum:"0"`
	SessionID int64  `query:"session_id" minimum:"0"`
	Status    string `query:"status" maxLength:"20"`
}

type listMessagesOutput struct {
	Body struct {
		Items      []MessageResponse `json:"items"`
		NextOffset *int              `json:"next_offset"`
	}
}

func (s *Server) listMessages(ctx context.Context, in *listMessagesInput) (*listMessagesOutput, error) {
	f := models.MessageFilter{Status: in.Status, Page: in.page()}
	if in.ClientID != 0 {
		f.ClientID = &in.ClientID
	}
	if in.SessionID != 0 {
		f.SessionID = &in.SessionID
	}
	list, more, err := s.store.FindMessages(ctx, actorFrom(ctx), f)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &listMessagesOutput{}
	out.Body.Items = make([]MessageResponse, 0, len(list))
	for _, m := range list {
		out.Body.Items = append(out.Body.Items, toMessageResponse(m))
	}
	out.Body.NextOffset = in.next(more)
	return out, nil
}

type messageOutput struct {
	Body MessageResponse
}

func (s *Server) getMessage(ctx context.Context, in *idInput) (*messageOutput, error) {
	m, err := s.store.FindMessageByID(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	events, err := s.store.FindMessageEvents(ctx, actorFrom(ctx), m.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	r := toMessageResponse(m)
	r.Events = toEventResponses(events)
	return &messageOutput{Body: r}, nil
}

func toEventResponses(events []models.MessageEvent) []MessageEventResponse {
	out := make([]MessageEventResponse, 0, len(events))
	for _, ev := range events {
		out = append(out, MessageEventResponse{Status: ev.Status, ErrorCode: ev.ErrorCode, Source: ev.Source,
			Applied: ev.Applied || ev.Source == "send", At: ev.CreatedAt})
	}
	return out
}
