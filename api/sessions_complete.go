package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"gorm.io/gorm"

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

// summaryInput gathers what a session's summary is made of, as it is sent.
func (s *Server) summaryInput(ctx context.Context, sess models.Session) (notify.SummaryInput, error) {
	d, err := s.Store.SummaryData(ctx, sess)
	return notify.SummaryInput(d), err
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
	u, key := userFrom(ctx), in.IdempotencyKey
	if key != "" {
		if out, done, err := s.completedBefore(ctx, u.ID, key, in.ID); done || err != nil {
			return out, err
		}
	}
	var msg models.Message
	sess, err := s.Store.CompleteSession(ctx, actorFrom(ctx), in.ID, models.Completion{
		RiskSignals: in.Body.RiskSignals, Notes: in.Body.Notes, SendSummary: in.Body.SendSummary},
		func(tx *gorm.DB, sess models.Session) error {
			if key != "" {
				if err := s.Store.RecordIdempotencyKeyTx(tx, u.ID, key, sess.ID); err != nil {
					return err
				}
			}
			var err error
			msg, err = s.Notifier.QueueSummaryTx(ctx, tx, sess)
			return err
		})
	if err != nil {
		if key != "" && (models.ErrorCode(err) == models.ECONFLICT || models.IsUniqueViolation(err)) {
			if out, done, err2 := s.completedBefore(ctx, u.ID, key, in.ID); done || err2 != nil {
				return out, err2 // a concurrent request with the same key won
			}
		}
		return nil, s.httpError(ctx, err)
	}
	return s.completionAnswer(ctx, sess, msg)
}

// completedBefore answers a repeated completion with the first one's answer.
func (s *Server) completedBefore(ctx context.Context, userID int64, key string, sessionID int64) (*completeSessionOutput, bool, error) {
	prev, err := s.Store.FindIdempotencyKey(ctx, userID, key)
	if err != nil || prev == 0 {
		return nil, false, s.httpErrorOrNil(ctx, err)
	}
	if prev != sessionID {
		return nil, true, huma.Error422UnprocessableEntity("this Idempotency-Key was used to complete another session; use a new key")
	}
	sess, err := s.Store.FindSessionByID(ctx, actorFrom(ctx), sessionID)
	if err != nil {
		return nil, true, s.httpError(ctx, err)
	}
	msgs, _, err := s.Store.FindMessages(ctx, actorFrom(ctx), models.MessageFilter{SessionID: &sessionID})
	if err != nil {
		return nil, true, s.httpError(ctx, err)
	}
	var summary models.Message
	for _, m := range msgs {
		if m.Kind == models.KindAgreementSummary && m.FallbackOf == nil {
			summary = m
		}
	}
	out, err := s.completionAnswer(ctx, sess, summary)
	return out, true, err
}

func (s *Server) httpErrorOrNil(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	return s.httpError(ctx, err)
}

func (s *Server) completionAnswer(ctx context.Context, sess models.Session, msg models.Message) (*completeSessionOutput, error) {
	detail, err := s.sessionDetail(ctx, sess)
	if err != nil {
		return nil, err
	}
	out := &completeSessionOutput{}
	out.Body.SessionResponse = detail.Body
	out.Body.SummaryMessage = SummaryMessageResponse{Channel: msg.Channel, Status: msg.Status,
		SkipReason: msg.SkipReason, ScheduledFor: msg.ScheduledFor}
	if msg.ID != 0 {
		out.Body.SummaryMessage.ID = &msg.ID
	}
	return out, nil
}
