package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"afspraak/models"
	"afspraak/models/modelstest"
)

// agreementsOf returns n agreement texts of size characters, each unique.
func agreementsOf(n, size int) []string {
	out := make([]string, n)
	for i := range out {
		prefix := fmt.Sprintf("Afspraak %d: ", i+1)
		out[i] = prefix + strings.Repeat("x", size-len(prefix))
	}
	return out
}

// TestSummaryWithinTwilioLimits: a summary longer than one message goes as
// two SMS, each within 1,600 characters and every agreement in one of them;
// one that needs more is refused at completion (422) and the preview says
// why beforehand; an agreement over 300 characters is refused.
func TestSummaryWithinTwilioLimits(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			sms := map[string]any{"preferred_channel": "sms", "consent": map[string]any{"sms": true}}
			cid := newClient(t, m.testEnv, m.tok, sms)
			sid := num(plan(t, m.testEnv, m.tok, cid, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
			m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), m.tok, map[string]any{"text": strings.Repeat("a", 301)}).must(t, 422)
			long := agreementsOf(7, 290)
			for _, a := range long {
				m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), m.tok, map[string]any{"text": a}).must(t, 201)
			}
			p := m.do("GET", fmt.Sprintf("/api/v1/sessions/%d/summary-preview", sid), m.tok, nil).must(t, 200).json(t)
			if parts, _ := p["parts"].([]any); len(parts) != 2 || p["too_long"] != nil {
				t.Fatalf("preview of a long summary: %d parts, too_long %v", len(parts), p["too_long"])
			}
			m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid), m.tok, map[string]any{"send_summary": true}).must(t, 200)
			waitFor(t, "two SMS", func() bool { return len(m.fake.MessagesTo(clientPhone)) == 2 })
			joined := ""
			for _, msg := range m.fake.MessagesTo(clientPhone) {
				if n := utf8.RuneCountInString(msg.Body); n > 1600 {
					t.Fatalf("an SMS of %d characters", n)
				}
				joined += msg.Body
			}
			for _, a := range long {
				if !strings.Contains(joined, a) {
					t.Fatalf("agreement %q is missing from the two messages", a[:12])
				}
			}
			msgs, _, _ := m.store.FindMessages(t.Context(), models.Actor{Role: models.RoleAdmin}, models.MessageFilter{SessionID: &sid})
			for _, msg := range msgs {
				if msg.Status == models.MessageFailed {
					t.Fatalf("a part failed at Twilio: %d", msg.ErrorCode)
				}
			}

			// Too long for two messages: the preview says so, completion refuses.
			sid2 := num(plan(t, m.testEnv, m.tok, cid, time.Now().Add(2*time.Hour), "video", "meldplicht"), "id")
			for _, a := range agreementsOf(12, 300) {
				m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid2), m.tok, map[string]any{"text": a}).must(t, 201)
			}
			p = m.do("GET", fmt.Sprintf("/api/v1/sessions/%d/summary-preview", sid2), m.tok, nil).must(t, 200).json(t)
			if !strings.Contains(fmt.Sprint(p["too_long"]), "kort de afspraken in") {
				t.Fatalf("preview of a summary that does not fit: %v", p["too_long"])
			}
			r := m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid2), m.tok, map[string]any{"send_summary": true})
			if r.Status != 422 || !strings.Contains(string(r.Body), "body.agreements") {
				t.Fatalf("completing a summary that does not fit: %d %s", r.Status, r.Body)
			}
			if s := m.do("GET", fmt.Sprintf("/api/v1/sessions/%d", sid2), m.tok, nil).must(t, 200).json(t); s["status"] != "planned" {
				t.Fatalf("a refused completion changed the session: %v", s["status"])
			}
			m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", sid2), m.tok, map[string]any{"send_summary": false}).must(t, 200)
		})
	}
}

