package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"afspraak/models"
	"afspraak/notify/twiliofake"
)

// TestScaleOut: two `afspraak serve` processes on one fresh PostgreSQL schema,
// started at the same moment (both migrate), take requests in turn and both
// send. Midway, while Twilio holds some of their requests, one is SIGKILLed
// and never comes back. Every client still gets its summary exactly once and
// its reminder exactly once, and the hourly sweep was queued once, not once
// per instance.
func TestScaleOut(t *testing.T) {
	skipShort(t)
	t.Parallel()
	dsn := pgSchema(t) // skips without AFSPRAAK_TEST_POSTGRES_DSN
	began := time.Now()
	bin := binary(t) // the same binary for every test; built once
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Second)
	defer cancel()

	fake, sid, token := newFake(t, 300*time.Millisecond)

	dir := t.TempDir()
	var insts [2]*instance
	var cfgs [2]string
	for k := range insts {
		port := freePort(t)
		// Each instance's own public URL ends up in the status callback of what
		// it sends, which tells the test who sent a message. (In production
		// both would share one public URL behind a load balancer.)
		cfgs[k] = writeConfig(t, dir, fmt.Sprintf("config-%d.yaml", k), config{port: port,
			driver: models.DriverPostgres, dsn: dsn, sid: sid, token: token, fakeURL: fake.URL(),
			// Sessions at now+1h: their reminder falls due 3 s after planning.
			reminderOffsets: "[59m57s]"})
		insts[k] = newInstance(t, fmt.Sprintf("instance-%d", k), bin, cfgs[k], port)
	}
	// Both start on the empty schema at once: goose and River migrate under
	// advisory locks, so one migrates and the other waits and finds it done.
	startedAt := time.Now()
	for _, in := range insts {
		if err := in.start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range insts {
		if err := in.waitReady(ctx); err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t, models.DriverPostgres, dsn)
	var dupVersions []int64
	if err := db.Raw(`SELECT version_id FROM goose_db_version GROUP BY version_id HAVING count(*) > 1`).
		Scan(&dupVersions).Error; err != nil || len(dupVersions) > 0 {
		t.Fatalf("migrations applied twice: versions %v (%v)", dupVersions, err)
	}
	started := time.Now()

	// Requests alternate between the instances; after the kill, all go to
	// instance 0. A request cut off by the kill is repeated on instance 0.
	var killed atomic.Bool
	pick := func(seq, attempt int) string {
		if killed.Load() {
			return insts[0].base
		}
		return insts[(seq+attempt)%2].base
	}
	tokA := addUser(ctx, t, bin, cfgs[0], "a")
	tokB := addUser(ctx, t, bin, cfgs[1], "b")
	apis := []*apiClient{newAPIClient(tokA, pick), newAPIClient(tokB, pick)}

	const n, killAfter = 30, 15
	cids := make([]int64, n)
	for i := range n {
		cl, err := apis[i%2].do(ctx, "POST", "/api/v1/clients", map[string]any{"name": fmt.Sprintf("Cliënt %02d", i),
			"phone": phone(i), "consent": map[string]any{"whatsapp": true}}, nil, http.StatusCreated)
		if err != nil {
			t.Fatal(err)
		}
		cids[i] = id(cl)
	}
	completions := make([]completion, n)
	var periodicBeforeKill string
	killDone := make(chan string, 1)
	for i := range n {
		api := apis[i%2]
		// One session to be reminded of (at now+1h, reminder in 3 s), one to complete.
		if _, err := planSession(ctx, api, cids[i], time.Now().Add(time.Hour)); err != nil {
			t.Fatalf("client %d: plan: %v", i, err)
		}
		done, err := completeSession(ctx, api, i, cids[i], time.Now().Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		completions[i] = done
		if i == killAfter {
			periodicBeforeKill = checkPeriodicOnce(ctx, t, db, startedAt)
			// The next eight Twilio requests, from either instance, take 2 s more.
			// Instance 1 is killed as soon as both instances are working a send
			// or reminder job, so that it dies with work in hand.
			fake.FailNext(8, twiliofake.Slow(2*time.Second))
			go func() {
				deadline := time.Now().Add(10 * time.Second)
				for time.Now().Before(deadline) && runningOn(db) < 2 {
					time.Sleep(20 * time.Millisecond)
				}
				killNote := fmt.Sprintf("%d instance(s) had jobs running at the kill", runningOn(db))
				killed.Store(true)
				insts[1].kill()
				killDone <- killNote
			}()
		}
		time.Sleep(150 * time.Millisecond)
	}
	killNote := <-killDone
	killedAt := time.Now()
	// Every completion repeated with its Idempotency-Key on the survivor
	// (half were first answered by the dead instance) gives the same summary
	// message and queues nothing new.
	for i, c := range completions {
		mid, err := complete(ctx, apis[i%2], c.session)
		if err != nil || mid != c.message {
			t.Fatalf("client %d: repeated completion on the survivor: message %d, want %d (%v)", i, mid, c.message, err)
		}
	}
	workDone := time.Now()

	err := waitUntil(ctx, 150*time.Second, func() (bool, string, error) {
		got := byRecipient(fake)
		missing := 0
		for i := range n {
			sums, rems, other := classify(got["whatsapp:"+phone(i)], i)
			if sums > 1 || rems > 1 || other > 0 {
				return false, "", fmt.Errorf("client %d received %d summaries, %d reminders and %d other messages, want one summary and one reminder; stored:%s",
					i, sums, rems, other, describeClient(db, fake, i))
			}
			missing += 2 - sums - rems
		}
		if len(got) > n {
			return false, "", fmt.Errorf("messages to %d recipients at Twilio, want %d", len(got), n)
		}
		jobs, sending, err := unsettled(db, models.DriverPostgres)
		if err != nil {
			return false, "database: " + err.Error(), nil
		}
		note := fmt.Sprintf("%d of %d messages missing, %d jobs unfinished, %d sends with unknown outcome",
			missing, 2*n, jobs, sending)
		return missing == 0 && jobs == 0 && sending == 0, note, nil
	})
	settled := time.Now()
	if err != nil {
		t.Fatal(err)
	}

	got := byRecipient(fake)
	sentBy := map[string]int{}
	for i := range n {
		msgs := got["whatsapp:"+phone(i)]
		if sums, rems, other := classify(msgs, i); sums != 1 || rems != 1 || other != 0 {
			t.Errorf("client %d: %d summaries, %d reminders, %d other messages at Twilio, want one of each", i, sums, rems, other)
		}
		for _, m := range msgs {
			for k, in := range insts {
				if strings.HasPrefix(m.StatusCallback, in.base+"/") {
					sentBy[fmt.Sprintf("instance-%d", k)]++
				}
			}
		}
	}
	if sentBy["instance-0"] == 0 || sentBy["instance-1"] == 0 {
		t.Errorf("messages sent per instance: %v; both should have sent some", sentBy)
	}
	sids := map[string]bool{}
	for _, ms := range got {
		for _, m := range ms {
			sids[m.SID] = true
		}
	}
	stored := storedMessages(t, db)
	retried := 0
	for _, m := range stored {
		if m.TwilioSID == nil || !sids[*m.TwilioSID] {
			t.Errorf("client %d: stored %s (status %s) does not point at a message Twilio has", clientOf(m.Recipient, n), m.Kind, m.Status)
		}
		if m.Attempts > 1 {
			retried++
		}
	}
	if len(stored) != 2*n {
		t.Errorf("%d messages stored, want %d", len(stored), 2*n)
	}
	if discarded, err := jobCount(db, "send_message", "discarded"); err != nil || discarded != 0 {
		t.Errorf("discarded send jobs: %d (%v)", discarded, err)
	}
	purges, _ := jobCount(db, "retention_purge")
	if purges > 2 {
		t.Errorf("%d hourly retention jobs queued in %s, want one per River leader (at most 2)", purges,
			time.Since(started).Round(time.Second))
	}
	for _, in := range insts {
		if ex := in.unexpectedExits(); len(ex) > 0 {
			t.Errorf("%s exited by itself: %s", in.name, strings.Join(ex, "; "))
		}
	}
	auditVerify(ctx, t, bin, cfgs[0])

	t.Logf("kill: %s; jobs rescued after it: %d", killNote, rescued(db))
	t.Logf("periodic jobs before the kill: %s; retention jobs at the end: %d", periodicBeforeKill, purges)
	t.Logf("messages sent per instance: %v; messages that took more than one attempt: %d; API calls retried: %d",
		sentBy, retried, apis[0].retries.Load()+apis[1].retries.Load())
	t.Logf("timings: build+start %s, workload %s, kill → all settled %s, total %s",
		started.Sub(began).Round(time.Second), workDone.Sub(started).Round(time.Second),
		settled.Sub(killedAt).Round(time.Second), time.Since(began).Round(time.Second))
}

// classify counts client i's summaries, reminders and anything else.
func classify(msgs []twiliofake.Message, i int) (summaries, reminders, other int) {
	for _, m := range msgs {
		switch {
		case isSummaryOf(m.Body, i):
			summaries++
		case strings.Contains(m.Body, "herinnering"):
			reminders++
		default:
			other++
		}
	}
	return summaries, reminders, other
}

// checkPeriodicOnce asserts that, with both instances up, only River's leader
// queued the periodic jobs: the hourly retention purge once, the no-show sweep
// once at start and once a minute after (queued once per instance, they would
// be there twice). It returns the counts for the log.
func checkPeriodicOnce(ctx context.Context, t *testing.T, db *gorm.DB, since time.Time) string {
	t.Helper()
	var purges, sweeps int64
	err := waitUntil(ctx, 15*time.Second, func() (bool, string, error) {
		var err1, err2 error
		purges, err1 = jobCount(db, "retention_purge")
		sweeps, err2 = jobCount(db, "no_show_sweep")
		if err := errors.Join(err1, err2); err != nil {
			return false, "", err
		}
		return purges >= 1 && sweeps >= 1, "no periodic job queued yet: no River leader?", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // a second instance queueing too would have done so by now
	purges, _ = jobCount(db, "retention_purge")
	sweeps, _ = jobCount(db, "no_show_sweep")
	maxSweeps := 1 + int64(time.Since(since)/time.Minute)
	if purges != 1 || sweeps > maxSweeps {
		t.Errorf("with two instances up for %s: %d retention purges (want 1) and %d no-show sweeps (want at most %d) queued",
			time.Since(since).Round(time.Second), purges, sweeps, maxSweeps)
	}
	return fmt.Sprintf("%d retention purge, %d no-show sweep(s) after %s", purges, sweeps, time.Since(since).Round(time.Second))
}

// runningOn counts the River clients (instances) that are running a send or
// reminder job right now.
func runningOn(db *gorm.DB) int {
	var n int
	db.Raw(`SELECT count(DISTINCT attempted_by[array_length(attempted_by, 1)]) FROM river_job
		WHERE state = 'running' AND kind IN ('send_message', 'session_reminder')`).Scan(&n)
	return n
}
