package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"afspraak/models"
)

// TestWorkersDay plans, holds and completes a session through the forms and
// finds the summary queued; then the supervisor's report and CSV agree.
func TestWorkersDay(t *testing.T) {
	e := newEnv(t, "http://localhost")
	w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	_, stoken := e.user("Sara Super", models.RoleSupervisor, "Noord")
	c := e.client(w, "Carla Client")
	b := e.browser()
	b.signIn(token).must(t, 303)

	// Today, so that Vandaag lists it: two hours on, or late in the evening
	// this very minute (the planner accepts up to five minutes ago).
	now := time.Now().In(e.App.Location())
	at := now.Add(2 * time.Hour)
	if at.Day() != now.Day() {
		at = now
	}
	when := at.Format("2006-01-02T15:04")
	check := func(modality string) page {
		return b.post("/sessies/nieuw", "/sessies", url.Values{"client_id": {fmt.Sprint(c.ID)}, "scheduled_at": {when},
			"duration_minutes": {"30"}, "modality": {modality}, "initiator": {"client"}, "template": {"meldplicht"},
			"action": {"check"}}).must(t, 200)
	}
	if p := check("video"); !strings.Contains(p.Body, "Startfase") || !strings.Contains(p.Body, "Nog niet opgeslagen") {
		t.Errorf("policy check before saving shows no warning")
	}
	if p := check("face_to_face"); !strings.Contains(p.Body, "past binnen het beleid") {
		t.Errorf("policy check for a face-to-face session")
	}
	if list, _, _ := e.store.FindSessions(t.Context(), models.ActorFor(w), models.SessionFilter{}); len(list) != 0 {
		t.Fatalf("checking the policy saved %d sessions", len(list))
	}
	p := b.post("/sessies/nieuw", "/sessies", url.Values{"client_id": {fmt.Sprint(c.ID)}, "scheduled_at": {when},
		"duration_minutes": {"30"}, "modality": {"video"}, "initiator": {"client"}, "template": {"meldplicht"},
		"setting": {"Thuis, alleen"}}).must(t, 303)
	loc := p.Header.Get("Location")
	p = b.get(loc).must(t, 200)
	if !strings.Contains(p.Body, "wijkt af van het beleid") || !strings.Contains(p.Body, "Startfase") {
		t.Errorf("policy warning missing after planning: %.300s", p.Body)
	}
	sessPath := strings.SplitN(loc, "?", 2)[0]
	var sid int64
	fmt.Sscanf(sessPath, "/sessies/%d", &sid)
	agenda, _ := e.store.FindAgenda(t.Context(), models.Actor{Role: models.RoleAdmin}, sid)
	if len(agenda) == 0 {
		t.Fatal("no agenda")
	}
	b.post(sessPath, sessPath+"/start", url.Values{}).must(t, 303)
	if p := b.get("/vandaag").must(t, 200); !strings.Contains(p.Body, "Thuis, alleen") || !strings.Contains(p.Body, "Cliënt belt jou") {
		t.Errorf("Vandaag lacks today's session with who calls and the setting: %.300s", b.get("/vandaag").Body)
	}
	b.post(sessPath, fmt.Sprintf("%s/agenda/%d", sessPath, agenda[0].ID), url.Values{"done": {"on"}, "notes": {"rustig"}}).must(t, 303)
	b.post(sessPath, sessPath+"/afspraken", url.Values{"text": {"Bel de huisarts voor vrijdag"}, "owner": {"client"},
		"due_date": {"2030-01-04"}}).must(t, 303)
	b.post(sessPath, sessPath+"/afspraken", url.Values{"text": {"Intern: dossier bijwerken"}, "owner": {"worker"},
		"not_in_summary": {"on"}}).must(t, 303)
	b.post(sessPath, sessPath+"/afspraken", url.Values{"text": {""}, "owner": {"client"}}).must(t, 422)

	p = b.get(sessPath+"/afronden").must(t, 200)
	for _, want := range []string{"Bel de huisarts voor vrijdag", "GSM-7", "sms"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(p.Body[strings.Index(p.Body, "preview-body"):], "dossier bijwerken") {
		t.Error("an agreement marked not-in-summary is in the preview")
	}
	b.post(sessPath+"/afronden", sessPath+"/afronden", url.Values{"risk_signals": {"evasive", "technical_problems"},
		"notes": {"ging goed"}, "send_summary": {"on"}}).must(t, 303)
	sess, _ := e.store.FindSessionByID(t.Context(), models.ActorFor(w), sid)
	if sess.Status != models.SessionCompleted || len(sess.RiskSignals) != 2 || !sess.SendSummary {
		t.Fatalf("session after completion: %+v", sess)
	}
	if p := b.get("/vandaag").must(t, 200); !strings.Contains(p.Body, "Nog niet bevestigd door cliënt") ||
		strings.Contains(p.Body, "Intern: dossier bijwerken") {
		t.Errorf("Vandaag should list the sent, unacknowledged agreement and not the internal one")
	}
	p = b.get(sessPath).must(t, 200)
	if !strings.Contains(p.Body, "In de wachtrij") {
		t.Errorf("summary status missing on the session page")
	}
	b.get(fmt.Sprintf("/clienten/%d", c.ID)).must(t, 200)

	s := e.browser()
	s.signIn(stoken).must(t, 303)
	day := time.Now().In(e.App.Location()).Format(time.DateOnly)
	p = s.get("/rapport?from="+day+"&to="+time.Now().AddDate(0, 0, 2).Format(time.DateOnly)).must(t, 200)
	if !strings.Contains(p.Body, "Wim Werker") {
		t.Error("report lacks the worker")
	}
	csv := s.get("/rapport.csv?from="+day+"&to="+time.Now().AddDate(0, 0, 2).Format(time.DateOnly)).must(t, 200)
	if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(csv.Body, "worker_id,worker_name,sessions_completed") || !strings.Contains(csv.Body, ",Wim Werker,1,") {
		t.Errorf("CSV: %s %q", csv.Header.Get("Content-Type"), csv.Body)
	}
	p = s.get(fmt.Sprintf("/rapport/medewerker/%d?from=%s&to=%s", w.ID, day, time.Now().AddDate(0, 0, 2).Format(time.DateOnly))).must(t, 200)
	if !strings.Contains(p.Body, "Carla Client") || !strings.Contains(p.Body, `class="attention"`) || !strings.Contains(p.Body, "Ontwijkend") {
		t.Errorf("drill-down lacks the session, its attention mark or its risk signal")
	}
	p = s.get("/audit?entity=session").must(t, 200)
	if !strings.Contains(p.Body, "complete") {
		t.Error("audit trail lacks the completion")
	}
	logs := e.logs.String()
	for _, secret := range []string{token, stoken, "Carla", "+31612345678", "612345678", "huisarts", b.cookies["afspraak_session"]} {
		if secret != "" && strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q", secret)
		}
	}
	if !strings.Contains(logs, "/sessies/:id") {
		t.Error("the access log does not show the web routes")
	}
}
