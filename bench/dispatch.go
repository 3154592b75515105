package bench

import (
	"context"
	"fmt"
	"time"

	"afspraak/models"
	"afspraak/notify"
)

// dispatchResult is how fast the queue drained a batch of queued messages.
type dispatchResult struct {
	N       int
	Sent    int
	Elapsed time.Duration
	PerSec  float64
}

// dispatch queues n messages (rows and send jobs in one transaction, as the
// dispatcher does) and times the River workers sending all of them through
// twilio-go to the fake, with the rate limit off.
func (b *bench) dispatch(ctx context.Context, p *population, n int) (dispatchResult, error) {
	e := b.env
	stopProfile := b.phaseProfile("dispatch")
	defer stopProfile()
	before := e.sent.count()
	body := "Afspraken van vandaag: melden bij de wijkagent op dinsdag."
	err := e.store.Write(ctx, func(tx models.Tx) error {
		for i := range n {
			w := p.workers[i%len(p.workers)]
			k := (i / len(p.workers)) % len(w.clients)
			m := models.Message{ClientID: w.clients[k], Kind: models.KindReminder, Channel: notify.ChannelSMS,
				Recipient: w.phones[k], Body: &body, Status: models.MessageQueued}
			if err := e.store.CreateMessageTx(tx, &m); err != nil {
				return err
			}
			if _, err := e.queue.InsertTx(ctx, tx.SQL(), notify.SendMessageArgs{MessageID: m.ID}, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return dispatchResult{}, fmt.Errorf("bench: queue messages: %w", err)
	}
	start := time.Now()
	rec := newRecorder()
	stop := b.progress("dispatch", 0, start, rec)
	defer stop()
	deadline := start.Add(2 * time.Minute) // bounded even if sends fail
	last := before
	for time.Now().Before(deadline) && ctx.Err() == nil {
		c := e.sent.count()
		for range c - last {
			rec.add("sent", 0, false)
		}
		last = c
		if c-before >= n {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	el := time.Since(start)
	sent := e.sent.count() - before
	return dispatchResult{N: n, Sent: sent, Elapsed: el, PerSec: float64(sent) / el.Seconds()}, nil
}
