package web

import (
	"sync"
	"time"
)

// signInThrottle slows down guessing: an address with too many wrong tokens
// in the window is refused until its oldest failure leaves the window.
type signInThrottle struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

const (
	throttleWindow = 15 * time.Minute
	throttleMax    = 10
)

// blocked reports whether ip may not try now.
func (th *signInThrottle) blocked(ip string, now time.Time) bool {
	th.mu.Lock()
	defer th.mu.Unlock()
	return len(th.recent(ip, now)) >= throttleMax
}

// failed records a wrong token from ip.
func (th *signInThrottle) failed(ip string, now time.Time) {
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.failures == nil || len(th.failures) > 10000 {
		th.failures = map[string][]time.Time{} // bounded memory under a spray of addresses
	}
	th.failures[ip] = append(th.recent(ip, now), now)
}

// recent drops failures older than the window; the caller holds the lock.
func (th *signInThrottle) recent(ip string, now time.Time) []time.Time {
	list := th.failures[ip]
	for len(list) > 0 && now.Sub(list[0]) > throttleWindow {
		list = list[1:]
	}
	if len(list) == 0 {
		delete(th.failures, ip)
		return nil
	}
	th.failures[ip] = list
	return list
}
