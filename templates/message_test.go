package templates

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

var allKinds = messageKinds

// sample is a typical message: two agreements, a video call next Tuesday that
// the client makes. Times are in UTC; the client sees Amsterdam time.
func sample() MessageData {
	due := time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)
	next := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC) // 14:00 CET
	return MessageData{
		ClientName:  "Sanne",
		WorkerName:  "Wouter",
		WorkerPhone: "030 123 4567",
		Address:     "Stationsplein 1, Utrecht",
		Agreements: []Agreement{
			{Text: "Loonstroken mailen.", Owner: "client", Due: &due},
			{Text: "Contact opnemen met schuldhulp", Owner: "worker"},
		},
		NextContact:  &next,
		NextModality: "video",
		ClientCalls:  true,
		SessionAt:    time.Date(2026, 3, 3, 13, 0, 0, 0, time.UTC),
		OfficeHours:  "ma-vr 08:00-20:00",
		CrisisNumber: "0800-1234",
	}
}

func TestSupportedLanguages(t *testing.T) {
	if got := SupportedLanguages(); len(got) != 2 || got[0] != "nl" || got[1] != "en" {
		t.Fatalf("SupportedLanguages() = %v", got)
	}
}

func TestRenderEveryKind(t *testing.T) {
	for _, kind := range allKinds {
		for _, lang := range SupportedLanguages() {
			t.Run(kind+"/"+lang, func(t *testing.T) {
				body, err := Render(kind, lang, sample())
				if err != nil {
					t.Fatal(err)
				}
				// The number check names nobody (the phone may be a stranger's);
				// the receipt is a two-word answer to the client's own message.
				named := kind != KindNumberCheck && kind != KindAckReceipt
				if got := strings.Contains(body, "Sanne"); got != named {
					t.Errorf("body names the client: %v, want %v: %q", got, named, body)
				}
				for _, bad := range []string{"<no value>", "{{", "}}", "  ", "\n\n\n", "..", " ."} {
					if strings.Contains(body, bad) {
						t.Errorf("body contains %q: %q", bad, body)
					}
				}
			})
		}
	}
}

func TestVariablesEveryKind(t *testing.T) {
	wantCount := map[string]int{KindSummaryNotice: 1, KindSessionMoved: 4, KindSessionCancelled: 3, KindAgreementSummary: 3, KindReminder: 4, KindNoShowNudge: 4, KindAutoReply: 2, KindStopConfirmation: 0, KindStartConfirmation: 0}
	d := sample()
	// Free text from the database may hold anything; WhatsApp does not.
	d.WorkerName = "Wou\tter  \n"
	d.Agreements[1].Text = "Contact opnemen\nmet    schuldhulp"
	for _, kind := range allKinds {
		for _, lang := range SupportedLanguages() {
			t.Run(kind+"/"+lang, func(t *testing.T) {
				vars, err := Variables(kind, lang, d)
				if err != nil {
					t.Fatal(err)
				}
				if len(vars) != wantCount[kind] {
					t.Errorf("%d variables, want %d: %q", len(vars), wantCount[kind], vars)
				}
				for i := 1; i <= len(vars); i++ {
					v, ok := vars[strconv.Itoa(i)]
					if !ok {
						t.Fatalf("no variable %d in %q", i, vars)
					}
					if v == "" || v != strings.TrimSpace(v) || strings.ContainsAny(v, "\n\r\t") || strings.Contains(v, "    ") {
						t.Errorf("variable %d is not one clean line: %q", i, v)
					}
				}
			})
		}
	}
}

