package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"afspraak/app/apptest"
	"afspraak/models"
	"afspraak/models/modelstest"
	"afspraak/notify/twiliofake"
)

func TestSummaryDeliveredReadAndAcknowledged(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			cid := newClient(t, m.testEnv, m.tok, nil)
			done := m.completeWith(t, cid, "", "Solliciteren bij de bakker")
			if st := done["summary_message"].(map[string]any)["status"]; st != "queued" && st != "sending" {
				t.Fatalf("summary_message status %v", st)
			}
			id := summaryID(t, done)
			waitFor(t, "the summary at Twilio", func() bool { return len(m.fake.Messages()) == 1 })
			sent := m.fake.Messages()[0]
			if sent.To != "whatsapp:"+clientPhone || !strings.Contains(sent.Body, "Solliciteren bij de bakker") ||
				!strings.Contains(sent.StatusCallback, fmt.Sprintf("message_id=%d", id)) {
				t.Fatalf("sent %+v", sent)
			}
			waitFor(t, "our record of the send", func() bool { return m.message(t, id).TwilioSID != nil })
			ctx := context.Background()
			for _, st := range []string{"delivered", "sent", "delivered", "read", "sent"} { // out of order, twice
				if err := m.fake.SendStatus(ctx, sent.SID, st, 0); err != nil {
					t.Fatal(err)
				}
			}
			msg := m.message(t, id)
			if msg.Status != "read" || msg.DeliveredAt == nil || msg.ReadAt == nil {
				t.Fatalf("after callbacks: status %s", msg.Status)
			}
			events, _ := m.store.FindMessageEvents(ctx, models.Actor{Role: models.RoleAdmin}, id)
			count := map[string]int{}
			for _, ev := range events {
				if ev.Source == "callback" {
					count[ev.Status]++
				}
			}
			if count["delivered"] != 1 || count["sent"] != 1 || count["read"] != 1 {
				t.Fatalf("each raw event must be kept once: %v", count)
			}
			m.inbound(t, "whatsapp:"+clientPhone, "  Akkoord ")
			ags := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/agreements", cid), m.tok, nil).must(t, 200).json(t)["items"].([]any)
			if ags[0].(map[string]any)["acknowledged_at"] == nil {
				t.Fatalf("AKKOORD did not acknowledge: %v", ags)
			}
			api := m.do("GET", fmt.Sprintf("/api/v1/messages/%d", id), m.tok, nil).must(t, 200).json(t)
			if api["status"] != "read" || len(api["events"].([]any)) < 4 || api["twilio_sid"] != sent.SID {
				t.Fatalf("GET message: %v", api)
			}
		})
	}
}

func TestWebhookSignatures(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	cid := newClient(t, m.testEnv, m.tok, nil)
	id := summaryID(t, m.completeWith(t, cid, "", "x"))
	waitFor(t, "the send", func() bool { return m.message(t, id).TwilioSID != nil })
	form := url.Values{"MessageSid": {*m.message(t, id).TwilioSID}, "MessageStatus": {"failed"}, "ErrorCode": {"30003"}}
	path := fmt.Sprintf("/webhooks/twilio/status?message_id=%d", id)
	cases := []struct {
		name, sig string
	}{
		{"no signature", ""},
		{"forged", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
		{"signed over the local URL instead of the public one", twiliofake.Signature(apptest.FakeToken, m.base+path, form)},
		{"signed with another token", twiliofake.Signature("ffffffffffffffffffffffffffffffff", publicBase+path, form)},
		{"signed over other parameters", twiliofake.Signature(apptest.FakeToken, publicBase+path, url.Values{"MessageStatus": {"failed"}})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", m.base+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.sig != "" {
				req.Header.Set("X-Twilio-Signature", c.sig)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 403 {
				t.Fatalf("status %d, want 403", res.StatusCode)
			}
		})
	}
	if st := m.message(t, id).Status; st == "failed" {
		t.Fatal("an unsigned callback changed the message")
	}
	if n, _ := m.store.FindMessageEvents(context.Background(), models.Actor{Role: models.RoleAdmin}, id); len(n) != 1 {
		t.Fatalf("unsigned callbacks were stored: %d events", len(n))
	}
}

