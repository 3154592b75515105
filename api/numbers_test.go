package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"afspraak/app"
	"afspraak/models"
	"afspraak/models/modelstest"
)

// TestOneNumberOneClient: a number in use is refused for a second client,
// in any team, with a 409 that says nothing about whose it is, and the
// attempt is audited; marked shared it is accepted, and the first client is
// marked shared too.
func TestOneNumberOneClient(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			e := newTestEnv(t, driver)
			_, tokA := e.user("wa", "worker", "A")
			_, tokB := e.user("wb", "worker", "B")
			_, admin := e.user("adm", "admin", "A")
			first := e.do("POST", "/api/v1/clients", tokA, map[string]any{"name": "Anna Eerste", "phone": "06 12345678"}).must(t, 201).id(t)
			r := e.do("POST", "/api/v1/clients", tokB, map[string]any{"name": "Bert", "phone": "+31 6 1234 5678"})
			body := string(r.Body)
			if r.Status != 409 || !strings.Contains(body, "al geregistreerd") || strings.Contains(body, "Anna") ||
				strings.Contains(body, fmt.Sprint(first)) || !strings.Contains(body, "body.phone") {
				t.Fatalf("second client with the number: %d %s", r.Status, body)
			}
			if n := e.RowCounts(t)["clients"]; n != 1 {
				t.Fatalf("%d clients after the refusal", n)
			}
			events := e.do("GET", "/api/v1/audit-events?action=phone_conflict", admin, nil).must(t, 200).json(t)["items"].([]any)
			if len(events) != 1 {
				t.Fatalf("the refused attempt is audited %d times", len(events))
			}
			other := e.do("POST", "/api/v1/clients", tokB, map[string]any{"name": "Bert", "phone": "0687654321"}).must(t, 201).id(t)
			e.do("PATCH", fmt.Sprintf("/api/v1/clients/%d", other), tokB, map[string]any{"phone": "0612345678"}).must(t, 409)
			// Sharing shares the replies: not with a client out of one's reach.
			e.do("POST", "/api/v1/clients", tokB, map[string]any{"name": "Bea", "phone": "0612345678", "phone_shared": true}).must(t, 409)
			wb := e.do("GET", "/api/v1/me", tokB, nil).must(t, 200).json(t)["id"]
			shared := e.do("POST", "/api/v1/clients", admin, map[string]any{"name": "Bea", "phone": "0612345678",
				"phone_shared": true, "worker_id": wb}).must(t, 201).json(t)
			if shared["phone_shared"] != true {
				t.Fatalf("shared client: %v", shared)
			}
			if c := e.do("GET", fmt.Sprintf("/api/v1/clients/%d", first), tokA, nil).must(t, 200).json(t); c["phone_shared"] != true {
				t.Fatalf("the first client with a shared number is not marked shared: %v", c)
			}
		})
	}
}

