package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// plan creates a session and returns its decoded answer.
func plan(t *testing.T, e *testEnv, tok string, clientID int64, at time.Time, modality, tmpl string) map[string]any {
	t.Helper()
	return e.do("POST", "/api/v1/sessions", tok, map[string]any{"client_id": clientID,
		"scheduled_at": at.Format(time.RFC3339), "modality": modality, "initiator": "client", "template": tmpl,
		"setting": "Rustige plek, alleen"}).must(t, 201).json(t)
}

func num(m map[string]any, k string) int64 { return int64(m[k].(float64)) }

// hold starts and completes a session with agreements, returning their ids.
func hold(t *testing.T, e *testEnv, tok string, sid int64, signals []string, agreements ...string) []int64 {
	t.Helper()
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/start", sid), tok, map[string]any{}).must(t, 200)
	var ids []int64
	for _, text := range agreements {
		ids = append(ids, e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok,
			map[string]any{"text": text}).must(t, 201).id(t))
	}
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), tok,
		map[string]any{"send_summary": true, "risk_signals": signals}).must(t, 200)
	return ids
}

func newClient(t *testing.T, e *testEnv, tok string, fields map[string]any) int64 {
	t.Helper()
	// One number, one client: the first client of a test has clientPhone,
	// later ones numbers of their own.
	phone := "0612345678"
	if e.clients > 0 {
		phone = fmt.Sprintf("+316%08d", 20000000+e.clients)
	}
	e.clients++
	body := map[string]any{"name": "Jan", "phone": phone, "consent": map[string]any{"whatsapp": true}}
	for k, v := range fields {
		body[k] = v
	}
	return e.do("POST", "/api/v1/clients", tok, body).must(t, 201).id(t)
}

// TestCarryOverAcrossThreeSessions: open agreements follow the client until kept.
func TestCarryOverAcrossThreeSessions(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			_, tok := e.user("w", "worker", "A")
			cid := newClient(t, e, tok, map[string]any{"phase": "middle"})
			base := time.Now().Add(time.Hour)
			s1 := plan(t, e, tok, cid, base, "video", "meldplicht")
			agenda := s1["agenda"].([]any)
			if len(agenda) < 4 || agenda[0].(map[string]any)["source"] != "template" {
				t.Fatalf("agenda of a new client: %v", agenda)
			}
			ids := hold(t, e, tok, num(s1, "id"), nil, "Solliciteren bij twee bedrijven", "Afspraak met schuldhulp maken")

			s2 := plan(t, e, tok, cid, base.Add(24*time.Hour), "face_to_face", "begeleiding")
			carried := carryOvers(s2)
			if len(carried) != 2 || carried[0] != ids[0] || carried[1] != ids[1] {
				t.Fatalf("session 2 carries %v, want %v", carried, ids)
			}
			last := s2["agenda"].([]any)[len(s2["agenda"].([]any))-1].(map[string]any)
			if last["source"] != "carry_over" {
				t.Fatalf("carry-over items must follow the template items: %v", last)
			}
			e.do("PATCH", fmt.Sprintf("/api/v1/agreements/%d", ids[0]), tok, map[string]any{"status": "kept"}).must(t, 200)
			hold(t, e, tok, num(s2, "id"), nil, "Urinecontrole op dinsdag")

			s3 := plan(t, e, tok, cid, base.Add(48*time.Hour), "face_to_face", "evaluatie")
			if got := carryOvers(s3); len(got) != 2 || got[0] != ids[1] {
				t.Fatalf("session 3 carries %v; want the still-open %d and the new one", got, ids[1])
			}
			open := e.do("GET", fmt.Sprintf("/api/v1/clients/%d/agreements?status=open", cid), tok, nil).must(t, 200).json(t)
			if n := len(open["items"].([]any)); n != 2 {
				t.Fatalf("%d open agreements, want 2", n)
			}
		})
	}
}

func carryOvers(sess map[string]any) []int64 {
	var ids []int64
	for _, it := range sess["agenda"].([]any) {
		m := it.(map[string]any)
		if m["source"] == "carry_over" {
			ids = append(ids, int64(m["agreement_id"].(float64)))
		}
	}
	return ids
}

