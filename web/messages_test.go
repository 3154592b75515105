package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"afspraak/models"
)

// TestMessageStatuses: the client page names each message's state in plain
// words: scheduled for when, failed and why, fallen back to SMS.
func TestMessageStatuses(t *testing.T) {
	e := newEnv(t, "http://localhost")
	w, token := e.user("Wim Werker", models.RoleWorker, "Noord")
	c := e.client(w, "Carla Client")
	s := e.session(w, c)
	at := time.Date(2030, 3, 4, 7, 0, 0, 0, time.UTC) // 08:00 in Amsterdam
	body := "x"
	err := e.store.Write(context.Background(), func(tx models.Tx) error {
		failed := models.Message{ClientID: c.ID, SessionID: &s.ID, Kind: models.KindAgreementSummary, Channel: "whatsapp",
			Recipient: c.Phone, Body: &body, Status: "failed", ErrorCode: 63003}
		if err := e.store.CreateMessageTx(tx, &failed); err != nil {
			return err
		}
		fallback := models.Message{ClientID: c.ID, SessionID: &s.ID, Kind: models.KindAgreementSummary, Channel: "sms",
			Recipient: c.Phone, Body: &body, Status: "undelivered", ErrorCode: 30006, FallbackOf: &failed.ID}
		if err := e.store.CreateMessageTx(tx, &fallback); err != nil {
			return err
		}
		later := models.Message{ClientID: c.ID, SessionID: &s.ID, Kind: models.KindReminder, Channel: "sms",
			Recipient: c.Phone, Body: &body, Status: models.MessageScheduled, ScheduledFor: &at}
		return e.store.CreateMessageTx(tx, &later)
	})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.signIn(token).must(t, 303)
	p := b.get(fmt.Sprintf("/clienten/%d", c.ID)).must(t, 200)
	for _, want := range []string{"Gepland voor ma 4 mrt 08:00", "de cliënt heeft geen WhatsApp (63003)",
		"het nummer is een vaste lijn (30006)", "Terugval op sms na mislukte WhatsApp", "Mislukt"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("client page lacks %q", want)
		}
	}
}
