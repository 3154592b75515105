package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"afspraak/app/apptest"
	"afspraak/models"
)

// TestBrowserWorkersDay drives the worker's day and the supervisor's report
// in headless chromium against the real server and the fake Twilio.
func TestBrowserWorkersDay(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("browser tests skipped: no " + chromium + " (apt-get install -y chromium to run them)")
	}
	e := newLiveEnv(t)
	ctx := newBrowser(t) // closed before the server stops
	w, token, err := e.store.CreateUser(context.Background(), models.System, models.NewUser{Name: "Wim Werker",
		Email: "wim@example.org", Role: models.RoleWorker, Team: "Noord"})
	if err != nil {
		t.Fatal(err)
	}
	_, stoken, _ := e.store.CreateUser(context.Background(), models.System, models.NewUser{Name: "Sara Super",
		Email: "sara@example.org", Role: models.RoleSupervisor, Team: "Noord"})
	name, phone, yes, ch := "Carla Client", "+31612345678", true, "sms"
	c, err := e.store.CreateClient(context.Background(), models.ActorFor(w), models.ClientFields{Name: &name,
		Phone: &phone, ConsentSMS: &yes, PreferredChannel: &ch})
	if err != nil {
		t.Fatal(err)
	}

	signIn := func(tok string) {
		run(ctx, t, "sign in", chromedp.Navigate(e.base+"/"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
			chromedp.SendKeys(chromedp.CSS(`#token`), tok), submit(`main form button`))
	}
	run(ctx, t, "sign-in page", chromedp.Navigate(e.base+"/aanmelden"), chromedp.WaitVisible(chromedp.CSS(`#token`)), axe(t, "sign-in"))
	signIn(token)
	if h := textOf(ctx, t, "h1"); h != "Vandaag" {
		t.Fatalf("after sign-in: %q", h)
	}

	when := time.Now().Add(2 * time.Hour).In(time.FixedZone("", 0)).Format("2006-01-02T15:04")
	run(ctx, t, "plan", chromedp.Navigate(e.base+"/sessies/nieuw"), chromedp.WaitVisible(chromedp.CSS(`#scheduled_at`)),
		shot("plan"), axe(t, "plan"),
		chromedp.SetValue(chromedp.CSS(`#client_id`), fmt.Sprint(c.ID)),
		chromedp.SetValue(chromedp.CSS(`#scheduled_at`), when),
		chromedp.SetValue(chromedp.CSS(`#setting`), "Thuis, alleen in de kamer"),
		submit(`button[value=check]`))
	if warn := textOf(ctx, t, "section.warning"); !strings.Contains(warn, "Nog niet opgeslagen") {
		t.Fatalf("policy warning before saving: %q", warn)
	}
	run(ctx, t, "save", shot("plan-warning"), axe(t, "plan-warning"), submit(`button[value=save]`))
	if warn := textOf(ctx, t, "section.warning"); !strings.Contains(warn, "Startfase") {
		t.Fatalf("policy warning after planning: %q", warn)
	}
	run(ctx, t, "hold the session",
		submit(`form[action$="/start"] button`),
		chromedp.Click(chromedp.CSS(`input[name=done]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=notes]`), "Rustige plek, camera aan"),
		submit(`form[action*="/agenda/"] button`),
		chromedp.SendKeys(chromedp.CSS(`#ag-text`), "Bel de huisarts voor vrijdag"),
		submit(`form[action$="/afspraken"] button`),
		chromedp.SendKeys(chromedp.CSS(`#ag-text`), "Dossier bijwerken"),
		chromedp.Click(chromedp.CSS(`#ag-private`)),
		submit(`form[action$="/afspraken"] button`),
		shot("session"), axe(t, "session"))
	if done := textOf(ctx, t, "li.item.done h3"); done == "" {
		t.Fatal("the ticked item is not marked done")
	}

	run(ctx, t, "preview", submit(`a.button[href$="/afronden"]`), shot("complete"), axe(t, "complete"))
	body := textOf(ctx, t, "#preview-body")
	if !strings.Contains(body, "Bel de huisarts voor vrijdag") || strings.Contains(body, "Dossier") {
		t.Fatalf("preview: %q", body)
	}
	if facts := textOf(ctx, t, "section.card dl.facts"); !strings.Contains(facts, "GSM-7") {
		t.Errorf("preview lacks the encoding: %q", facts)
	}
	run(ctx, t, "complete", chromedp.Click(chromedp.CSS(`#risk-evasive`)),
		submit(`form[action$="/afronden"] button[type=submit]`))

	start := time.Now()
	sid := waitSent(t, e)
	t.Logf("sent after %s", time.Since(start))
	if err := e.fake.SendStatus(context.Background(), sid, "delivered", 0); err != nil {
		t.Fatal(err)
	}
	run(ctx, t, "see it delivered", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#berichten`)))
	if msgs := textOf(ctx, t, "#berichten"); !strings.Contains(msgs, "Afgeleverd") {
		t.Errorf("message status after the delivered callback: %q", msgs)
	}
	if err := e.fake.SendInbound(context.Background(), e.base+"/webhooks/twilio/inbound", apptest.PublicBase+"/webhooks/twilio/inbound",
		phone, apptest.SMSFrom, "OK"); err != nil {
		t.Fatal(err)
	}
	run(ctx, t, "see the status", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#berichten`)), shot("session-completed"), axe(t, "session-completed"))
	if msgs := textOf(ctx, t, "#berichten"); !strings.Contains(msgs, "Bevestigd door cliënt") {
		t.Errorf("message status: %q", msgs)
	}
	run(ctx, t, "client page", chromedp.Navigate(fmt.Sprintf("%s/clienten/%d", e.base, c.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#h-ledger`)), shot("client"), axe(t, "client"),
		chromedp.Navigate(e.base+"/vandaag"), chromedp.WaitVisible(chromedp.CSS(`#h-today`)), shot("today"), axe(t, "today"))

	run(ctx, t, "sign out", submit(`form[action="/afmelden"] button`))
	signIn(stoken)
	from := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	to := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	run(ctx, t, "report", chromedp.Navigate(e.base+"/rapport?from="+from+"&to="+to),
		chromedp.WaitVisible(chromedp.CSS(`#report`)), shot("report"), axe(t, "report"))
	if row := textOf(ctx, t, "#report tbody tr"); !strings.Contains(row, "Wim Werker") {
		t.Errorf("report row: %q", row)
	}
	run(ctx, t, "audit", chromedp.Navigate(e.base+"/audit?entity=session"), chromedp.WaitVisible(chromedp.CSS(`#audit`)),
		shot("audit"), axe(t, "audit"))
	if rows := textOf(ctx, t, "#audit tbody"); !strings.Contains(rows, "complete") {
		t.Errorf("audit rows: %q", rows)
	}
}

// waitSent waits for the summary to reach the fake Twilio and returns its sid.
func waitSent(t *testing.T, e *liveEnv) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if msgs := e.fake.Messages(); len(msgs) > 0 {
			return msgs[len(msgs)-1].SID
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the summary never reached Twilio")
	return ""
}
