package api

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"afspraak/models"
	"afspraak/models/modelstest"
)

func TestAuditTrail(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			h := buildHistory(t, e)
			e.do("GET", "/api/v1/me", "afs_wrong", nil).must(t, 401)
			e.do("GET", "/api/v1/reports/follow-up", h.supA, nil).must(t, 200)
			cid := e.do("GET", "/api/v1/clients", h.w1, nil).must(t, 200).json(t)["items"].([]any)[0].(map[string]any)["id"].(float64)
			e.do("GET", fmt.Sprintf("/api/v1/clients/%d/export", int64(cid)), h.w1, nil).must(t, 200)

			e.do("GET", "/api/v1/audit-events", h.w1, nil).must(t, 404)
			list := e.do("GET", "/api/v1/audit-events?limit=200", h.admin, nil).must(t, 200).json(t)["items"].([]any)
			actions := map[string]int{}
			for _, it := range list {
				m := it.(map[string]any)
				actions[m["entity"].(string)+"."+m["action"].(string)]++
				if strings.Contains(fmt.Sprint(m["changes"]), "afspraak") || strings.Contains(fmt.Sprint(m["changes"]), "0612") {
					t.Fatalf("audit changes hold content: %v", m["changes"])
				}
			}
			for _, want := range []string{"user.create", "client.create", "client.consent_change", "session.create",
				"session.complete", "session.no_show", "agreement.create", "token.login_failed", "report.report_view", "client.export"} {
				if actions[want] == 0 {
					t.Errorf("no %s event in %v", want, actions)
				}
			}
			team := e.do("GET", "/api/v1/audit-events?limit=200&entity=session", h.supA, nil).must(t, 200).json(t)["items"].([]any)
			for _, it := range team {
				if cid := it.(map[string]any)["client_id"]; cid == nil {
					t.Fatalf("session event without client: %v", it)
				}
			}
			adminSessions := e.do("GET", "/api/v1/audit-events?limit=200&entity=session", h.admin, nil).must(t, 200).json(t)["items"].([]any)
			if len(team) == 0 || len(team) >= len(adminSessions) {
				t.Fatalf("supervisor A sees %d session events, admin %d: team B's must be hidden", len(team), len(adminSessions))
			}
			if broken, n, _, err := e.store.VerifyAudit(context.Background()); err != nil || broken != 0 || n != len(list) {
				t.Fatalf("intact chain: broken %d, checked %d of %d, %v", broken, n, len(list), err)
			}
		})
	}
}

// TestAuditTamperDetected changes each stored field of one event in turn (after
// disabling the append-only trigger, as someone with database access could)
// and checks that verification names that event.
func TestAuditTamperDetected(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			buildHistory(t, e)
			db := e.App.SQL()
			if _, err := db.Exec("UPDATE audit_events SET action = 'x' WHERE id = 3"); err == nil {
				t.Fatal("the append-only trigger let an update through")
			}
			if driver == models.DriverSQLite {
				e.Exec(t, "DROP TRIGGER audit_events_no_update")
				e.Exec(t, "DROP TRIGGER audit_events_no_delete")
			} else {
				e.Exec(t, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
			}
			cases := []struct{ col, value string }{
				{"at", "'2020-01-01 00:00:00'"}, {"actor_id", "999"}, {"actor_role", "'forged'"}, {"team_id", "999"},
				{"action", "'forged'"}, {"entity", "'forged'"}, {"entity_id", "999"}, {"client_id", "999"},
				{"request_id", "'forged'"}, {"changes", `'{"status":"kept"}'`}, {"prev_hash", "'00'"}, {"hash", "'00'"},
			}
			for _, c := range cases {
				t.Run(c.col, func(t *testing.T) {
					var orig any
					if err := db.QueryRow("SELECT " + c.col + " FROM audit_events WHERE id = 5").Scan(&orig); err != nil {
						t.Fatal(err)
					}
					e.Exec(t, "UPDATE audit_events SET "+c.col+" = "+c.value+" WHERE id = 5")
					broken, _, reason, err := e.store.VerifyAudit(context.Background())
					if err != nil || broken != 5 {
						t.Fatalf("tampered %s: broken at %d (%s), %v; want 5", c.col, broken, reason, err)
					}
					e.Exec(t, "UPDATE audit_events SET "+c.col+" = ? WHERE id = 5", orig)
					if broken, _, _, _ := e.store.VerifyAudit(context.Background()); broken != 0 {
						t.Fatalf("restoring %s did not restore the chain (broken at %d)", c.col, broken)
					}
				})
			}
			e.Exec(t, "DELETE FROM audit_events WHERE id = 7")
			if broken, _, _, _ := e.store.VerifyAudit(context.Background()); broken != 7 {
				t.Fatalf("a deleted event: broken at %d, want 7", broken)
			}
		})
	}
}

