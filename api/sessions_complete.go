package api

import (
	"context"
	"time"

	"afspraak/models"
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
	Segments         int               `json:"segments" doc:"SMS segments the text costs, all parts together"`
	Parts            []string          `json:"parts,omitempty" doc:"when the text is longer than one message may be (1,600 characters): the messages it is sent as"`
	TooLong          string            `json:"too_long,omitempty" doc:"why the summary does not fit Twilio's limits and what to do; completing with send_summary is refused until it fits"`
	SMSFallback      *SMSPreview       `json:"sms_fallback,omitempty" doc:"what goes by SMS when the WhatsApp message fails (the client consented to SMS)"`
}

// SMSPreview is a text as it would go by SMS, and what it costs.
type SMSPreview struct {
	Parts    []string `json:"parts"`
	Encoding string   `json:"encoding" enum:"GSM-7,UCS-2"`
	Segments int      `json:"segments" doc:"SMS segments of all parts together"`
	TooLong  string   `json:"too_long,omitempty"`
}

type previewOutput struct {
	Body SummaryPreviewResponse
}

func (s *Server) summaryPreview(ctx context.Context, in *idInput) (*previewOutput, error) {
	p, err := s.app.SummaryPreview(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	out := &previewOutput{Body: SummaryPreviewResponse{Channel: p.Channel, SkipReason: p.SkipReason, Language: p.Language,
		Body: p.Body, ContentSID: p.ContentSID, ContentVariables: p.Variables, Encoding: string(p.Encoding), Segments: p.Segments,
		TooLong: p.TooLong}}
	if len(p.More) > 0 {
		out.Body.Parts = p.Parts()
	}
	if p.SMS != nil {
		out.Body.SMSFallback = &SMSPreview{Parts: p.SMS.Parts(), Encoding: string(p.SMS.Encoding), Segments: p.SMS.Segments,
			TooLong: p.SMS.TooLong}
	}
	return out, nil
}

type completeSessionInput struct {
	ID             int64  `path:"id" minimum:"1"`
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"200" doc:"repeat the request with the same key to get the same answer and one message"`
	Body           struct {
		SendSummary bool     `json:"send_summary" doc:"send the agreements to the client"`
		RiskSignals []string `json:"risk_signals,omitempty" maxItems:"20" doc:"from the configured vocabulary"`
		Notes       string   `json:"notes,omitempty" maxLength:"20000"`
	}
}

// SummaryMessageResponse is the summary queued at completion.
type SummaryMessageResponse struct {
	ID           *int64     `json:"id"`
	Channel      string     `json:"channel"`
	Status       string     `json:"status" doc:"queued, scheduled, dry_run or skipped; later the provider's status"`
	SkipReason   string     `json:"skip_reason,omitempty"`
	ScheduledFor *time.Time `json:"scheduled_for,omitempty"`
}

type completeSessionOutput struct {
	Body struct {
		SessionResponse
		SummaryMessage SummaryMessageResponse `json:"summary_message"`
	}
}

func (s *Server) completeSession(ctx context.Context, in *completeSessionInput) (*completeSessionOutput, error) {
	done, err := s.app.CompleteSession(ctx, actorFrom(ctx), in.ID, models.Completion{RiskSignals: in.Body.RiskSignals,
		Notes: in.Body.Notes, SendSummary: in.Body.SendSummary, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, s.httpError(ctx, err)
	}
	detail, err := s.sessionDetail(ctx, done.Session)
	if err != nil {
		return nil, err
	}
	msg := done.Summary
	out := &completeSessionOutput{}
	out.Body.SessionResponse = detail.Body
	out.Body.SummaryMessage = SummaryMessageResponse{Channel: msg.Channel, Status: msg.Status,
		SkipReason: msg.SkipReason, ScheduledFor: msg.ScheduledFor}
	if msg.ID != 0 {
		out.Body.SummaryMessage.ID = &msg.ID
	}
	return out, nil
}
