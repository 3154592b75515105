package e2e

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"afspraak/models"
)

// TestReminderCrash: twenty reminders fall due at once; the instance is
// SIGKILLed the moment the first reminder message is stored, so that some
// reminder jobs have committed their message but River has not yet recorded
// the job as completed (it does so in batches, ~50 ms later). After the
// restart River rescues those jobs and runs them again. Each client must
// still get exactly one reminder.
func TestReminderCrash(t *testing.T) {
	skipShort(t)
	t.Parallel()
	began := time.Now()
	bin := binary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()

	fake, sid, token := newFake(t, 0)

	dir := t.TempDir()
	port := freePort(t)
	dsn := filepath.Join(dir, "afspraak.db")
	cfg := writeConfig(t, dir, "config.yaml", config{port: port, driver: models.DriverSQLite, dsn: dsn,
		sid: sid, token: token, fakeURL: fake.URL(), reminderOffsets: "[59m54s]"})
	tok := addUser(ctx, t, bin, cfg, "a")
	inst := newInstance(t, "afspraak", bin, cfg, port)
	if err := inst.start(); err != nil {
		t.Fatal(err)
	}
	if err := inst.waitReady(ctx); err != nil {
		t.Fatal(err)
	}
	api := newAPIClient(tok, func(int, int) string { return inst.base })
	db := openDB(t, models.DriverSQLite, dsn)

	const n = 20
	// Sessions in the same second an hour from now: every reminder falls due
	// about 6 s from now, and River's scheduler (every 5 s) releases them together.
	at := time.Now().Add(time.Hour).Truncate(time.Second).Add(time.Second)
	for i := range n {
		cl, err := api.do(ctx, "POST", "/api/v1/clients", map[string]any{"name": fmt.Sprintf("Cliënt %02d", i),
			"phone": phone(i), "consent": map[string]any{"whatsapp": true}}, nil, http.StatusCreated)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := planSession(ctx, api, id(cl), at); err != nil {
			t.Fatal(err)
		}
	}

	// Poll tightly: the window between a reminder's commit and its job's
	// completion is tens of milliseconds.
	var stored int64
	for deadline := time.Now().Add(20 * time.Second); stored == 0; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no reminder stored within 20 s")
		}
		db.Raw(`SELECT count(*) FROM messages WHERE kind = 'reminder'`).Scan(&stored)
	}
	inst.kill()
	// Jobs still "running" whose reminder is already stored: run again after
	// the restart, they store a second reminder unless the job's completion
	// was part of the reminder's transaction.
	db.Raw(`SELECT count(*) FROM messages WHERE kind = 'reminder'`).Scan(&stored)
	var exposed int64
	db.Raw(`SELECT count(*) FROM river_job j WHERE j.kind = 'session_reminder' AND j.state = 'running'
		AND EXISTS (SELECT 1 FROM messages m WHERE m.kind = 'reminder'
			AND m.session_id = json_extract(j.args, '$.session_id'))`).Scan(&exposed)
	t.Logf("killed with %d reminder(s) stored, %d of them by jobs River still had as running", stored, exposed)
	killedAt := time.Now()
	if err := inst.start(); err != nil {
		t.Fatal(err)
	}
	if err := inst.waitReady(ctx); err != nil {
		t.Fatal(err)
	}

	err := waitUntil(ctx, 120*time.Second, func() (bool, string, error) {
		got := byRecipient(fake)
		missing := 0
		for i := range n {
			switch msgs := got["whatsapp:"+phone(i)]; {
			case len(msgs) > 1:
				return false, "", fmt.Errorf("client %d received %d reminders, want one; stored:%s", i, len(msgs), describeClient(db, fake, i))
			case len(msgs) == 0:
				missing++
			}
		}
		jobs, sending, err := unsettled(db, models.DriverSQLite)
		if err != nil {
			return false, "database: " + err.Error(), nil
		}
		return missing == 0 && jobs == 0 && sending == 0,
			fmt.Sprintf("%d of %d clients without a reminder, %d jobs unfinished, %d sends with unknown outcome", missing, n, jobs, sending), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, msgs := range byRecipient(fake) {
		if len(msgs) != 1 || !strings.Contains(msgs[0].Body, "herinnering") {
			t.Errorf("recipient %d: %d messages, want one reminder", clientOf(strings.TrimPrefix(i, "whatsapp:"), n), len(msgs))
		}
	}
	if ex := inst.unexpectedExits(); len(ex) > 0 {
		t.Errorf("afspraak exited by itself: %s", strings.Join(ex, "; "))
	}
	t.Logf("jobs rescued: %d; kill → settled %s; total %s", rescued(db), time.Since(killedAt).Round(time.Second),
		time.Since(began).Round(time.Second))
}