func TestRetentionPurge(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	buildHistory(t, e) // messages sent in November 2026, one reply in December
	ctx := context.Background()
	admin := models.Actor{Role: models.RoleAdmin}
	e.Exec(t, "UPDATE messages SET body = ?", "Hallo, dit hebben we afgesproken")
	e.Clock.Set(func() time.Time { return time.Date(2027, 2, 20, 12, 0, 0, 0, time.UTC) })
	n, err := e.store.PurgeMessageBodies(ctx, e.Clock.Now().AddDate(0, 0, -90)) // cutoff 2026-11-22
	if err != nil {
		t.Fatal(err)
	}
	after, _, err := e.store.FindMessages(ctx, admin, models.MessageFilter{Page: models.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(after) // oldest first
	purged := 0           // every message of the history is older than the cutoff; TestRetentionPurgesBodies covers newer ones
	for _, m := range after {
		if m.CreatedAt.Before(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)) {
			if m.Body != nil || m.BodyPurgedAt == nil || m.Status == "" || m.SentAt == nil && m.Status != "skipped" {
				t.Fatalf("message %d: body not purged or metadata lost: %+v", m.ID, m)
			}
			purged++
		} else if m.Body == nil {
			t.Fatalf("message %d is newer than the cutoff but purged", m.ID)
		}
	}
	replies, _ := e.store.FindInbound(ctx, admin, after[0].ClientID, 10)
	var repliesPurged int
	for _, r := range replies {
		if r.Body == nil {
			repliesPurged++
		}
	}
	if purged == 0 || repliesPurged != 1 || n != int64(purged+repliesPurged) {
		t.Fatalf("purged %d messages, %d replies, reported %d", purged, repliesPurged, n)
	}
	events, _, _ := e.store.FindAuditEvents(ctx, models.Actor{Role: models.RoleAdmin}, models.AuditFilter{Action: "retention_purge"})
	if len(events) != 1 {
		t.Fatalf("%d retention audit events", len(events))
	}
}

func TestClientExport(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	h := buildHistory(t, e)
	items := e.do("GET", "/api/v1/clients", h.w1, nil).must(t, 200).json(t)["items"].([]any)
	id := int64(items[0].(map[string]any)["id"].(float64))
	x := e.do("GET", fmt.Sprintf("/api/v1/clients/%d/export", id), h.w1, nil).must(t, 200).json(t)
	counts := map[string]int{}
	for _, k := range []string{"consent_history", "sessions", "agreements", "messages", "replies"} {
		list, _ := x[k].([]any)
		counts[k] = len(list)
	}
	// Messages: the four summary copies of the history, and the skipped
	// summary each of its three completions recorded.
	want := map[string]int{"consent_history": 1, "sessions": 4, "agreements": 3, "messages": 7, "replies": 2}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("export holds %v, want %v", counts, want)
	}
	if x["client"].(map[string]any)["id"].(float64) != float64(id) {
		t.Fatal("export of the wrong client")
	}
	withAgenda := 0
	for _, s := range x["sessions"].([]any) {
		if a, _ := s.(map[string]any)["agenda"].([]any); len(a) > 0 {
			withAgenda++
		}
	}
	if withAgenda == 0 { // later sessions carry over the open agreements
		t.Fatal("sessions in the export lack their agenda")
	}
	_, other := e.user("other", "worker", "B")
	e.do("GET", fmt.Sprintf("/api/v1/clients/%d/export", id), other, nil).must(t, 404)
}
