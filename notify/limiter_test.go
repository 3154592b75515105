package notify_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"afspraak/notify"
)

func TestLimiterSpacesSends(t *testing.T) {
	cases := []struct {
		name       string
		concurrent bool
	}{
		{"one after another", false},
		{"all at once", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := notify.NewLimiter(20) // one per 50 ms
			start := time.Now()
			var wg sync.WaitGroup
			for range 10 {
				wait := func() {
					if err := l.Wait(t.Context()); err != nil {
						t.Error(err)
					}
				}
				if c.concurrent {
					wg.Go(wait)
				} else {
					wait()
				}
			}
			wg.Wait()
			// The first goes at once, the tenth 9 × 50 ms later.
			if d := time.Since(start); d < 450*time.Millisecond || d > 2*time.Second {
				t.Fatalf("10 sends at 20/s took %s, want about 450 ms", d)
			}
		})
	}
}

func TestLimiterOff(t *testing.T) {
	for _, rate := range []float64{0, -1} {
		if l := notify.NewLimiter(rate); l != nil {
			t.Fatalf("NewLimiter(%v) = %v, want nil (no limit)", rate, l)
		}
	}
	var l *notify.Limiter
	start := time.Now()
	for range 1000 {
		if err := l.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("a nil limiter waited %s", d)
	}
}

func TestLimiterWaitEndsWithContext(t *testing.T) {
	l := notify.NewLimiter(0.5) // one per 2 s
	if err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	expiring, stop := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer stop()
	cases := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"cancelled", cancelled, context.Canceled},
		{"deadline", expiring, context.DeadlineExceeded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			if err := l.Wait(c.ctx); !errors.Is(err, c.want) {
				t.Fatalf("Wait = %v, want %v", err, c.want)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Fatalf("Wait returned after %s, not when its context ended", d)
			}
		})
	}
}
