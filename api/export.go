package api

import (
	"context"
	"time"

	"afspraak/models"
)

// ClientExportResponse is everything afspraak holds about one client.
type ClientExportResponse struct {
	ExportedAt time.Time              `json:"exported_at"`
	Client     ClientResponse         `json:"client"`
	Consent    []ConsentEventResponse `json:"consent_history"`
	Sessions   []SessionResponse      `json:"sessions" doc:"with their agenda"`
	Agreements []AgreementResponse    `json:"agreements"`
	Messages   []MessageResponse      `json:"messages" doc:"with their status events"`
	Replies    []ReplyResponse        `json:"replies"`
}

// ConsentEventResponse is one grant or withdrawal of consent.
type ConsentEventResponse struct {
	Channel string    `json:"channel"`
	Granted bool      `json:"granted"`
	Source  string    `json:"source"`
	At      time.Time `json:"at"`
}

// ReplyResponse is a message the client sent.
type ReplyResponse struct {
	ID         int64     `json:"id"`
	Channel    string    `json:"channel"`
	Body       *string   `json:"body" doc:"purged after the retention period"`
	Keyword    string    `json:"keyword"`
	AfterHours bool      `json:"after_hours"`
	ReceivedAt time.Time `json:"received_at"`
}

type exportOutput struct {
	Body ClientExportResponse
}

func (s *Server) exportClient(ctx context.Context, in *idInput) (*exportOutput, error) {
	x, err := s.store.ExportClient(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := ClientExportResponse{ExportedAt: time.Now().UTC(), Client: toClientResponse(x.Client),
		Agreements: toAgreementResponses(x.Agreements)}
	for _, c := range x.Consent {
		out.Consent = append(out.Consent, ConsentEventResponse{Channel: c.Channel, Granted: c.Granted, Source: c.Source, At: c.CreatedAt})
	}
	items := map[int64][]AgendaItemResponse{}
	for _, it := range x.AgendaItems {
		items[it.SessionID] = append(items[it.SessionID], toAgendaItemResponse(it))
	}
	for _, sess := range x.Sessions {
		r := toSessionResponse(sess)
		r.Agenda = items[sess.ID]
		out.Sessions = append(out.Sessions, r)
	}
	events := map[int64][]models.MessageEvent{}
	for _, ev := range x.MessageEvents {
		events[ev.MessageID] = append(events[ev.MessageID], ev)
	}
	for _, m := range x.Messages {
		r := toMessageResponse(m)
		r.Events = toEventResponses(events[m.ID])
		out.Messages = append(out.Messages, r)
	}
	for _, rp := range x.Replies {
		out.Replies = append(out.Replies, ReplyResponse{ID: rp.ID, Channel: rp.Channel, Body: rp.Body, Keyword: rp.Keyword,
			AfterHours: rp.AfterHours, ReceivedAt: rp.ReceivedAt})
	}
	return &exportOutput{Body: out}, nil
}
