package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// TestWritersOnOneRowNeverDeadlock replays, on one message, what the sender
// and Twilio's status callbacks do at once: each adds a message event (on
// PostgreSQL a foreign key's share lock on the message), appends to the audit
// chain, and saves the message, the sender also setting its Twilio sid (a
// unique key, so an exclusive row lock). With the head locked only when the
// audit event is written, PostgreSQL found a deadlock within a few rounds.
func TestWritersOnOneRowNeverDeadlock(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			store := modelstest.Store(t, driver)
			m := newMessage(t, store, newClient(t, store), 0)

			const rounds = 40
			var wg sync.WaitGroup
			errs := make(chan error, 4*rounds)
			for g := range 4 {
				wg.Go(func() {
					for i := range rounds {
						_, err := store.UpdateMessage(ctx, m.ID, func(tx models.Tx, msg *models.Message, _ time.Time) error {
							ev := models.MessageEvent{MessageID: msg.ID, Status: "sent", Source: fmt.Sprintf("test-%d-%d", g, i)}
							if _, err := store.AddMessageEventTx(tx, &ev); err != nil {
								return err
							}
							// A status change: the store audits it, taking the audit head.
							msg.Status = []string{"sent", "delivered"}[i%2]
							if g%2 == 0 { // the sender: a new sid
								sid := fmt.Sprintf("SM%030d", g*rounds+i)
								msg.TwilioSID = &sid
							}
							return nil
						})
						if err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("concurrent update: %v", err)
			}
			if broken, checked, reason, err := store.VerifyAudit(ctx); err != nil || broken != 0 {
				t.Fatalf("audit chain: event %d of %d: %s %v", broken, checked, reason, err)
			}
		})
	}
}

// TestGroupedMessageUpdates: 48 concurrent message updates, every third of
// which writes an event and an audit entry and then fails. On SQLite they are
// committed in groups (Store.writeGrouped); on both databases a failed update
// leaves nothing behind, the others are all there, the audit chain is whole,
// and a field set back to its zero value is stored as such.
func TestGroupedMessageUpdates(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			store := modelstest.Store(t, driver)
			c := newClient(t, store)
			ids := make([]int64, 48)
			for i := range ids {
				ids[i] = newMessage(t, store, c, 7).ID
			}
			errFail := errors.New("this update fails")
			var wg sync.WaitGroup
			errs := make([]error, len(ids))
			for i, id := range ids {
				wg.Go(func() {
					_, errs[i] = store.UpdateMessage(ctx, id, func(tx models.Tx, m *models.Message, _ time.Time) error {
						ev := models.MessageEvent{MessageID: m.ID, Status: "sent", Source: "test"}
						if _, err := store.AddMessageEventTx(tx, &ev); err != nil {
							return err
						}
						m.Status, m.ErrorCode, m.Attempts = "sent", 0, 1
						if i%3 == 0 {
							return errFail
						}
						return nil
					})
				})
			}
			wg.Wait()
			for i, id := range ids {
				if (i%3 == 0) != errors.Is(errs[i], errFail) {
					t.Fatalf("update %d: error %v", i, errs[i])
				}
				m, err := store.FindMessage(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				events, err := store.FindMessageEvents(ctx, models.Actor{Role: models.RoleAdmin}, id)
				if err != nil {
					t.Fatal(err)
				}
				want := "sent 0 1 1"
				if i%3 == 0 {
					want = "queued 7 0 0"
				}
				if got := fmt.Sprintf("%s %d %d %d", m.Status, m.ErrorCode, m.Attempts, len(events)); got != want {
					t.Errorf("message %d: status, error code, attempts, events = %s, want %s", i, got, want)
				}
			}
			if broken, checked, reason, err := store.VerifyAudit(ctx); err != nil || broken != 0 || checked < 32 {
				t.Fatalf("audit chain: event %d of %d: %s %v", broken, checked, reason, err)
			}
		})
	}
}

// newClient adds a worker and one client of theirs.
func newClient(t *testing.T, store *models.Store) models.Client {
	t.Helper()
	ctx := context.Background()
	admin, _, err := store.CreateUser(ctx, models.System, models.NewUser{Name: "A", Email: "a@example.org", Role: models.RoleAdmin, Team: "T"})
	if err != nil {
		t.Fatal(err)
	}
	worker, _, err := store.CreateUser(ctx, models.System, models.NewUser{Name: "W", Email: "w@example.org", Role: models.RoleWorker, Team: "T"})
	if err != nil {
		t.Fatal(err)
	}
	name, phone, yes := "Jan", "0612345678", true
	c, err := store.CreateClient(ctx, models.ActorFor(admin), models.ClientFields{Name: &name, Phone: &phone,
		ConsentSMS: &yes, WorkerID: &worker.ID})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newMessage stores a queued reminder to c with the given error code.
func newMessage(t *testing.T, store *models.Store, c models.Client, errorCode int) models.Message {
	t.Helper()
	body := "Tot dinsdag."
	m := models.Message{ClientID: c.ID, Kind: models.KindReminder, Channel: "sms", Recipient: c.Phone,
		Body: &body, Status: models.MessageQueued, ErrorCode: errorCode}
	if err := store.Write(context.Background(), func(tx models.Tx) error { return store.CreateMessageTx(tx, &m) }); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGroupedUpdatePanics: a write that panics inside a group fails its
// group with an error instead of leaving the other writers, and every later
// one, waiting.
func TestGroupedUpdatePanics(t *testing.T) {
	ctx := context.Background()
	store := modelstest.Store(t, models.DriverSQLite)
	c := newClient(t, store)
	ids := make([]int64, 16)
	for i := range ids {
		ids[i] = newMessage(t, store, c, 0).ID
	}
	finished := make(chan error, len(ids))
	for i, id := range ids {
		go func() {
			_, err := store.UpdateMessage(ctx, id, func(_ models.Tx, m *models.Message, _ time.Time) error {
				if i == 5 {
					panic("broken update")
				}
				m.Attempts = 1
				return nil
			})
			finished <- err
		}()
	}
	var failed int
	for range ids {
		select {
		case err := <-finished:
			if err != nil {
				failed++
			}
		case <-time.After(10 * time.Second):
			t.Fatal("grouped writers still waiting 10 s after one panicked")
		}
	}
	if failed == 0 {
		t.Fatal("the panicking update reported no error")
	}
	if _, err := store.UpdateMessage(ctx, ids[0], func(_ models.Tx, m *models.Message, _ time.Time) error {
		m.Attempts = 2
		return nil
	}); err != nil {
		t.Fatalf("update after the panic: %v", err)
	}
}
