package api

import (
	"net/http"
	"testing"

	"afspraak/app"
	"afspraak/app/apptest"
)

// TestFailedAuthAnswered429: after app.ThrottleLimit bad tokens from one
// address the API answers bad tokens from it 429 with Retry-After, while good
// ones from the same address still pass (one typo-ing colleague behind an
// office NAT locks nobody out). app's TestThrottle covers delays and window.
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
	e.do("GET", "/api/v1/me", tok, nil).must(t, 200)
	e.do("GET", "/api/v1/me", "afs_bad", nil).must(t, 429)
}

// TestThrottleBehindTrustedProxy: behind a proxy in server.trusted_proxies the
// throttle counts the client address from X-Forwarded-For, so one client's
// failures do not refuse another's; without that setting the header is
// ignored and cannot be used to escape the throttle.
func TestThrottleBehindTrustedProxy(t *testing.T) {
	for _, c := range []struct {
		name    string
		proxies []string
		// the status for bad tokens from a second client once the first is throttled
		other int
	}{
		{"trusted proxy", []string{"127.0.0.1/32"}, 401},
		{"no trusted proxy", nil, 429},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnvWith(t, apptest.Options{Config: func(cfg *app.Config) { cfg.Server.TrustedProxies = c.proxies }})
			base := e.listen()
			get := func(client string) int {
				req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
				req.Header.Set("Authorization", "Bearer afs_bad")
				req.Header.Set("X-Forwarded-For", client)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			for range app.ThrottleLimit {
				get("198.51.100.1")
			}
			if got := get("198.51.100.1"); got != 429 {
				t.Fatalf("the failing client: %d, want 429", got)
			}
			if got := get("198.51.100.2"); got != c.other {
				t.Fatalf("another client: %d, want %d", got, c.other)
			}
		})
	}
}