func TestAgreementSummary(t *testing.T) {
	tests := []struct {
		lang  string
		lines []string
		vars  map[string]string
	}{
		{"nl",
			[]string{"Hallo Sanne, dit hebben we vandaag afgesproken.", "Wat u doet:", "- Loonstroken mailen, uiterlijk vrijdag 6 maart",
				"Wat Wouter doet:", "- Contact opnemen met schuldhulp",
				"Volgend gesprek: dinsdag 10 maart om 14:00, videogesprek. U belt zelf naar 030 123 4567, via een videogesprek. Zorg voor een rustige plek waar niemand meeluistert.",
				"Klopt dit? Antwoord AKKOORD. Geen berichten meer? Stuur STOP."},
			map[string]string{
				"1": "Sanne",
				"2": "u: Loonstroken mailen, uiterlijk vrijdag 6 maart; Wouter: Contact opnemen met schuldhulp",
				"3": "dinsdag 10 maart om 14:00, videogesprek",
			}},
		{"en",
			[]string{"Hello Sanne, this is what we agreed today.", "What you do:", "- Loonstroken mailen, by Friday 6 March",
				"What Wouter does:", "- Contact opnemen met schuldhulp",
				"Next appointment: Tuesday 10 March at 14:00, video call. You call 030 123 4567 by video. Find a quiet place where nobody listens in.",
				"Is this right? Reply OK or AKKOORD. No more messages? Send STOP."},
			map[string]string{
				"1": "Sanne",
				"2": "you: Loonstroken mailen, by Friday 6 March; Wouter: Contact opnemen met schuldhulp",
				"3": "Tuesday 10 March at 14:00, video call",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			body, err := Render(KindAgreementSummary, tt.lang, sample())
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(body, "\n")
			for _, want := range tt.lines {
				if !contains(lines, want) {
					t.Errorf("no line %q in\n%s", want, body)
				}
			}
			if lines[0] != tt.lines[0] || lines[len(lines)-1] != tt.lines[len(tt.lines)-1] {
				t.Errorf("first and last lines: %q ... %q", lines[0], lines[len(lines)-1])
			}
			vars, err := Variables(KindAgreementSummary, tt.lang, sample())
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tt.vars {
				if vars[k] != want {
					t.Errorf("variable %s = %q, want %q", k, vars[k], want)
				}
			}
		})
	}
}

