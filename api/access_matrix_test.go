package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"afspraak/app/apptest"

	"afspraak/models"
)

// owned is what one worker owns: a client with a session, agenda item,
// agreement and message, and a team template.
type owned struct {
	client, session, item, agreement, message, template int64
}

func ownResources(t *testing.T, e *testEnv, tok string) owned {
	t.Helper()
	var o owned
	o.client = e.do("POST", "/api/v1/clients", tok, map[string]any{"name": "C", "phone": uniquePhone(),
		"consent": map[string]any{"whatsapp": true}}).must(t, 201).id(t)
	s := plan(t, e, tok, o.client, time.Now().Add(time.Hour), "video", "meldplicht")
	o.session = num(s, "id")
	o.item = num(s["agenda"].([]any)[0].(map[string]any), "id")
	o.agreement = e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", o.session), tok, map[string]any{"text": "x"}).must(t, 201).id(t)
	o.template = e.do("POST", "/api/v1/agenda-templates", tok, map[string]any{"name": "T",
		"items": []map[string]any{{"title": "a", "minutes": 5}}}).must(t, 201).id(t)
	m := models.Message{ClientID: o.client, SessionID: &o.session, Kind: models.KindReminder, Status: models.MessageSkipped}
	e.CreateMessage(&m)
	o.message = m.ID
	return o
}

// fill turns a route pattern into a path to the owner's resource; it fails the
// test for a route the matrix does not know, so new routes cannot slip past.
func fill(t *testing.T, e *testEnv, pattern string, o owned, ownerTok string) (path string, teamScoped bool) {
	r := strings.NewReplacer
	switch pattern {
	case "/api/v1/clients/:id", "/api/v1/clients/:id/agreements", "/api/v1/clients/:id/export",
		"/api/v1/clients/:id/conversation", "/api/v1/clients/:id/conversation/seen", "/api/v1/clients/:id/messages",
		"/api/v1/clients/:id/number-check":
		return r(":id", fmt.Sprint(o.client)).Replace(pattern), false
	case "/api/v1/sessions/:id", "/api/v1/sessions/:id/start", "/api/v1/sessions/:id/complete",
		"/api/v1/sessions/:id/summary-preview", "/api/v1/sessions/:id/agenda", "/api/v1/sessions/:id/agreements":
		return r(":id", fmt.Sprint(o.session)).Replace(pattern), false
	case "/api/v1/sessions/:id/agenda/:item_id":
		return r(":id", fmt.Sprint(o.session), ":item_id", fmt.Sprint(o.item)).Replace(pattern), false
	case "/api/v1/agreements/:id":
		return r(":id", fmt.Sprint(o.agreement)).Replace(pattern), false
	case "/api/v1/messages/:id":
		return r(":id", fmt.Sprint(o.message)).Replace(pattern), false
	case "/api/v1/agenda-templates/:id":
		return r(":id", fmt.Sprint(o.template)).Replace(pattern), true
	}
	if strings.Contains(pattern, ":") {
		t.Fatalf("route %s has no entry in the access matrix", pattern)
	}
	return pattern, false
}

var matrixBodies = map[string]any{
	"PUT /api/v1/agenda-templates/:id":           map[string]any{"name": "T2", "items": []map[string]any{{"title": "b", "minutes": 5}}},
	"POST /api/v1/users":                         map[string]any{"name": "N", "email": "n@example.org", "role": "worker", "team": "A"},
	"POST /api/v1/sessions/:id/complete":         map[string]any{"send_summary": false},
	"POST /api/v1/sessions/:id/agreements":       map[string]any{"text": "y"},
	"POST /api/v1/sessions/:id/agenda":           map[string]any{"title": "z"},
	"PATCH /api/v1/sessions/:id/agenda/:item_id": map[string]any{"done": true},
	"POST /api/v1/clients/:id/messages":          map[string]any{"body": "Tot morgen."},
}

// TestAccessMatrix: every API route × caller (worker, supervisor, admin, no
// token, revoked token) × target (own, same team, other team). Out of reach
// is 404; no token or a revoked one is 401.
func TestAccessMatrix(t *testing.T) {
	e := newEnvWith(t, apptest.Options{ThrottleLimit: 1 << 30}) // the throttle is tested on its own
	w := newWorld(e)
	_, revoked := e.user("gone", "worker", "A")
	if _, err := e.store.RevokeUserTokens(context.Background(), "gone@example.org"); err != nil {
		t.Fatal(err)
	}
	targets := map[string]string{"own": "workA1", "same team": "workA2", "other team": "workB"}
	res := map[string]owned{}
	for _, owner := range targets {
		res[owner] = ownResources(t, e, w.tokens[owner])
	}
	callers := map[string]string{"worker": w.tokens["workA1"], "supervisor": w.tokens["supA"], "admin": w.tokens["admin"],
		"no token": "", "revoked token": revoked}
	routes := 0
	for _, rt := range e.app.GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, "/api/v1") || rt.Method == "HEAD" || rt.Method == "USE" {
			continue
		}
		routes++
		key := rt.Method + " " + rt.Path
		for callerName, tok := range callers {
			for target, owner := range targets {
				o := res[owner]
				if rt.Method == "DELETE" { // each allowed delete needs its own victim
					o = ownResources(t, e, w.tokens[owner])
				}
				path, teamScoped := fill(t, e, rt.Path, o, w.tokens[owner])
				want := expectAccess(callerName, target, rt.Method, rt.Path, teamScoped)
				body, ok := matrixBodies[key]
				if !ok && rt.Method != "GET" && rt.Method != "DELETE" {
					body = map[string]any{}
				}
				r := e.do(rt.Method, path, tok, body)
				if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("X-Frame-Options") != "DENY" {
					t.Errorf("%s: security headers missing", key)
				}
				switch {
				case want == "allowed" && (r.Status == 401 || r.Status == 403 || r.Status == 404 || r.Status >= 500):
					t.Errorf("%s as %s on %s: %d, want access: %s", key, callerName, target, r.Status, r.Body)
				case want != "allowed" && fmt.Sprint(r.Status) != want:
					t.Errorf("%s as %s on %s: %d, want %s", key, callerName, target, r.Status, want)
				}
			}
		}
	}
	if routes < 25 {
		t.Fatalf("only %d API routes found in the route table", routes)
	}
}

func expectAccess(caller, target, method, path string, teamScoped bool) string {
	switch {
	case caller == "no token" || caller == "revoked token":
		return "401"
	case (path == "/api/v1/users" || path == "/api/v1/inbound/unmatched") && caller != "admin":
		return "403"
	case (strings.HasPrefix(path, "/api/v1/reports") || strings.HasPrefix(path, "/api/v1/audit-events")) && caller == "worker":
		return "404"
	case !strings.Contains(path, ":") || caller == "admin" || target == "own":
		return "allowed"
	case target == "same team" && (caller == "supervisor" || teamScoped):
		return "allowed"
	}
	return "404"
}
