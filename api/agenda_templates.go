package api

import (
	"context"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"afspraak/models"
	"afspraak/templates"
)

// TemplateItemBody is one item of an agenda template.
type TemplateItemBody struct {
	Title    string `json:"title" minLength:"1" maxLength:"300"`
	Guidance string `json:"guidance,omitempty" maxLength:"2000"`
	Minutes  int    `json:"minutes" minimum:"1" maximum:"240"`
}

// AgendaTemplateResponse is a built-in or team template.
type AgendaTemplateResponse struct {
	ID      *int64             `json:"id" doc:"null for built-ins"`
	Key     string             `json:"key,omitempty" doc:"built-ins only"`
	Name    string             `json:"name"`
	Builtin bool               `json:"builtin"`
	TeamID  *int64             `json:"team_id"`
	Items   []TemplateItemBody `json:"items"`
}

func builtinResponse(key, lang string) (AgendaTemplateResponse, bool) {
	a, ok := templates.BuiltinAgenda(key, lang)
	if !ok {
		return AgendaTemplateResponse{}, false
	}
	r := AgendaTemplateResponse{Key: a.Key, Name: a.Name, Builtin: true, Items: make([]TemplateItemBody, len(a.Items))}
	for i, it := range a.Items {
		r.Items[i] = TemplateItemBody{Title: it.Title, Guidance: it.Guidance, Minutes: it.Minutes}
	}
	return r, true
}

func teamTemplateResponse(t models.AgendaTemplate) AgendaTemplateResponse {
	r := AgendaTemplateResponse{ID: &t.ID, Name: t.Name, TeamID: &t.TeamID, Items: make([]TemplateItemBody, len(t.Items))}
	for i, it := range t.Items {
		r.Items[i] = TemplateItemBody{Title: it.Title, Guidance: it.Guidance, Minutes: it.Minutes}
	}
	return r
}

type listTemplatesInput struct {
	Lang string `query:"lang" enum:"nl,en," doc:"language of the built-ins; default nl"`
}

type listTemplatesOutput struct {
	Body struct {
		Items []AgendaTemplateResponse `json:"items"`
	}
}

func (s *Server) listAgendaTemplates(ctx context.Context, in *listTemplatesInput) (*listTemplatesOutput, error) {
	out := &listTemplatesOutput{}
	for _, key := range templates.BuiltinAgendaKeys() {
		r, _ := builtinResponse(key, in.Lang)
		out.Body.Items = append(out.Body.Items, r)
	}
	list, err := s.store.FindAgendaTemplates(ctx, actorFrom(ctx))
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	for _, t := range list {
		out.Body.Items = append(out.Body.Items, teamTemplateResponse(t))
	}
	return out, nil
}

type templateRefInput struct {
	Ref  string `path:"id" doc:"built-in key or team template id"`
	Lang string `query:"lang" enum:"nl,en,"`
}

type templateOutput struct {
	Body AgendaTemplateResponse
}

func (s *Server) getAgendaTemplate(ctx context.Context, in *templateRefInput) (*templateOutput, error) {
	if r, ok := builtinResponse(in.Ref, in.Lang); ok {
		return &templateOutput{Body: r}, nil
	}
	id, err := strconv.ParseInt(in.Ref, 10, 64)
	if err != nil {
		return nil, huma.Error404NotFound("agenda template " + strconv.Quote(in.Ref) + " not found")
	}
	t, err := s.store.FindAgendaTemplateByID(ctx, actorFrom(ctx), id)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &templateOutput{Body: teamTemplateResponse(t)}, nil
}

// TemplateBody is the content of a team template.
type TemplateBody struct {
	Name  string             `json:"name" minLength:"1" maxLength:"200"`
	Items []TemplateItemBody `json:"items" minItems:"1" maxItems:"50"`
}

func (b TemplateBody) fields() models.TemplateFields {
	f := models.TemplateFields{Name: b.Name}
	for _, it := range b.Items {
		f.Items = append(f.Items, models.TemplateItem(it))
	}
	return f
}

type createTemplateInput struct {
	Body TemplateBody
}

func (s *Server) createAgendaTemplate(ctx context.Context, in *createTemplateInput) (*templateOutput, error) {
	t, err := s.store.CreateAgendaTemplate(ctx, actorFrom(ctx), in.Body.fields())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &templateOutput{Body: teamTemplateResponse(t)}, nil
}

type replaceTemplateInput struct {
	Ref  string `path:"id"`
	Body TemplateBody
}

// teamTemplateID parses a team template id; built-ins are read-only.
func teamTemplateID(ref string) (int64, error) {
	if _, ok := templates.BuiltinAgenda(ref, "nl"); ok {
		return 0, huma.Error403Forbidden("built-in templates are read-only; create a team template instead")
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return 0, huma.Error404NotFound("agenda template " + strconv.Quote(ref) + " not found")
	}
	return id, nil
}

func (s *Server) replaceAgendaTemplate(ctx context.Context, in *replaceTemplateInput) (*templateOutput, error) {
	id, err := teamTemplateID(in.Ref)
	if err != nil {
		return nil, err
	}
	t, err := s.store.ReplaceAgendaTemplate(ctx, actorFrom(ctx), id, in.Body.fields())
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &templateOutput{Body: teamTemplateResponse(t)}, nil
}

type deleteTemplateInput struct {
	Ref string `path:"id"`
}

func (s *Server) deleteAgendaTemplate(ctx context.Context, in *deleteTemplateInput) (*struct{}, error) {
	id, err := teamTemplateID(in.Ref)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteAgendaTemplate(ctx, actorFrom(ctx), id); err != nil {
		return nil, s.httpError(ctx, err)
	}
	return nil, nil
}
