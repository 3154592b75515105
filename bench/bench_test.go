package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestRunPrintsEverySection runs a very short benchmark (a second per
// phase, two workers) and checks that every section and
// every target line is printed. It measures nothing worth keeping.
func TestRunPrintsEverySection(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmark run skipped with -short")
	}
	t.Setenv("TWILIO_EDGE", "")
	t.Setenv("TWILIO_REGION", "")
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := Run(ctx, Options{Workers: 2, Duration: time.Second, Messages: 50}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"idle RSS", "== Ceilings", "GET /healthz", "raw SQL agreement+audit tx", "twilio-go Send",
		"== Mixed workload", "POST /sessions (plan)", "POST /sessions/{id}/complete", "GET /reports/follow-up",
		"POST /webhooks/twilio/status", "== Isolated endpoints", "== Messaging", "completion → Twilio",
		"dispatch, rate limit off: 50 of 50", "== Memory", "peak RSS", "== Targets",
		"session read ≥ 0.5 × HTTP ceiling", "agreement write ≥ 0.25 × HTTP ceiling", "idle RSS ≤ 40 MB",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPercentiles(t *testing.T) {
	var l []time.Duration
	for i := 1; i <= 100; i++ {
		l = append(l, time.Duration(i)*time.Millisecond)
	}
	p50, p99 := percentiles(l)
	if p50 != 50*time.Millisecond || p99 != 99*time.Millisecond {
		t.Fatalf("p50 %v p99 %v", p50, p99)
	}
	if a, b := percentiles(nil); a != 0 || b != 0 {
		t.Fatal("empty percentiles not zero")
	}
}
