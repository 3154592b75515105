package api

import (
	"context"

	"afspraak/models"
	"afspraak/notify"
)

// SummaryPreviewResponse is the client's summary as it would be sent.
type SummaryPreviewResponse struct {
	Channel          string            `json:"channel" doc:"whatsapp or sms; empty when nothing can be sent"`
	SkipReason       string            `json:"skip_reason,omitempty" doc:"why nothing would be sent"`
	Language         string            `json:"language"`
	Body             string            `json:"body,omitempty"`
	ContentSID       string            `json:"content_sid,omitempty"`
	ContentVariables map[string]string `json:"content_variables,omitempty" doc:"WhatsApp template variables, one line each"`
	Encoding         string            `json:"encoding" enum:"GSM-7,UCS-2"`
	Segments         int               `json:"segments" doc:"SMS segments the text costs"`
}

func toPreview(c notify.Composed, lang string) SummaryPreviewResponse {
	return SummaryPreviewResponse{Channel: c.Channel, SkipReason: c.SkipReason, Language: lang, Body: c.Body,
		ContentSID: c.ContentSID, ContentVariables: c.Variables, Encoding: string(c.Encoding), Segments: c.Segments}
}

// summaryInput gathers what a session's summary is made of.
func (s *Server) summaryInput(ctx context.Context, sess models.Session) (notify.SummaryInput, error) {
	a := actorFrom(ctx)
	client, err := s.Store.FindClientByID(ctx, a, sess.ClientID)
	if err != nil {
		return notify.SummaryInput{}, err
	}
	worker, err := s.Store.FindUserByID(ctx, sess.WorkerID)
	if err != nil {
		return notify.SummaryInput{}, err
	}
	ags, err := s.Store.FindAgreements(ctx, models.AgreementFilter{SessionID: &sess.ID})
	if err != nil {
		return notify.SummaryInput{}, err
	}
	next, err := s.Store.FindNextSession(ctx, sess.ClientID, sess.ScheduledAt)
	if err != nil {
		return notify.SummaryInput{}, err
	}
	return notify.SummaryInput{Client: client, WorkerName: worker.Name, Agreements: ags, Next: next}, nil
}

type previewOutput struct {
	Body SummaryPreviewResponse
}

func (s *Server) summaryPreview(ctx context.Context, in *idInput) (*previewOutput, error) {
	sess, err := s.Store.FindSessionByID(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	si, err := s.summaryInput(ctx, sess)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	c, err := s.Composer.Summary(si)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	return &previewOutput{Body: toPreview(c, si.Client.Language)}, nil
}

type completeSessionInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		SendSummary bool     `json:"send_summary" doc:"send the agreements to the client"`
		RiskSignals []string `json:"risk_signals,omitempty" maxItems:"20" doc:"from the configured vocabulary"`
		Notes       string   `json:"notes,omitempty" maxLength:"20000"`
	}
}

type completeSessionOutput struct {
	Body struct {
		SessionResponse
		Summary *SummaryPreviewResponse `json:"summary,omitempty" doc:"the summary built for the client when send_summary is true"`
	}
}

func (s *Server) completeSession(ctx context.Context, in *completeSessionInput) (*completeSessionOutput, error) {
	sess, err := s.Store.CompleteSession(ctx, actorFrom(ctx), in.ID, models.Completion{
		RiskSignals: in.Body.RiskSignals, Notes: in.Body.Notes, SendSummary: in.Body.SendSummary}, nil)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	detail, err := s.sessionDetail(ctx, sess)
	if err != nil {
		return nil, err
	}
	out := &completeSessionOutput{}
	out.Body.SessionResponse = detail.Body
	if sess.SendSummary {
		si, err := s.summaryInput(ctx, sess)
		if err != nil {
			return nil, s.httpError(ctx, err)
		}
		c, err := s.Composer.Summary(si)
		if err != nil {
			return nil, s.httpError(ctx, err)
		}
		p := toPreview(c, si.Client.Language)
		out.Body.Summary = &p
	}
	return out, nil
}
