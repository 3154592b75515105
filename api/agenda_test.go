package api

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func titles(t *testing.T, e *testEnv, tok string, sid int64) []string {
	t.Helper()
	s := e.do("GET", fmt.Sprintf("/api/v1/sessions/%d", sid), tok, nil).must(t, 200).json(t)
	var out []string
	for i, it := range s["agenda"].([]any) {
		m := it.(map[string]any)
		if int(m["position"].(float64)) != i+1 {
			t.Fatalf("positions not 1..n: %v", s["agenda"])
		}
		out = append(out, m["title"].(string))
	}
	return out
}

func TestAgendaItems(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	cid := newClient(t, e, tok, nil)
	sid := num(plan(t, e, tok, cid, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	base := titles(t, e, tok, sid)
	p := fmt.Sprintf("/api/v1/sessions/%d/agenda", sid)

	added := e.do("POST", p, tok, map[string]any{"title": "Eigen punt", "minutes": 5}).must(t, 201).json(t)
	if added["source"] != "worker" || int(added["position"].(float64)) != len(base)+1 {
		t.Fatalf("added item: %v", added)
	}
	item := fmt.Sprintf("%s/%d", p, num(added, "id"))
	e.do("PATCH", item, tok, map[string]any{"position": 1}).must(t, 200)
	if got := titles(t, e, tok, sid); got[0] != "Eigen punt" || got[1] != base[0] || len(got) != len(base)+1 {
		t.Fatalf("after moving to the top: %v", got)
	}
	e.do("PATCH", item, tok, map[string]any{"position": 99}).must(t, 200)
	if got := titles(t, e, tok, sid); got[len(got)-1] != "Eigen punt" || got[0] != base[0] {
		t.Fatalf("after moving past the end: %v", got)
	}
	ticked := e.do("PATCH", item, tok, map[string]any{"done": true, "notes": "besproken"}).must(t, 200).json(t)
	if ticked["done"] != true || ticked["notes"] != "besproken" || ticked["title"] != "Eigen punt" {
		t.Fatalf("tick off: %v", ticked)
	}
	first := e.do("GET", fmt.Sprintf("/api/v1/sessions/%d", sid), tok, nil).json(t)["agenda"].([]any)[0].(map[string]any)
	e.do("DELETE", fmt.Sprintf("%s/%d", p, num(first, "id")), tok, nil).must(t, 204)
	if got := titles(t, e, tok, sid); len(got) != len(base) || got[0] != base[1] {
		t.Fatalf("after delete: %v", got)
	}
	e.do("DELETE", fmt.Sprintf("%s/%d", p, num(first, "id")), tok, nil).must(t, 404)
	e.do("POST", p, tok, map[string]any{"title": ""}).must(t, 422)
	e.do("POST", p, tok, map[string]any{"minutes": 3}).must(t, 422)
}

func TestAgreementTransitions(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	cid := newClient(t, e, tok, nil)
	sid := num(plan(t, e, tok, cid, time.Now().Add(time.Hour), "video", "begeleiding"), "id")
	mk := func() int64 {
		return e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": "Iets doen", "due_date": "2030-01-31"}).must(t, 201).id(t)
	}
	cases := []struct {
		name  string
		steps []string
		codes []int
	}{
		{"open to kept", []string{"kept"}, []int{200}},
		{"open to not kept", []string{"not_kept"}, []int{200}},
		{"open to cancelled", []string{"cancelled"}, []int{200}},
		{"kept is final", []string{"kept", "open"}, []int{200, 409}},
		{"not kept is final", []string{"not_kept", "kept"}, []int{200, 409}},
		{"cancelled is final", []string{"cancelled", "kept"}, []int{200, 409}},
		{"open to open", []string{"open"}, []int{200}},
		{"unknown status", []string{"done"}, []int{422}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := mk()
			for i, st := range c.steps {
				e.do("PATCH", fmt.Sprintf("/api/v1/agreements/%d", id), tok, map[string]any{"status": st}).must(t, c.codes[i])
			}
		})
	}
	ag := e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": "Privé", "include_in_summary": false, "owner": "worker"}).must(t, 201).json(t)
	if ag["include_in_summary"] != false || ag["owner"] != "worker" || ag["status"] != "open" {
		t.Fatalf("created: %v", ag)
	}
	def := e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": "Standaard"}).must(t, 201).json(t)
	if def["include_in_summary"] != true || def["owner"] != "client" {
		t.Fatalf("defaults: %v", def)
	}
	for _, bad := range []map[string]any{{"text": ""}, {"text": "   "}, {}, {"text": "x", "due_date": "31-01-2030"}, {"text": "x", "owner": "judge"}} {
		e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, bad).must(t, 422)
	}
}

