package api

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// TestPipelineAuditsEveryStatusChange: a summary sent through the whole
// pipeline (queue, send worker, twilio-go, callbacks out of order and twice)
// has one audit event per status it went through, none for callbacks that
// did not move it, on both databases.
func TestPipelineAuditsEveryStatusChange(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			cid := newClient(t, m.testEnv, m.tok, nil)
			id := summaryID(t, m.completeWith(t, cid, "", "Solliciteren bij de bakker"))
			waitFor(t, "our record of the send", func() bool { return m.message(t, id).TwilioSID != nil })
			ctx := context.Background()
			for _, st := range []string{"delivered", "sent", "delivered", "read", "sent"} {
				if err := m.fake.SendStatus(ctx, *m.message(t, id).TwilioSID, st, 0); err != nil {
					t.Fatal(err)
				}
			}
			list, _, err := m.store.FindAuditEvents(ctx, models.Actor{Role: models.RoleAdmin},
				models.AuditFilter{Entity: "message", Page: models.Page{Limit: 200}})
			if err != nil {
				t.Fatal(err)
			}
			slices.Reverse(list) // oldest first
			var actions, statuses []string
			for _, ev := range list {
				if ev.EntityID != id {
					continue
				}
				var ch struct{ Status string }
				if err := json.Unmarshal([]byte(ev.Changes), &ch); err != nil {
					t.Fatal(err)
				}
				actions, statuses = append(actions, ev.Action), append(statuses, ch.Status)
			}
			want := []string{"queue", "status_change", "send", "status_change", "status_change"}
			if !slices.Equal(actions, want) || statuses[1] != models.MessageSending || statuses[3] != "delivered" || statuses[4] != "read" {
				t.Fatalf("audited %v with statuses %v, want %v ending sending, …, delivered, read", actions, statuses, want)
			}
		})
	}
}
