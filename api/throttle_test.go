package api

import (
	"testing"

	"afspraak/app"
)

// TestFailedAuthAnswered429: after app.ThrottleLimit bad tokens from one
// address the API answers 429 with Retry-After (app's TestThrottle covers the
// delays and the window).
func TestFailedAuthAnswered429(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	for i := 0; i < app.ThrottleLimit; i++ {
		e.do("GET", "/api/v1/me", "afs_bad", nil).must(t, 401)
	}
	r := e.do("GET", "/api/v1/me", "afs_bad", nil).must(t, 429)
	if r.Header.Get("Retry-After") == "" || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("429 without Retry-After or problem+json: %v", r.Header)
	}
	// The address is refused before the token is looked at, even a good one.
	e.do("GET", "/api/v1/me", tok, nil).must(t, 429)
}
