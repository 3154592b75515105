package notify

import (
	"time"

	"github.com/riverqueue/river"
)

// SendMessageArgs sends one stored message.
type SendMessageArgs struct {
	MessageID int64 `json:"message_id"`
	// Released is when a message that waited for the number check was
	// released: its new job must not count as a copy of the finished one.
	Released int64 `json:"released,omitempty"`
}

// Kind names the job.
func (SendMessageArgs) Kind() string { return "send_message" }

// InsertOpts makes a message's job unique: it is queued once.
func (SendMessageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 12, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ReminderArgs creates a reminder for a session, if it still takes place at
// ScheduledAt (a moved or cancelled session makes the job a no-op).
type ReminderArgs struct {
	SessionID   int64         `json:"session_id"`
	ScheduledAt time.Time     `json:"scheduled_at"`
	Offset      time.Duration `json:"offset"`
}

// Kind names the job.
func (ReminderArgs) Kind() string { return "session_reminder" }

// InsertOpts keeps one reminder job per session, time and offset.
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// NoShowSweepArgs marks missed client-initiated sessions and nudges the client.
type NoShowSweepArgs struct{}

// Kind names the job.
func (NoShowSweepArgs) Kind() string { return "no_show_sweep" }

// RetentionArgs purges message bodies past the retention period.
type RetentionArgs struct{}

// Kind names the job.
func (RetentionArgs) Kind() string { return "retention_purge" }

// NumberCheckExpiryArgs ends a number check the client did not answer in
// time: the check of ClientID started with welcome message MessageID.
type NumberCheckExpiryArgs struct {
	ClientID  int64 `json:"client_id"`
	MessageID int64 `json:"message_id"`
}

// Kind names the job.
func (NumberCheckExpiryArgs) Kind() string { return "number_check_expiry" }

// InsertOpts keeps one expiry per check.
func (NumberCheckExpiryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}
