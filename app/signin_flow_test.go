package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/models"
)

// TestFailedSignInsBoundTheAuditTrail: a flood of bad tokens audits at most
// two events per address and window (the first failure and the one that
// throttles it), and at most app.AuditedFailuresPerMinute a minute across a
// spray of addresses; the next audited event says how many were not; good
// tokens from a throttled address still sign in.
func TestFailedSignInsBoundTheAuditTrail(t *testing.T) {
	e := apptest.New(t, apptest.Options{})
	_, tok := e.User("Wim Werker", models.RoleWorker, "Noord")
	ctx := context.Background()
	failedEvents := func() int {
		list, _, err := e.Store.FindAuditEvents(ctx, models.Actor{Role: models.RoleAdmin},
			models.AuditFilter{Action: "login_failed", Page: models.Page{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	var throttled *app.ThrottledError
	for i := range 500 {
		_, err := e.App.SignIn(ctx, "afs_wrong", "198.51.100.1", app.DoorAPI)
		if i >= app.ThrottleLimit && !errors.As(err, &throttled) {
			t.Fatalf("failure %d: %v, want throttled", i+1, err)
		}
	}
	if n := failedEvents(); n != 2 {
		t.Fatalf("500 bad tokens from one address: %d audit events, want 2", n)
	}
	if u, err := e.App.SignIn(ctx, tok, "198.51.100.1", app.DoorAPI); err != nil || u.Name != "Wim Werker" {
		t.Fatalf("a good token from the throttled address: %v", err)
	}
	for i := range 200 {
		if _, err := e.App.SignIn(ctx, "afs_wrong", fmt.Sprintf("2001:db8::%x", i), app.DoorWeb); models.ErrorCode(err) != models.EUNAUTH {
			t.Fatalf("address %d: %v", i, err)
		}
	}
	if n := failedEvents(); n != app.AuditedFailuresPerMinute { // the first address's two count in this minute
		t.Fatalf("200 addresses in a minute: %d audit events, want %d", n, app.AuditedFailuresPerMinute)
	}
	e.Clock.Set(func() time.Time { return time.Now().Add(2 * time.Minute) })
	if _, err := e.App.SignIn(ctx, "afs_wrong", "203.0.113.9", app.DoorWeb); models.ErrorCode(err) != models.EUNAUTH {
		t.Fatal(err)
	}
	list, _, _ := e.Store.FindAuditEvents(ctx, models.Actor{Role: models.RoleAdmin}, models.AuditFilter{Action: "login_failed", Page: models.Page{Limit: 1}})
	if !strings.Contains(list[0].Changes, `"not_recorded_before":`) {
		t.Fatalf("the next minute's first event does not say how many were not recorded: %s", list[0].Changes)
	}
}
