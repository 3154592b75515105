package app

import (
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
// audit: an address that keeps presenting bad tokens is slowed down and then
// refused with a *ThrottledError, and every bad token is audited as
// login_failed. A bad token is EUNAUTH.
func (a *App) SignIn(ctx context.Context, token, addr string, door Door) (models.User, error) {
	if blocked, wait := a.throttle.blocked(addr); blocked {
		return models.User{}, &ThrottledError{RetryAfter: wait}
	}
	u, err := a.Store.FindUserByToken(ctx, strings.TrimSpace(token))
	if models.ErrorCode(err) == models.EUNAUTH {
		a.throttle.failed(addr)
		if aerr := a.Store.RecordAudit(ctx, models.Actor{Role: "anonymous"},
			models.Audit{Action: "login_failed", Entity: string(door)}); aerr != nil {
			return models.User{}, aerr
		}
	}
	return u, err
}

// Throttle slows and then refuses an address that keeps presenting bad
// tokens: after ThrottleFree failures each further failure in the window adds
// a delay, and from ThrottleLimit on the address is refused until the window
// has passed. It is per instance.
type Throttle struct {
	mu       sync.Mutex
	failures map[string]*failureCount
	window   time.Duration
	limit    int
	now      func() time.Time
	sleep    func(time.Duration)
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
	stepDelay      = 100 * time.Millisecond
	maxDelay       = 2 * time.Second
)

// NewThrottle returns a throttle on the wall clock that really waits.
func NewThrottle() *Throttle { return NewThrottleWith(time.Now, time.Sleep, 0) }

// NewThrottleWith returns a throttle with its own clock, wait and limit
// (tests; a limit of 0 is ThrottleLimit).
func NewThrottleWith(now func() time.Time, sleep func(time.Duration), limit int) *Throttle {
	return &Throttle{failures: map[string]*failureCount{}, window: ThrottleWindow, limit: cmpOr(limit, ThrottleLimit),
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

// failed records a failure of addr and waits the penalty for it.
func (t *Throttle) failed(addr string) {
	t.mu.Lock()
	now := t.now()
	f := t.failures[addr]
	if f == nil || now.Sub(f.first) > t.window {
		f = &failureCount{first: now}
		t.failures[addr] = f
	}
	f.n++
	n := f.n
	if len(t.failures) > 100000 { // bound memory under a spray of addresses
		for k, v := range t.failures {
			if now.Sub(v.first) > t.window {
				delete(t.failures, k)
			}
		}
	}
	t.mu.Unlock()
	if n > ThrottleFree {
		t.sleep(min(time.Duration(n-ThrottleFree)*stepDelay, maxDelay))
	}
}
