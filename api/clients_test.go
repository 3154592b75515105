package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"afspraak/models/modelstest"

	"afspraak/models"
)

// world is two teams: A (admin, supervisor, two workers) and B (supervisor,
// worker), each worker with one client.
type world struct {
	tokens  map[string]string // by person
	ids     map[string]int64  // users and clients by name
	clients map[string]int64  // client of each worker
}

func newWorld(e *testEnv) world {
	w := world{tokens: map[string]string{}, ids: map[string]int64{}, clients: map[string]int64{}}
	for _, p := range []struct{ name, role, team string }{
		{"admin", "admin", "A"}, {"supA", "supervisor", "A"}, {"workA1", "worker", "A"},
		{"workA2", "worker", "A"}, {"supB", "supervisor", "B"}, {"workB", "worker", "B"},
	} {
		u, tok := e.user(p.name, p.role, p.team)
		w.tokens[p.name], w.ids[p.name] = tok, u.ID
	}
	for i, wk := range []string{"workA1", "workA2", "workB"} {
		res := e.do("POST", "/api/v1/clients", w.tokens[wk], map[string]any{"name": "client of " + wk,
			"phone": fmt.Sprintf("06123456%02d", 70+i)})
		w.clients[wk] = res.must(e.t, http.StatusCreated).id(e.t)
	}
	return w
}

// TestClientAccessTable: each role × own / same team / other team × each
// clients endpoint. Out of reach is 404, never 403.
func TestClientAccessTable(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			w := newWorld(e)
			// target client: own = workA1's, same team = workA2's, other team = workB's.
			cases := []struct {
				caller, target string
				want           int
			}{
				{"workA1", "workA1", 200}, {"workA1", "workA2", 404}, {"workA1", "workB", 404},
				{"supA", "workA1", 200}, {"supA", "workA2", 200}, {"supA", "workB", 404},
				{"admin", "workA1", 200}, {"admin", "workA2", 200}, {"admin", "workB", 200},
				{"workB", "workB", 200}, {"workB", "workA1", 404},
				{"supB", "workB", 200}, {"supB", "workA2", 404},
			}
			for _, c := range cases {
				path := fmt.Sprintf("/api/v1/clients/%d", w.clients[c.target])
				if got := e.do("GET", path, w.tokens[c.caller], nil).Status; got != c.want {
					t.Errorf("GET %s's client as %s: %d, want %d", c.target, c.caller, got, c.want)
				}
				res := e.do("PATCH", path, w.tokens[c.caller], map[string]any{"risk_level": "medium"})
				if res.Status != c.want {
					t.Errorf("PATCH %s's client as %s: %d, want %d", c.target, c.caller, res.Status, c.want)
				}
			}
			lists := map[string]int{"workA1": 1, "workA2": 1, "supA": 2, "admin": 3, "supB": 1, "workB": 1}
			for caller, n := range lists {
				items := e.do("GET", "/api/v1/clients", w.tokens[caller], nil).must(t, 200).json(t)["items"].([]any)
				if len(items) != n {
					t.Errorf("list as %s: %d clients, want %d", caller, len(items), n)
				}
			}
			creates := []struct {
				caller, worker string
				want           int
			}{
				{"workA1", "", 201}, {"workA1", "workA2", 422}, {"supA", "workA2", 201},
				{"supA", "workB", 422}, {"supA", "", 422}, {"admin", "workB", 201}, {"supA", "supA", 422},
			}
			for _, c := range creates {
				body := map[string]any{"name": "new", "phone": uniquePhone()}
				if c.worker != "" {
					body["worker_id"] = w.ids[c.worker]
				}
				if got := e.do("POST", "/api/v1/clients", w.tokens[c.caller], body).Status; got != c.want {
					t.Errorf("create as %s for %q: %d, want %d", c.caller, c.worker, got, c.want)
				}
			}
		})
	}
}

func TestClientFields(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	res := e.do("POST", "/api/v1/clients", tok, map[string]any{
		"name": "Jan", "phone": "06 12345678", "language": "en", "preferred_channel": "sms",
		"consent": map[string]any{"sms": true}, "risk_level": "high", "phase": "middle",
	}).must(t, 201).json(t)
	if res["phone"] != "+31612345678" || res["language"] != "en" || res["risk_level"] != "high" {
		t.Fatalf("fields not stored: %v", res)
	}
	consent := res["consent"].(map[string]any)
	if consent["sms"] != true || consent["whatsapp"] != false || consent["sms_changed_at"] == nil {
		t.Fatalf("consent: %v", consent)
	}
	id := int64(res["id"].(float64))
	path := fmt.Sprintf("/api/v1/clients/%d", id)
	upd := e.do("PATCH", path, tok, map[string]any{"consent": map[string]any{"sms": false, "whatsapp": true}}).must(t, 200).json(t)
	consent = upd["consent"].(map[string]any)
	if consent["sms"] != false || consent["whatsapp"] != true || upd["name"] != "Jan" {
		t.Fatalf("patch changed the wrong fields: %v", upd)
	}
	events, err := e.store.FindConsentEvents(t.Context(), models.Actor{Role: models.RoleAdmin}, id)
	if err != nil || len(events) != 3 {
		t.Fatalf("consent history: %d events (%v), want 3", len(events), err)
	}
	bad := []struct {
		name  string
		body  any
		field string
	}{
		{"bad phone", map[string]any{"name": "x", "phone": "12"}, "body.phone"},
		{"no phone", map[string]any{"name": "x"}, "body.phone"},
		{"bad language", map[string]any{"name": "x", "phone": "0612345678", "language": "de"}, "body.language"},
		{"bad channel", map[string]any{"name": "x", "phone": "0612345678", "preferred_channel": "fax"}, "body.preferred_channel"},
		{"empty name", map[string]any{"name": "", "phone": "0612345678"}, "body.name"},
		{"wrong type", map[string]any{"name": 5, "phone": "0612345678"}, "body.name"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/clients", tok, c.body).must(t, 422)
			if r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("content type %q", r.Header.Get("Content-Type"))
			}
			errs, _ := r.json(t)["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["location"] != c.field {
				t.Fatalf("error does not name %s: %s", c.field, r.Body)
			}
		})
	}
}

