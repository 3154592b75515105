package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"afspraak/models"
)

// TestBrowserConversation reads the conversation on the client page in
// headless chromium, is refused an SMS the client has no consent for,
// answers by WhatsApp inside the window, and clears the alert that Vandaag
// showed; every state goes through axe-core.
func TestBrowserConversation(t *testing.T) {
	e := newLiveEnv(t)
	ctx := newBrowser(t) // skips without chromium; closed before the server stops
	token, c, summary, question := conversationFixture(t, e)
	run(ctx, t, "sign in", chromedp.Navigate(e.base+"/aanmelden"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), token), submit(`main form button`))
	run(ctx, t, "Vandaag", chromedp.WaitVisible(chromedp.CSS(`#let-op`)), shot("today-alerts"), axe(t, "today-alerts"))
	if box := textOf(ctx, t, "#let-op"); !strings.Contains(box, "Carla Client") || !strings.Contains(box, "vlak voor een gesprek") {
		t.Fatalf("Let op: %q", box)
	}

	client := fmt.Sprintf("%s/clienten/%d", e.base, c.ID)
	run(ctx, t, "client page", chromedp.Navigate(client), chromedp.WaitVisible(chromedp.CSS(`#gesprek`)),
		shot("client-conversation"), axe(t, "client-conversation"))
	conv := textOf(ctx, t, "#gesprek")
	for _, want := range []string{summary, question, "spraakbericht ontvangen — luister in WhatsApp", "nog niet gezien",
		"WhatsApp: vrije tekst kan tot"} {
		if !strings.Contains(conv, want) {
			t.Errorf("the conversation lacks %q", want)
		}
	}

	answer := "Ja, bel morgen om 10 uur. Beterschap!"
	run(ctx, t, "refused by SMS", chromedp.SetValue(chromedp.CSS(`#answer-channel`), "sms"),
		chromedp.SendKeys(chromedp.CSS(`#answer-body`), answer), submit(`#antwoord button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`p.error[role=alert]`)), shot("client-answer-refused"), axe(t, "client-answer-refused"))
	if msg := textOf(ctx, t, "p.error"); !strings.Contains(msg, "geen toestemming voor sms") {
		t.Fatalf("refusal: %q", msg)
	}
	run(ctx, t, "answer by WhatsApp", chromedp.SetValue(chromedp.CSS(`#answer-channel`), "whatsapp"),
		submit(`#antwoord button[type=submit]`), chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
		shot("client-answered"), axe(t, "client-answered"))
	if conv := textOf(ctx, t, "#gesprek ol.conversation"); !strings.Contains(conv, answer) {
		t.Fatalf("the answer is not in the conversation: %q", conv)
	}

	run(ctx, t, "Gezien", submit(`form[action$="/gezien"] button`), chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
		chromedp.Navigate(e.base+"/vandaag"), chromedp.WaitVisible(chromedp.CSS(`#h-today`)))
	boxes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#let-op").length`))
	if err != nil {
		t.Fatal(err)
	}
	if boxes != 0 {
		t.Errorf("Let op is still on Vandaag after Gezien")
	}
}

// conversationFixture is a worker with a client who has consent for
// WhatsApp only, our delivered summary and the client's WhatsApp voice note
// with a question just before a session (an alert).
func conversationFixture(t *testing.T, e *liveEnv) (token string, c models.Client, summary, question string) {
	t.Helper()
	bg := context.Background()
	w, token, err := e.store.CreateUser(bg, models.System, models.NewUser{Name: "Wim Werker",
		Email: "wim@example.org", Role: models.RoleWorker, Team: "Noord"})
	if err != nil {
		t.Fatal(err)
	}
	name, phone, yes, ch := "Carla Client", "+31611110060", true, "whatsapp"
	c, err = e.store.CreateClient(bg, models.ActorFor(w), models.ClientFields{Name: &name, Phone: &phone,
		ConsentWhatsApp: &yes, PreferredChannel: &ch})
	if err != nil {
		t.Fatal(err)
	}
	summary, question, now := "Samenvatting: bel de huisarts voor vrijdag", "Ik ben ziek, kan ik morgen bellen?", time.Now()
	err = e.store.Write(bg, func(tx models.Tx) error {
		m := models.Message{ClientID: c.ID, Kind: models.KindAgreementSummary, Channel: "whatsapp", Recipient: phone,
			Body: &summary, Status: "delivered", DeliveredAt: &now}
		if err := e.store.CreateMessageTx(tx, &m); err != nil {
			return err
		}
		_, err := e.store.AddInboundTx(tx, &models.InboundMessage{TwilioSID: "SMbrowser1", ClientID: &c.ID, Channel: "whatsapp",
			Body: &question, Keyword: "none", Alert: models.AlertBeforeSession, MediaCount: 1, MediaTypes: "audio/ogg"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return token, c, summary, question
}