// TestReplyKeywords: STOP (any case, AFMELDEN too) withdraws consent on every
// channel and is confirmed once, on the channel the client used, also though
// nothing else may be sent now; START restores the channel it came on and is
// confirmed there; keyword bodies are not kept, other replies are.
func TestReplyKeywords(t *testing.T) { forDrivers(t, testReplyKeywords) }

func testReplyKeywords(t *testing.T, driver string) {
	m := newMsgEnv(t, driver, msgOpts{})
	cid := newClient(t, m.testEnv, m.tok, map[string]any{"consent": map[string]any{"whatsapp": true, "sms": true}})
	client := func() map[string]any {
		return m.do("GET", fmt.Sprintf("/api/v1/clients/%d", cid), m.tok, nil).must(t, 200).json(t)["consent"].(map[string]any)
	}
	sentTo := func(to, text string) int {
		n := 0
		for _, msg := range m.fake.Messages() {
			if msg.To == to && strings.Contains(msg.Body, text) {
				n++
			}
		}
		return n
	}
	m.inbound(t, "whatsapp:"+clientPhone, "STOP")
	if c := client(); c["whatsapp"] != false || c["sms"] != false {
		t.Fatalf("STOP on WhatsApp: %v", c)
	}
	waitFor(t, "the STOP confirmation on WhatsApp", func() bool { return sentTo("whatsapp:"+clientPhone, "Stuur START") == 1 })
	m.inbound(t, clientPhone, "afmelden")
	if c := client(); c["sms"] != false || c["whatsapp"] != false {
		t.Fatalf("AFMELDEN on SMS: %v", c)
	}
	m.inbound(t, "whatsapp:"+clientPhone, "Start")
	if c := client(); c["whatsapp"] != true || c["sms"] != false {
		t.Fatalf("START on WhatsApp: %v", c)
	}
	waitFor(t, "the START confirmation", func() bool { return sentTo("whatsapp:"+clientPhone, "Stuur STOP") == 1 })
	m.inbound(t, "whatsapp:"+clientPhone, "Ik kan dinsdag niet, kan het woensdag?")
	replies, _ := m.store.FindInbound(context.Background(), models.Actor{Role: models.RoleAdmin}, cid, 10)
	if len(replies) != 4 || replies[0].Body == nil || !strings.Contains(*replies[0].Body, "woensdag") || replies[1].Body != nil {
		t.Fatalf("replies: %d, latest body kept, keyword bodies not", len(replies))
	}
	events, _ := m.store.FindConsentEvents(context.Background(), models.Actor{Role: models.RoleAdmin}, cid)
	if len(events) != 5 { // two grants at creation, two withdrawals by one STOP, one restore
		t.Fatalf("consent history has %d events", len(events))
	}
	if n := sentTo(clientPhone, "Stuur START"); n != 0 {
		t.Fatalf("AFMELDEN after STOP was confirmed again (%d)", n)
	}
	if strings.Contains(m.logs.String(), "woensdag") || strings.Contains(m.logs.String(), "612345678") {
		t.Fatal("a reply body or phone number reached the log")
	}
}

func TestFallbackToSMS(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	both := map[string]any{"consent": map[string]any{"whatsapp": true, "sms": true}}
	t.Run("synchronous 63016", func(t *testing.T) {
		m.fake.FailTo("whatsapp:"+clientPhone, twiliofake.APIError(400, 63016))
		defer m.fake.ClearFaults()
		cid := newClient(t, m.testEnv, m.tok, both)
		id := summaryID(t, m.completeWith(t, cid, "", "Naar de huisarts"))
		waitFor(t, "the SMS fallback", func() bool { return len(m.fake.MessagesTo(clientPhone)) == 1 })
		if msg := m.message(t, id); msg.Status != "failed" || msg.ErrorCode != 63016 {
			t.Fatalf("WhatsApp message: %s %d", msg.Status, msg.ErrorCode)
		}
		if !strings.Contains(m.fake.MessagesTo(clientPhone)[0].Body, "Naar de huisarts") {
			t.Fatal("the SMS does not carry the agreements")
		}
	})
	t.Run("failed callback 63003", func(t *testing.T) {
		phone := "+31611110002"
		cid := newClient(t, m.testEnv, m.tok, map[string]any{"phone": phone, "consent": both["consent"]})
		id := summaryID(t, m.completeWith(t, cid, "", "Werk zoeken"))
		waitFor(t, "the WhatsApp send", func() bool { return m.message(t, id).TwilioSID != nil })
		if err := m.fake.SendStatus(context.Background(), *m.message(t, id).TwilioSID, "undelivered", 63003); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the SMS fallback", func() bool { return len(m.fake.MessagesTo(phone)) == 1 })
	})
	t.Run("no SMS consent, no fallback", func(t *testing.T) {
		phone := "+31611110003"
		m.fake.FailTo("whatsapp:"+phone, twiliofake.APIError(400, 63024))
		defer m.fake.ClearFaults()
		cid := newClient(t, m.testEnv, m.tok, map[string]any{"phone": phone})
		id := summaryID(t, m.completeWith(t, cid, "", "x"))
		waitFor(t, "the failure", func() bool { return m.message(t, id).Status == "failed" })
		time.Sleep(300 * time.Millisecond)
		if len(m.fake.MessagesTo(phone)) != 0 {
			t.Fatal("an SMS went out without SMS consent")
		}
	})
}

