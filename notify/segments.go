package notify

import (
	"unicode/utf16"

	"github.com/clipperhouse/uax29/v2/graphemes"
)

// Encoding is the character encoding an SMS is sent in.
type Encoding string

// Encodings a carrier may use for an SMS body.
const (
	EncodingGSM7 Encoding = "GSM-7"
	EncodingUCS2 Encoding = "UCS-2"
)

// Segment capacities in encoding units. A message that fits the single-part
// capacity goes as one SMS; a longer one is split into parts that each lose
// room to the concatenation header (UDH).
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// SegmentInfo describes how a body is sent as SMS.
type SegmentInfo struct {
	Encoding Encoding // EncodingGSM7 or EncodingUCS2
	Units    int      // septets for GSM-7, UTF-16 code units for UCS-2
	Segments int      // SMS parts billed; 0 for an empty body
}

// gsmBasic is the GSM 03.38 (3GPP TS 23.038) default alphabet; each costs one septet.
var gsmBasic = runeSet("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

// gsmExtension is the GSM 03.38 extension table; each costs two septets (escape + code).
var gsmExtension = runeSet("^{}\\[]~|€\f")

func runeSet(s string) map[rune]bool {
	m := make(map[rune]bool, len(s))
	for _, r := range s {
		m[r] = true
	}
	return m
}

// CountSegments counts the SMS segments body needs, the way carriers (and
// Twilio) count them. The body is GSM-7 when every character is in the GSM
// default alphabet or its extension table (extension characters cost two
// units); one other character makes the whole body UCS-2, counted in UTF-16
// code units (an emoji is two). One segment holds 160 GSM-7 or 70 UCS-2 units;
// a longer body is split into parts of 153 or 67 units, and a character is
// never split across parts: an extension character (escape + code), a
// surrogate pair or a whole grapheme cluster that does not fit in a part
// starts the next one.
//
// An empty body has 0 units and 0 segments: there is nothing to send, and
// callers should not send it. Invalid UTF-8 bytes count as U+FFFD, which is
// not GSM-7.
func CountSegments(body string) SegmentInfo {
	if body == "" {
		return SegmentInfo{Encoding: EncodingGSM7}
	}
	enc, cost := EncodingGSM7, gsmCost
	for _, r := range body {
		if gsmCost(r) == 0 {
			enc, cost = EncodingUCS2, ucs2Cost
			break
		}
	}
	single, part := gsmSingle, gsmPart
	if enc == EncodingUCS2 {
		single, part = ucs2Single, ucs2Part
	}

	units := 0
	for _, r := range body {
		units += cost(r)
	}
	if units <= single {
		return SegmentInfo{Encoding: enc, Units: units, Segments: 1}
	}

	// A grapheme cluster (UAX #29) is never split across parts, as in
	// Twilio's own segment calculator: a keycap, a flag, an emoji with a
	// variation selector or ZWJ, a letter with a combining accent, CR LF all
	// move whole to the next part when they do not fit.
	segments, used := 1, 0
	clusters := graphemes.FromString(body)
	for clusters.Next() {
		c := 0
		for _, r := range clusters.Value() {
			c += cost(r)
		}
		if used+c > part && used > 0 {
			segments++
			used = 0
		}
		used += c
	}
	return SegmentInfo{Encoding: enc, Units: units, Segments: segments}
}

// gsmCost returns the septets r costs in GSM-7, or 0 when r is not in GSM-7.
func gsmCost(r rune) int {
	switch {
	case gsmBasic[r]:
		return 1
	case gsmExtension[r]:
		return 2
	}
	return 0
}

// ucs2Cost returns the UTF-16 code units r costs.
func ucs2Cost(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1 // unreachable for runes decoded from a string: invalid bytes become U+FFFD
}