func TestAgendaTemplates(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tokA := e.user("wa", "worker", "A")
	_, tokB := e.user("wb", "worker", "B")
	list := e.do("GET", "/api/v1/agenda-templates", tokA, nil).must(t, 200).json(t)["items"].([]any)
	keys := []string{}
	for _, it := range list {
		keys = append(keys, it.(map[string]any)["key"].(string))
	}
	if strings.Join(keys, ",") != "meldplicht,begeleiding,intake,evaluatie" {
		t.Fatalf("built-ins: %v", keys)
	}
	en := e.do("GET", "/api/v1/agenda-templates/meldplicht?lang=en", tokA, nil).must(t, 200).json(t)
	nl := e.do("GET", "/api/v1/agenda-templates/meldplicht", tokA, nil).must(t, 200).json(t)
	if en["name"] == nl["name"] {
		t.Fatalf("English and Dutch built-in have the same name %v", en["name"])
	}
	body := map[string]any{"name": "Huisbezoek", "items": []map[string]any{{"title": "Setting", "minutes": 5}, {"title": "Afspraken", "minutes": 5}}}
	id := e.do("POST", "/api/v1/agenda-templates", tokA, body).must(t, 201).id(t)
	ref := fmt.Sprint(id)
	e.do("GET", "/api/v1/agenda-templates/"+ref, tokB, nil).must(t, 404)
	e.do("PUT", "/api/v1/agenda-templates/meldplicht", tokA, body).must(t, 403)
	e.do("DELETE", "/api/v1/agenda-templates/meldplicht", tokA, nil).must(t, 403)
	body["name"] = "Huisbezoek v2"
	if e.do("PUT", "/api/v1/agenda-templates/"+ref, tokA, body).must(t, 200).json(t)["name"] != "Huisbezoek v2" {
		t.Fatal("replace did not change the name")
	}
	e.do("PUT", "/api/v1/agenda-templates/"+ref, tokB, body).must(t, 404)

	cidA := newClient(t, e, tokA, nil)
	s := plan(t, e, tokA, cidA, time.Now().Add(time.Hour), "video", ref)
	if got := s["agenda"].([]any); len(got) != 2 || got[0].(map[string]any)["title"] != "Setting" {
		t.Fatalf("agenda from team template: %v", got)
	}
	cidB := newClient(t, e, tokB, nil)
	r := e.do("POST", "/api/v1/sessions", tokB, map[string]any{"client_id": cidB, "scheduled_at": time.Now().Add(time.Hour).Format(time.RFC3339),
		"modality": "video", "initiator": "client", "template": ref}).must(t, 422)
	if !strings.Contains(string(r.Body), "body.template") {
		t.Fatalf("another team's template must be a 422 naming the template: %s", r.Body)
	}
	e.do("DELETE", "/api/v1/agenda-templates/"+ref, tokA, nil).must(t, 204)
	e.do("GET", "/api/v1/agenda-templates/"+ref, tokA, nil).must(t, 404)
}

func TestSessionBadInput(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	_, other := e.user("x", "worker", "B")
	cid := newClient(t, e, tok, nil)
	otherClient := newClient(t, e, other, nil)
	future := time.Now().Add(time.Hour).Format(time.RFC3339)
	good := func(k string, v any) map[string]any {
		m := map[string]any{"client_id": cid, "scheduled_at": future, "modality": "video", "initiator": "client", "template": "meldplicht"}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown modality", good("modality", "pigeon"), "body.modality"},
		{"time that does not parse", good("scheduled_at", "next tuesday"), "body.scheduled_at"},
		{"time in the past", good("scheduled_at", time.Now().Add(-24*time.Hour).Format(time.RFC3339)), "body.scheduled_at"},
		{"unknown template", good("template", "nope"), "body.template"},
		{"unknown initiator", good("initiator", "judge"), "body.initiator"},
		{"missing client", good("client_id", nil), "required property client_id"},
		{"client of another worker", good("client_id", otherClient), "body.client_id"},
		{"huge duration", good("duration_minutes", 100000), "body.duration_minutes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/sessions", tok, c.body).must(t, 422)
			if !strings.Contains(string(r.Body), c.field) {
				t.Fatalf("error does not name %s: %s", c.field, r.Body)
			}
		})
	}
	if n := len(e.do("GET", "/api/v1/sessions", tok, nil).must(t, 200).json(t)["items"].([]any)); n != 0 {
		t.Fatalf("bad input wrote %d sessions", n)
	}
	sid := num(plan(t, e, tok, cid, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	for _, path := range []string{"", "/summary-preview"} {
		e.do("GET", fmt.Sprintf("/api/v1/sessions/%d%s", sid, path), other, nil).must(t, 404)
	}
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), other, map[string]any{"text": "x"}).must(t, 404)
}
