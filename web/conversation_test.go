package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"afspraak/app"
	"afspraak/app/apptest"
	"afspraak/models"
)

// clientOn creates a client of worker w at phone with consent for SMS and,
// when whatsapp, for WhatsApp too (then the preferred channel).
func (e *env) clientOn(w models.User, name, phone string, whatsapp bool) models.Client {
	e.t.Helper()
	yes, ch := true, "sms"
	f := models.ClientFields{Name: &name, Phone: &phone, ConsentSMS: &yes, PreferredChannel: &ch}
	if whatsapp {
		ch = "whatsapp"
		f.ConsentWhatsApp = &yes
	}
	c, err := e.store.CreateClient(context.Background(), models.ActorFor(w), f)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

var replySeq atomic.Int64

// reply stores a client's message as the inbound webhook would: body is nil
// for a keyword; alert "" lets the store decide.
func (e *env) reply(c models.Client, channel, keyword, alert string, body *string, media ...string) {
	e.t.Helper()
	in := &models.InboundMessage{TwilioSID: fmt.Sprintf("SMweb%d", replySeq.Add(1)), ClientID: &c.ID, Channel: channel,
		Body: body, Keyword: keyword, Alert: alert, MediaCount: len(media), MediaTypes: strings.Join(media, ",")}
	err := e.store.Write(context.Background(), func(tx models.Tx) error {
		_, err := e.store.AddInboundTx(tx, in)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// workerReplies are the worker's answers queued for client c.
func (e *env) workerReplies(c models.Client) []models.Message {
	e.t.Helper()
	list, _, err := e.store.FindMessages(context.Background(), models.Actor{Role: models.RoleAdmin},
		models.MessageFilter{ClientID: &c.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []models.Message
	for _, m := range list {
		if m.Kind == models.KindWorkerReply {
			out = append(out, m)
		}
	}
	return out
}

func ptr(s string) *string { return &s }

func mustContain(t *testing.T, where, body string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %q", where, want)
		}
	}
}

// TestConversationShowsBothSides: our message and the client's replies, in
// order with the newest last, keywords and media in plain words.
func TestConversationShowsBothSides(t *testing.T) {
	e := newEnv(t, "http://localhost")
	w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	c, now := e.clientOn(w, "Carla Client", "+31611110001", true), time.Now()
	e.CreateMessage(&models.Message{ClientID: c.ID, Kind: models.KindAgreementSummary, Channel: "whatsapp",
		Recipient: c.Phone, Body: ptr("Samenvatting: bel de huisarts"), Status: "delivered", DeliveredAt: &now})
	e.reply(c, "whatsapp", "none", "", ptr("Dank je, komt goed"))
	e.reply(c, "whatsapp", "none", "", nil, "audio/ogg", "image/jpeg", "application/pdf")
	e.reply(c, "sms", "ack", "", nil)
	b := e.browser()
	b.signIn(token).must(t, 303)
	p := b.get(fmt.Sprintf("/clienten/%d", c.ID)).must(t, 200)
	conv := p.Body[strings.Index(p.Body, `id="gesprek"`):]
	mustContain(t, "the conversation", conv, "Van ons", "Van de cliënt", "Samenvatting", "Afgeleverd",
		"spraakbericht ontvangen — luister in WhatsApp", "foto ontvangen — bekijk in WhatsApp", "bijlage ontvangen",
		"Bevestigd (AKKOORD)", "WhatsApp: vrije tekst kan tot", `name="csrf"`, `<label for="answer-body">`)
	if ours, theirs := strings.Index(conv, "bel de huisarts"), strings.Index(conv, "Dank je, komt goed"); ours < 0 || theirs < ours {
		t.Errorf("the conversation is not oldest first: ours at %d, the reply at %d", ours, theirs)
	}
	if strings.Contains(conv, "Gezien</button>") {
		t.Error("a Gezien button without alerts")
	}
	b.get("/taal/en?terug=/vandaag").must(t, 303)
	p = b.get(fmt.Sprintf("/clienten/%d", c.ID)).must(t, 200)
	mustContain(t, "the conversation in English", p.Body, "From us", "From the client", "voice message received — listen in WhatsApp",
		"WhatsApp: free text is possible until", "Delivered")
}

// TestAnswerQueued: the worker's answer is queued as a worker_reply on the
// channel chosen and shows in the conversation after the redirect.
func TestAnswerQueued(t *testing.T) {
	for _, channel := range []string{"whatsapp", "sms"} {
		t.Run(channel, func(t *testing.T) {
			e := newEnv(t, "http://localhost")
			w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
			c := e.clientOn(w, "Carla Client", "+31611110002", true)
			e.reply(c, "whatsapp", "none", "", ptr("Mag ik morgen later komen?"))
			b := e.browser()
			b.signIn(token).must(t, 303)
			path := fmt.Sprintf("/clienten/%d", c.ID)
			p := b.post(path, path+"/berichten", url.Values{"channel": {channel}, "body": {"Ja, om 11 uur is goed."}}).must(t, 303)
			if loc := p.Header.Get("Location"); loc != path+"?ok=answered#gesprek" {
				t.Fatalf("redirect to %q", loc)
			}
			got := e.workerReplies(c)
			if len(got) != 1 || got[0].Channel != channel || got[0].Body == nil || *got[0].Body != "Ja, om 11 uur is goed." ||
				got[0].AuthorID == nil || *got[0].AuthorID != w.ID {
				t.Fatalf("queued: %+v", got)
			}
			p = b.get(path+"?ok=answered").must(t, 200)
			mustContain(t, "the page after answering", p.Body, "Je antwoord staat in de wachtrij", "Ja, om 11 uur is goed.",
				"Antwoord van de medewerker", "In de wachtrij")
			b.do("POST", path+"/berichten", url.Values{"body": {"zonder token"}}).must(t, 403)
			if n := len(e.workerReplies(c)); n != 1 {
				t.Errorf("a form without CSRF token queued an answer: %d", n)
			}
		})
	}
}

func mustLoc(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// outsideNow are contact hours of one hour that do not hold now.
func outsideNow(loc *time.Location) *app.ContactHoursConfig {
	start, end := "03:00", "04:00"
	if h := time.Now().In(loc).Hour(); h >= 2 && h <= 4 {
		start, end = "15:00", "16:00"
	}
	return &app.ContactHoursConfig{Timezone: "Europe/Amsterdam", Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
		Start: start, End: end}
}

// TestAnswerRefused: a refused answer shows the client page with the reason
// (role=alert) and the text kept, and queues nothing.
func TestAnswerRefused(t *testing.T) {
	ams := mustLoc(t)
	tests := []struct {
		name            string
		hours           *app.ContactHoursConfig
		whatsapp, reply bool
		channel, body   string
		status          int
		want            []string
	}{
		{"whatsapp window closed", nil, true, false, "whatsapp", "Tot morgen", 409,
			[]string{"WhatsApp-venster is dicht", "WhatsApp: vrije tekst kan nu niet", "goedgekeurd sjabloon nodig", "Sms kan wel."}},
		{"no consent for whatsapp", nil, false, true, "whatsapp", "Tot morgen", 409, []string{"geen toestemming voor whatsapp"}},
		{"outside contact hours", outsideNow(ams), true, true, "sms", "Tot morgen", 409, []string{"buiten de contacttijden"}},
		{"empty", nil, true, true, "sms", "  ", 422, []string{"body"}},
		{"too long", nil, true, true, "sms", strings.Repeat("a", models.MaxAnswerLength+1), 422, []string{"body"}},
		{"bad channel", nil, true, true, "fax", "Tot morgen", 422, []string{"channel"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, "http://localhost", apptest.Options{Hours: tc.hours})
			w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
			c := e.clientOn(w, "Carla Client", "+31611110003", tc.whatsapp)
			if tc.reply {
				e.reply(c, "whatsapp", "none", "", ptr("Hallo"))
			}
			b := e.browser()
			b.signIn(token).must(t, 303)
			path := fmt.Sprintf("/clienten/%d", c.ID)
			p := b.post(path, path+"/berichten", url.Values{"channel": {tc.channel}, "body": {tc.body}}).must(t, tc.status)
			mustContain(t, "the refusal", p.Body, append(tc.want, `role="alert"`, "Carla Client", `id="answer-body"`)...)
			if tc.status == 409 && !strings.Contains(p.Body, ">"+tc.body+"</textarea>") {
				t.Error("the refused text is not kept in the form")
			}
			if n := len(e.workerReplies(c)); n != 0 {
				t.Errorf("a refused answer queued %d messages", n)
			}
		})
	}
}
