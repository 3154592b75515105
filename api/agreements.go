package api

import (
	"context"

	"afspraak/models"
)

// AgreementInput is the body of creating or changing an agreement.
type AgreementInput struct {
	Text             *string `json:"text,omitempty" minLength:"1" maxLength:"300" doc:"at most 300 characters, so that a summary fits Twilio's limits"`
	Owner            *string `json:"owner,omitempty" enum:"client,worker" doc:"who keeps it; default client"`
	DueDate          *string `json:"due_date,omitempty" doc:"YYYY-MM-DD; empty clears it"`
	IncludeInSummary *bool   `json:"include_in_summary,omitempty" doc:"default true; false keeps it out of the client's message"`
	Status           *string `json:"status,omitempty" enum:"open,kept,not_kept,cancelled"`
}

func (in AgreementInput) fields() models.AgreementFields {
	return models.AgreementFields{Text: in.Text, Owner: in.Owner, DueDate: in.DueDate,
		IncludeInSummary: in.IncludeInSummary, Status: in.Status}
}

type agreementOutput struct {
	Body AgreementResponse
}

type createAgreementInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body AgreementInput
}

func (s *Server) createAgreement(ctx context.Context, in *createAgreementInput) (*agreementOutput, error) {
	ag, err := s.store.CreateAgreement(ctx, actorFrom(ctx), in.ID, in.Body.fields())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &agreementOutput{Body: toAgreementResponse(ag)}, nil
}

type updateAgreementInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body AgreementInput
}

func (s *Server) updateAgreement(ctx context.Context, in *updateAgreementInput) (*agreementOutput, error) {
	ag, err := s.store.UpdateAgreement(ctx, actorFrom(ctx), in.ID, in.Body.fields())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &agreementOutput{Body: toAgreementResponse(ag)}, nil
}

type clientAgreementsInput struct {
	ID     int64  `path:"id" minimum:"1"`
	Status string `query:"status" enum:"open,kept,not_kept,cancelled,"`
}

type agreementsOutput struct {
	Body struct {
		Items []AgreementResponse `json:"items"`
	}
}

func (s *Server) clientAgreements(ctx context.Context, in *clientAgreementsInput) (*agreementsOutput, error) {
	if _, err := s.store.FindClientByID(ctx, actorFrom(ctx), in.ID); err != nil {
		return nil, s.httpError(ctx, err)
	}
	list, err := s.store.FindAgreements(ctx, actorFrom(ctx), models.AgreementFilter{ClientID: &in.ID, Status: in.Status})
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &agreementsOutput{}
	out.Body.Items = toAgreementResponses(list)
	return out, nil
}