func rules(sess map[string]any) []string {
	var out []string
	for _, w := range sess["policy_warnings"].([]any) {
		m := w.(map[string]any)
		if m["message_nl"] == "" || m["message_en"] == "" {
			panic("warning without explanation")
		}
		out = append(out, m["rule"].(string))
	}
	return out
}

func TestPolicyRules(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	at := time.Now().Add(time.Hour)
	step := func() time.Time { at = at.Add(24 * time.Hour); return at }
	cases := []struct {
		name    string
		client  map[string]any
		history []string // modalities of completed sessions, oldest first
		signals []string // risk signals of the last one
		plan    string
		want    []string
	}{
		{"high risk after one remote", map[string]any{"risk_level": "high", "phase": "middle"}, []string{"face_to_face", "video"}, nil, "phone", []string{models.RuleRiskLevelRemoteStreak}},
		{"high risk after face to face", map[string]any{"risk_level": "high", "phase": "middle"}, []string{"video", "face_to_face"}, nil, "phone", nil},
		{"high risk planning face to face", map[string]any{"risk_level": "high", "phase": "middle"}, []string{"video"}, nil, "face_to_face", nil},
		{"medium after two remote", map[string]any{"risk_level": "medium", "phase": "middle"}, []string{"video", "phone"}, nil, "video", nil},
		{"medium after three remote", map[string]any{"risk_level": "medium", "phase": "middle"}, []string{"video", "phone", "whatsapp"}, nil, "video", []string{models.RuleRiskLevelRemoteStreak}},
		{"low risk has no limit", map[string]any{"risk_level": "low", "phase": "middle"}, []string{"video", "video", "video", "video"}, nil, "video", nil},
		{"start phase, one face to face", map[string]any{"phase": "start"}, []string{"face_to_face"}, nil, "video", []string{models.RuleStartPhaseFaceToFace}},
		{"start phase, two face to face", map[string]any{"phase": "start"}, []string{"face_to_face", "walk"}, nil, "video", nil},
		{"risk signal last time", map[string]any{"phase": "middle"}, []string{"face_to_face"}, []string{"evasive"}, "video", []string{models.RuleRiskSignalFaceToFace}},
		{"risk signal, planning face to face", map[string]any{"phase": "middle"}, []string{"video"}, []string{"evasive"}, "face_to_face", nil},
		{"everything at once", map[string]any{"risk_level": "high", "phase": "start"}, []string{"video"}, []string{"under_influence"}, "whatsapp",
			[]string{models.RuleRiskLevelRemoteStreak, models.RuleStartPhaseFaceToFace, models.RuleRiskSignalFaceToFace}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cid := newClient(t, e, tok, c.client)
			for i, m := range c.history {
				var sig []string
				if i == len(c.history)-1 {
					sig = c.signals
				}
				hold(t, e, tok, num(plan(t, e, tok, cid, step(), m, "begeleiding"), "id"), sig)
			}
			got := plan(t, e, tok, cid, step(), c.plan, "begeleiding")
			if fmt.Sprint(rules(got)) != fmt.Sprint(c.want) {
				t.Fatalf("warnings %v, want %v", rules(got), c.want)
			}
			if got["policy_override"] != (len(c.want) > 0) {
				t.Fatalf("policy_override %v", got["policy_override"])
			}
			stored := e.do("GET", fmt.Sprintf("/api/v1/sessions/%d", num(got, "id")), tok, nil).must(t, 200).json(t)
			if fmt.Sprint(rules(stored)) != fmt.Sprint(c.want) {
				t.Fatalf("stored warnings %v", rules(stored))
			}
		})
	}
}