func TestAgreementSummaryNothingAgreed(t *testing.T) {
	d := sample()
	d.Agreements = []Agreement{{Text: "  ", Owner: "client"}} // blank texts are dropped
	d.NextContact = nil
	body, err := Render(KindAgreementSummary, "nl", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"geen nieuwe afspraken", "Volgend gesprek: nog niet gepland.", "AKKOORD"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Wat u doet") {
		t.Errorf("body lists a blank agreement:\n%s", body)
	}
	vars, err := Variables(KindAgreementSummary, "en", d)
	if err != nil {
		t.Fatal(err)
	}
	if vars["2"] != "no new agreements" || vars["3"] != "not planned yet" {
		t.Errorf("variables = %q", vars)
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

func TestReminderWhoCalls(t *testing.T) {
	tests := []struct {
		name, lang, modality string
		clientCalls          bool
		want, notWant        string
	}{
		{"nl client calls", "nl", "phone", true, "U belt zelf naar 030 123 4567.", "belt u"},
		{"nl worker calls", "nl", "phone", false, "Wouter belt u.", "U belt zelf"},
		{"nl worker calls by video", "nl", "video", false, "Wouter belt u via een videogesprek. Zorg voor een rustige plek", "U belt"},
		{"en client calls", "en", "video", true, "You call 030 123 4567 by video.", "will call you"},
		{"en worker calls", "en", "whatsapp", false, "Wouter will call you on WhatsApp.", "You call"},
		{"nl in person", "nl", "face_to_face", true, "afspraak op locatie met Wouter.\nAdres: Stationsplein 1, Utrecht. Neem uw identiteitsbewijs mee.", "belt"},
		{"en walk", "en", "walk", false, "walking meeting with Wouter", "call"},
		{"nl how to cancel", "nl", "phone", true, "Lukt het niet? Laat het Wouter via 030 123 4567 zo snel mogelijk weten.", "reclassering"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample()
			d.NextModality, d.ClientCalls = tt.modality, tt.clientCalls
			body, err := Render(KindReminder, tt.lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(body, tt.want) || strings.Contains(body, tt.notWant) {
				t.Errorf("body %q: want %q, not %q", body, tt.want, tt.notWant)
			}
		})
	}
}

func TestLanguageFallback(t *testing.T) {
	for _, kind := range allKinds {
		nl, _ := Render(kind, "nl", sample())
		en, _ := Render(kind, "en", sample())
		if nl == en {
			t.Fatalf("%s: nl and en bodies are the same", kind)
		}
		for lang, want := range map[string]string{"fr": nl, "": nl, "NL": nl, "en-GB": en, "EN": en} {
			if got, err := Render(kind, lang, sample()); err != nil || got != want {
				t.Errorf("Render(%s, %q) fell back wrongly: %v\n%s", kind, lang, err, got)
			}
		}
	}
}

func TestUnknownKind(t *testing.T) {
	// Shared pieces and variables are template names too, but not messages.
	for _, kind := range []string{"invoice", "", "hello", "common.tmpl", "agreement_summary.1", "Reminder"} {
		_, err := Render(kind, "nl", sample())
		_, verr := Variables(kind, "en", sample())
		for _, e := range []error{err, verr} {
			if !errors.Is(e, ErrUnknownKind) || !strings.HasPrefix(e.Error(), "templates: unknown message kind") ||
				!strings.Contains(e.Error(), strconv.Quote(kind)) {
				t.Errorf("kind %q: error %v", kind, e)
			}
		}
	}
}

func TestAutoReply(t *testing.T) {
	d := sample()
	body, _ := Render(KindAutoReply, "nl", d)
	for _, want := range []string{"ma-vr 08:00-20:00", "Denkt u aan zelfdoding? Bel 0800-1234.", "Bij direct gevaar: bel 112"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q: %q", want, body)
		}
	}
	d.CrisisNumber, d.OfficeHours = "", ""
	body, err := Render(KindAutoReply, "en", d)
	if err != nil || !strings.Contains(body, "112") || strings.Contains(body, "suicide") || !strings.Contains(body, "next working day") {
		t.Errorf("without crisis number and office hours: %v %q", err, body)
	}
	// WhatsApp rejects an empty variable: better to fail than to send it.
	if _, err := Variables(KindAutoReply, "nl", d); err == nil || !strings.HasPrefix(err.Error(), "templates: ") {
		t.Errorf("empty variable: error %v", err)
	}
}

// gsm7 is the GSM 03.38 default alphabet. Fixed text outside it would make
// every SMS UCS-2 and cost more than twice the segments.
const gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

func TestMessagesFitSMS(t *testing.T) {
	maxSegments := map[string]int{KindAgreementSummary: 3, KindReminder: 2, KindNoShowNudge: 2, KindAutoReply: 2, KindStopConfirmation: 1, KindStartConfirmation: 1,
		KindNumberCheck: 1, KindAckReceipt: 1, KindSessionMoved: 2, KindSessionCancelled: 1, KindSummaryNotice: 1}
	for _, kind := range allKinds {
		for _, lang := range SupportedLanguages() {
			body, _ := Render(kind, lang, sample())
			for _, r := range body {
				if !strings.ContainsRune(gsm7, r) {
					t.Errorf("%s/%s: %q is not GSM-7", kind, lang, r)
				}
			}
			limit := 153 * maxSegments[kind] // a multi-part SMS carries 153 GSM-7 characters a part
			if maxSegments[kind] == 1 {
				limit = 160
			}
			if utf8.RuneCountInString(body) > limit {
				t.Errorf("%s/%s: %d characters, more than %d SMS segments", kind, lang, len(body), maxSegments[kind])
			}
		}
	}
}

func TestRenderConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := Render(allKinds[i%len(allKinds)], SupportedLanguages()[i%2], sample()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