func TestClientPagination(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	for i := 0; i < 5; i++ {
		e.do("POST", "/api/v1/clients", tok, map[string]any{"name": fmt.Sprint("c", i), "phone": fmt.Sprintf("06123456%02d", i)}).must(t, 201)
	}
	seen := 0
	offset := 0
	for pages := 0; pages < 10; pages++ {
		m := e.do("GET", fmt.Sprintf("/api/v1/clients?limit=2&offset=%d", offset), tok, nil).must(t, 200).json(t)
		seen += len(m["items"].([]any))
		next, ok := m["next_offset"].(float64)
		if !ok {
			break
		}
		offset = int(next)
	}
	if seen != 5 {
		t.Fatalf("paged through %d clients, want 5", seen)
	}
	e.do("GET", "/api/v1/clients?limit=1000", tok, nil).must(t, 422)
}

// TestInvisibleCharactersInNames: a client, user or team name with a bidi
// override or a zero-width character is refused with a 422 naming the field,
// so it cannot read differently on the audit page or in a CSV.
func TestInvisibleCharactersInNames(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, admin := e.user("admin", "admin", "A")
	_, tok := e.user("w", "worker", "A")
	r := e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "Jan \u202Enav", "phone": "0612345678"}).must(t, 422)
	if !strings.Contains(string(r.Body), "invisible") {
		t.Fatalf("no reason given: %s", r.Body)
	}
	e.do("POST", "/api/v1/users", admin, map[string]any{"name": "Wim\u200BWerker", "team": "A", "role": "worker",
		"email": "wim@example.org"}).must(t, 422)
	e.do("POST", "/api/v1/users", admin, map[string]any{"name": "Wim", "team": "A\u2066B", "role": "worker",
		"email": "wim@example.org"}).must(t, 422)
	e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "Jan", "phone": "\u202A06 12345678\u202C"}).must(t, 201)
}

// TestLandlineRefusedForMessaging: a client with a landline for SMS or
// WhatsApp is a 422 on phone that says why in Dutch; with channel none and no
// consent the number is kept.
func TestLandlineRefusedForMessaging(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) { landlineRefused(t, driver) })
	}
}

func landlineRefused(t *testing.T, driver string) {
	e := newTestEnv(t, driver)
	_, tok := e.user("w", "worker", "A")
	r := e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "Jan", "phone": "020 123 4567"}).must(t, 422)
	if !strings.Contains(string(r.Body), "vast nummer") || !strings.Contains(string(r.Body), "body.phone") {
		t.Fatalf("no reason on phone: %s", r.Body)
	}
	id := e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "Jan", "phone": "020 123 4567", "preferred_channel": "none",
		"consent": map[string]any{"whatsapp": false, "sms": false}}).must(t, 201).id(t)
	e.do("PATCH", fmt.Sprintf("/api/v1/clients/%d", id), tok, map[string]any{"preferred_channel": "sms"}).must(t, 422)
}

// TestClientFacingNames: a client is addressed by an aanspreeknaam (the
// first name unless set) that follows a changed name until it is set by
// hand; a worker appears to clients by a display name (first name unless
// set) and their own number.
func TestClientFacingNames(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, admin := e.user("adm", "admin", "A")
	w := e.do("POST", "/api/v1/users", admin, map[string]any{"name": "Wouter van Dam", "email": "wouter@example.org",
		"role": "worker", "team": "A", "phone": "030 123 4567"}).must(t, 201).json(t)
	if w["display_name"] != "Wouter" || w["phone"] != "+31301234567" {
		t.Fatalf("worker as clients see them: %v %v", w["display_name"], w["phone"])
	}
	tok := w["token"].(string)
	c := e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "Jan de Vries", "phone": "0612345678"}).must(t, 201).json(t)
	if c["salutation"] != "Jan" {
		t.Fatalf("default salutation: %v", c["salutation"])
	}
	path := fmt.Sprintf("/api/v1/clients/%d", int64(c["id"].(float64)))
	if c = e.do("PATCH", path, tok, map[string]any{"name": "Johan de Vries"}).must(t, 200).json(t); c["salutation"] != "Johan" {
		t.Fatalf("salutation after a new name: %v", c["salutation"])
	}
	e.do("PATCH", path, tok, map[string]any{"salutation": "meneer De Vries"}).must(t, 200)
	if c = e.do("PATCH", path, tok, map[string]any{"name": "Johan P. de Vries"}).must(t, 200).json(t); c["salutation"] != "meneer De Vries" {
		t.Fatalf("a salutation set by hand changed with the name: %v", c["salutation"])
	}
	e.do("PATCH", path, tok, map[string]any{"salutation": "a\u202eb"}).must(t, 422)
}
