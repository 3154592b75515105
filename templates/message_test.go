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
		ClientName: "Sanne",
		WorkerName: "Jan de Vries",
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
	wantCount := map[string]int{KindAgreementSummary: 4, KindReminder: 4, KindNoShowNudge: 4, KindAutoReply: 2, KindStopConfirmation: 0, KindStartConfirmation: 0}
	d := sample()
	// Free text from the database may hold anything; WhatsApp does not.
	d.WorkerName = "Jan\tde  Vries\n"
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
		lang    string
		lines   []string
		vars    map[string]string
		ackLast string
	}{
		{"nl",
			[]string{"Hallo Sanne,", "1. U: Loonstroken mailen, uiterlijk vrijdag 6 maart", "2. Jan de Vries: Contact opnemen met schuldhulp",
				"Volgende gesprek: dinsdag 10 maart om 14:00 (videogesprek, u belt zelf)."},
			map[string]string{
				"1": "Sanne",
				"2": "1. U: Loonstroken mailen, uiterlijk vrijdag 6 maart; 2. Jan de Vries: Contact opnemen met schuldhulp",
				"3": "dinsdag 10 maart om 14:00 (videogesprek, u belt zelf)",
				"4": "Klopt dit? Antwoord AKKOORD.",
			},
			"Klopt dit? Antwoord AKKOORD. Afmelden? Stuur STOP."},
		{"en",
			[]string{"Hello Sanne,", "1. You: Loonstroken mailen, by Friday 6 March", "2. Jan de Vries: Contact opnemen met schuldhulp",
				"Next appointment: Tuesday 10 March at 14:00 (video call, you call your probation officer)."},
			map[string]string{
				"1": "Sanne",
				"2": "1. You: Loonstroken mailen, by Friday 6 March; 2. Jan de Vries: Contact opnemen met schuldhulp",
				"3": "Tuesday 10 March at 14:00 (video call, you call your probation officer)",
				"4": "Is this right? Reply OK or AKKOORD.",
			},
			"Is this right? Reply OK or AKKOORD. To unsubscribe, reply STOP."},
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
			if last := lines[len(lines)-1]; last != tt.ackLast {
				t.Errorf("last line %q, want %q", last, tt.ackLast)
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
	for _, want := range []string{"geen nieuwe afspraken", "Volgende gesprek: nog niet gepland.", "AKKOORD"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "1.") {
		t.Errorf("body numbers a blank agreement:\n%s", body)
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
		{"nl client calls", "nl", "phone", true, "U belt zelf.", "belt u"},
		{"nl worker calls", "nl", "phone", false, "Uw reclasseringswerker belt u.", "U belt zelf"},
		{"en client calls", "en", "video", true, "You call your probation officer.", "will call you"},
		{"en worker calls", "en", "video", false, "Your probation officer will call you.", "You call"},
		{"nl in person", "nl", "face_to_face", true, "persoonlijk gesprek met Jan de Vries.\nKomt u op tijd?", "belt"},
		{"en walk", "en", "walk", false, "walking meeting with Jan de Vries", "call"},
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
	for _, want := range []string{"ma-vr 08:00-20:00", "0800-1234", "112"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q: %q", want, body)
		}
	}
	d.CrisisNumber, d.OfficeHours = "", ""
	body, err := Render(KindAutoReply, "en", d)
	if err != nil || !strings.Contains(body, "112") || strings.Contains(body, "crisis") {
		t.Errorf("without crisis number: %v %q", err, body)
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
	maxSegments := map[string]int{KindAgreementSummary: 2, KindReminder: 2, KindNoShowNudge: 2, KindAutoReply: 1, KindStopConfirmation: 1, KindStartConfirmation: 1,
		KindNumberCheck: 1, KindAckReceipt: 1}
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