func TestSendFaults(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	cases := []struct {
		name       string
		fault      twiliofake.Fault
		wantAtFake int
		wantStatus string
	}{
		{"invalid number is permanent", twiliofake.APIError(400, 21211), 0, "failed"},
		{"not a mobile number is permanent", twiliofake.APIError(400, 21614), 0, "failed"},
		{"rate limit is retried", twiliofake.APIError(429, 20429), 1, "queued"},
		{"5xx without JSON is looked up, then resent", twiliofake.NonJSON(502), 1, "queued"},
		{"accepted then connection dropped is found, not resent", twiliofake.AcceptThenDrop(), 1, "queued"},
		{"timeout after acceptance is found, not resent", twiliofake.Slow(2200 * time.Millisecond), 1, "queued"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			phone := fmt.Sprintf("+3161234%04d", 5000+i)
			m.fake.FailNext(1, c.fault) // the create; a retry first lists messages at Twilio
			cid := newClient(t, m.testEnv, m.tok, map[string]any{"phone": phone})
			id := summaryID(t, m.completeWith(t, cid, "", "x"))
			defer func() {
				if t.Failed() {
					msg := m.message(t, id)
					t.Logf("message: status %s attempts %d code %d sid %v; log:\n%s", msg.Status, msg.Attempts, msg.ErrorCode, msg.TwilioSID, m.logs.String())
				}
			}()
			waitFor(t, "the final state", func() bool {
				msg := m.message(t, id)
				return msg.Status == c.wantStatus && (c.wantStatus == "failed" || msg.TwilioSID != nil)
			})
			m.fake.ClearFaults()
			time.Sleep(200 * time.Millisecond)
			if got := len(m.fake.MessagesTo("whatsapp:" + phone)); got != c.wantAtFake {
				t.Fatalf("%d messages at Twilio, want %d", got, c.wantAtFake)
			}
		})
	}
}

// TestCrashBetweenAcceptAndCommit: Twilio accepted the message but the process
// died before recording it. The rerun finds it at Twilio and sends nothing.
func TestCrashBetweenAcceptAndCommit(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	cid := newClient(t, m.testEnv, m.tok, nil)
	ctx := context.Background()
	body := "Hallo, dit hebben we afgesproken"
	msg := models.Message{ClientID: cid, Kind: models.KindAgreementSummary, Channel: "whatsapp", Recipient: clientPhone,
		Body: &body, Status: models.MessageSending, Attempts: 1}
	now := time.Now().UTC()
	msg.FirstAttemptAt = &now
	m.CreateMessage(&msg)
	// What the dead process had sent before it died:
	if _, err := m.disp.Sender.Send(ctx, m.disp.OutboundOf(msg)); err != nil {
		t.Fatal(err)
	}
	if err := m.disp.Requeue(ctx, msg.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rerun", func() bool { return m.message(t, msg.ID).TwilioSID != nil })
	if n := len(m.fake.MessagesTo("whatsapp:" + clientPhone)); n != 1 {
		t.Fatalf("%d messages at Twilio after the rerun, want 1", n)
	}
}

func TestIdempotentCompletion(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{dryRun: true})
	cid := newClient(t, m.testEnv, m.tok, nil)
	sid := num(plan(t, m.testEnv, m.tok, cid, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), m.tok, map[string]any{"text": "x"}).must(t, 201)
	path := fmt.Sprintf("/api/v1/sessions/%d/complete", sid)
	first := m.request("POST", path, map[string]any{"send_summary": true}, "key-1").must(t, 200).json(t)
	second := m.request("POST", path, map[string]any{"send_summary": true}, "key-1").must(t, 200).json(t)
	if summaryID(t, first) != summaryID(t, second) {
		t.Fatalf("same key, different messages: %v / %v", first["summary_message"], second["summary_message"])
	}
	m.request("POST", path, map[string]any{"send_summary": true}, "key-2").must(t, 409)
	list := m.do("GET", fmt.Sprintf("/api/v1/messages?session_id=%d", sid), m.tok, nil).must(t, 200).json(t)["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("%d messages for one completion", len(list))
	}
	waitFor(t, "dry run", func() bool { return m.message(t, summaryID(t, first)).Status == "dry_run" })
}

