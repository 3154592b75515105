package templates

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// revealing are words that tell whoever sees the phone that its owner is
// under supervision; none may appear in the fixed text of any message.
var revealing = regexp.MustCompile(`\bOM\b|(?i:reclassering|toezicht|meldplicht|voorwaarde|justiti|rechter|werkstraf|` +
	`probation|parole|officer|detentie|gevangenis|strafrecht|delict|court|sentence|justice)`)

// variants renders every kind in every language for every modality, who
// calls, with and without the optional facts (worker name and number,
// address, office hours, crisis number, agreements, next contact).
func variants(t *testing.T, each func(name, body string, vars map[string]string)) {
	t.Helper()
	next := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	for _, kind := range allKinds {
		for _, lang := range SupportedLanguages() {
			for _, modality := range []string{"video", "phone", "whatsapp", "face_to_face", "walk", ""} {
				for _, calls := range []bool{true, false} {
					for _, full := range []bool{true, false} {
						d := MessageData{NextModality: modality, ClientCalls: calls, SessionAt: next}
						if full {
							d = sample()
							d.NextModality, d.ClientCalls, d.NextContact = modality, calls, &next
						}
						name := fmt.Sprintf("%s/%s/%s/calls=%v/full=%v", kind, lang, modality, calls, full)
						body, err := Render(kind, lang, d)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						vars, _ := Variables(kind, lang, d) // empty variables are refused, which is fine
						each(name, body, vars)
					}
				}
			}
		}
	}
}

// TestNothingRevealing: no variant of any message names justice, probation
// or conditions, and every fixed text is GSM-7 (sample data is GSM-7 too).
func TestNothingRevealing(t *testing.T) {
	n := 0
	variants(t, func(name, body string, vars map[string]string) {
		n++
		if w := revealing.FindString(body); w != "" {
			t.Errorf("%s says %q: %q", name, w, body)
		}
		for k, v := range vars {
			if w := revealing.FindString(v); w != "" {
				t.Errorf("%s variable %s says %q", name, k, w)
			}
			// WhatsApp (template variables): one line, at most 255.
			if utf8.RuneCountInString(v) > 255 || strings.ContainsAny(v, "\n\t") {
				t.Errorf("%s variable %s is over WhatsApp's limits: %q", name, k, v)
			}
		}
		// SMS and WhatsApp free text: at most 1,600 (sample data, two agreements).
		if n := utf8.RuneCountInString(body); n > 1600 {
			t.Errorf("%s: %d characters, over Twilio's 1,600", name, n)
		}
		if ct, ok := FindContentTemplate(strings.SplitN(name, "/", 2)[0], strings.Split(name, "/")[1]); ok && vars != nil {
			if n := utf8.RuneCountInString(ct.Fill(vars)); n > MaxTemplateBody {
				t.Errorf("%s: the WhatsApp template filled in is %d characters, over %d", name, n, MaxTemplateBody)
			}
		}
		for _, r := range body {
			if !strings.ContainsRune(gsm7, r) {
				t.Errorf("%s: %q is not GSM-7", name, r)
				break
			}
		}
	})
	if n < 300 {
		t.Fatalf("only %d variants rendered", n)
	}
	t.Logf("%d variants rendered", n)
}

// TestFirstLineNeutral: the first line of a message, all a lock screen
// shows, holds no agreement, time or place.
func TestFirstLineNeutral(t *testing.T) {
	variants(t, func(name, body string, _ map[string]string) {
		first, _, _ := strings.Cut(body, "\n")
		if !strings.HasPrefix(name, KindAgreementSummary) {
			return
		}
		for _, leak := range []string{"Loonstroken", "schuldhulp", "14:00", "Stationsplein"} {
			if strings.Contains(first, leak) {
				t.Errorf("%s: first line shows %q: %q", name, leak, first)
			}
		}
	})
}