// TestRepliesReachTheRightClient: a reply reaches the client with that
// number and only their worker sees it; on a shared number it reaches every
// client with it, and STOP acts on the client last messaged there.
func TestRepliesReachTheRightClient(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			wb, tokB := m.user("wb", "worker", "B")
			_, admin := m.user("adm", "admin", "A")
			both := map[string]any{"whatsapp": true, "sms": true}
			mine := newClient(t, m.testEnv, m.tok, map[string]any{"consent": both})
			theirs := m.do("POST", "/api/v1/clients", tokB, map[string]any{"name": "Kees", "phone": "0611112222",
				"consent": both}).must(t, 201).id(t)
			m.inbound(t, "whatsapp:"+clientPhone, "Ik ben iets later")
			conv := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/conversation", mine), m.tok, nil).must(t, 200).json(t)
			if items := conv["items"].([]any); len(items) != 1 || items[0].(map[string]any)["body"] != "Ik ben iets later" {
				t.Fatalf("the reply in its client's conversation: %v", items)
			}
			m.do("GET", fmt.Sprintf("/api/v1/clients/%d/conversation", mine), tokB, nil).must(t, 404)
			if items := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/conversation", theirs), tokB, nil).must(t, 200).json(t)["items"].([]any); len(items) != 0 {
				t.Fatalf("another client's conversation holds the reply: %v", items)
			}

			// A household phone: two clients of two workers, the summary last
			// sent to the second.
			house := "+31633334444"
			h1 := newClient(t, m.testEnv, m.tok, map[string]any{"phone": house, "phone_shared": true, "consent": both})
			h2 := m.do("POST", "/api/v1/clients", admin, map[string]any{"name": "Huisgenoot", "phone": house,
				"phone_shared": true, "consent": both, "worker_id": wb.ID}).must(t, 201).id(t)
			sid := num(plan(t, m.testEnv, tokB, h2, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
			m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tokB, map[string]any{"text": "Bellen"}).must(t, 201)
			done := m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), tokB, map[string]any{"send_summary": true}).must(t, 200).json(t)
			waitFor(t, "the summary", func() bool { return m.message(t, summaryID(t, done)).SentAt != nil })
			// A button acts on the client whose message it answers, though
			// the summary to h2 was the last message to the number.
			later := time.Now().Add(time.Minute)
			m.CreateMessage(&models.Message{ClientID: h1, Kind: models.KindReminder, Channel: "whatsapp", Recipient: house,
				Status: "delivered", SentAt: &later}) // now h1 is the client last messaged
			m.inboundWith(t, "whatsapp:"+house, "Akkoord", url.Values{"ButtonPayload": {"ack"},
				"OriginalRepliedMessageSid": {*m.message(t, summaryID(t, done)).TwilioSID}})
			if ags := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/agreements", h2), tokB, nil).must(t, 200).json(t)["items"].([]any); ags[0].(map[string]any)["acknowledged_at"] == nil {
				t.Fatal("the button did not acknowledge the summary it answers")
			}
			// STOP from the household phone stops every client of it.
			m.inbound(t, "whatsapp:"+house, "STOP")
			consent := func(tok string, id int64) map[string]any {
				return m.do("GET", fmt.Sprintf("/api/v1/clients/%d", id), tok, nil).must(t, 200).json(t)["consent"].(map[string]any)
			}
			for _, c := range []map[string]any{consent(tokB, h2), consent(m.tok, h1)} {
				if c["whatsapp"] != false || c["sms"] != false {
					t.Fatalf("STOP on a shared number did not stop every client of it: %v", c)
				}
			}
			for _, c := range []struct {
				tok string
				id  int64
			}{{m.tok, h1}, {tokB, h2}} {
				items := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/conversation", c.id), c.tok, nil).must(t, 200).json(t)["items"].([]any)
				seen := false
				for _, it := range items {
					it := it.(map[string]any)
					seen = seen || (it["direction"] == "in" && it["kind"] == "stop")
				}
				if !seen {
					t.Fatalf("client %d of the shared number does not see the reply: %v", c.id, items)
				}
			}
		})
	}
}

