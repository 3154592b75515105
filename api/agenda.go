package api

import (
	"context"

	"afspraak/models"
)

// AgendaItemInput is the body of adding or changing an agenda item.
type AgendaItemInput struct {
	Title    *string `json:"title,omitempty" minLength:"1" maxLength:"300"`
	Guidance *string `json:"guidance,omitempty" maxLength:"2000"`
	Minutes  *int    `json:"minutes,omitempty" minimum:"0" maximum:"240"`
	Done     *bool   `json:"done,omitempty" doc:"ticked off"`
	Notes    *string `json:"notes,omitempty" maxLength:"10000"`
	Position *int    `json:"position,omitempty" minimum:"1" doc:"1-based; moves the item, the others shift"`
}

func (in AgendaItemInput) fields() models.AgendaItemFields {
	return models.AgendaItemFields{Title: in.Title, Guidance: in.Guidance, Minutes: in.Minutes, Done: in.Done,
		Notes: in.Notes, Position: in.Position}
}

type agendaItemOutput struct {
	Body AgendaItemResponse
}

type addAgendaItemInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body AgendaItemInput
}

func (s *Server) addAgendaItem(ctx context.Context, in *addAgendaItemInput) (*agendaItemOutput, error) {
	it, err := s.store.AddAgendaItem(ctx, actorFrom(ctx), in.ID, in.Body.fields())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &agendaItemOutput{Body: toAgendaItemResponse(it)}, nil
}

type updateAgendaItemInput struct {
	ID     int64 `path:"id" minimum:"1"`
	ItemID int64 `path:"item_id" minimum:"1"`
	Body   AgendaItemInput
}

func (s *Server) updateAgendaItem(ctx context.Context, in *updateAgendaItemInput) (*agendaItemOutput, error) {
	it, err := s.store.UpdateAgendaItem(ctx, actorFrom(ctx), in.ID, in.ItemID, in.Body.fields())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &agendaItemOutput{Body: toAgendaItemResponse(it)}, nil
}

type deleteAgendaItemInput struct {
	ID     int64 `path:"id" minimum:"1"`
	ItemID int64 `path:"item_id" minimum:"1"`
}

func (s *Server) deleteAgendaItem(ctx context.Context, in *deleteAgendaItemInput) (*struct{}, error) {
	if err := s.store.DeleteAgendaItem(ctx, actorFrom(ctx), in.ID, in.ItemID); err != nil {
		return nil, s.httpError(ctx, err)
	}
	return nil, nil
}
