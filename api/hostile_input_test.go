package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"afspraak/app/apptest"
	"afspraak/models/modelstest"
	"afspraak/notify/twiliofake"
)

// TestHostileQueriesAndHeaders: query values and the Idempotency-Key reach
// queries and columns; NUL, bytes that are not UTF-8, huge and negative numbers
// are a 4xx problem that changes nothing, on every database.
func TestHostileQueriesAndHeaders(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			_, sup := e.user("sup", "supervisor", "A")
			_, tok := e.user("w", "worker", "A")
			sid := num(plan(t, e, tok, newClient(t, e, tok, nil), time.Now().Add(time.Hour), "video", "meldplicht"), "id")
			complete := fmt.Sprintf("/api/v1/sessions/%d/complete", sid)
			cases := []struct {
				name, path, key string
			}{
				{"status nul", "/api/v1/messages?status=%00", ""},
				{"status not utf-8", "/api/v1/messages?status=%FF", ""},
				{"negative client", "/api/v1/messages?client_id=-1", ""},
				{"huge session", "/api/v1/messages?session_id=99999999999999999999", ""},
				{"entity nul", "/api/v1/audit-events?entity=a%00b", ""},
				{"action not utf-8", "/api/v1/audit-events?action=%FF%FE", ""},
				{"from 1e309", "/api/v1/audit-events?from=1e309", ""},
				{"limit 0", "/api/v1/clients?limit=0", ""},
				{"limit 1e309", "/api/v1/clients?limit=1e309", ""},
				{"negative offset", "/api/v1/clients?offset=-1", ""},
				{"worker nul", "/api/v1/clients?worker_id=%00", ""},
				{"name not utf-8", "/api/v1/clients?%FF=1", ""},
				{"status sql", "/api/v1/sessions?status=%27%3B%20DROP%20TABLE%20sessions%3B%20--", ""},
				{"from not utf-8", "/api/v1/sessions?from=%FF", ""},
				{"report from nul", "/api/v1/reports/follow-up?from=%00", ""},
				{"report to huge", "/api/v1/reports/follow-up?to=99999-01-01", ""},
				{"status template", "/api/v1/clients/1/agreements?status={{.}}", ""},
				{"lang nul", "/api/v1/agenda-templates?lang=%00", ""},
				{"idempotency key not utf-8", complete, "a\xffb"},
				{"idempotency key too long", complete, strings.Repeat("k", 201)},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					e := e.withT(t)
					before := e.Dump(t)
					method, who, body, headers := "GET", sup, any(nil), map[string]string{}
					if c.key != "" {
						method, who, body = "POST", tok, map[string]any{"send_summary": true}
						headers["Idempotency-Key"] = c.key
					}
					r := e.doHeader(method, c.path, who, body, headers)
					checkAnswer(t, c.path, r)
					if r.Status < 400 {
						t.Fatalf("status %d, want 4xx: %s", r.Status, r.Body)
					}
					if e.Dump(t) != before {
						t.Fatal("a refused request changed the database")
					}
				})
			}
		})
	}
}

// TestSignedWebhookOddText: a correctly signed callback whose form is not
// plain text is a 400 that changes nothing, on every database; a 5xx would
// have Twilio retry it for nothing.
func TestSignedWebhookOddText(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newEnvWith(t, apptest.Options{Driver: driver, Twilio: true}) // webhooks are signature-checked
			fx := newWebhookFixture(t, e)
			status := fmt.Sprintf("/webhooks/twilio/status?message_id=%d", fx.message)
			inbound := "/webhooks/twilio/inbound"
			for _, c := range []struct{ name, path, body string }{
				{"reply nul", inbound, "MessageSid=SM1&From=%2B31612345678&Body=a%00b"},
				{"reply not utf-8", inbound, "MessageSid=SM2&From=whatsapp%3A%2B31612345678&Body=a%FFb"},
				{"from nul", inbound, "MessageSid=SM3&From=%00&Body=x"},
				{"sid nul", inbound, "MessageSid=S%00M&From=%2B31612345678&Body=x"},
				{"name not utf-8", inbound, "MessageSid=SM4&From=%2B31612345678&Body=x&%FF=1"},
				{"status sid nul", status, "MessageSid=S%00M&MessageStatus=delivered"},
				{"status not utf-8", status, "MessageSid=SM5&MessageStatus=deli%FFvered"},
				{"error code nul", status, "MessageSid=SM6&MessageStatus=failed&ErrorCode=%00"},
			} {
				t.Run(c.name, func(t *testing.T) {
					e := e.withT(t)
					form, err := url.ParseQuery(c.body)
					if err != nil {
						t.Fatal(err)
					}
					before := e.Dump(t)
					r := postSigned(t, e, c.path, []byte(c.body), twiliofake.Signature(apptest.FakeToken, publicBase+c.path, form))
					checkAnswer(t, c.path, r)
					if r.Status != 400 {
						t.Fatalf("status %d, want 400: %s", r.Status, r.Body)
					}
					if e.Dump(t) != before {
						t.Fatal("a refused callback changed the database")
					}
				})
			}
			body := "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=" + apptest.FakeSID +
				"&From=whatsapp%3A%2B31612345678&Body=Dank+je+%F0%9F%91%8D"
			form, _ := url.ParseQuery(body)
			r := postSigned(t, e, inbound, []byte(body), twiliofake.Signature(apptest.FakeToken, publicBase+inbound, form))
			if r.Status != 200 {
				t.Fatalf("a plain reply with an emoji: status %d: %s", r.Status, r.Body)
			}
		})
	}
}