// TestNumberCheck: a new client first gets the welcome check; a summary waits
// (awaiting_number_check) until JA, and goes out then; NEE (a button) skips
// it and alerts the worker; no answer in time expires the check. Nothing
// with agreements reaches an unconfirmed number.
func TestNumberCheck(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{numberCheck: true, config: func(c *app.Config) {
				c.Notify.NumberCheckTimeout = 2 * time.Second
			}})
			cid := newClient(t, m.testEnv, m.tok, nil)
			c := m.do("GET", fmt.Sprintf("/api/v1/clients/%d", cid), m.tok, nil).must(t, 200).json(t)
			if c["number_check"].(map[string]any)["state"] != "pending" {
				t.Fatalf("a new client's number check: %v", c["number_check"])
			}
			waitFor(t, "the welcome check", func() bool { return len(m.fake.MessagesTo("whatsapp:"+clientPhone)) == 1 })
			if body := m.fake.MessagesTo("whatsapp:" + clientPhone)[0].Body; !strings.Contains(body, "eigen telefoon") || strings.Contains(body, "Jan") {
				t.Fatalf("welcome: %q", body)
			}
			held := summaryID(t, m.completeWith(t, cid, "", "Bel de huisarts"))
			time.Sleep(300 * time.Millisecond)
			if msg := m.message(t, held); msg.Status != models.MessageAwaitingCheck || len(m.fake.MessagesTo("whatsapp:"+clientPhone)) != 1 {
				t.Fatalf("summary before the check: %s, %d messages", msg.Status, len(m.fake.MessagesTo("whatsapp:"+clientPhone)))
			}
			m.inbound(t, "whatsapp:"+clientPhone, "Ja")
			waitFor(t, "the summary after JA", func() bool { return m.message(t, held).SentAt != nil })
			if ags := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/agreements", cid), m.tok, nil).must(t, 200).json(t)["items"].([]any); ags[0].(map[string]any)["acknowledged_at"] != nil {
				t.Fatal("the JA to the number check acknowledged the summary")
			}

			// NEE by the button of the welcome message.
			other := "+31655556666"
			nid := newClient(t, m.testEnv, m.tok, map[string]any{"phone": other})
			waitFor(t, "the second welcome", func() bool { return len(m.fake.MessagesTo("whatsapp:"+other)) == 1 })
			skipped := summaryID(t, m.completeWith(t, nid, "", "Werk zoeken"))
			m.inboundWith(t, "whatsapp:"+other, "Nee", url.Values{"ButtonText": {"Nee"}, "ButtonPayload": {"number_no"},
				"OriginalRepliedMessageSid": {m.fake.MessagesTo("whatsapp:" + other)[0].SID}})
			if msg := m.message(t, skipped); msg.Status != models.MessageSkipped || msg.SkipReason != models.SkipNumberNotConfirmed {
				t.Fatalf("summary after NEE: %s %s", msg.Status, msg.SkipReason)
			}
			conv := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/conversation", nid), m.tok, nil).must(t, 200).json(t)
			if conv["client"].(map[string]any)["number_check"].(map[string]any)["state"] != "rejected" || !strings.Contains(fmt.Sprint(conv["items"]), "number_rejected") {
				t.Fatalf("after NEE: %v", conv)
			}
			time.Sleep(200 * time.Millisecond)
			if n := len(m.fake.MessagesTo("whatsapp:" + other)); n != 1 {
				t.Fatalf("%d messages to a rejected number, want only the welcome", n)
			}

			// No answer: the check expires.
			silent := "+31611223344"
			sid := newClient(t, m.testEnv, m.tok, map[string]any{"phone": silent})
			waitFor(t, "the check to expire", func() bool {
				c := m.do("GET", fmt.Sprintf("/api/v1/clients/%d", sid), m.tok, nil).must(t, 200).json(t)
				return c["number_check"].(map[string]any)["state"] == "expired"
			})
		})
	}
}

