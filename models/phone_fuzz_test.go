package models_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"afspraak/models"
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// FuzzNormalisePhone: any input either normalises to E.164, which normalises
// to itself, or fails with EINVALID naming the phone field; it never panics.
func FuzzNormalisePhone(f *testing.F) {
	for _, s := range []string{"0612345678", "+31612345678", "06-12345678", " 06 1234 5678 ", "0031612345678",
		"+1 (415) 555-2671", "tel:+31612345678", "+31612345678;ext=12", "0612345678 ext. 123", "1-800-FLOWERS",
		"٠٦١٢٣٤٥٦٧٨", "０６１２３４５６７８", "06\x0012345678", "+", "++31", "", "\xff\xfe", "+999999999999999999",
		strings.Repeat("9", 300), "+31 6 12345678 (mobiel)", "+44 7911 123456", "whatsapp:+31612345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := models.NormalisePhone(raw)
		if err != nil {
			var me *models.Error
			if !errors.As(err, &me) || me.Code != models.EINVALID || me.Field != "phone" {
				t.Fatalf("NormalisePhone(%q): %v, want EINVALID on phone", raw, err)
			}
			return
		}
		if !e164.MatchString(out) {
			t.Fatalf("NormalisePhone(%q) = %q, not E.164", raw, out)
		}
		again, err := models.NormalisePhone(out)
		if err != nil || again != out {
			t.Fatalf("NormalisePhone(%q) = %q, but NormalisePhone(%q) = %q, %v", raw, out, out, again, err)
		}
	})
}
