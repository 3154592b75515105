package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// apiClient is one simulated user: net/http against the real listener.
type apiClient struct {
	base, token string
	hc          *http.Client
}

// newHTTPClient returns a keep-alive client with a connection per worker.
func newHTTPClient(workers int) *http.Client {
	t := &http.Transport{MaxIdleConns: workers * 4, MaxIdleConnsPerHost: workers * 4, IdleConnTimeout: time.Minute,
		DisableCompression: true}
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

// do sends a JSON request and decodes a JSON answer into out (when not nil).
// Any status other than want is an error.
func (c *apiClient) do(ctx context.Context, method, path string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("bench: %s %s: status %d: %.200s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// timed runs fn and records it under name.
func timed(rec *recorder, name string, fn func() error) error {
	start := time.Now()
	err := fn()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err // the phase ended mid-request: not a failure of the service, not recorded
	}
	rec.add(name, time.Since(start), err != nil)
	return err
}

// phaseFunc is one iteration of a worker's loop; it records its own requests.
// An error it returns is counted and logged once; the loop goes on.
type phaseFunc func(ctx context.Context, worker int, rec *recorder) error

// phaseResult is what a timed phase measured.
type phaseResult struct {
	rec      *recorder
	elapsed  time.Duration
	firstErr error
}

// runPhase runs fn on n goroutines in a closed loop for d, printing progress.
func (b *bench) runPhase(ctx context.Context, name string, d time.Duration, n int, fn phaseFunc) phaseResult {
	rec := newRecorder()
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	stopProfile := b.phaseProfile(name)
	defer stopProfile()
	start := time.Now()
	stop := b.progress(name, d, start, rec)
	for w := range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := fn(ctx, w, rec); err != nil && ctx.Err() == nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	stop()
	return phaseResult{rec: rec, elapsed: elapsed, firstErr: firstErr}
}

// progress prints a line a second until the returned func is called: one line
// overwritten with \r on a terminal, plain lines otherwise.
func (b *bench) progress(name string, d time.Duration, start time.Time, rec interface{ counts() (int64, int64) }) func() {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				if b.tty {
					fmt.Fprint(b.out, "\r\033[K")
				}
				return
			case <-t.C:
				total, failed := rec.counts()
				el := time.Since(start)
				line := fmt.Sprintf("  … %-16s %3.0fs/%.0fs %8d req %8.0f req/s %5d errors  RSS %3.0f MB",
					name, el.Seconds(), d.Seconds(), total, float64(total)/el.Seconds(), failed, rssMB("VmRSS"))
				if b.tty {
					fmt.Fprint(b.out, "\r\033[K"+line)
				} else {
					fmt.Fprintln(b.out, line)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// phaseProfile starts a CPU profile of one phase when --cpuprofile is set; a
// failure to write one is reported and the run goes on.
func (b *bench) phaseProfile(name string) func() {
	if b.o.CPUProfile == "" {
		return func() {}
	}
	path := b.o.CPUProfile + "." + strings.ReplaceAll(name, " ", "-")
	stop, err := startCPUProfile(path)
	if err != nil {
		fmt.Fprintf(b.out, "cpu profile %s: %v\n", path, err)
		return func() {}
	}
	return stop
}