// TestWorkerAnswer: a worker's answer goes through the queue once; on
// WhatsApp only inside the 24-hour window of the client's last message
// (otherwise 409 with the reason), and never after STOP.
func TestWorkerAnswer(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			cid := newClient(t, m.testEnv, m.tok, map[string]any{"consent": map[string]any{"whatsapp": true, "sms": true}})
			path := fmt.Sprintf("/api/v1/clients/%d/messages", cid)
			r := m.do("POST", path, m.tok, map[string]any{"body": "Hoe gaat het?", "channel": "whatsapp"})
			if r.Status != 409 || !strings.Contains(string(r.Body), "WhatsApp-venster") {
				t.Fatalf("WhatsApp without the window: %d %s", r.Status, r.Body)
			}
			m.do("POST", path, m.tok, map[string]any{"body": strings.Repeat("a", 1601)}).must(t, 422)
			sms := m.do("POST", path, m.tok, map[string]any{"body": "Tot dinsdag.", "channel": "sms"}).must(t, 201).json(t)
			if sms["kind"] != models.KindWorkerReply {
				t.Fatalf("answer: %v", sms)
			}
			m.inbound(t, "whatsapp:"+clientPhone, "Kan ik u bellen?")
			m.do("POST", path, m.tok, map[string]any{"body": "Ja, om drie uur."}).must(t, 201) // on the client's channel
			waitFor(t, "both answers", func() bool { return len(m.fake.Messages()) == 2 })
			time.Sleep(300 * time.Millisecond)
			if got := m.fake.MessagesTo("whatsapp:" + clientPhone); len(got) != 1 || got[0].Body != "Ja, om drie uur." {
				t.Fatalf("WhatsApp answers at Twilio: %v", got)
			}
			if got := m.fake.MessagesTo(clientPhone); len(got) != 1 || got[0].Body != "Tot dinsdag." {
				t.Fatalf("SMS answers at Twilio: %v", got)
			}
			items := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/conversation", cid), m.tok, nil).must(t, 200).json(t)["items"].([]any)
			if len(items) != 3 || items[2].(map[string]any)["body"] != "Ja, om drie uur." || items[1].(map[string]any)["direction"] != "in" {
				t.Fatalf("conversation, newest last: %v", items)
			}
			m.inbound(t, "whatsapp:"+clientPhone, "STOP")
			m.do("POST", path, m.tok, map[string]any{"body": "Nog één ding", "channel": "sms"}).must(t, 409)
		})
	}
}

// TestWorkerAnswerOutsideHours: nothing goes to a client outside contact
// hours, a worker's answer neither.
func TestWorkerAnswerOutsideHours(t *testing.T) {
	saturday := time.Date(2026, 11, 28, 21, 30, 0, 0, time.UTC)
	m := newMsgEnv(t, "sqlite", msgOpts{now: func() time.Time { return saturday }, hoursDays: []string{"mon", "tue", "wed", "thu", "fri"}})
	cid := newClient(t, m.testEnv, m.tok, map[string]any{"consent": map[string]any{"sms": true}, "preferred_channel": "sms"})
	r := m.do("POST", fmt.Sprintf("/api/v1/clients/%d/messages", cid), m.tok, map[string]any{"body": "Hallo"})
	if r.Status != 409 || !strings.Contains(string(r.Body), "contacttijden") {
		t.Fatalf("an answer on Saturday night: %d %s", r.Status, r.Body)
	}
}

// TestMediaButtonsAndUnknownNumbers: a voice note is recorded (count and
// type, no URL); a button acknowledges the summary it belongs to and gets a
// receipt; a message from an unknown number is kept for admins only and
// answered by nothing, not even after hours.
func TestMediaButtonsAndUnknownNumbers(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			cid := newClient(t, m.testEnv, m.tok, nil)
			done := m.completeWith(t, cid, "", "Solliciteren")
			waitFor(t, "the summary", func() bool { return m.message(t, summaryID(t, done)).TwilioSID != nil })
			summary := m.message(t, summaryID(t, done))
			m.inboundWith(t, "whatsapp:"+clientPhone, "", url.Values{"NumMedia": {"1"}, "MediaContentType0": {"audio/ogg"},
				"MediaUrl0": {"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"}})
			m.inboundWith(t, "whatsapp:"+clientPhone, "Akkoord", url.Values{"ButtonText": {"Akkoord"}, "ButtonPayload": {"ack"},
				"OriginalRepliedMessageSid": {*summary.TwilioSID}})
			waitFor(t, "the receipt", func() bool {
				got := m.fake.MessagesTo("whatsapp:" + clientPhone)
				return len(got) == 2 && strings.Contains(got[1].Body, "Ontvangen")
			})
			ags := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/agreements", cid), m.tok, nil).must(t, 200).json(t)["items"].([]any)
			if ags[0].(map[string]any)["acknowledged_at"] == nil {
				t.Fatal("the button did not acknowledge its summary")
			}
			items := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/conversation", cid), m.tok, nil).must(t, 200).json(t)["items"].([]any)
			voice := fmt.Sprint(items)
			if !strings.Contains(voice, "media_count:1") || !strings.Contains(voice, "audio/ogg") || strings.Contains(voice, "ME1") {
				t.Fatalf("voice note in the conversation: %v", items)
			}

			// After hours, from a number no client has.
			late := newMsgEnv(t, driver, msgOpts{now: func() time.Time { return time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC) },
				hoursDays: []string{"mon"}})
			_, lateAdmin := late.user("adm", "admin", "A")
			late.inbound(t, "+31699990000", "Wie is dit?")
			time.Sleep(300 * time.Millisecond)
			if n := len(late.fake.Messages()); n != 0 {
				t.Fatalf("%d answers to an unknown number", n)
			}
			late.do("GET", "/api/v1/inbound/unmatched", late.tok, nil).must(t, 403)
			list := late.do("GET", "/api/v1/inbound/unmatched", lateAdmin, nil).must(t, 200).json(t)["items"].([]any)
			if len(list) != 1 || list[0].(map[string]any)["from"] != "+31699990000" || list[0].(map[string]any)["body"] != "Wie is dit?" {
				t.Fatalf("unmatched replies for the admin: %v", list)
			}
		})
	}
}

