package bench

import (
	"fmt"
	"time"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// print writes the results: ceilings, mixed workload, isolated endpoints,
// messaging, memory, and the targets.
func (b *bench) print(r results) {
	w := b.out
	ceil := r.ceiling.rec.find("GET /healthz", r.ceiling.elapsed)
	db := r.rawDB.rec.find("raw SQL agreement+audit tx", r.rawDB.elapsed)
	tw := r.rawTwilio.rec.find("twilio-go Send", r.rawTwilio.elapsed)
	fmt.Fprintf(w, "\n== Ceilings (same load generator, %d concurrent, %s each)\n", b.o.Workers, b.o.Duration.Round(time.Second))
	fmt.Fprintf(w, "%-40s %10s %10s %10s %7s\n", "ceiling", "per s", "p50", "p99", "errors")
	for _, s := range []endpointStats{ceil, db, tw} {
		fmt.Fprintf(w, "%-40s %10.0f %10s %10s %7d\n", s.Name, s.PerSec, ms(s.P50), ms(s.P99), s.Errors)
	}

	fmt.Fprintf(w, "\n== Mixed workload (%d workers planning/recording/completing, %d supervisors pulling the report, Twilio callbacks and replies)\n",
		b.o.Workers, (b.o.Workers+7)/8)
	fmt.Fprintf(w, "%-34s %8s %9s %10s %10s %9s %9s %6s\n", "endpoint", "n", "per s", "p50", "p99", "×ceil/s", "p50×ceil", "errors")
	for _, s := range r.mixed.rec.stats(r.mixed.elapsed) {
		fmt.Fprintf(w, "%-34s %8d %9.1f %10s %10s %9.3f %9.1f %6d\n", s.Name, s.N, s.PerSec, ms(s.P50), ms(s.P99),
			s.PerSec/ceil.PerSec, float64(s.P50)/float64(max(ceil.P50, 1)), s.Errors)
	}
	if r.mixed.firstErr != nil {
		fmt.Fprintf(w, "first error: %v\n", r.mixed.firstErr)
	}

	read := r.read.rec.find("GET /sessions/{id}", r.read.elapsed)
	write := r.write.rec.find("POST /sessions/{id}/agreements", r.write.elapsed)
	fmt.Fprintf(w, "\n== Isolated endpoints (all %d workers on one endpoint, closed loop)\n", b.o.Workers)
	fmt.Fprintf(w, "%-34s %9s %10s %10s %12s %12s %6s\n", "endpoint", "per s", "p50", "p99", "×HTTP ceil", "×raw DB", "errors")
	fmt.Fprintf(w, "%-34s %9.0f %10s %10s %12.3f %12s %6d\n", read.Name, read.PerSec, ms(read.P50), ms(read.P99), read.PerSec/ceil.PerSec, "-", read.Errors)
	fmt.Fprintf(w, "%-34s %9.0f %10s %10s %12.3f %12.3f %6d\n", write.Name, write.PerSec, ms(write.P50), ms(write.P99),
		write.PerSec/ceil.PerSec, write.PerSec/db.PerSec, write.Errors)
	for _, ph := range []phaseResult{r.read, r.write, r.rawDB, r.rawTwilio} {
		if ph.firstErr != nil {
			fmt.Fprintf(w, "first error: %v\n", ph.firstErr)
		}
	}

	fmt.Fprintf(w, "\n== Messaging\n")
	fmt.Fprintf(w, "completion → Twilio (complete request sent → fake accepted the create): p50 %s, p99 %s over %d summaries (%d not sent by phase end)\n",
		ms(r.c2t50), ms(r.c2t99), r.c2tN, r.c2tMissing)
	fmt.Fprintf(w, "dispatch, rate limit off: %d of %d messages in %s = %.0f msg/s; ×raw twilio-go %.3f\n",
		r.dispatch.Sent, r.dispatch.N, r.dispatch.Elapsed.Round(time.Millisecond), r.dispatch.PerSec, r.dispatch.PerSec/tw.PerSec)

	fmt.Fprintf(w, "\n== Memory (whole process: service, load generator and fake Twilio)\n")
	peakNote := "VmHWM reset before the mixed phase"
	if !r.peakReset {
		peakNote = "VmHWM since process start (reset not permitted)"
	}
	fmt.Fprintf(w, "idle RSS %.1f MB (VmRSS after start-up and GC; %.1f MB of it anonymous); peak RSS under mixed load %.1f MB (%s)\n", r.idleRSS, r.idleAnon, r.peakRSS, peakNote)

	fmt.Fprintf(w, "\n== Targets\n")
	row := func(name, measured string, ok bool) { fmt.Fprintf(w, "%-46s %-34s %s\n", name, measured, verdict(ok)) }
	row("session read ≥ 0.5 × HTTP ceiling", fmt.Sprintf("%.3f ×", read.PerSec/ceil.PerSec), read.PerSec >= 0.5*ceil.PerSec)
	row("agreement write ≥ 0.25 × HTTP ceiling", fmt.Sprintf("%.3f ×", write.PerSec/ceil.PerSec), write.PerSec >= 0.25*ceil.PerSec)
	row("completion → Twilio p50 ≤ 100 ms", ms(r.c2t50), r.c2tN > 0 && r.c2t50 <= 100*time.Millisecond)
	row("dispatch ≥ 1,000 msg/s", fmt.Sprintf("%.0f msg/s", r.dispatch.PerSec), r.dispatch.PerSec >= 1000)
	row("dispatch ≥ 0.5 × raw twilio-go", fmt.Sprintf("%.3f ×", r.dispatch.PerSec/tw.PerSec), r.dispatch.PerSec >= 0.5*tw.PerSec)
	row("idle RSS ≤ 40 MB", fmt.Sprintf("%.1f MB", r.idleRSS), r.idleRSS <= 40)
	row("peak RSS under mixed load ≤ 150 MB", fmt.Sprintf("%.1f MB", r.peakRSS), r.peakRSS <= 150)
	fmt.Fprintf(w, "(follow-up report over 1,000,000 sessions: see afspraak bench seed)\n")
}
