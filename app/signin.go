package app

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"afspraak/models"
)

// Door names where a sign-in came in; it is the audit event's entity.
type Door string

// The two doors.
const (
	DoorAPI Door = "token"       // a bearer token on /api
	DoorWeb Door = "web_session" // the web sign-in form
)

// ThrottledError is a sign-in refused because its address failed too often.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("app: too many failed sign-ins from this address; retry after %s", e.RetryAfter.Round(time.Second))
}

// SignIn resolves a personal token for both doors with one throttle and one
// audit. Valid credentials are never refused, so that one colleague's typos
// or an attacker behind the same office address lock nobody out; bad tokens
// from an address that keeps failing are slowed down and then refused with a
// *ThrottledError until its window has passed (a token has 256 random bits:
// the throttle protects the service, guessing is hopeless anyway). Failed
// sign-ins are audited as login_failed, bounded (see Throttle). A bad token
// is EUNAUTH.
func (a *App) SignIn(ctx context.Context, token, addr string, door Door) (models.User, error) {
	blocked, wait := a.throttle.blocked(addr)
	u, err := a.Store.FindUserByToken(ctx, strings.TrimSpace(token))
	if models.ErrorCode(err) != models.EUNAUTH {
		return u, err
	}
	if blocked {
		return models.User{}, &ThrottledError{RetryAfter: wait}
	}
	if f := a.throttle.failed(addr); f.audit {
		changes := map[string]any{"failures_in_window": f.n}
		if f.n >= a.throttle.limit {
			changes["throttled"] = true
		}
		if f.suppressed > 0 {
			changes["not_recorded_before"] = f.suppressed
		}
		if aerr := a.Store.RecordAudit(ctx, models.Actor{Role: "anonymous"},
			models.Audit{Action: "login_failed", Entity: string(door), Changes: changes}); aerr != nil {
			return models.User{}, aerr
		}
	}
	return models.User{}, err
}

// Throttle slows and then refuses bad tokens from an address that keeps
// presenting them: after ThrottleFree failures each further failure in the
// window adds a delay, and from ThrottleLimit on its bad tokens are refused
// until the window has passed. It also bounds the audit trail: of an
// address's failures in a window only the first and the one that reaches the
// limit are audited, and at most AuditedFailuresPerMinute failures in all a
// minute (a spray of addresses); the next audited one says how many were
// not. It is per instance.
type Throttle struct {
	mu       sync.Mutex
	failures map[string]*failureCount
	window   time.Duration
	limit    int
	now      func() time.Time
	sleep    func(time.Duration)

	minute     time.Time // start of the current audit minute
	audited    int       // failures audited in it
	suppressed int       // failures not audited since the last audited one
}

type failureCount struct {
	n     int
	first time.Time
}

// The throttle's limits.
const (
	ThrottleFree   = 5                // failures in the window without a delay
	ThrottleLimit  = 20               // failures in the window before refusal
	ThrottleWindow = 10 * time.Minute // how long failures count
	// AuditedFailuresPerMinute bounds the failed sign-ins audited a minute.
	AuditedFailuresPerMinute = 60
	stepDelay                = 100 * time.Millisecond
	maxDelay                 = 2 * time.Second
)

// NewThrottle returns a throttle on the wall clock that really waits.
func NewThrottle() *Throttle { return NewThrottleWith(time.Now, time.Sleep, 0) }

// NewThrottleWith returns a throttle with its own clock, wait and limit
// (tests; a limit of 0 is ThrottleLimit).
func NewThrottleWith(now func() time.Time, sleep func(time.Duration), limit int) *Throttle {
	return &Throttle{failures: map[string]*failureCount{}, window: ThrottleWindow, limit: cmp.Or(limit, ThrottleLimit),
		now: now, sleep: sleep}
}

// blocked reports whether addr must be refused now, and for how long.
func (t *Throttle) blocked(addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.failures[addr]
	if f == nil || t.now().Sub(f.first) > t.window {
		return false, 0
	}
	return f.n >= t.limit, t.window - t.now().Sub(f.first)
}

// failure is what failed decided about one failed sign-in.
type failure struct {
	n          int  // the address's failures in its window, this one included
	audit      bool // record it in the audit trail
	suppressed int  // failures not recorded since the last recorded one
}

// failed records a failure of addr, waits the penalty for it and says
// whether to audit it.
func (t *Throttle) failed(addr string) failure {
	t.mu.Lock()
	now := t.now()
	f := t.failures[addr]
	if f == nil || now.Sub(f.first) > t.window {
		f = &failureCount{first: now}
		t.failures[addr] = f
	}
	f.n++
	out := failure{n: f.n}
	if len(t.failures) > 100000 { // bound memory under a spray of addresses
		for k, v := range t.failures {
			if now.Sub(v.first) > t.window {
				delete(t.failures, k)
			}
		}
	}
	if now.Sub(t.minute) >= time.Minute {
		t.minute, t.audited = now, 0
	}
	if f.n == 1 || f.n == t.limit {
		if t.audited < AuditedFailuresPerMinute {
			t.audited++
			out.audit, out.suppressed, t.suppressed = true, t.suppressed, 0
		} else {
			t.suppressed++
		}
	}
	t.mu.Unlock()
	if out.n > ThrottleFree {
		t.sleep(min(time.Duration(out.n-ThrottleFree)*stepDelay, maxDelay))
	}
	return out
}