// TestAnswerOutOfReachOutsideHours: someone else's client is a 404, also
// when contact hours would refuse the answer anyway.
func TestAnswerOutOfReachOutsideHours(t *testing.T) {
	saturday := time.Date(2026, 11, 28, 21, 30, 0, 0, time.UTC)
	m := newMsgEnv(t, "sqlite", msgOpts{now: func() time.Time { return saturday }, hoursDays: []string{"mon"}})
	_, other := m.user("wb", "worker", "B")
	cid := newClient(t, m.testEnv, m.tok, nil)
	m.do("POST", fmt.Sprintf("/api/v1/clients/%d/messages", cid), other, map[string]any{"body": "Hallo"}).must(t, 404)
	m.do("POST", "/api/v1/clients/999999/messages", m.tok, map[string]any{"body": "Hallo"}).must(t, 404)
}

// TestNumberChangeWhileWaitingToSend: a message waiting for the rate limiter
// when the client's number changes is not sent to the old number: the hand-
// over to Twilio checks the message and the client again.
func TestNumberChangeWhileWaitingToSend(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{config: func(c *app.Config) { c.Twilio.RatePerSecond = 0.5 }}) // one send per 2 s
	cid := newClient(t, m.testEnv, m.tok, map[string]any{"preferred_channel": "sms", "consent": map[string]any{"sms": true}})
	var ids []int64
	for _, text := range []string{"Tot dinsdag.", "Tot woensdag."} {
		body := text
		msg := models.Message{ClientID: cid, Kind: models.KindReminder, Channel: "sms", Recipient: clientPhone, Body: &body,
			Status: models.MessageQueued}
		m.CreateMessage(&msg)
		ids = append(ids, msg.ID)
	}
	for _, id := range ids {
		if err := m.App.Dispatcher.Requeue(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the first send", func() bool { return len(m.fake.Messages()) == 1 })
	m.do("PATCH", fmt.Sprintf("/api/v1/clients/%d", cid), m.tok, map[string]any{"phone": "06 87654321"}).must(t, 200)
	time.Sleep(3 * time.Second) // the other one's turn at the limiter has come and gone
	if n := len(m.fake.Messages()); n != 1 {
		t.Fatalf("%d messages at Twilio: the one waiting went out after the number changed", n)
	}
	skipped := 0
	for _, id := range ids {
		if msg := m.message(t, id); msg.Status == models.MessageSkipped && msg.SkipReason == models.SkipNumberChanged {
			skipped++
		}
	}
	if skipped != 1 {
		t.Fatalf("%d messages cancelled by the new number, want the one that waited", skipped)
	}
}