// TestTemplateVariablesWithinLimits: agreements too long for a WhatsApp
// template variable (255) go by SMS when the client consented to it, and
// are refused at completion when not; nothing reaches Twilio over a limit.
func TestTemplateVariablesWithinLimits(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	m.setContentSIDs(map[string]map[string]string{"agreement_summary": {"nl": "HX0123456789abcdef0123456789abcdef"}})
	cid := newClient(t, m.testEnv, m.tok, map[string]any{"consent": map[string]any{"whatsapp": true, "sms": true}})
	sid := summaryID(t, m.completeWith(t, cid, "", agreementsOf(2, 200)...))
	waitFor(t, "the summary", func() bool { return m.message(t, sid).TwilioSID != nil })
	if msg := m.message(t, sid); msg.Channel != "sms" || len(m.fake.MessagesTo(clientPhone)) != 1 {
		t.Fatalf("a summary over the template's limits went by %s", msg.Channel)
	}
	other := newClient(t, m.testEnv, m.tok, map[string]any{"phone": "+31611119999"})
	s2 := num(plan(t, m.testEnv, m.tok, other, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	for _, a := range agreementsOf(2, 200) {
		m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", s2), m.tok, map[string]any{"text": a}).must(t, 201)
	}
	m.do("POST", fmt.Sprintf("/api/v1/sessions/%d/complete", s2), m.tok, map[string]any{"send_summary": true}).must(t, 422)
	if n := len(m.fake.MessagesTo("whatsapp:+31611119999")); n != 0 {
		t.Fatalf("%d messages over the limit reached Twilio", n)
	}
}

// TestMovedAndCancelledSessionsTold: a session the client was told about
// (a reminder went out) sends one message when it moves and one when it is
// cancelled; a session the client never heard of changes silently.
func TestMovedAndCancelledSessionsTold(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			cid := newClient(t, m.testEnv, m.tok, nil)
			at := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
			told := func(sess int64) {
				body := "herinnering"
				r := models.Message{ClientID: cid, SessionID: &sess, Kind: models.KindReminder, Channel: "whatsapp",
					Recipient: clientPhone, Body: &body, Status: "delivered"}
				m.CreateMessage(&r)
			}
			moved, cancelled, silent := planAt(t, m, cid, at, "client"), planAt(t, m, cid, at.Add(time.Hour), "client"), planAt(t, m, cid, at.Add(2*time.Hour), "client")
			told(moved)
			told(cancelled)
			m.do("PATCH", fmt.Sprintf("/api/v1/sessions/%d", moved), m.tok, map[string]any{"scheduled_at": at.Add(24 * time.Hour).Format(time.RFC3339)}).must(t, 200)
			m.do("PATCH", fmt.Sprintf("/api/v1/sessions/%d", cancelled), m.tok, map[string]any{"status": "cancelled"}).must(t, 200)
			m.do("PATCH", fmt.Sprintf("/api/v1/sessions/%d", silent), m.tok, map[string]any{"scheduled_at": at.Add(30 * time.Hour).Format(time.RFC3339)}).must(t, 200)
			waitFor(t, "two messages at Twilio", func() bool { return len(m.fake.Messages()) == 2 })
			time.Sleep(200 * time.Millisecond)
			if got := messagesOf(t, m, moved, models.KindSessionMoved); len(got) != 1 || !strings.Contains(*got[0].Body, "is verplaatst naar") ||
				!strings.Contains(*got[0].Body, hhmm(at)) {
				t.Fatalf("moved: %d messages", len(got))
			}
			if got := messagesOf(t, m, cancelled, models.KindSessionCancelled); len(got) != 1 || !strings.Contains(*got[0].Body, "gaat niet door") {
				t.Fatalf("cancelled: %d messages", len(got))
			}
			if n := len(m.fake.Messages()); n != 2 || len(messagesOf(t, m, silent, models.KindSessionMoved)) != 0 {
				t.Fatalf("%d messages; a session the client never heard of was told about", n)
			}
		})
	}
}

// TestSensitiveAgreementsStayOut: an agreement that names treatment,
// addiction, victims or justice stays out of the summary unless the worker
// puts it in on purpose, which is audited.
func TestSensitiveAgreementsStayOut(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	_, sup := e.user("s", "supervisor", "A")
	cid := newClient(t, e, tok, nil)
	sid := num(plan(t, e, tok, cid, time.Now().Add(time.Hour), "video", "meldplicht"), "id")
	path := fmt.Sprintf("/api/v1/sessions/%d/agreements", sid)
	out := e.do("POST", path, tok, map[string]any{"text": "Urinecontrole bij de poli Verslavingszorg"}).must(t, 201).json(t)
	if out["include_in_summary"] != false || fmt.Sprint(out["sensitive_words"]) != "[urine verslav]" {
		t.Fatalf("a sensitive agreement: include %v, words %v", out["include_in_summary"], out["sensitive_words"])
	}
	in := e.do("POST", path, tok, map[string]any{"text": "Afspraak bij de GGZ maken", "include_in_summary": true}).must(t, 201).json(t)
	if in["include_in_summary"] != true {
		t.Fatal("the worker's choice to include it was not kept")
	}
	plain := e.do("POST", path, tok, map[string]any{"text": "Solliciteren bij de bakker"}).must(t, 201).json(t)
	if plain["include_in_summary"] != true || plain["sensitive_words"] != nil {
		t.Fatalf("a plain agreement: %v", plain)
	}
	body := fmt.Sprint(e.do("GET", fmt.Sprintf("/api/v1/sessions/%d/summary-preview", sid), tok, nil).must(t, 200).json(t)["body"])
	if strings.Contains(body, "Urine") || !strings.Contains(body, "GGZ") || !strings.Contains(body, "bakker") {
		t.Fatalf("summary: %s", body)
	}
	events := e.do("GET", "/api/v1/audit-events?action=sensitive_override", sup, nil).must(t, 200).json(t)["items"].([]any)
	if len(events) != 1 || !strings.Contains(fmt.Sprint(events[0]), "ggz") {
		t.Fatalf("the override is audited %d times: %v", len(events), events)
	}
}