func TestSessionTransitions(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	cid := newClient(t, e, tok, nil)
	at := time.Now().Add(time.Hour)
	path := func(id int64, suffix string) string { return fmt.Sprintf("/api/v1/sessions/%d%s", id, suffix) }

	s := num(plan(t, e, tok, cid, at, "video", "meldplicht"), "id")
	e.do("POST", path(s, "/start"), tok, map[string]any{"started_by": "client"}).must(t, 200)
	e.do("POST", path(s, "/start"), tok, map[string]any{}).must(t, 409)
	e.do("PATCH", path(s, ""), tok, map[string]any{"modality": "phone"}).must(t, 409)
	e.do("POST", path(s, "/complete"), tok, map[string]any{"send_summary": false, "risk_signals": []string{"bogus"}}).must(t, 422)
	done := e.do("POST", path(s, "/complete"), tok, map[string]any{"send_summary": false, "risk_signals": []string{"evasive", "evasive"}, "notes": "ok"}).must(t, 200).json(t)
	if done["status"] != "completed" || len(done["risk_signals"].([]any)) != 1 || done["started_by"] != "client" {
		t.Fatalf("completed session: %v", done)
	}
	e.do("POST", path(s, "/complete"), tok, map[string]any{"send_summary": false}).must(t, 409)
	e.do("POST", path(s, "/agreements"), tok, map[string]any{"text": "te laat"}).must(t, 409)

	c := num(plan(t, e, tok, cid, at.Add(time.Hour), "video", "intake"), "id")
	moved := at.Add(48 * time.Hour).Truncate(time.Second)
	upd := e.do("PATCH", path(c, ""), tok, map[string]any{"scheduled_at": moved.Format(time.RFC3339), "modality": "walk", "setting": "Park"}).must(t, 200).json(t)
	if upd["modality"] != "walk" || upd["setting"] != "Park" || !strings.HasPrefix(upd["scheduled_at"].(string), moved.UTC().Format("2006-01-02T15:04")) {
		t.Fatalf("reschedule: %v", upd)
	}
	e.do("PATCH", path(c, ""), tok, map[string]any{"status": "cancelled"}).must(t, 200)
	e.do("POST", path(c, "/start"), tok, map[string]any{}).must(t, 409)

	list := e.do("GET", fmt.Sprintf("/api/v1/sessions?client_id=%d&status=cancelled", cid), tok, nil).must(t, 200).json(t)
	if n := len(list["items"].([]any)); n != 1 {
		t.Fatalf("filter by status: %d sessions", n)
	}
	from := at.Add(24 * time.Hour).Format(time.RFC3339)
	list = e.do("GET", "/api/v1/sessions?from="+strings.ReplaceAll(from, "+", "%2B"), tok, nil).must(t, 200).json(t)
	if n := len(list["items"].([]any)); n != 1 {
		t.Fatalf("filter by from: %d sessions", n)
	}
}

func TestNoShow(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	cid := newClient(t, e, tok, nil)
	at := time.Now().Add(10 * time.Minute)
	byClient := num(plan(t, e, tok, cid, at, "phone", "meldplicht"), "id")
	byWorker := num(e.do("POST", "/api/v1/sessions", tok, map[string]any{"client_id": cid, "scheduled_at": at.Format(time.RFC3339),
		"modality": "phone", "initiator": "worker", "template": "begeleiding"}).must(t, 201).json(t), "id")
	ctx := t.Context()
	e.Clock.Set(func() time.Time { return at.Add(14 * time.Minute) })
	if got, _ := e.store.MarkNoShows(ctx, 15*time.Minute, nil); len(got) != 0 {
		t.Fatalf("marked %d sessions inside the grace period", len(got))
	}
	e.Clock.Set(func() time.Time { return at.Add(16 * time.Minute) })
	got, err := e.store.MarkNoShows(ctx, 15*time.Minute, nil)
	if err != nil || len(got) != 1 || got[0].ID != byClient {
		t.Fatalf("no-shows %v (%v), want only the client-initiated session %d", got, err, byClient)
	}
	st := e.do("GET", fmt.Sprintf("/api/v1/sessions/%d", byWorker), tok, nil).must(t, 200).json(t)["status"]
	if st != "planned" {
		t.Fatalf("worker-initiated session became %v", st)
	}
	// The client calls late: the session can still start.
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/start", byClient), tok, map[string]any{}).must(t, 200)
}
