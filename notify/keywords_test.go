package notify

import "testing"

func TestParseKeyword(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Keyword
	}{
		{"akkoord", "AKKOORD", KeywordAck},
		{"akkoord lower", "akkoord", KeywordAck},
		{"ok mixed case", "Ok", KeywordAck},
		{"oke", "oke", KeywordAck},
		{"oké lower", "oké", KeywordAck},
		{"OKÉ upper", "OKÉ", KeywordAck},
		{"oké decomposed", "oke\u0301", KeywordAck},
		{"ja with full stop", "Ja.", KeywordAck},
		{"ok with exclamation marks", "OK!!", KeywordAck},
		{"ok with space before stop", "ok .", KeywordAck},
		{"surrounding whitespace", " \t\nakkoord\r\n ", KeywordAck},
		{"nbsp and unicode spaces", "\u00a0\u2003ok\u3000\u202f", KeywordAck},
		{"zero-width space", "\u200bja\ufeff", KeywordAck},
		{"thumbs up", "👍", KeywordAck},
		{"thumbs up light", "👍🏻", KeywordAck},
		{"thumbs up dark", "👍🏿", KeywordAck},
		{"thumbs up selector", "👍\ufe0f", KeywordAck},
		{"thumbs up tone and selector", "👍🏽\ufe0f", KeywordAck},
		{"thumbs up with spaces and !", " 👍! ", KeywordAck},
		{"two thumbs", "👍👍", KeywordNone},
		{"thumbs up two tones", "👍🏻🏿", KeywordNone},
		{"thumbs up two selectors", "👍\ufe0f\ufe0f", KeywordNone},
		{"thumbs down", "👎", KeywordNone},
		{"skin tone alone", "🏽", KeywordNone},
		{"stop", "STOP", KeywordStop},
		{"stop lower", "stop", KeywordStop},
		{"afmelden", "Afmelden", KeywordStop},
		{"stopall", "stopall", KeywordStop},
		{"unsubscribe", "UNSUBSCRIBE", KeywordStop},
		{"cancel", "cancel", KeywordStop},
		{"end", "End.", KeywordStop},
		{"quit", "quit!", KeywordStop},
		{"start", "START", KeywordStart},
		{"aanmelden", "aanmelden", KeywordStart},
		{"unstop", "Unstop", KeywordStart},
		{"sentence starting with ok", "ok maar ik kan dinsdag niet", KeywordNone},
		{"sentence starting with stop", "stop met bellen", KeywordNone},
		{"keyword inside word", "oktober", KeywordNone},
		{"inner space", "o k", KeywordNone},
		{"question", "ok?", KeywordNone},
		{"leading punctuation", ".ok", KeywordNone},
		{"empty", "", KeywordNone},
		{"only punctuation", " !. ", KeywordNone},
		{"nee", "nee", KeywordNo},
		{"NEE!", "NEE!", KeywordNo},
		{"no", "No", KeywordNo},
		{"yes", "yes", KeywordAck},
		{"nee maar", "nee, maar ik bel morgen", KeywordNone},
		{"invalid utf-8", "ok\xff", KeywordNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseKeyword(tt.body); got != tt.want {
				t.Errorf("ParseKeyword(%q) = %s, want %s", tt.body, got, tt.want)
			}
		})
	}
}

func TestKeywordString(t *testing.T) {
	for k, want := range map[Keyword]string{KeywordNone: "none", KeywordAck: "ack", KeywordStop: "stop", KeywordStart: "start", 9: "keyword(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Keyword(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func FuzzParseKeyword(f *testing.F) {
	for _, s := range []string{"", "ok", "OKÉ", "oke\u0301", "👍🏽\ufe0f", "stop!", "Aanmelden.", "ok maar", "\xff", "\u00a0.!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got := ParseKeyword(body)
		if got < KeywordNone || got > KeywordStart {
			t.Fatalf("ParseKeyword(%q) = %d, out of range", body, int(got))
		}
		for _, pad := range []string{" ", "\t\n", "\u00a0", "\u2009\r\n"} {
			if again := ParseKeyword(pad + body + pad); again != got {
				t.Fatalf("ParseKeyword(%q) = %s, but with padding %q = %s", body, got, pad, again)
			}
		}
	})
}
