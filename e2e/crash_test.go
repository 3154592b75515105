package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"afspraak/models"
	"afspraak/notify/twiliofake"
)

// TestCrashSafety: one `afspraak serve` on SQLite is SIGKILLed four times —
// at a random moment of the workload, and three times while a summary is at
// Twilio (slow to answer), the last after the workload ended — and restarted
// each time. Some creates are accepted by Twilio with the connection dropped
// before the answer. Every client still gets its agreement summary exactly
// once, and the stored message points at the very message Twilio has.
func TestCrashSafety(t *testing.T) {
	skipShort(t)
	t.Parallel()
	began := time.Now()
	bin := binary(t) // the same binary for every test; built once
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Second)
	defer cancel()

	fake, sid, token := newFake(t, 300*time.Millisecond) // every Twilio request: sends are in flight for a while

	const n = 30
	// Summaries of these clients stay at Twilio for 2.5 s more; the instance is
	// killed 0.9 s after each of them is queued, so while Twilio has the request
	// and will accept it after we are gone.
	slow := []int{9, 19, 29}
	// Twilio accepts these and drops the connection without answering.
	drop := []int{4, 14, 24}
	for _, i := range slow {
		fake.FailTo("whatsapp:"+phone(i), twiliofake.Slow(2500*time.Millisecond))
	}
	for _, i := range drop {
		fake.FailTo("whatsapp:"+phone(i), twiliofake.AcceptThenDrop())
	}

	dir := t.TempDir()
	port := freePort(t)
	dsn := filepath.Join(dir, "data", "afspraak.db")
	cfg := writeConfig(t, dir, "config.yaml", config{port: port, driver: models.DriverSQLite, dsn: dsn,
		sid: sid, token: token, fakeURL: fake.URL()})
	tok := addUser(ctx, t, bin, cfg, "a") // creates and migrates the database
	inst := newInstance(t, "afspraak", bin, cfg, port)
	if err := inst.start(); err != nil {
		t.Fatal(err)
	}
	if err := inst.waitReady(ctx); err != nil {
		t.Fatal(err)
	}
	api := newAPIClient(tok, func(int, int) string { return inst.base })
	wctx, ch := newChaos(ctx, t, inst)
	atFake := func() string { return fmt.Sprintf("%d messages at Twilio so far", len(fake.Messages())) }

	workStart := time.Now()
	ch.killAt(workStart.Add(300*time.Millisecond+rand.N(900*time.Millisecond)), "at a random moment of the workload", atFake)
	sessionAt := time.Now().Add(time.Hour) // no reminder: the only offset, 24h, has passed
	for i := range n {
		if _, err := runClient(wctx, api, i, sessionAt); err != nil {
			t.Fatalf("%v (chaos: %v)", err, context.Cause(wctx))
		}
		switch {
		case slices.Contains(slow, i):
			what := "while client " + fmt.Sprint(i) + "'s summary is at Twilio"
			if i == n-1 {
				what += ", after the workload"
			}
			ch.killAt(time.Now().Add(900*time.Millisecond), what, atFake)
		case i == 7 || i == 17:
			// The next Twilio request, a create or a lookup, is accepted and dropped.
			fake.FailNext(1, twiliofake.AcceptThenDrop())
		}
		time.Sleep(100 * time.Millisecond)
	}
	workDone := time.Now()
	kills, lastReady, err := ch.finish()
	if err != nil {
		t.Fatal(err)
	}

	db := openDB(t, models.DriverSQLite, dsn)
	// A killed job is rescued about 30–60 s after the kill, once this
	// instance is River's leader again (the dead leader's lease runs out).
	err = waitUntil(ctx, 150*time.Second, func() (bool, string, error) {
		got := byRecipient(fake)
		missing := 0
		for i := range n {
			switch msgs := got["whatsapp:"+phone(i)]; {
			case len(msgs) > 1:
				return false, "", fmt.Errorf("client %d received %d messages at Twilio, want exactly one summary; stored:%s",
					i, len(msgs), describeClient(db, fake, i))
			case len(msgs) == 0:
				missing++
			}
		}
		if len(got) > n {
			return false, "", fmt.Errorf("messages to %d recipients at Twilio, want %d", len(got), n)
		}
		jobs, sending, err := unsettled(db, models.DriverSQLite)
		if err != nil {
			return false, "database: " + err.Error(), nil
		}
		note := fmt.Sprintf("%d of %d clients without a summary, %d send jobs unfinished, %d sends with unknown outcome",
			missing, n, jobs, sending)
		return missing == 0 && jobs == 0 && sending == 0, note, nil
	})
	settled := time.Now()
	if err != nil {
		t.Fatal(err)
	}

	got := byRecipient(fake)
	for i := range n {
		msgs := got["whatsapp:"+phone(i)]
		if len(msgs) != 1 || !isSummaryOf(msgs[0].Body, i) {
			t.Errorf("client %d: %d messages at Twilio, want exactly its summary", i, len(msgs))
		}
	}
	var retried []string
	summaries := 0
	for _, m := range storedMessages(t, db) {
		i := clientOf(m.Recipient, n)
		if m.Kind != models.KindAgreementSummary || i < 0 {
			t.Errorf("unexpected stored message: kind %s, status %s", m.Kind, m.Status)
			continue
		}
		summaries++
		at := got["whatsapp:"+m.Recipient]
		if m.TwilioSID == nil || len(at) != 1 || at[0].SID != *m.TwilioSID {
			t.Errorf("client %d: stored summary (status %s) does not point at the message Twilio has", i, m.Status)
		}
		if m.Attempts > 1 {
			retried = append(retried, fmt.Sprintf("%d:%d", i, m.Attempts))
		}
		if slices.Contains(drop, i) && m.Attempts < 2 {
			t.Errorf("client %d: Twilio dropped the answer, yet the send took %d attempt(s)", i, m.Attempts)
		}
	}
	if summaries != n {
		t.Errorf("%d summaries stored, want %d", summaries, n)
	}
	if discarded, err := jobCount(db, "send_message", "discarded"); err != nil || discarded != 0 {
		t.Errorf("discarded send jobs: %d (%v)", discarded, err)
	}
	if ex := inst.unexpectedExits(); len(ex) > 0 {
		t.Errorf("afspraak exited by itself: %s", strings.Join(ex, "; "))
	}
	auditVerify(ctx, t, bin, cfg)

	t.Logf("%s", strings.Join(kills, "\n"))
	t.Logf("summaries that took more than one attempt (client:attempts), each looked up at Twilio first: %s",
		strings.Join(retried, " "))
	t.Logf("jobs rescued after a kill: %d; API calls retried while the instance was down: %d", rescued(db), api.retries.Load())
	t.Logf("timings: build+setup %s, workload %s, last restart → all settled %s, total %s",
		workStart.Sub(began).Round(time.Second), workDone.Sub(workStart).Round(time.Second),
		settled.Sub(lastReady).Round(time.Second), time.Since(began).Round(time.Second))
}
