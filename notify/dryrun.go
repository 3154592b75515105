package notify

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	_ Sender        = DryRunSender{}
	_ MessageFinder = DryRunSender{}
)

// DryRunSender stands in for Twilio when no credentials are configured: every
// message "succeeds" with status dry_run and is logged without personal data.
// It implements Sender, Finder and MessageFinder.
type DryRunSender struct {
	Logger *slog.Logger // nil: slog.Default()
}

// Send logs m's id, channel, masked recipient and body length, never the body,
// and returns a unique SID starting with "DRY".
func (d DryRunSender) Send(ctx context.Context, m OutboundMessage) (SendResult, error) {
	logger := d.Logger
	if logger == nil {
		logger = slog.Default()
	}
	res := SendResult{SID: "DRY" + rand.Text(), Status: "dry_run", NumSegments: 1}
	logger.LogAttrs(ctx, slog.LevelInfo, "notify: dry run: message not sent",
		slog.Int64("message_id", m.ID),
		slog.String("channel", m.Channel),
		slog.String("to", MaskPhone(m.To)),
		slog.Int("body_chars", utf8.RuneCountInString(m.Body)),
		slog.String("content_sid", m.ContentSID),
		slog.Int("content_variables", len(m.ContentVariables)),
		slog.String("sid", res.SID),
	)
	return res, nil
}

// FindSentMessage implements MessageFinder: a dry run leaves nothing to find.
func (d DryRunSender) FindSentMessage(context.Context, OutboundMessage, time.Time) (SendResult, bool, error) {
	return SendResult{}, false, nil
}

// MaskPhone hides the middle of a phone number for logs: "+31612345678" becomes
// "+316****5678". A "whatsapp:" prefix is kept. Numbers too short to keep both
// ends are masked entirely, and the mask has a fixed width so it does not give
// away the length.
func MaskPhone(e164 string) string {
	prefix := ""
	if rest, ok := strings.CutPrefix(e164, whatsAppPrefix); ok {
		prefix, e164 = whatsAppPrefix, rest
	}
	if e164 == "" {
		return prefix
	}
	r := []rune(e164)
	if len(r) < 11 { // keep at least three digits hidden
		return prefix + "****"
	}
	return prefix + string(r[:4]) + "****" + string(r[len(r)-4:])
}
