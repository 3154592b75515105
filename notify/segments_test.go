package notify

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestCountSegments(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	e := func(n int) string { return strings.Repeat("ë", n) }
	tests := []struct {
		name string
		body string
		want SegmentInfo
	}{
		{"empty", "", SegmentInfo{EncodingGSM7, 0, 0}},
		// Grapheme clusters move whole to the next part, as Twilio counts.
		{"heart with selector is not split", a(66) + "\u2764\ufe0f" + a(66), SegmentInfo{EncodingUCS2, 134, 3}},
		{"keycap is not split", a(66) + "1\ufe0f\u20e3" + a(65), SegmentInfo{EncodingUCS2, 134, 3}},
		{"decomposed e-umlaut is not split", a(66) + "e\u0308" + a(66), SegmentInfo{EncodingUCS2, 134, 3}},
		{"ZWJ family is not split", a(61) + "\U0001F468\u200d\U0001F469\u200d\U0001F467" + a(61), SegmentInfo{EncodingUCS2, 130, 3}},
		{"CR LF stays together in GSM-7", a(152) + "\r\n" + a(152), SegmentInfo{EncodingGSM7, 306, 3}},
		{"short", "Tot dinsdag!", SegmentInfo{EncodingGSM7, 12, 1}},
		{"160 GSM chars fit one segment", a(160), SegmentInfo{EncodingGSM7, 160, 1}},
		{"161 GSM chars need two", a(161), SegmentInfo{EncodingGSM7, 161, 2}},
		{"153*2 GSM chars fill two parts", a(153 * 2), SegmentInfo{EncodingGSM7, 306, 2}},
		{"153*2+1 GSM chars need three", a(153*2 + 1), SegmentInfo{EncodingGSM7, 307, 3}},
		{"cliënt forces UCS-2", "cliënt", SegmentInfo{EncodingUCS2, 6, 1}},
		{"one ë makes a long body UCS-2", a(100) + "ë", SegmentInfo{EncodingUCS2, 101, 2}},
		{"GSM accented letters stay GSM-7", "éÉèàäöüìòùñÄÖÜÑßÇåÅøØæÆ", SegmentInfo{EncodingGSM7, 23, 1}},
		{"70 UCS-2 units fit one segment", e(70), SegmentInfo{EncodingUCS2, 70, 1}},
		{"71 UCS-2 units need two", e(71), SegmentInfo{EncodingUCS2, 71, 2}},
		{"67*2 UCS-2 units fill two parts", e(67 * 2), SegmentInfo{EncodingUCS2, 134, 2}},
		{"67*2+1 UCS-2 units need three", e(67*2 + 1), SegmentInfo{EncodingUCS2, 135, 3}},
		{"emoji is two units", "👍", SegmentInfo{EncodingUCS2, 2, 1}},
		{"emoji with skin tone is four units", "👍🏽", SegmentInfo{EncodingUCS2, 4, 1}},
		{"69 units plus emoji overflow", e(69) + "👍", SegmentInfo{EncodingUCS2, 71, 2}},
		// 66 + 2 + 66 = 134 = 67*2, but the pair cannot straddle parts: 66 | 2+65 | 1.
		{"emoji at 67-unit boundary moves to next part", e(66) + "👍" + e(66), SegmentInfo{EncodingUCS2, 134, 3}},
		{"emoji just fitting the first part", e(65) + "👍" + e(67), SegmentInfo{EncodingUCS2, 134, 2}},
		{"euro costs two", "€", SegmentInfo{EncodingGSM7, 2, 1}},
		{"every extension char costs two", "^{}\\[]~|€\f", SegmentInfo{EncodingGSM7, 20, 1}},
		{"euro in UCS-2 costs one", "€ë", SegmentInfo{EncodingUCS2, 2, 1}},
		{"158 plain plus euro fit one segment", a(158) + "€", SegmentInfo{EncodingGSM7, 160, 1}},
		{"159 plain plus euro need two", a(159) + "€", SegmentInfo{EncodingGSM7, 161, 2}},
		// 152 + 2 + 152 = 306 = 153*2, but escape+€ cannot straddle: 152 | 2+151 | 1.
		{"escape at 153 boundary moves to next part", a(152) + "€" + a(152), SegmentInfo{EncodingGSM7, 306, 3}},
		{"escape after boundary needs no extra part", a(152) + "€" + a(151), SegmentInfo{EncodingGSM7, 305, 2}},
		{"newline and CR are GSM", "a\r\nb", SegmentInfo{EncodingGSM7, 4, 1}},
		{"backtick is not GSM", "`", SegmentInfo{EncodingUCS2, 1, 1}},
		{"invalid UTF-8 is UCS-2", "\xff", SegmentInfo{EncodingUCS2, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CountSegments(tt.body); got != tt.want {
				t.Errorf("CountSegments(%q) = %+v, want %+v", tt.body, got, tt.want)
			}
		})
	}
}

func TestCountSegmentsNotGSM(t *testing.T) {
	for _, r := range "ëïçáíóúâêÈ`" {
		if got := CountSegments(string(r)).Encoding; got != EncodingUCS2 {
			t.Errorf("CountSegments(%q).Encoding = %s, want UCS-2", r, got)
		}
	}
}

func TestGSMTables(t *testing.T) {
	// 128 code points in the default alphabet, one of them the escape to the extension table.
	if len(gsmBasic) != 127 {
		t.Errorf("basic table has %d characters, want 127", len(gsmBasic))
	}
	if len(gsmExtension) != 10 {
		t.Errorf("extension table has %d characters, want 10", len(gsmExtension))
	}
	for r := range gsmExtension {
		if gsmBasic[r] {
			t.Errorf("%q is in both tables", r)
		}
	}
}

func FuzzCountSegments(f *testing.F) {
	for _, s := range []string{"", "a", "cliënt", "👍", "€", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152),
		strings.Repeat("ë", 66) + "👍" + strings.Repeat("ë", 66), "\xff\xfe", "\f\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got := CountSegments(body)
		runes := utf8.RuneCountInString(body)
		if body == "" {
			if got.Units != 0 || got.Segments != 0 {
				t.Fatalf("empty body: %+v", got)
			}
			return
		}
		if got.Segments < 1 {
			t.Fatalf("%q: %d segments for a non-empty body", body, got.Segments)
		}
		single, part := gsmSingle, gsmPart
		switch got.Encoding {
		case EncodingGSM7:
			if got.Units < runes || got.Units > 2*runes {
				t.Fatalf("%q: GSM units %d outside [%d, %d]", body, got.Units, runes, 2*runes)
			}
		case EncodingUCS2:
			single, part = ucs2Single, ucs2Part
			if want := len(utf16.Encode([]rune(body))); got.Units != want {
				t.Fatalf("%q: UCS-2 units %d, want %d UTF-16 units", body, got.Units, want)
			}
		default:
			t.Fatalf("%q: encoding %q", body, got.Encoding)
		}
		if got.Units <= single {
			if got.Segments != 1 {
				t.Fatalf("%q: %d units in %d segments, want 1", body, got.Units, got.Segments)
			}
			return
		}
		// Each part holds at most `part` units and wastes at most one (a two-unit
		// character that did not fit), so ceil(units/part) <= segments <= ceil(units/(part-1)).
		lo, hi := (got.Units+part-1)/part, (got.Units+part-2)/(part-1)
		if got.Segments < lo || got.Segments > hi {
			t.Fatalf("%q: %d units in %d segments, want between %d and %d", body, got.Units, got.Segments, lo, hi)
		}
	})
}
