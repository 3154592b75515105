package web

import (
	"slices"
	"testing"

	"afspraak/models"
)

// TestTextsComplete: every text has Dutch and English, and every value the
// conversation can show has words in the dictionary (a missing one would
// show its key to the worker).
func TestTextsComplete(t *testing.T) {
	for k, v := range dict {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: Dutch %q, English %q", k, v[0], v[1])
		}
	}
	keys := map[string][]string{
		"alert.": {models.AlertStop, models.AlertBeforeSession, models.AlertReplyReminder, models.AlertNumberRejected},
		"kind.": {models.KindAgreementSummary, models.KindReminder, models.KindNoShowNudge, models.KindAutoReply,
			models.KindStopConfirmation, models.KindStartConfirmation, models.KindNumberCheck, models.KindAckReceipt,
			models.KindWorkerReply},
		"keyword.": {"ack", "stop", "start", "no", "number_yes", "number_no"},
		"number.": {models.NumberUnchecked, models.NumberPending, models.NumberConfirmed, models.NumberRejected,
			models.NumberExpired},
		"skip.":    {models.SkipNumberNotConfirmed, models.SkipSessionPassed, models.SkipNumberChanged},
		"media.":   {"audio", "image", "other"},
		"channel.": {"whatsapp", "sms"},
	}
	for _, s := range []string{"queued", "sending", "sent", "accepted", "delivered", "read", "undelivered", "failed",
		"canceled", models.MessageScheduled, models.MessageSkipped, models.MessageDryRun, models.MessageAwaitingCheck} {
		keys["status."] = append(keys["status."], itemStatus(s))
	}
	for prefix, values := range keys {
		for _, v := range values {
			if _, ok := dict[prefix+v]; !ok {
				t.Errorf("no text for %s%s", prefix, v)
			}
		}
	}
}

func TestItemStatus(t *testing.T) {
	tests := map[string]string{
		"queued": "queued", "sending": "queued", "sent": "sent", "accepted": "sent", "delivered": "delivered",
		"read": "read", "undelivered": "failed", "failed": "failed", "scheduled": "later", "skipped": "skipped",
		"dry_run": "dry_run", "awaiting_number_check": "awaiting_check", "": "queued",
	}
	for in, want := range tests {
		if got := itemStatus(in); got != want {
			t.Errorf("itemStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMediaKinds(t *testing.T) {
	tests := []struct {
		name  string
		types []string
		count int
		want  []string
	}{
		{"none", nil, 0, []string{}},
		{"voice note", []string{"audio/ogg"}, 1, []string{"audio"}},
		{"photo in capitals", []string{" Image/JPEG"}, 1, []string{"image"}},
		{"document", []string{"application/pdf"}, 1, []string{"other"}},
		{"types missing", []string{"image/png"}, 3, []string{"image", "other", "other"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mediaKinds(tc.types, tc.count); !slices.Equal(got, tc.want) {
				t.Errorf("mediaKinds(%q, %d) = %q, want %q", tc.types, tc.count, got, tc.want)
			}
		})
	}
}
