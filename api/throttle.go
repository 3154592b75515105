package api

import (
	"strconv"
	"sync"
	"time"
)

// authThrottle slows and then refuses an address that keeps presenting bad
// tokens: after freeFailures each further failure in the window adds a delay,
// and from blockAfter on the address gets 429 until the window has passed.
// It is per instance; behind a proxy, configure Fiber to trust its header.
type authThrottle struct {
	mu       sync.Mutex
	failures map[string]*failureCount
	window   time.Duration
	block    int // failures in the window before 429
	now      func() time.Time
	sleep    func(time.Duration)
}

type failureCount struct {
	n     int
	first time.Time
}

const (
	freeFailures = 5
	blockAfter   = 20
	stepDelay    = 100 * time.Millisecond
	maxDelay     = 2 * time.Second
)

func newAuthThrottle() *authThrottle {
	return &authThrottle{failures: map[string]*failureCount{}, window: 10 * time.Minute, block: blockAfter, now: time.Now, sleep: time.Sleep}
}

// blocked reports whether addr must be refused now, and for how long.
func (t *authThrottle) blocked(addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.failures[addr]
	if f == nil || t.now().Sub(f.first) > t.window {
		return false, 0
	}
	return f.n >= t.block, t.window - t.now().Sub(f.first)
}

// failed records a failure of addr and waits the penalty for it.
func (t *authThrottle) failed(addr string) {
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
	if n > freeFailures {
		t.sleep(min(time.Duration(n-freeFailures)*stepDelay, maxDelay))
	}
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(d.Seconds()) + 1)
}
