package notify

import (
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Sender states, as /readyz and the web pages show them.
const (
	SenderOK       = "ok"
	SenderDegraded = "degraded" // messages are not getting through; the service still runs
	SenderDryRun   = "dry_run"
)

// failuresBeforeDegraded is how many provider failures in a row, with no send
// in between, make sending degraded.
const failuresBeforeDegraded = 3

// Health is what the dispatcher knows about the provider: whether its
// credentials were accepted and whether sends get through. A nil *Health
// records nothing and reports dry run.
type Health struct {
	mu          sync.Mutex
	credentials error // the start-up check; nil: accepted (or not checked)
	consecutive int   // provider failures since the last send that got through
	lastCode    int
	since       time.Time // when the current state began
	down        bool      // the state last reported: degraded
	healthy     prometheus.Gauge
	failures    *prometheus.CounterVec
}

// SenderStatus is the provider's health at one moment.
type SenderStatus struct {
	State     string     `json:"state" enum:"ok,degraded,dry_run"`
	Detail    string     `json:"detail,omitempty"`
	ErrorCode int        `json:"error_code,omitempty"`
	Since     *time.Time `json:"since,omitempty" doc:"when this state began; none in dry run"`
}

// NewHealth returns a tracker whose state is also the gauge
// afspraak_sender_healthy on reg, with afspraak_send_failures_total.
func NewHealth(reg prometheus.Registerer) *Health {
	h := &Health{since: time.Now().UTC(),
		healthy: prometheus.NewGauge(prometheus.GaugeOpts{Name: "afspraak_sender_healthy",
			Help: "1 while messages get through to the provider, 0 while sending fails."}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "afspraak_send_failures_total",
			Help: "Sends the provider did not take, by class (retry, ambiguous, credentials)."}, []string{"class"}),
	}
	h.healthy.Set(1)
	reg.MustRegister(h.healthy, h.failures)
	return h
}

// CredentialsChecked records the start-up check of the account.
func (h *Health) CredentialsChecked(err error, code int) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.credentials = err
	if err != nil {
		h.lastCode = code
		h.failures.WithLabelValues("credentials").Inc()
	}
	h.update()
}

// succeeded records a send the provider took.
func (h *Health) succeeded() {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.consecutive, h.credentials = 0, nil
	h.update()
}

// failed records a send the provider did not take for a reason of its own
// (not of the recipient's number).
func (h *Health) failed(class string, code int) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.consecutive++
	h.lastCode = code
	h.failures.WithLabelValues(class).Inc()
	h.update()
}

// update sets the gauge and the time the state began; the caller holds mu.
func (h *Health) update() {
	degraded := h.degraded()
	if degraded != h.down {
		h.since, h.down = time.Now().UTC(), degraded
	}
	if degraded {
		h.healthy.Set(0)
	} else {
		h.healthy.Set(1)
	}
}

func (h *Health) degraded() bool {
	return h.credentials != nil || h.consecutive >= failuresBeforeDegraded
}

// Status reports the provider's health now.
func (h *Health) Status() SenderStatus {
	if h == nil {
		return SenderStatus{State: SenderDryRun, Detail: "no Twilio account configured: nothing leaves this machine"}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	since := h.since
	switch {
	case h.credentials != nil:
		return SenderStatus{State: SenderDegraded, ErrorCode: h.lastCode, Since: &since,
			Detail: "Twilio refused the account's credentials at start: " + h.credentials.Error()}
	case h.consecutive >= failuresBeforeDegraded:
		return SenderStatus{State: SenderDegraded, ErrorCode: h.lastCode, Since: &since,
			Detail: fmt.Sprintf("the last %d sends did not reach Twilio; they are retried", h.consecutive)}
	}
	return SenderStatus{State: SenderOK, Since: &since}
}
