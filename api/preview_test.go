package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"afspraak/app/apptest"
)

func TestSummaryPreview(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	_, tok := e.user("w", "worker", "A")
	at := time.Now().Add(time.Hour)
	setup := func(client map[string]any, texts map[string]bool) (int64, int64) {
		cid := newClient(t, e, tok, client)
		sid := num(plan(t, e, tok, cid, at, "video", "begeleiding"), "id")
		for text, include := range texts {
			e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": text, "include_in_summary": include}).must(t, 201)
		}
		plan(t, e, tok, cid, at.Add(7*24*time.Hour), "phone", "meldplicht")
		return cid, sid
	}
	preview := func(sid int64) map[string]any {
		return e.do("GET", fmt.Sprintf("/api/v1/sessions/%d/summary-preview", sid), tok, nil).must(t, 200).json(t)
	}

	_, sid := setup(nil, map[string]bool{"Solliciteren bij de bakker": true, "Contact met slachtoffer vermijden": false})
	p := preview(sid)
	body, _ := p["body"].(string)
	if p["channel"] != "whatsapp" || p["language"] != "nl" || !strings.Contains(body, "Solliciteren bij de bakker") || !strings.Contains(body, "AKKOORD") {
		t.Fatalf("Dutch WhatsApp preview: %v", p)
	}
	if strings.Contains(body, "slachtoffer") {
		t.Fatal("an agreement marked not-in-summary reached the client's text")
	}
	if p["encoding"] != "GSM-7" || p["segments"].(float64) < 1 {
		t.Fatalf("encoding/segments: %v %v", p["encoding"], p["segments"])
	}

	_, sid = setup(map[string]any{"language": "en", "preferred_channel": "sms", "consent": map[string]any{"sms": true}},
		map[string]bool{"Bel de cliënt terug": true})
	p = preview(sid)
	if p["channel"] != "sms" || p["language"] != "en" || p["encoding"] != "UCS-2" {
		t.Fatalf("English SMS preview with ë: %v", p)
	}

	_, sid = setup(map[string]any{"consent": map[string]any{"whatsapp": false}}, map[string]bool{"x": true})
	if p = preview(sid); p["skip_reason"] != "no_consent" || p["channel"] != "" {
		t.Fatalf("no consent: %v", p)
	}
	// Nothing new agreed: the summary still goes, to confirm the next contact.
	_, sid = setup(nil, map[string]bool{"alleen voor het dossier": false})
	if p = preview(sid); p["skip_reason"] != nil || !strings.Contains(fmt.Sprint(p["body"]), "geen nieuwe afspraken") ||
		!strings.Contains(fmt.Sprint(p["body"]), "Volgend gesprek: ") {
		t.Fatalf("no new agreements: %v", p)
	}
}

func TestSummaryPreviewContentTemplate(t *testing.T) {
	e := newEnvWith(t, apptest.Options{Config: withContentSIDs(map[string]map[string]string{"agreement_summary": {"nl": "HX0123456789abcdef0123456789abcdef"}})})
	_, tok := e.user("w", "worker", "A")
	cid := newClient(t, e, tok, nil)
	sid := num(plan(t, e, tok, cid, time.Now().Add(time.Hour), "video", "begeleiding"), "id")
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": "Eerste afspraak"}).must(t, 201)
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": "Tweede afspraak"}).must(t, 201)
	p := e.do("GET", fmt.Sprintf("/api/v1/sessions/%d/summary-preview", sid), tok, nil).must(t, 200).json(t)
	vars, _ := p["content_variables"].(map[string]any)
	if p["content_sid"] == nil || p["body"] != nil || len(vars) == 0 {
		t.Fatalf("WhatsApp template preview: %v", p)
	}
	all := ""
	for _, v := range vars {
		s := v.(string)
		if strings.ContainsAny(s, "\n\t") {
			t.Fatalf("variable on more than one line: %q", s)
		}
		all += s
	}
	if !strings.Contains(all, "Eerste afspraak") || !strings.Contains(all, "Tweede afspraak") {
		t.Fatalf("agreements missing from variables: %v", vars)
	}
	if p["sms_fallback"] != nil {
		t.Fatalf("an SMS fallback for a client without SMS consent: %v", p["sms_fallback"])
	}

	// With SMS consent the preview also shows what the fallback costs: the
	// full text by SMS, here UCS-2 because of the "ë".
	both := newClient(t, e, tok, map[string]any{"consent": map[string]any{"whatsapp": true, "sms": true}})
	sid = num(plan(t, e, tok, both, time.Now().Add(time.Hour), "video", "begeleiding"), "id")
	e.do("POST", fmt.Sprintf("/api/v1/sessions/%d/agreements", sid), tok, map[string]any{"text": "Bel de cliënt terug"}).must(t, 201)
	p = e.do("GET", fmt.Sprintf("/api/v1/sessions/%d/summary-preview", sid), tok, nil).must(t, 200).json(t)
	fb, _ := p["sms_fallback"].(map[string]any)
	if fb == nil || fb["encoding"] != "UCS-2" || fb["segments"].(float64) < 2 || !strings.Contains(fmt.Sprint(fb["parts"]), "Bel de cliënt terug") {
		t.Fatalf("SMS fallback in the preview: %v", fb)
	}
}
