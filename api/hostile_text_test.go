package api

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"afspraak/models/modelstest"
)

// TestHostileTextStoredVerbatim: SQL and template syntax is valid free text.
// It must be stored and read back exactly, and the client's summary must show
// it literally: it is data for the message templates, never template source.
func TestHostileTextStoredVerbatim(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			_, admin := e.user("admin", "admin", "A")
			_, tok := e.user("worker", "worker", "A")
			sessions := map[string]int64{}
			for i, v := range hostileText {
				sessions[v] = storeHostileText(t, e, tok, v)
				created := e.do("POST", "/api/v1/users", admin, map[string]any{"name": v, "team": v, "role": "worker",
					"email": fmt.Sprintf("hostile%d@example.org", i)}).must(t, 201).json(t)
				me := e.do("GET", "/api/v1/me", created["token"].(string), nil).must(t, 200).json(t)
				if me["name"] != v || me["team_name"] != v {
					t.Errorf("user stored as %q of team %q, sent %q", me["name"], me["team_name"], v)
				}
			}
			e.setContentSIDs(map[string]map[string]string{"agreement_summary": {"nl": "HX0123456789abcdef0123456789abcdef"}})
			for v, sid := range sessions {
				p := e.do("GET", fmt.Sprintf("/api/v1/sessions/%d/summary-preview", sid), tok, nil).must(t, 200).json(t)
				vars, _ := p["content_variables"].(map[string]any)
				first, _, _ := strings.Cut(v, " ")
				if vars["1"] != first || !strings.Contains(fmt.Sprint(vars["2"]), v) {
					t.Errorf("WhatsApp variables do not carry %q literally: %v", v, vars)
				}
			}
			counts := e.RowCounts(t)
			if counts["clients"] != int64(len(hostileText)) || counts["sessions"] != int64(len(hostileText)) {
				t.Fatalf("tables after the injections: %v", counts)
			}
		})
	}
}

// storeHostileText writes v into every free-text field a worker has, reads
// each back, checks the summary preview and returns the session id.
func storeHostileText(t *testing.T, e *testEnv, tok, v string) int64 {
	t.Helper()
	cid := newClient(t, e, tok, map[string]any{"name": v})
	if got := e.do("GET", fmt.Sprintf("/api/v1/clients/%d", cid), tok, nil).must(t, 200).json(t)["name"]; got != v {
		t.Errorf("client name stored as %q, sent %q", got, v)
	}
	tmpl := e.do("POST", "/api/v1/agenda-templates", tok, map[string]any{"name": v,
		"items": []any{map[string]any{"title": v, "guidance": v, "minutes": 5}}}).must(t, 201).id(t)
	got := e.do("GET", fmt.Sprintf("/api/v1/agenda-templates/%d", tmpl), tok, nil).must(t, 200).json(t)
	if got["name"] != v || jsonPath(got, "items.0.title") != v || jsonPath(got, "items.0.guidance") != v {
		t.Errorf("template stored as %v, sent %q", got, v)
	}
	sid := e.do("POST", "/api/v1/sessions", tok, map[string]any{"client_id": cid, "scheduled_at": future(),
		"modality": "video", "initiator": "client", "template": fmt.Sprint(tmpl), "setting": v}).must(t, 201).id(t)
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agenda", sid), tok, map[string]any{"title": v, "guidance": v, "notes": v}).must(t, 201)
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": v}).must(t, 201)
	p := e.do("GET", fmt.Sprintf("/api/v1/sessions/%d/summary-preview", sid), tok, nil).must(t, 200).json(t)
	first, _, _ := strings.Cut(v, " ") // the aanspreeknaam: the first word of the name
	if body, _ := p["body"].(string); !strings.Contains(body, "Hallo "+first+",") || !strings.Contains(body, "- "+v) {
		t.Errorf("summary does not show %q literally:\n%s", v, body)
	}
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), tok, map[string]any{"notes": v, "send_summary": false}).must(t, 200)
	s := e.do("GET", fmt.Sprintf("/api/v1/sessions/%d", sid), tok, nil).must(t, 200).json(t)
	for _, path := range []string{"setting", "notes", "agenda.0.title", "agenda.0.guidance", "agenda.1.title",
		"agenda.1.guidance", "agenda.1.notes", "agreements.0.text"} {
		if got := jsonPath(s, path); got != v {
			t.Errorf("session %s stored as %q, sent %q", path, got, v)
		}
	}
	return sid
}

// TestCompressedBodies: a gzip body of a few kilobytes that inflates far past
// the body limit is refused before it is inflated, with every way of naming
// the encoding.
func TestCompressedBodies(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	fmt.Fprint(zw, `{"name":"`)
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range 32 {
		_, _ = zw.Write(chunk)
	}
	fmt.Fprint(zw, `","phone":"0612345678"}`)
	_ = zw.Close()
	before := e.Dump(t)
	for name, enc := range map[string][]string{"gzip": {"gzip"}, "upper case": {"GZIP"}, "list": {"identity, gzip"},
		"second header": {"identity", "gzip"}, "deflate": {"deflate"}, "br": {"br"}} {
		t.Run(name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/clients", "/webhooks/twilio/inbound"} {
				req := httptest.NewRequest("POST", path, bytes.NewReader(bomb.Bytes()))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				for _, v := range enc {
					req.Header.Add("Content-Encoding", v)
				}
				res, err := e.app.Test(req, -1)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusUnsupportedMediaType || res.Header.Get("Content-Type") != "application/problem+json" {
					t.Fatalf("%s: status %d, content type %q", path, res.StatusCode, res.Header.Get("Content-Type"))
				}
			}
		})
	}
	if e.Dump(t) != before {
		t.Fatal("a refused body changed the database")
	}
	e.doHeader("POST", "/api/v1/clients", tok, `{"name":"Jan","phone":"0612345678"}`,
		map[string]string{"Content-Encoding": "identity"}).must(t, 201)
}
