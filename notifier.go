package main

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/twilio/twilio-go/client"

	"afspraak/api"
	"afspraak/models"
	"afspraak/notify"
)

// newNotifier wires the messaging pipeline: the sender (Twilio, or dry-run
// without credentials), the dispatcher and its job queue; it fills in the
// server's notifier, composer and webhook validator.
func newNotifier(cfg Config, store *models.Store, sqlDB *sql.DB, srv *api.Server, logger *slog.Logger) (*notify.Queue, error) {
	hours, err := notify.NewContactHours(cfg.Notify.ContactHours.Timezone, cfg.Notify.ContactHours.Days,
		cfg.Notify.ContactHours.Start, cfg.Notify.ContactHours.End)
	if err != nil {
		return nil, err
	}
	composer := notify.Composer{ContentSIDs: cfg.Twilio.ContentSIDs, Hours: hours, CrisisNumber: cfg.Notify.CrisisNumber}
	d := &notify.Dispatcher{Store: store, Composer: composer, PublicBaseURL: cfg.Server.PublicBaseURL,
		Limiter: notify.NewLimiter(cfg.Twilio.RatePerSecond), Logger: logger, Metrics: notify.NewMetrics(srv.Registry()),
		ReminderOffsets: cfg.Notify.ReminderOffsets, NoShowGrace: cfg.Sessions.NoShowGrace,
		RetentionDays: cfg.Retention.MessageBodyDays}
	if cfg.Twilio.AccountSID == "" {
		d.Sender = notify.DryRunSender{Logger: logger}
		logger.Warn("no Twilio account configured: dry-run sender, nothing leaves this machine")
	} else {
		ts, err := notify.NewTwilioSender(notify.TwilioConfig{AccountSID: cfg.Twilio.AccountSID, AuthToken: cfg.Twilio.AuthToken,
			APIBaseURL: cfg.Twilio.APIBaseURL, SMSFrom: cfg.Twilio.SMSFrom, WhatsAppFrom: cfg.Twilio.WhatsAppFrom,
			Timeout: cfg.Twilio.Timeout})
		if err != nil {
			return nil, err
		}
		d.Sender, d.Finder = ts, ts
		v := client.NewRequestValidator(cfg.Twilio.AuthToken)
		srv.Validator = &v
	}
	queue, err := notify.NewQueue(sqlDB, notify.QueueConfig{Driver: cfg.Database.Driver, Workers: d.Workers(),
		PeriodicJobs: notify.PeriodicJobs(), Logger: logger,
		// A job whose process was killed runs again within a minute of restart:
		// River's rescuer looks every 30 s for jobs running longer than this.
		JobTimeout: 20 * time.Second, RescueAfter: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	d.Queue = queue
	store.OnSessionPlanned = d.ScheduleRemindersTx
	srv.Composer, srv.Notifier = composer, d
	return queue, nil
}

// stopQueue lets running jobs finish, within the shutdown timeout.
func stopQueue(q *notify.Queue, timeout time.Duration, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		logger.Warn("job queue stopped with jobs still running; they run again after restart", slog.String("error", err.Error()))
	}
}
