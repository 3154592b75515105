package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"afspraak/app/apptest"
	"afspraak/models"
)

// letOp is the Vandaag page's alerts section, "" when there is none.
func letOp(body string) string {
	i := strings.Index(body, `id="let-op"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</section>")]
}

// TestAlertsUntilSeen: each kind of alert shows on Vandaag in plain words
// with a link to the client, and on the client page with a Gezien button;
// after Gezien it is gone from both, while the conversation keeps it.
func TestAlertsUntilSeen(t *testing.T) {
	tests := []struct {
		alert, keyword, want string
	}{
		{models.AlertStop, "stop", "heeft STOP gestuurd: krijgt geen berichten meer"},
		{models.AlertBeforeSession, "none", "stuurde een bericht vlak voor een gesprek"},
		{models.AlertReplyReminder, "none", "reageerde op een herinnering"},
		{models.AlertNumberRejected, "number_no", "zegt dat dit nummer niet van hem/haar is"},
	}
	for _, tc := range tests {
		t.Run(tc.alert, func(t *testing.T) {
			e := newEnv(t, "http://localhost")
			w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
			c := e.clientOn(w, "Carla Client", "+31611110010", false)
			quiet := e.clientOn(w, "Quinten Rustig", "+31611110011", false)
			var body *string
			if tc.keyword == "none" {
				body = ptr("Ik kan vandaag niet komen")
			}
			e.reply(c, "sms", tc.keyword, tc.alert, body)
			e.reply(quiet, "sms", "none", "", ptr("Gewoon een vraag"))
			b := e.browser()
			b.signIn(token).must(t, 303)
			box := letOp(b.get("/vandaag").must(t, 200).Body)
			mustContain(t, "Let op", box, ">Let op</h2>", tc.want, fmt.Sprintf(`href="/clienten/%d#gesprek"`, c.ID), "Carla Client")
			if strings.Contains(box, "Quinten") {
				t.Error("a reply without an alert is under Let op")
			}
			path := fmt.Sprintf("/clienten/%d", c.ID)
			mustContain(t, "the client page", b.get(path).must(t, 200).Body, tc.want, "nog niet gezien", "Gezien</button>")

			p := b.post(path, path+"/gezien", url.Values{}).must(t, 303)
			if loc := p.Header.Get("Location"); loc != path+"?ok=seen#gesprek" {
				t.Fatalf("redirect to %q", loc)
			}
			if box := letOp(b.get("/vandaag").must(t, 200).Body); box != "" {
				t.Errorf("Let op after Gezien: %s", box)
			}
			p = b.get(path+"?ok=seen").must(t, 200)
			mustContain(t, "the client page after Gezien", p.Body, "gemarkeerd als gezien", tc.want)
			if strings.Contains(p.Body, "nog niet gezien") || strings.Contains(p.Body, "Gezien</button>") {
				t.Error("the alert is still unseen on the client page")
			}
		})
	}
}

// TestNumberCheckOnPages: with the number check on, an unconfirmed number
// is a warning with "Opnieuw vragen" and refuses answers; a rejected check
// is listed on Vandaag until it is asked again.
func TestNumberCheckOnPages(t *testing.T) {
	e := newEnvWith(t, "http://localhost", apptest.Options{NumberCheck: true})
	w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	c := e.clientOn(w, "Carla Client", "+31611110020", false)
	b := e.browser()
	b.signIn(token).must(t, 303)
	path := fmt.Sprintf("/clienten/%d", c.ID)
	mustContain(t, "the client page", b.get(path).must(t, 200).Body, "Nummercontrole", "gevraagd, wacht op antwoord",
		"Dit nummer is niet bevestigd", `action="`+path+`/nummercontrole"`, "Opnieuw vragen")
	p := b.post(path, path+"/berichten", url.Values{"channel": {"sms"}, "body": {"Hoi"}}).must(t, 409)
	mustContain(t, "the refusal", p.Body, `role="alert"`, "nog niet bevestigd")
	if n := len(e.workerReplies(c)); n != 0 {
		t.Fatalf("an answer to an unconfirmed number was queued: %d", n)
	}

	err := e.store.Write(context.Background(), func(tx models.Tx) error {
		_, _, _, err := e.store.SetNumberCheckTx(tx, c.ID, nil, models.NumberRejected)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	box := letOp(b.get("/vandaag").must(t, 200).Body)
	mustContain(t, "Let op", box, "Nummer niet bevestigd", "Carla Client", "afgewezen")
	p = b.post(path, path+"/nummercontrole", url.Values{}).must(t, 303)
	if loc := p.Header.Get("Location"); loc != path+"?ok=numbercheck#nummer" {
		t.Fatalf("redirect to %q", loc)
	}
	if got, _ := e.store.FindClientByID(context.Background(), models.ActorFor(w), c.ID); got.NumberCheck != models.NumberPending {
		t.Fatalf("number check after asking again: %s", got.NumberCheck)
	}
	mustContain(t, "the client page", b.get(path+"?ok=numbercheck").must(t, 200).Body, "krijgt opnieuw de vraag")
	if box := letOp(b.get("/vandaag").must(t, 200).Body); strings.Contains(box, "Carla") {
		t.Errorf("still listed after asking again: %s", box)
	}
}

// TestSharedNumberWarning: a shared number says so on the client page; a
// confirmed number (the check off) gets no warning.
func TestSharedNumberWarning(t *testing.T) {
	e := newEnv(t, "http://localhost")
	w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	name, phone, yes := "Sam Samen", "+31611110030", true
	c, err := e.store.CreateClient(context.Background(), models.ActorFor(w), models.ClientFields{Name: &name, Phone: &phone,
		ConsentSMS: &yes, PhoneShared: &yes})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.signIn(token).must(t, 303)
	p := b.get(fmt.Sprintf("/clienten/%d", c.ID)).must(t, 200)
	mustContain(t, "the client page", p.Body, "gedeeld nummer", "kunnen de anderen ook lezen", "controleert nummers niet")
	if strings.Contains(p.Body, "Opnieuw vragen") || strings.Contains(p.Body, "Dit nummer is niet bevestigd") {
		t.Error("a number-check warning while the organisation does not check numbers")
	}
}

// TestConversationOutOfReach: another worker's client is a 404 for every
// new route, saying nothing about the client, and nothing changes.
func TestConversationOutOfReach(t *testing.T) {
	e := newEnvWith(t, "http://localhost", apptest.Options{NumberCheck: true})
	a, _ := e.user("Anna Werker", models.RoleWorker, "Noord")
	_, tokenB := e.user("Bert Werker", models.RoleWorker, "Noord")
	c := e.clientOn(a, "Carla Client", "+31611110040", false)
	e.reply(c, "sms", "stop", "", nil)
	b := e.browser()
	b.signIn(tokenB).must(t, 303)
	for _, route := range []string{"berichten", "gezien", "nummercontrole"} {
		p := b.post("/vandaag", fmt.Sprintf("/clienten/%d/%s", c.ID, route), url.Values{"channel": {"sms"}, "body": {"Hoi"}}).must(t, 404)
		if strings.Contains(p.Body, "Carla") || strings.Contains(p.Body, `role="alert"`) {
			t.Errorf("%s: the 404 says something: %.300s", route, p.Body)
		}
	}
	b.post("/vandaag", "/clienten/abc/berichten", url.Values{"body": {"Hoi"}}).must(t, 404)
	if n := len(e.workerReplies(c)); n != 0 {
		t.Errorf("queued for another worker's client: %d", n)
	}
	in, _ := e.store.FindInbound(context.Background(), models.ActorFor(a), c.ID, 10)
	if len(in) != 1 || in[0].SeenAt != nil {
		t.Errorf("another worker marked the alert seen: %+v", in)
	}
	if got, _ := e.store.FindClientByID(context.Background(), models.ActorFor(a), c.ID); got.NumberCheckAt == nil ||
		!got.NumberCheckAt.Equal(*c.NumberCheckAt) {
		t.Errorf("another worker restarted the number check")
	}
	if box := letOp(b.get("/vandaag").must(t, 200).Body); box != "" {
		t.Errorf("another worker's alert on Vandaag: %s", box)
	}
}

// TestOutsideHoursOutOfReach: outside contact hours the refusal of an
// answer to another worker's client is still a bare 404.
func TestOutsideHoursOutOfReach(t *testing.T) {
	e := newEnvWith(t, "http://localhost", apptest.Options{Hours: outsideNow(mustLoc(t))})
	a, _ := e.user("Anna Werker", models.RoleWorker, "Noord")
	_, tokenB := e.user("Bert Werker", models.RoleWorker, "Noord")
	c := e.clientOn(a, "Carla Client", "+31611110050", false)
	b := e.browser()
	b.signIn(tokenB).must(t, 303)
	p := b.post("/vandaag", fmt.Sprintf("/clienten/%d/berichten", c.ID), url.Values{"channel": {"sms"}, "body": {"Hoi"}}).must(t, 404)
	if strings.Contains(p.Body, "contacttijden") || strings.Contains(p.Body, `role="alert"`) {
		t.Errorf("the 404 carries the refusal: %.300s", p.Body)
	}
}
