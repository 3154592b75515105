package bench

import (
	"slices"
	"sync"
	"time"
)

// recorder collects latencies per endpoint, safe for concurrent use.
type recorder struct {
	mu     sync.Mutex
	lat    map[string][]time.Duration
	errs   map[string]int
	order  []string
	total  int64
	errors int64
}

func newRecorder() *recorder {
	return &recorder{lat: map[string][]time.Duration{}, errs: map[string]int{}}
}

// add records one request to endpoint; err marks it failed.
func (r *recorder) add(endpoint string, d time.Duration, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.lat[endpoint]; !ok {
		r.order = append(r.order, endpoint)
		r.lat[endpoint] = make([]time.Duration, 0, 1024)
	}
	r.total++
	if failed {
		r.errs[endpoint]++
		r.errors++
		return
	}
	r.lat[endpoint] = append(r.lat[endpoint], d)
}

// counts returns the requests and failures so far.
func (r *recorder) counts() (total, failed int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total, r.errors
}

// endpointStats is one endpoint's figures over a phase.
type endpointStats struct {
	Name     string
	N        int
	Errors   int
	PerSec   float64
	P50, P99 time.Duration
}

// stats summarises every endpoint over a phase of length elapsed.
func (r *recorder) stats(elapsed time.Duration) []endpointStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]endpointStats, 0, len(r.order))
	for _, name := range r.order {
		l := r.lat[name]
		p50, p99 := percentiles(l)
		out = append(out, endpointStats{Name: name, N: len(l), Errors: r.errs[name],
			PerSec: float64(len(l)) / elapsed.Seconds(), P50: p50, P99: p99})
	}
	return out
}

// percentiles returns the 50th and 99th percentile of l (nearest rank).
func percentiles(l []time.Duration) (p50, p99 time.Duration) {
	if len(l) == 0 {
		return 0, 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.5) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return rank(0.50), rank(0.99)
}

func (r *recorder) find(name string, elapsed time.Duration) endpointStats {
	for _, s := range r.stats(elapsed) {
		if s.Name == name {
			return s
		}
	}
	return endpointStats{Name: name}
}

// merge adds o's requests to r.
func (r *recorder) merge(o *recorder) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, name := range o.order {
		for _, d := range o.lat[name] {
			r.add(name, d, false)
		}
		for range o.errs[name] {
			r.add(name, 0, true)
		}
	}
}
