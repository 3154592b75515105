package app

import (
	"context"
	"strconv"

	"afspraak/models"
	"afspraak/notify"
	"afspraak/templates"
)

// PlanSession plans a session with the agenda of its template: a built-in key
// or the id of one of the actor's team templates. The store evaluates the
// policy and, through the outbox, queues the reminders in the same
// transaction.
func (a *App) PlanSession(ctx context.Context, actor models.Actor, in models.NewSession) (models.Session, error) {
	items, err := a.resolveTemplate(ctx, actor, in.Template)
	if err != nil {
		return models.Session{}, err
	}
	in.TemplateItems = items
	return a.Store.CreateSession(ctx, actor, in)
}

// resolveTemplate turns a built-in key or a team template's id into its items
// (Dutch for built-ins); a template that is not the actor's to use is an
// EINVALID error on the template field.
func (a *App) resolveTemplate(ctx context.Context, actor models.Actor, ref string) ([]models.TemplateItem, error) {
	if agenda, ok := templates.BuiltinAgenda(ref, "nl"); ok {
		items := make([]models.TemplateItem, len(agenda.Items))
		for i, it := range agenda.Items {
			items[i] = models.TemplateItem{Title: it.Title, Guidance: it.Guidance, Minutes: it.Minutes}
		}
		return items, nil
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return nil, models.Invalid("template", "template %q is neither a built-in (meldplicht, begeleiding, intake, evaluatie) nor a template id", ref)
	}
	t, err := a.Store.FindAgendaTemplateByID(ctx, actor, id)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return nil, models.Invalid("template", "template %d is not one of your team's templates", id)
	}
	if err != nil {
		return nil, err
	}
	items := make([]models.TemplateItem, len(t.Items))
	for i, it := range t.Items {
		items[i] = models.TemplateItem{Title: it.Title, Guidance: it.Guidance, Minutes: it.Minutes}
	}
	return items, nil
}

// Completed is a completed session with the summary message its completion
// queued (a zero Message when a repeated request finds none).
type Completed struct {
	Session models.Session
	Summary models.Message
}

// CompleteSession completes a session and queues its summary in the same
// transaction. With an idempotency key, a repeated request - also one that
// raced the first - gets the first one's answer and no second message; a key
// used for another session is EINVALID.
func (a *App) CompleteSession(ctx context.Context, actor models.Actor, id int64, in models.Completion) (Completed, error) {
	if in.IdempotencyKey != "" {
		if done, ok, err := a.completedBefore(ctx, actor, in.IdempotencyKey, id); ok || err != nil {
			return done, err
		}
	}
	sess, msg, err := a.Store.CompleteSession(ctx, actor, id, in)
	if err != nil && in.IdempotencyKey != "" && (models.ErrorCode(err) == models.ECONFLICT || models.IsUniqueViolation(err)) {
		if done, ok, err2 := a.completedBefore(ctx, actor, in.IdempotencyKey, id); ok || err2 != nil {
			return done, err2 // a concurrent request with the same key won
		}
	}
	return Completed{Session: sess, Summary: msg}, err
}

// completedBefore finds the answer of an earlier completion under key; ok is
// false when the key is unused.
func (a *App) completedBefore(ctx context.Context, actor models.Actor, key string, sessionID int64) (Completed, bool, error) {
	prev, err := a.Store.FindIdempotencyKey(ctx, actor.UserID, key)
	if err != nil || prev == 0 {
		return Completed{}, false, err
	}
	if prev != sessionID {
		return Completed{}, true, models.Errorf(models.EINVALID, "this Idempotency-Key was used to complete another session; use a new key")
	}
	sess, err := a.Store.FindSessionByID(ctx, actor, sessionID)
	if err != nil {
		return Completed{}, true, err
	}
	msgs, _, err := a.Store.FindMessages(ctx, actor, models.MessageFilter{SessionID: &sessionID})
	if err != nil {
		return Completed{}, true, err
	}
	done := Completed{Session: sess}
	for _, m := range msgs {
		if m.Kind == models.KindAgreementSummary && m.FallbackOf == nil {
			done.Summary = m
		}
	}
	return done, true, nil
}

// Preview is a session's summary exactly as it would be sent now.
type Preview struct {
	notify.Composed
	Language string // the client's
	// SMS is what the SMS fallback would send (and cost) when the WhatsApp
	// message fails; nil when there is none (no SMS consent, or SMS already).
	SMS *notify.Composed
}

// SummaryPreview composes the summary of a session in the actor's reach from
// the same data, by the same code, as the send.
func (a *App) SummaryPreview(ctx context.Context, actor models.Actor, sessionID int64) (Preview, error) {
	_, data, err := a.Store.SummaryData(ctx, actor, sessionID)
	if err != nil {
		return Preview{}, err
	}
	c, err := a.Composer.Summary(notify.SummaryInput(data))
	if err != nil {
		return Preview{}, err
	}
	p := Preview{Composed: c, Language: data.Client.Language}
	if c.Channel == notify.ChannelWhatsApp && data.Client.ConsentSMS {
		sms, err := a.Composer.SummaryOn(notify.SummaryInput(data), notify.ChannelSMS)
		if err != nil {
			return Preview{}, err
		}
		p.SMS = &sms
	}
	return p, nil
}
