package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// chaos SIGKILLs and restarts one instance at requested moments, one kill at a
// time, while the test goes on sending requests (which retry until the
// instance is back).
type chaos struct {
	inst   *instance
	reqs   chan chaosKill
	done   chan struct{}
	stop   context.CancelFunc
	fail   context.CancelCauseFunc // ends the workload when a restart fails
	closed sync.Once

	mu        sync.Mutex
	log       []string
	err       error
	lastReady time.Time
}

type chaosKill struct {
	at   time.Time
	why  string
	note func() string // what was going on, for the log
}

// newChaos starts the killer. The returned context is ctx, cancelled when a
// restart fails; run the workload under it.
func newChaos(ctx context.Context, t *testing.T, inst *instance) (context.Context, *chaos) {
	wctx, fail := context.WithCancelCause(ctx)
	cctx, stop := context.WithCancel(ctx)
	c := &chaos{inst: inst, reqs: make(chan chaosKill, 16), done: make(chan struct{}), stop: stop, fail: fail}
	go c.run(cctx)
	t.Cleanup(func() { // before the instance's own cleanup kills it
		c.stop()
		c.close()
		<-c.done
		fail(nil)
	})
	return wctx, c
}

func (c *chaos) run(ctx context.Context) {
	defer close(c.done)
	for r := range c.reqs {
		select {
		case <-time.After(time.Until(r.at)):
		case <-ctx.Done():
			return
		}
		note := ""
		if r.note != nil {
			note = r.note()
		}
		start := time.Now()
		if err := c.inst.restart(ctx); err != nil {
			c.mu.Lock()
			c.err = fmt.Errorf("restart after kill %d (%s): %w", len(c.log)+1, r.why, err)
			c.mu.Unlock()
			c.fail(c.err)
			return
		}
		c.mu.Lock()
		c.lastReady = time.Now()
		c.log = append(c.log, fmt.Sprintf("kill %d %s (%s): back in %s", len(c.log)+1, r.why, note,
			c.lastReady.Sub(start).Round(time.Millisecond)))
		c.mu.Unlock()
	}
}

// killAt asks for a SIGKILL and restart at `at` (or as soon as the previous
// restart is done, if that is later).
func (c *chaos) killAt(at time.Time, why string, note func() string) {
	c.reqs <- chaosKill{at: at, why: why, note: note}
}

func (c *chaos) close() { c.closed.Do(func() { close(c.reqs) }) }

// finish waits for every requested kill and restart; it returns what
// happened and when the instance was last ready.
func (c *chaos) finish() ([]string, time.Time, error) {
	c.close()
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...), c.lastReady, c.err
}
