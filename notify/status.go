package notify

import "strings"

// statusRanks orders provider message statuses. Callbacks arrive out of order
// and more than once; a status may only replace one of lower rank.
var statusRanks = map[string]int{
	"queued": 1, "accepted": 1, "scheduled": 1,
	"sending": 2,
	"sent":    3,
	// Final outcomes share a rank: once one is known, another does not replace it.
	"delivered": 4, "undelivered": 4, "failed": 4, "canceled": 4,
	"read": 5, // WhatsApp read receipt, which can follow delivered
}

// StatusRank orders provider statuses: queued, accepted and scheduled (1) <
// sending (2) < sent (3) < delivered, undelivered, failed and canceled (4) <
// read (5). Any other status, including our own internal ones such as
// "pending", "dry_run" and "skipped", ranks 0. Case and surrounding spaces are
// ignored.
func StatusRank(status string) int {
	return statusRanks[strings.ToLower(strings.TrimSpace(status))]
}

// ShouldApply reports whether an incoming callback status may replace the
// current one: only when its rank is strictly higher. So a late "sent" after
// "delivered" and a repeated callback are ignored, an unknown incoming status
// is never applied, and any known provider status replaces an internal one.
func ShouldApply(current, incoming string) bool {
	return StatusRank(incoming) > StatusRank(current)
}
