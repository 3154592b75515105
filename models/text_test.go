package models

import "testing"

// TestNamesRefuseInvisibleCharacters: names with direction overrides,
// embeddings, isolates, marks or zero-width characters are refused; names in
// any script are not.
func TestNamesRefuseInvisibleCharacters(t *testing.T) {
	for _, bad := range []string{"Jan \u202Enav", "Jan\u202Dx", "A\u202Ab\u202C", "Jan\u2066x\u2069", "Jan\u2067x", "Jan\u2068x",
		"Jan\u200Bde Vries", "Jan\u200Cx", "Jan\u200Dx", "Jan\u200Ex", "Jan\u200Fx", "Jan\u2060x", "\uFEFFJan", "Jan\u061Cx"} {
		if _, err := cleanName("name", bad, 200); ErrorCode(err) != EINVALID {
			t.Errorf("%+q accepted (%v)", bad, err)
		}
	}
	for _, good := range []string{"Jan de Vries", "Zoë Ağaoğlu", "محمد العمراني", "Łukasz Wróbel", "Anne-Marie O'Neill"} {
		if got, err := cleanName("name", good, 200); err != nil || got != good {
			t.Errorf("%q: %q, %v", good, got, err)
		}
	}
}

// TestPhoneFromRightToLeftText: a number wrapped in the invisible direction
// marks that copying from right-to-left text adds is read as the number.
func TestPhoneFromRightToLeftText(t *testing.T) {
	for _, raw := range []string{"\u202A+31 6 12345678\u202C", "\u200E06 12345678", "\u206806-12345678\u2069", "\u200F+31612345678\u200F", "06\u200B12345678"} {
		if got, err := NormalisePhone(raw); err != nil || got != "+31612345678" {
			t.Errorf("%+q: %q, %v", raw, got, err)
		}
	}
}