func TestContactHoursAndConsent(t *testing.T) {
	saturday := time.Date(2026, 11, 28, 21, 30, 0, 0, time.UTC)
	m := newMsgEnv(t, "sqlite", msgOpts{now: func() time.Time { return saturday }, hoursDays: []string{"mon", "tue", "wed", "thu", "fri"}})
	cid := newClient(t, m.testEnv, m.tok, nil)
	sm := m.completeWith(t, cid, "", "x")["summary_message"].(map[string]any)
	monday := "2026-11-30T07:00:00Z" // 08:00 in Amsterdam
	if sm["status"] != "scheduled" || sm["scheduled_for"] != monday {
		t.Fatalf("outside hours: %v", sm)
	}
	none := newClient(t, m.testEnv, m.tok, map[string]any{"consent": map[string]any{"whatsapp": false}})
	sm = m.completeWith(t, none, "", "x")["summary_message"].(map[string]any)
	if sm["status"] != "skipped" || sm["skip_reason"] != "no_consent" {
		t.Fatalf("no consent: %v", sm)
	}
	m.inbound(t, "whatsapp:"+clientPhone, "Hallo, is er iemand?")
	waitFor(t, "the auto-reply", func() bool {
		list, _, _ := m.store.FindMessages(context.Background(), models.Actor{Role: models.RoleAdmin}, models.MessageFilter{})
		for _, msg := range list {
			if msg.Kind == models.KindAutoReply && msg.TwilioSID != nil {
				return true
			}
		}
		return false
	})
	if len(m.fake.Messages()) != 1 {
		t.Fatalf("outside hours only the auto-reply may go out, got %d messages", len(m.fake.Messages()))
	}
}

// TestNoAutoReplyAfterStop: after STOP, a message after hours gets no
// auto-reply: nothing is sent but the one STOP confirmation.
func TestNoAutoReplyAfterStop(t *testing.T) { forDrivers(t, testNoAutoReplyAfterStop) }

func testNoAutoReplyAfterStop(t *testing.T, driver string) {
	saturday := time.Date(2026, 11, 28, 21, 30, 0, 0, time.UTC)
	m := newMsgEnv(t, driver, msgOpts{now: func() time.Time { return saturday }, hoursDays: []string{"mon", "tue", "wed", "thu", "fri"}})
	newClient(t, m.testEnv, m.tok, map[string]any{"consent": map[string]any{"whatsapp": true, "sms": true}})
	m.inbound(t, "whatsapp:"+clientPhone, "STOP")
	waitFor(t, "the STOP confirmation, after hours too", func() bool { return len(m.fake.Messages()) == 1 })
	m.inbound(t, "whatsapp:"+clientPhone, "Hallo, is er iemand?")
	m.inbound(t, clientPhone, "Hallo?")
	time.Sleep(500 * time.Millisecond) // the queue runs jobs within milliseconds here
	if n := len(m.fake.Messages()); n != 1 {
		t.Fatalf("%d messages after STOP, want only the confirmation", n)
	}
}

// TestOneAutoReplyPerPeriod: many messages after hours get one auto-reply in
// notify.auto_reply_every (12 h), on the channel each came in on; after the
// period the next message gets one again.
func TestOneAutoReplyPerPeriod(t *testing.T) { forDrivers(t, testOneAutoReplyPerPeriod) }

