package notify

import "testing"

func TestStatusRank(t *testing.T) {
	tests := map[string]int{
		"queued": 1, "accepted": 1, "scheduled": 1, "sending": 2, "sent": 3,
		"delivered": 4, "undelivered": 4, "failed": 4, "canceled": 4, "read": 5,
		"Delivered": 4, " sent ": 3,
		"": 0, "pending": 0, "dry_run": 0, "skipped": 0, "receiving": 0, "bogus": 0,
	}
	for status, want := range tests {
		if got := StatusRank(status); got != want {
			t.Errorf("StatusRank(%q) = %d, want %d", status, got, want)
		}
	}
}

func TestShouldApply(t *testing.T) {
	tests := []struct {
		name              string
		current, incoming string
		want              bool
	}{
		{"sent after queued", "queued", "sent", true},
		{"delivered after sent", "sent", "delivered", true},
		{"late sent after delivered rejected", "delivered", "sent", false},
		{"late queued after sending rejected", "sending", "queued", false},
		{"read beats delivered", "delivered", "read", true},
		{"read beats sent", "sent", "read", true},
		{"delivered after read rejected", "read", "delivered", false},
		{"duplicate delivered rejected", "delivered", "delivered", false},
		{"duplicate queued rejected", "queued", "queued", false},
		{"failed does not replace delivered", "delivered", "failed", false},
		{"delivered does not replace undelivered", "undelivered", "delivered", false},
		{"unknown incoming ignored", "sent", "bogus", false},
		{"unknown incoming over internal ignored", "pending", "bogus", false},
		{"empty incoming ignored", "queued", "", false},
		{"known status replaces dry_run", "dry_run", "queued", true},
		{"known status replaces pending", "pending", "failed", true},
		{"known status replaces skipped", "skipped", "sent", true},
		{"known status replaces empty", "", "accepted", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ShouldApply(tt.current, tt.incoming); got != tt.want {
				t.Errorf("ShouldApply(%q, %q) = %v, want %v", tt.current, tt.incoming, got, tt.want)
			}
		})
	}
}
