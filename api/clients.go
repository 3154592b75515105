package api

import (
	"context"
	"time"

	"afspraak/models"
)

// Consent is a client's consent per channel.
type Consent struct {
	WhatsApp   bool       `json:"whatsapp"`
	WhatsAppAt *time.Time `json:"whatsapp_changed_at,omitempty"`
	SMS        bool       `json:"sms"`
	SMSAt      *time.Time `json:"sms_changed_at,omitempty"`
}

// ClientResponse is a client on the wire.
type ClientResponse struct {
	ID               int64       `json:"id"`
	Name             string      `json:"name"`
	Salutation       string      `json:"salutation" doc:"the aanspreeknaam messages use (default the first name)"`
	Phone            string      `json:"phone" doc:"E.164"`
	Language         string      `json:"language"`
	PreferredChannel string      `json:"preferred_channel"`
	Consent          Consent     `json:"consent"`
	RiskLevel        string      `json:"risk_level"`
	Phase            string      `json:"phase"`
	WorkerID         int64       `json:"worker_id"`
	TeamID           int64       `json:"team_id"`
	PhoneShared      bool        `json:"phone_shared" doc:"the number is shared with other clients (a household phone): replies reach all of them"`
	PhoneReview      bool        `json:"phone_review" doc:"the number was shared before the one-number rule; an admin should review it"`
	NumberCheck      NumberCheck `json:"number_check"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
}

// NumberCheck is whether the client confirmed the number is theirs.
type NumberCheck struct {
	State     string     `json:"state" enum:"unchecked,pending,confirmed,rejected,expired" doc:"nothing personal is sent before confirmed"`
	ChangedAt *time.Time `json:"changed_at,omitempty"`
	MessageID *int64     `json:"message_id,omitempty" doc:"the welcome message that asks"`
}

func toClientResponse(c models.Client) ClientResponse {
	return ClientResponse{ID: c.ID, Name: c.Name, Salutation: c.Salutation, Phone: c.Phone, Language: c.Language,
		PreferredChannel: c.PreferredChannel,
		Consent: Consent{WhatsApp: c.ConsentWhatsApp, WhatsAppAt: c.ConsentWhatsAppAt,
			SMS: c.ConsentSMS, SMSAt: c.ConsentSMSAt},
		RiskLevel: c.RiskLevel, Phase: c.Phase, WorkerID: c.WorkerID, TeamID: c.TeamID,
		PhoneShared: c.PhoneShared, PhoneReview: c.PhoneReview,
		NumberCheck: NumberCheck{State: c.NumberCheck, ChangedAt: c.NumberCheckAt, MessageID: c.NumberCheckMessageID},
		CreatedAt:   c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// ConsentInput sets consent per channel; an omitted channel is unchanged.
type ConsentInput struct {
	WhatsApp *bool `json:"whatsapp,omitempty"`
	SMS      *bool `json:"sms,omitempty"`
}

// ClientInput is the body of creating and updating a client.
type ClientInput struct {
	Name             *string       `json:"name,omitempty" minLength:"1" maxLength:"200"`
	Salutation       *string       `json:"salutation,omitempty" minLength:"1" maxLength:"60" doc:"how messages address the client; default the first name, no surname"`
	Phone            *string       `json:"phone,omitempty" maxLength:"40" doc:"any common form; NL is the default region"`
	Language         *string       `json:"language,omitempty" enum:"nl,en"`
	PreferredChannel *string       `json:"preferred_channel,omitempty" enum:"whatsapp,sms,none"`
	Consent          *ConsentInput `json:"consent,omitempty"`
	RiskLevel        *string       `json:"risk_level,omitempty" enum:"low,medium,high"`
	Phase            *string       `json:"phase,omitempty" enum:"start,middle,end"`
	WorkerID         *int64        `json:"worker_id,omitempty" minimum:"1" doc:"supervisors and admins: the worker who supervises the client"`
	PhoneShared      *bool         `json:"phone_shared,omitempty" doc:"true: this number is shared by several clients (a household phone); without it a number in use is refused with 409"`
}

func (in ClientInput) fields() models.ClientFields {
	f := models.ClientFields{Name: in.Name, Salutation: in.Salutation, Phone: in.Phone, Language: in.Language,
		PreferredChannel: in.PreferredChannel, RiskLevel: in.RiskLevel, Phase: in.Phase, WorkerID: in.WorkerID,
		PhoneShared: in.PhoneShared}
	if in.Consent != nil {
		f.ConsentWhatsApp, f.ConsentSMS = in.Consent.WhatsApp, in.Consent.SMS
	}
	return f
}

type clientOutput struct {
	Body ClientResponse
}

type createClientInput struct {
	Body ClientInput
}

func (s *Server) createClient(ctx context.Context, in *createClientInput) (*clientOutput, error) {
	c, err := s.store.CreateClient(ctx, actorFrom(ctx), in.Body.fields())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &clientOutput{Body: toClientResponse(c)}, nil
}

type idInput struct {
	ID int64 `path:"id" minimum:"1"`
}

func (s *Server) getClient(ctx context.Context, in *idInput) (*clientOutput, error) {
	c, err := s.store.FindClientByID(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &clientOutput{Body: toClientResponse(c)}, nil
}

type updateClientInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body ClientInput
}

func (s *Server) updateClient(ctx context.Context, in *updateClientInput) (*clientOutput, error) {
	c, err := s.store.UpdateClient(ctx, actorFrom(ctx), in.ID, in.Body.fields())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &clientOutput{Body: toClientResponse(c)}, nil
}

// PageInput is limit/offset pagination on list endpoints.
type PageInput struct {
	Limit  int `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Offset int `query:"offset" minimum:"0" default:"0"`
}

func (p PageInput) page() models.Page { return models.Page{Limit: p.Limit, Offset: p.Offset} }

// next returns the offset of the following page, nil on the last one.
func (p PageInput) next(more bool) *int {
	if !more {
		return nil
	}
	n := p.Offset + p.Limit
	return &n
}

type listClientsInput struct {
	PageInput
	WorkerID    int64 `query:"worker_id" minimum:"0"`
	PhoneReview bool  `query:"phone_review" doc:"only clients whose number was shared before the one-number rule"`
}

type listClientsOutput struct {
	Body struct {
		Items      []ClientResponse `json:"items"`
		NextOffset *int             `json:"next_offset"`
	}
}

func (s *Server) listClients(ctx context.Context, in *listClientsInput) (*listClientsOutput, error) {
	f := models.ClientFilter{Page: in.page()}
	if in.WorkerID != 0 {
		f.WorkerID = &in.WorkerID
	}
	f.PhoneReview = in.PhoneReview
	list, more, err := s.store.FindClients(ctx, actorFrom(ctx), f)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &listClientsOutput{}
	out.Body.Items = make([]ClientResponse, 0, len(list))
	for _, c := range list {
		out.Body.Items = append(out.Body.Items, toClientResponse(c))
	}
	out.Body.NextOffset = in.next(more)
	return out, nil
}