func testOneAutoReplyPerPeriod(t *testing.T, driver string) {
	saturday := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	m := newMsgEnv(t, driver, msgOpts{now: func() time.Time { return saturday }, hoursDays: []string{"mon", "tue", "wed", "thu", "fri"}})
	newClient(t, m.testEnv, m.tok, map[string]any{"consent": map[string]any{"whatsapp": true, "sms": true}})
	for i := range 20 {
		from := "whatsapp:" + clientPhone
		if i%2 == 1 {
			from = clientPhone
		}
		m.inbound(t, from, fmt.Sprintf("Hallo %d?", i))
	}
	waitFor(t, "the auto-reply", func() bool { return len(m.fake.Messages()) >= 1 })
	time.Sleep(300 * time.Millisecond)
	if msgs := m.fake.Messages(); len(msgs) != 1 || msgs[0].To != "whatsapp:"+clientPhone || msgs[0].ContentSID != "" {
		t.Fatalf("20 messages after hours: %d auto-replies, want 1 as free text on WhatsApp", len(msgs))
	}
	m.Clock.Set(func() time.Time { return saturday.Add(13 * time.Hour) })
	m.inbound(t, clientPhone, "Nog iemand?")
	waitFor(t, "the next period's auto-reply, by SMS", func() bool {
		msgs := m.fake.Messages()
		return len(msgs) == 2 && msgs[1].To == clientPhone
	})
	_, sup := m.user("sup", "supervisor", "A")
	rep := m.do("GET", "/api/v1/reports/follow-up?from=2026-11-28&to=2026-11-30", sup, nil).must(t, 200).json(t)
	if got := rep["totals"].(map[string]any); got["auto_replies"] != 2.0 || got["after_hours_replies"] != 21.0 {
		t.Fatalf("report: %v auto-replies for %v replies after hours, want 2 for 21", got["auto_replies"], got["after_hours_replies"])
	}
}

// TestChangedNumber: a summary held for contact hours is cancelled when the
// client's number changes (number_changed, audited), and a message is sent
// to the number the client has when it is sent, not when it was queued.
func TestChangedNumber(t *testing.T) { forDrivers(t, testChangedNumber) }

func testChangedNumber(t *testing.T, driver string) {
	saturday := time.Date(2026, 11, 28, 21, 30, 0, 0, time.UTC)
	m := newMsgEnv(t, driver, msgOpts{now: func() time.Time { return saturday }, hoursDays: []string{"mon", "tue", "wed", "thu", "fri"}})
	cid := newClient(t, m.testEnv, m.tok, map[string]any{"consent": map[string]any{"whatsapp": true, "sms": true}})
	held := summaryID(t, m.completeWith(t, cid, "", "Bel de huisarts"))
	if st := m.message(t, held).Status; st != models.MessageScheduled {
		t.Fatalf("summary outside hours: %s", st)
	}
	m.do("PATCH", fmt.Sprintf("/api/v1/clients/%d", cid), m.tok, map[string]any{"phone": "06 87654321"}).must(t, 200)
	if msg := m.message(t, held); msg.Status != models.MessageSkipped || msg.SkipReason != models.SkipNumberChanged {
		t.Fatalf("the held summary after a new number: %s %s", msg.Status, msg.SkipReason)
	}
	events, _, _ := m.store.FindAuditEvents(t.Context(), models.Actor{Role: models.RoleAdmin}, models.AuditFilter{Entity: "message"})
	if events[0].EntityID != held || !strings.Contains(events[0].Changes, "number_changed") {
		t.Fatalf("the cancellation is not audited: %+v", events[0])
	}
	m.Clock.Set(func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC) })
	body := "Tot dinsdag."
	stale := models.Message{ClientID: cid, Kind: models.KindReminder, Channel: "sms", Recipient: clientPhone, Body: &body,
		Status: models.MessageQueued}
	m.CreateMessage(&stale)
	if err := m.App.Dispatcher.Requeue(t.Context(), stale.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the send", func() bool { return m.message(t, stale.ID).TwilioSID != nil })
	if msgs := m.fake.Messages(); len(msgs) != 1 || msgs[0].To != "+31687654321" {
		t.Fatalf("sent to %v, want only the new number", msgs)
	}
}

// forDrivers runs test on SQLite and, when a server is configured, PostgreSQL.
func forDrivers(t *testing.T, test func(t *testing.T, driver string)) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) { test(t, driver) })
	}
}
