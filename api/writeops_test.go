package api

import (
	"fmt"
	"mime"
	"testing"
	"time"
)

// writeFixture is what the write endpoints act on: a worker's client and team
// template, and a planned session with its agenda and one agreement. Requests
// that succeed may close the session or agreement, so refresh plans new ones.
type writeFixture struct {
	workerTok, adminTok string
	client, template    int64
	session, item       int64
	agreement           int64
}

func newWriteFixture(t *testing.T, e *testEnv) *writeFixture {
	t.Helper()
	_, admin := e.user("admin", "admin", "A")
	_, worker := e.user("worker", "worker", "A")
	fx := &writeFixture{workerTok: worker, adminTok: admin}
	fx.template = e.do("POST", "/api/v1/agenda-templates", worker, map[string]any{"name": "Huisbezoek",
		"items": []map[string]any{{"title": "Setting", "minutes": 5}}}).must(t, 201).id(t)
	fx.refresh(t, e)
	return fx
}

// refresh makes a new client with a planned session, an agenda item and an
// open agreement. A new client each time keeps agendas short: every session
// of a client carries over all its open agreements.
func (fx *writeFixture) refresh(t *testing.T, e *testEnv) {
	t.Helper()
	fx.client = e.do("POST", "/api/v1/clients", fx.workerTok, map[string]any{"name": "Jan", "phone": uniquePhone(),
		"consent": map[string]any{"whatsapp": true}}).must(t, 201).id(t)
	s := e.do("POST", "/api/v1/sessions", fx.workerTok, map[string]any{"client_id": fx.client, "modality": "video",
		"scheduled_at": future(), "initiator": "client", "template": "meldplicht"}).must(t, 201).json(t)
	fx.session = num(s, "id")
	fx.item = num(s["agenda"].([]any)[0].(map[string]any), "id")
	fx.agreement = e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", fx.session), fx.workerTok,
		map[string]any{"text": "Solliciteren"}).must(t, 201).id(t)
}

func future() string { return time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339) }

// writeOp is one write endpoint with a valid body. freeText names the body
// fields (dotted, items.0.title for the first item) that take any text, so
// that SQL or template syntax in them is valid input to be stored verbatim.
type writeOp struct {
	name, method string
	path         func(fx *writeFixture) string
	admin        bool
	body         func(fx *writeFixture) map[string]any
	freeText     []string
}

func (op writeOp) token(fx *writeFixture) string {
	if op.admin {
		return fx.adminTok
	}
	return fx.workerTok
}

func fixed(p string) func(*writeFixture) string { return func(*writeFixture) string { return p } }

// writeOps lists every JSON write endpoint of the API.
var writeOps = []writeOp{
	{"create client", "POST", fixed("/api/v1/clients"), false, func(*writeFixture) map[string]any {
		return map[string]any{"name": "Jan", "phone": uniquePhone(), "language": "nl", "preferred_channel": "sms",
			"consent": map[string]any{"whatsapp": true, "sms": true}, "risk_level": "medium", "phase": "middle"}
	}, []string{"name"}},
	{"update client", "PATCH", func(fx *writeFixture) string { return fmt.Sprintf("/api/v1/clients/%d", fx.client) }, false,
		func(*writeFixture) map[string]any {
			return map[string]any{"name": "Piet", "phone": "+31612345679", "language": "en", "preferred_channel": "whatsapp",
				"consent": map[string]any{"sms": false}, "risk_level": "low", "phase": "end"}
		}, []string{"name"}},
	{"create session", "POST", fixed("/api/v1/sessions"), false, func(fx *writeFixture) map[string]any {
		return map[string]any{"client_id": fx.client, "scheduled_at": future(), "duration_minutes": 45, "modality": "video",
			"initiator": "client", "template": "meldplicht", "setting": "Rustige plek"}
	}, []string{"setting"}},
	{"update session", "PATCH", sessionPath(""), false, func(*writeFixture) map[string]any {
		return map[string]any{"scheduled_at": future(), "duration_minutes": 60, "modality": "phone", "setting": "Thuis"}
	}, []string{"setting"}},
	{"start session", "POST", sessionPath("/start"), false, func(*writeFixture) map[string]any {
		return map[string]any{"started_by": "worker"}
	}, nil},
	{"complete session", "POST", sessionPath("/complete"), false, func(*writeFixture) map[string]any {
		return map[string]any{"send_summary": true, "risk_signals": []any{"evasive"}, "notes": "Goed gesprek"}
	}, []string{"notes"}},
	{"add agenda item", "POST", sessionPath("/agenda"), false, func(*writeFixture) map[string]any {
		return map[string]any{"title": "Werk", "guidance": "Vraag door", "minutes": 5, "done": false, "notes": "n", "position": 1}
	}, []string{"title", "guidance", "notes"}},
	{"update agenda item", "PATCH", func(fx *writeFixture) string {
		return fmt.Sprintf("/api/v1/sessions/%d/agenda/%d", fx.session, fx.item)
	}, false, func(*writeFixture) map[string]any {
		return map[string]any{"title": "Werk", "guidance": "Vraag door", "minutes": 10, "done": true, "notes": "n", "position": 2}
	}, []string{"title", "guidance", "notes"}},
	{"create agreement", "POST", sessionPath("/agreements"), false, func(*writeFixture) map[string]any {
		return map[string]any{"text": "Bellen", "owner": "client", "due_date": "2030-01-31", "include_in_summary": true}
	}, []string{"text"}},
	{"update agreement", "PATCH", func(fx *writeFixture) string { return fmt.Sprintf("/api/v1/agreements/%d", fx.agreement) }, false,
		func(*writeFixture) map[string]any {
			return map[string]any{"text": "Mailen", "owner": "worker", "due_date": "", "include_in_summary": false, "status": "kept"}
		}, []string{"text"}},
	{"create agenda template", "POST", fixed("/api/v1/agenda-templates"), false, templateBody,
		[]string{"name", "items.0.title", "items.0.guidance"}},
	{"replace agenda template", "PUT", func(fx *writeFixture) string { return fmt.Sprintf("/api/v1/agenda-templates/%d", fx.template) },
		false, templateBody, []string{"name", "items.0.title", "items.0.guidance"}},
	{"create user", "POST", fixed("/api/v1/users"), true, func(*writeFixture) map[string]any {
		return map[string]any{"name": "Nieuw", "email": fmt.Sprintf("n%d@example.org", time.Now().UnixNano()),
			"role": "worker", "team": "A"}
	}, []string{"name", "team"}},
}

// closingOps leave the fixture's session or agreement unable to change.
var closingOps = map[string]bool{"start session": true, "complete session": true, "update agreement": true}

func sessionPath(suffix string) func(*writeFixture) string {
	return func(fx *writeFixture) string { return fmt.Sprintf("/api/v1/sessions/%d%s", fx.session, suffix) }
}

func templateBody(*writeFixture) map[string]any {
	return map[string]any{"name": "Huisbezoek", "items": []any{map[string]any{"title": "Setting", "guidance": "Wie is er?", "minutes": 10}}}
}

// isProblem reports whether a response carries an RFC 9457 problem document.
func isProblem(r response) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/problem+json"
}

// checkAnswer fails unless the answer is below 500 and every 4xx is problem+json.
func checkAnswer(t *testing.T, what string, r response) {
	t.Helper()
	switch {
	case r.Status >= 500:
		t.Fatalf("%s: status %d: %s", what, r.Status, r.Body)
	case r.Status >= 400 && !isProblem(r):
		t.Fatalf("%s: status %d with content type %q: %s", what, r.Status, r.Header.Get("Content-Type"), r.Body)
	}
}
