package api

import (
	"testing"
	"time"
)

func TestAuthThrottle(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var slept []time.Duration
	th := newAuthThrottle()
	th.now = func() time.Time { return now }
	th.sleep = func(d time.Duration) { slept = append(slept, d) }
	for i := 0; i < blockAfter; i++ {
		if b, _ := th.blocked("10.0.0.1"); b {
			t.Fatalf("blocked after %d failures", i)
		}
		th.failed("10.0.0.1")
	}
	if len(slept) != blockAfter-freeFailures || slept[0] != stepDelay || slept[len(slept)-1] != time.Duration(blockAfter-freeFailures)*stepDelay {
		t.Fatalf("delays %v", slept)
	}
	if b, wait := th.blocked("10.0.0.1"); !b || wait <= 0 {
		t.Fatal("not blocked after the limit")
	}
	if b, _ := th.blocked("10.0.0.2"); b {
		t.Fatal("another address is blocked")
	}
	now = now.Add(11 * time.Minute)
	if b, _ := th.blocked("10.0.0.1"); b {
		t.Fatal("still blocked after the window")
	}
}

func TestFailedAuthAnswered429(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	e.srv.throttle.sleep = func(time.Duration) {}
	_, tok := e.user("w", "worker", "A")
	for i := 0; i < blockAfter; i++ {
		e.do("GET", "/api/v1/me", "afs_bad", nil).must(t, 401)
	}
	r := e.do("GET", "/api/v1/me", "afs_bad", nil).must(t, 429)
	if r.Header.Get("Retry-After") == "" || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("429 without Retry-After or problem+json: %v", r.Header)
	}
	// The address is refused before the token is looked at, even a good one.
	e.do("GET", "/api/v1/me", tok, nil).must(t, 429)
}
