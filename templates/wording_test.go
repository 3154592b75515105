package templates

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
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