// TestWhatsAppSummaryPrivacyFirst: on WhatsApp the summary is a neutral
// template that names no agreement; the client's tap on "Toon overzicht"
// brings the full overview as free text, and AKKOORD then acknowledges it.
func TestWhatsAppSummaryPrivacyFirst(t *testing.T) {
	for _, driver := range modelstest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			m := newMsgEnv(t, driver, msgOpts{})
			m.setContentSIDs(map[string]map[string]string{
				"summary_notice":    {"nl": "HX11111111111111111111111111111111"},
				"agreement_summary": {"nl": "HX22222222222222222222222222222222"}})
			cid := newClient(t, m.testEnv, m.tok, nil)
			id := summaryID(t, m.completeWith(t, cid, "", "Loonstroken mailen naar Wouter"))
			waitFor(t, "the notice", func() bool { return m.message(t, id).TwilioSID != nil })
			notice := m.fake.MessagesTo("whatsapp:" + clientPhone)[0]
			if notice.ContentSID != "HX11111111111111111111111111111111" || strings.Contains(notice.ContentVariables, "Loonstroken") || strings.Contains(notice.Body, "Loonstroken") {
				t.Fatalf("the summary on WhatsApp: %s %s %q", notice.ContentSID, notice.ContentVariables, notice.Body)
			}
			m.inboundWith(t, "whatsapp:"+clientPhone, "Toon overzicht", url.Values{"ButtonText": {"Toon overzicht"},
				"ButtonPayload": {"overview"}, "OriginalRepliedMessageSid": {notice.SID}})
			waitFor(t, "the overview", func() bool { return len(m.fake.MessagesTo("whatsapp:"+clientPhone)) == 2 })
			if body := m.fake.MessagesTo("whatsapp:" + clientPhone)[1].Body; !strings.Contains(body, "Loonstroken mailen naar Wouter") ||
				!strings.HasPrefix(body, "Hallo Jan, dit hebben we vandaag afgesproken.") {
				t.Fatalf("overview: %q", body)
			}
			m.inbound(t, "whatsapp:"+clientPhone, "akkoord")
			ags := m.do("GET", fmt.Sprintf("/api/v1/clients/%d/agreements", cid), m.tok, nil).must(t, 200).json(t)["items"].([]any)
			if ags[0].(map[string]any)["acknowledged_at"] == nil {
				t.Fatal("AKKOORD after the overview did not acknowledge")
			}
		})
	}
}

// TestSummaryWithoutNewAgreements: a session that agreed nothing new still
// sends its summary, which confirms the next contact in writing.
func TestSummaryWithoutNewAgreements(t *testing.T) {
	m := newMsgEnv(t, "sqlite", msgOpts{})
	cid := newClient(t, m.testEnv, m.tok, nil)
	plan(t, m.testEnv, m.tok, cid, time.Now().Add(7*24*time.Hour), "phone", "meldplicht") // the next contact
	id := summaryID(t, m.completeWith(t, cid, ""))
	waitFor(t, "the summary", func() bool { return m.message(t, id).TwilioSID != nil })
	body := m.fake.MessagesTo("whatsapp:" + clientPhone)[0].Body
	if !strings.Contains(body, "geen nieuwe afspraken") || !strings.Contains(body, "Volgend gesprek: ") || strings.Contains(body, "nog niet gepland") {
		t.Fatalf("summary without agreements: %q", body)
	}
}
