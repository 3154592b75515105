package notify

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"afspraak/models"
	"afspraak/templates"
)

// fallbackTx queues an SMS copy of a WhatsApp message that could not be
// delivered, when the client consented to SMS.
func (d *Dispatcher) fallbackTx(ctx context.Context, tx models.Tx, failed models.Message) error {
	client, err := d.Store.FindClientTx(tx, failed.ClientID)
	if err != nil || !client.ConsentSMS {
		return err
	}
	var c Composed
	switch {
	case failed.Body != nil:
		// The same text by SMS: each part of a summary sent in parts
		// falls back as itself.
		c = Composed{Channel: ChannelSMS, Body: *failed.Body}
	case failed.Kind == models.KindAgreementSummary && failed.SessionID != nil:
		sess, err := d.Store.FindSessionTx(tx, *failed.SessionID)
		if err != nil {
			return err
		}
		data, err := d.Store.SummaryDataTx(tx, sess)
		if err != nil {
			return err
		}
		c, err = d.Composer.SummaryOn(SummaryInput(data), ChannelSMS)
		if err != nil {
			return err
		}
	default:
		return nil // a template without a body we can reproduce
	}
	if c.TooLong != "" {
		return nil // cannot go by SMS within Twilio's limits either
	}
	_, err = d.queuePartsTx(ctx, tx, c, failed.Kind, client, failed.SessionID, &failed.ID)
	return err
}

// ReminderWorker creates the reminder of a session that still takes place.
type ReminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	D *Dispatcher
}

// Work queues the reminder message, unless the session moved or was cancelled.
func (w *ReminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	d := w.D
	return d.Store.Write(ctx, func(tx models.Tx) error {
		sess, err := d.Store.FindSessionTx(tx, job.Args.SessionID)
		// Compared to the microsecond: the job keeps the time as it was
		// given, nanoseconds and all, while PostgreSQL stores microseconds.
		same := sess.ScheduledAt.Truncate(time.Microsecond).Equal(job.Args.ScheduledAt.Truncate(time.Microsecond))
		if err != nil || sess.Status != models.SessionPlanned || !same {
			return err // moved, cancelled or held: nothing to remind
		}
		now := d.now()
		if !d.Composer.Hours.Within(now) && !d.Composer.Hours.Next(now).Before(sess.ScheduledAt) {
			return nil // the next contact window opens after the session: too late to remind
		}
		if prev, ok, err := d.Store.LastSessionMessageTx(tx, sess.ID, models.KindReminder); err != nil {
			return err
		} else if ok && prev.Status != models.MessageSkipped && d.Composer.Hours.SameWindow(cmp.Or(ptrTime(prev.ScheduledFor), prev.CreatedAt), now) {
			// One reminder per session per contact window: a second one
			// would arrive with the first, saying the same.
			_, err = CompleteTx(ctx, tx.SQL(), job)
			return err
		}
		err = d.queueAboutTx(ctx, tx, templates.KindReminder, sess, templates.MessageData{
			SessionAt: sess.ScheduledAt, ClientCalls: sess.Initiator == "client", NextModality: sess.Modality})
		if err != nil {
			return err
		}
		// The job completes in the transaction that stores its reminder, so a
		// crash cannot leave a stored reminder with a job that runs again.
		_, err = CompleteTx(ctx, tx.SQL(), job)
		return err
	})
}

// NoShowWorker marks missed client-initiated sessions and nudges the client.
type NoShowWorker struct {
	river.WorkerDefaults[NoShowSweepArgs]
	D *Dispatcher
}

// Work runs one sweep.
func (w *NoShowWorker) Work(ctx context.Context, _ *river.Job[NoShowSweepArgs]) error {
	d := w.D
	list, err := d.Store.MarkNoShows(ctx, d.NoShowGrace, func(tx models.Tx, list []models.Session) error {
		for _, sess := range list {
			err := d.queueAboutTx(ctx, tx, templates.KindNoShowNudge, sess, templates.MessageData{
				SessionAt: sess.ScheduledAt, ClientCalls: true, NextModality: sess.Modality})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if len(list) > 0 {
		d.Logger.InfoContext(ctx, "sessions marked no_show", slog.Int("count", len(list)))
	}
	return err
}

// RetentionWorker purges message bodies past the retention period.
type RetentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	D *Dispatcher
}

// Work purges once.
func (w *RetentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	d := w.D
	n, err := d.Store.PurgeMessageBodies(ctx, d.now().AddDate(0, 0, -d.RetentionDays))
	if n > 0 {
		d.Logger.InfoContext(ctx, "message bodies purged", slog.Int64("count", n))
	}
	return err
}

// NumberCheckExpiryWorker ends number checks that were not answered.
type NumberCheckExpiryWorker struct {
	river.WorkerDefaults[NumberCheckExpiryArgs]
	D *Dispatcher
}

// Work marks the check expired when it is still the pending one: the
// messages that waited are skipped, and the worker sees the number as not
// confirmed.
func (w *NumberCheckExpiryWorker) Work(ctx context.Context, job *river.Job[NumberCheckExpiryArgs]) error {
	d := w.D
	return d.Store.Write(ctx, func(tx models.Tx) error {
		welcome := job.Args.MessageID
		_, _, changed, err := d.Store.SetNumberCheckTx(tx, job.Args.ClientID, &welcome, models.NumberExpired)
		if err == nil && changed {
			d.Logger.InfoContext(ctx, "number check not answered in time", slog.Int64("client_id", job.Args.ClientID))
		}
		return err
	})
}

// Workers registers every job worker of the dispatcher.
func (d *Dispatcher) Workers() *river.Workers {
	ws := river.NewWorkers()
	river.AddWorker(ws, &SendWorker{D: d})
	river.AddWorker(ws, &ReminderWorker{D: d})
	river.AddWorker(ws, &NoShowWorker{D: d})
	river.AddWorker(ws, &RetentionWorker{D: d})
	river.AddWorker(ws, &NumberCheckExpiryWorker{D: d})
	return ws
}

// PeriodicJobs are the sweeps: no-shows every minute, retention hourly.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return NoShowSweepArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
}

// ptrTime is *t, or the zero time for nil.
func ptrTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
