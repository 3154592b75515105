package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// TestEveryChangeAudited: each message status change, consent change, reply
// and acknowledgement writes exactly one audit event, in its own transaction
// (a write that fails leaves none); a write that changes nothing writes none.
func TestEveryChangeAudited(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			store := modelstest.Store(t, driver)
			w := newReachWorld(t, store) // its message is "queued", with one event
			ctx := context.Background()
			admin := models.Actor{Role: models.RoleAdmin}
			count := func() int {
				list, _, err := store.FindAuditEvents(ctx, admin, models.AuditFilter{Page: models.Page{Limit: 200}})
				if err != nil {
					t.Fatal(err)
				}
				return len(list)
			}
			update := func(fn func(m *models.Message, now time.Time) error) error {
				_, err := store.UpdateMessage(ctx, w.message.ID, func(_ models.Tx, m *models.Message, now time.Time) error {
					return fn(m, now)
				})
				return err
			}
			errAbort := errors.New("abort")
			steps := []struct {
				name   string
				do     func() error
				events int    // audit events the step adds
				action string // the newest event's action, when it adds one
			}{
				{"sending", func() error {
					return update(func(m *models.Message, _ time.Time) error { m.Status = models.MessageSending; return nil })
				}, 1, "status_change"},
				{"an attempt counted, status unchanged", func() error {
					return update(func(m *models.Message, _ time.Time) error { m.Attempts++; return nil })
				}, 0, ""},
				{"a failing update", func() error {
					err := update(func(m *models.Message, _ time.Time) error { m.Status = models.MessageFailed; return errAbort })
					if errors.Is(err, errAbort) {
						return nil
					}
					return err
				}, 0, ""},
				{"handed to the provider", func() error {
					return update(func(m *models.Message, now time.Time) error {
						sid := "SM0123"
						m.Status, m.SentAt, m.TwilioSID = "sent", &now, &sid
						return nil
					})
				}, 1, "send"},
				{"delivered", func() error {
					return update(func(m *models.Message, now time.Time) error { m.Status, m.DeliveredAt = "delivered", &now; return nil })
				}, 1, "status_change"},
				{"failed", func() error {
					return update(func(m *models.Message, now time.Time) error {
						m.Status, m.FailedAt = models.MessageFailed, &now
						return nil
					})
				}, 1, "fail"},
				{"consent withdrawn", func() error {
					return store.Write(ctx, func(tx models.Tx) error {
						_, err := store.SetConsentTx(tx, w.client.ID, "sms", false, "inbound")
						return err
					})
				}, 1, "consent_change"},
				{"consent withdrawn again", func() error {
					return store.Write(ctx, func(tx models.Tx) error {
						_, err := store.SetConsentTx(tx, w.client.ID, "sms", false, "inbound")
						return err
					})
				}, 0, ""},
				{"a reply", func() error {
					return store.Write(ctx, func(tx models.Tx) error {
						_, err := store.AddInboundTx(tx, &models.InboundMessage{TwilioSID: "SMcount", ClientID: &w.client.ID, Channel: "sms", Keyword: "ack"})
						return err
					})
				}, 1, "inbound_reply"},
				{"the same reply retried", func() error {
					return store.Write(ctx, func(tx models.Tx) error {
						_, err := store.AddInboundTx(tx, &models.InboundMessage{TwilioSID: "SMcount", ClientID: &w.client.ID, Channel: "sms", Keyword: "ack"})
						return err
					})
				}, 0, ""},
				{"a summary queued", func() error {
					body, now := "Afspraken", time.Now().UTC()
					m := models.Message{ClientID: w.client.ID, SessionID: &w.session.ID, Kind: models.KindAgreementSummary,
						Channel: "sms", Recipient: w.client.Phone, Body: &body, Status: "sent", SentAt: &now}
					return store.Write(ctx, func(tx models.Tx) error { return store.CreateMessageTx(tx, &m) })
				}, 1, "queue"},
				{"its agreements acknowledged", func() error {
					return store.Write(ctx, func(tx models.Tx) error {
						n, err := store.AcknowledgeLatestSummaryTx(tx, w.client.ID)
						if err == nil && n != 1 {
							t.Errorf("%d agreements acknowledged, want 1", n)
						}
						return err
					})
				}, 1, "acknowledge"},
				{"acknowledged again", func() error {
					return store.Write(ctx, func(tx models.Tx) error { _, err := store.AcknowledgeLatestSummaryTx(tx, w.client.ID); return err })
				}, 0, ""},
			}
			for _, s := range steps {
				before := count()
				if err := s.do(); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if got := count() - before; got != s.events {
					t.Fatalf("%s: %d audit events, want %d", s.name, got, s.events)
				}
				if s.action == "" {
					continue
				}
				list, _, _ := store.FindAuditEvents(ctx, admin, models.AuditFilter{Page: models.Page{Limit: 1}})
				if list[0].Action != s.action {
					t.Fatalf("%s: audited as %q, want %q", s.name, list[0].Action, s.action)
				}
			}
			if broken, checked, reason, err := store.VerifyAudit(ctx); err != nil || broken != 0 {
				t.Fatalf("audit chain: event %d of %d: %s %v", broken, checked, reason, err)
			}
		})
	}
}

// TestAcknowledgementAnswersItsSummary: "akkoord" acknowledges the latest
// summary only within the default window (7 days) of its sending and when no reminder
// went out after it.
func TestAcknowledgementAnswersItsSummary(t *testing.T) {
	cases := []struct {
		name     string
		sentAgo  time.Duration
		reminder bool // a reminder sent after the summary
		want     int64
	}{
		{"just sent", time.Hour, false, 1},
		{"six days ago", 6 * 24 * time.Hour, false, 1},
		{"eight days ago", 8 * 24 * time.Hour, false, 0},
		{"a reminder came after it", time.Hour, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := modelstest.Store(t, models.DriverSQLite)
			w := newReachWorld(t, store)
			ctx := context.Background()
			sent := time.Now().UTC().Add(-c.sentAgo)
			body := "x"
			err := store.Write(ctx, func(tx models.Tx) error {
				m := models.Message{ClientID: w.client.ID, SessionID: &w.session.ID, Kind: models.KindAgreementSummary,
					Channel: "sms", Recipient: w.client.Phone, Body: &body, Status: "delivered", SentAt: &sent}
				if err := store.CreateMessageTx(tx, &m); err != nil {
					return err
				}
				if !c.reminder {
					return nil
				}
				later := sent.Add(time.Minute)
				r := models.Message{ClientID: w.client.ID, Kind: models.KindReminder, Channel: "sms", Recipient: w.client.Phone,
					Body: &body, Status: "delivered", SentAt: &later}
				return store.CreateMessageTx(tx, &r)
			})
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			if err := store.Write(ctx, func(tx models.Tx) error {
				n, err = store.AcknowledgeLatestSummaryTx(tx, w.client.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if n != c.want {
				t.Fatalf("%d agreements acknowledged, want %d", n, c.want)
			}
		})
	}
}
