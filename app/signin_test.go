package app

import (
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var slept []time.Duration
	th := NewThrottleWith(func() time.Time { return now }, func(d time.Duration) { slept = append(slept, d) }, 0)
	for i := 0; i < ThrottleLimit; i++ {
		if b, _ := th.blocked("10.0.0.1"); b {
			t.Fatalf("blocked after %d failures", i)
		}
		th.failed("10.0.0.1")
	}
	if len(slept) != ThrottleLimit-ThrottleFree || slept[0] != stepDelay || slept[len(slept)-1] != time.Duration(ThrottleLimit-ThrottleFree)*stepDelay {
		t.Fatalf("delays %v", slept)
	}
	if b, wait := th.blocked("10.0.0.1"); !b || wait <= 0 {
		t.Fatal("not blocked after the limit")
	}
	if b, _ := th.blocked("10.0.0.2"); b {
		t.Fatal("another address is blocked")
	}
	now = now.Add(ThrottleWindow + time.Minute)
	if b, _ := th.blocked("10.0.0.1"); b {
		t.Fatal("still blocked after the window")
	}
}
