package api

import (
	"context"
	"time"

	"afspraak/models"
)

// ConversationItem is one message between us and a client.
type ConversationItem struct {
	Direction  string     `json:"direction" enum:"out,in" doc:"out: ours; in: the client's"`
	ID         int64      `json:"id" doc:"the message id (out) or the reply id (in)"`
	Kind       string     `json:"kind" doc:"out: the message kind; in: the keyword or button (none for plain text)"`
	Channel    string     `json:"channel"`
	Body       *string    `json:"body,omitempty" doc:"absent for templates, keywords and purged texts"`
	Status     string     `json:"status,omitempty" doc:"out: the delivery status"`
	SkipReason string     `json:"skip_reason,omitempty"`
	AuthorID   *int64     `json:"author_id,omitempty" doc:"out: the worker who wrote it"`
	Alert      string     `json:"alert,omitempty" enum:"stop,before_session,reply_to_reminder,number_rejected" doc:"in: why the worker should look now"`
	SeenAt     *time.Time `json:"seen_at,omitempty"`
	MediaCount int        `json:"media_count,omitempty" doc:"in: photos or voice notes sent; they are not fetched or kept"`
	MediaTypes []string   `json:"media_types,omitempty"`
	At         time.Time  `json:"at"`
}

// ConversationResponse is the conversation with a client, oldest first.
type ConversationResponse struct {
	Client            ClientResponse     `json:"client"`
	Items             []ConversationItem `json:"items"`
	WhatsAppOpenUntil *time.Time         `json:"whatsapp_open_until,omitempty" doc:"free text on WhatsApp is possible until then; after it only a template"`
}

type conversationInput struct {
	ID    int64 `path:"id" minimum:"1"`
	Limit int   `query:"limit" minimum:"1" maximum:"200" default:"100"`
}

type conversationOutput struct {
	Body ConversationResponse
}

func (s *Server) getConversation(ctx context.Context, in *conversationInput) (*conversationOutput, error) {
	conv, err := s.store.FindConversation(ctx, actorFrom(ctx), in.ID, in.Limit)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &conversationOutput{Body: ConversationResponse{Client: toClientResponse(conv.Client),
		Items: make([]ConversationItem, 0, len(conv.Items)), WhatsAppOpenUntil: conv.WhatsAppOpenUntil}}
	for _, it := range conv.Items {
		out.Body.Items = append(out.Body.Items, toConversationItem(it))
	}
	return out, nil
}

func toConversationItem(it models.ConversationItem) ConversationItem {
	dir := "out"
	if it.Inbound {
		dir = "in"
	}
	return ConversationItem{Direction: dir, ID: it.ID, Kind: it.Kind, Channel: it.Channel, Body: it.Body, Status: it.Status,
		SkipReason: it.SkipReason, AuthorID: it.AuthorID, Alert: it.Alert, SeenAt: it.SeenAt, MediaCount: it.MediaCount,
		MediaTypes: it.MediaTypes, At: it.At}
}

// AnswerInput is a worker's answer to a client.
type AnswerInput struct {
	Body    string `json:"body" minLength:"1" maxLength:"1600" doc:"plain text; Twilio takes at most 1,600 characters"`
	Channel string `json:"channel,omitempty" enum:"whatsapp,sms" doc:"default: the channel of the client's last message, else the preferred one"`
}

type answerInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body AnswerInput
}

func (s *Server) answerClient(ctx context.Context, in *answerInput) (*messageOutput, error) {
	m, err := s.app.AnswerClient(ctx, actorFrom(ctx), in.ID, models.Answer{Channel: in.Body.Channel, Body: in.Body.Body})
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &messageOutput{Body: toMessageResponse(m)}, nil
}

type seenOutput struct {
	Body struct {
		Seen int64 `json:"seen" doc:"alerts marked seen"`
	}
}

func (s *Server) markSeen(ctx context.Context, in *idInput) (*seenOutput, error) {
	n, err := s.store.MarkRepliesSeen(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &seenOutput{}
	out.Body.Seen = n
	return out, nil
}

func (s *Server) startNumberCheck(ctx context.Context, in *idInput) (*clientOutput, error) {
	c, err := s.store.StartNumberCheck(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &clientOutput{Body: toClientResponse(c)}, nil
}

// UnmatchedReply is a message from a number no client has.
type UnmatchedReply struct {
	ID         int64     `json:"id"`
	Channel    string    `json:"channel"`
	From       *string   `json:"from,omitempty" doc:"E.164; purged with the body after the retention period"`
	Body       *string   `json:"body,omitempty"`
	MediaCount int       `json:"media_count,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
}

type listUnmatchedOutput struct {
	Body struct {
		Items      []UnmatchedReply `json:"items"`
		NextOffset *int             `json:"next_offset"`
	}
}

func (s *Server) listUnmatched(ctx context.Context, in *PageInput) (*listUnmatchedOutput, error) {
	list, more, err := s.store.FindUnmatchedInbound(ctx, actorFrom(ctx), in.page())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &listUnmatchedOutput{}
	out.Body.Items = make([]UnmatchedReply, 0, len(list))
	for _, r := range list {
		out.Body.Items = append(out.Body.Items, UnmatchedReply{ID: r.ID, Channel: r.Channel, From: r.UnmatchedFrom,
			Body: r.Body, MediaCount: r.MediaCount, ReceivedAt: r.ReceivedAt})
	}
	out.Body.NextOffset = in.next(more)
	return out, nil
}
