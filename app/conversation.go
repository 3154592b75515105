package app

import (
	"context"

	"afspraak/models"
)

// AnswerClient queues a worker's answer to a client: within contact hours
// only (the worker's evening is protected too), by free text on WhatsApp
// only inside the 24-hour window the client's last WhatsApp message opened,
// and never to a number that is not confirmed or after STOP (the store
// checks those). It goes through the same queue as every message: sent once,
// with its delivery status.
func (a *App) AnswerClient(ctx context.Context, actor models.Actor, clientID int64, ans models.Answer) (models.Message, error) {
	// Out of reach is a 404 before anything else: the refusal must not tell
	// that the client exists.
	if _, err := a.Store.FindClientByID(ctx, actor, clientID); err != nil {
		return models.Message{}, err
	}
	if now := a.clock(); !a.Composer.Hours.Within(now) {
		return models.Message{}, models.Errorf(models.ECONFLICT,
			"buiten de contacttijden (%s) gaat er niets naar cliënten; probeer het %s opnieuw (outside contact hours nothing is sent to clients)",
			a.Composer.Hours.String(), a.Composer.Hours.Next(now).In(a.Location()).Format("02-01-2006 15:04"))
	}
	var m models.Message
	err := a.Store.Write(ctx, func(tx models.Tx) error {
		var err error
		if m, err = a.Store.NewAnswerTx(tx, actor, clientID, ans); err != nil {
			return err
		}
		return a.Dispatcher.QueueTx(ctx, tx, &m)
	})
	return m, err
}
