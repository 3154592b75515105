package notify

import (
	"strconv"
	"strings"
	"unicode"
)

// Keyword is what an inbound reply asks for, when the whole reply is a keyword.
type Keyword int

// Keywords an inbound reply can carry.
const (
	// KeywordNone: the reply is an ordinary message.
	KeywordNone Keyword = iota
	// KeywordAck: the client acknowledges the latest summary's agreements.
	KeywordAck
	// KeywordStop: the client withdraws consent for the channel.
	KeywordStop
	// KeywordStart: the client restores consent for the channel.
	KeywordStart
	// KeywordNo: NEE, the answer to the number check "is this your phone?".
	KeywordNo
	// KeywordOverview: the client asks for the summary's overview (the
	// "Toon overzicht" button, or typed).
	KeywordOverview
)

// String returns the keyword's name in lower case, for logs and tests.
func (k Keyword) String() string {
	switch k {
	case KeywordNone:
		return "none"
	case KeywordAck:
		return "ack"
	case KeywordStop:
		return "stop"
	case KeywordStart:
		return "start"
	case KeywordNo:
		return "no"
	case KeywordOverview:
		return "overview"
	}
	return "keyword(" + strconv.Itoa(int(k)) + ")"
}

// keywords maps upper-cased replies to their keyword. "OKE\u0301" is "OKÉ"
// with a combining accent, as some keyboards send it.
var keywords = map[string]Keyword{
	"AKKOORD": KeywordAck, "OK": KeywordAck, "OKE": KeywordAck, "OKÉ": KeywordAck,
	"OKE\u0301": KeywordAck, "JA": KeywordAck, "YES": KeywordAck,

	"NEE": KeywordNo, "NO": KeywordNo, "NEEN": KeywordNo,

	"TOON OVERZICHT": KeywordOverview, "OVERZICHT": KeywordOverview, "TOON": KeywordOverview,
	"SHOW OVERVIEW": KeywordOverview, "OVERVIEW": KeywordOverview,

	"STOP": KeywordStop, "AFMELDEN": KeywordStop, "STOPALL": KeywordStop,
	"UNSUBSCRIBE": KeywordStop, "CANCEL": KeywordStop, "END": KeywordStop, "QUIT": KeywordStop,

	"START": KeywordStart, "AANMELDEN": KeywordStart, "UNSTOP": KeywordStart,
}

// ParseKeyword reports which keyword an inbound reply is. Only the whole body
// counts, as with carrier STOP handling: "ok maar ik kan dinsdag niet" is
// KeywordNone. Surrounding white space (any Unicode space, including NBSP, and
// zero-width spaces) is ignored, as are trailing full stops and exclamation
// marks; letters match in any case. A thumbs-up emoji, with or without a skin
// tone and variation selector, is an acknowledgement.
func ParseKeyword(body string) Keyword {
	s := strings.TrimFunc(body, isPadding)
	s = strings.TrimRight(s, ".!")
	s = strings.TrimFunc(s, isPadding)
	if isThumbsUp(s) {
		return KeywordAck
	}
	return keywords[strings.ToUpper(s)] // KeywordNone when absent
}

// isPadding reports whether r may surround a keyword without changing it.
func isPadding(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' // zero-width space, BOM
}

// isThumbsUp reports whether s is 👍 (U+1F44D) followed by at most one skin-tone
// modifier (U+1F3FB–U+1F3FF) and at most one variation selector U+FE0F, in either order.
func isThumbsUp(s string) bool {
	rest, ok := strings.CutPrefix(s, "\U0001F44D")
	if !ok {
		return false
	}
	var tone, selector bool
	for _, r := range rest {
		switch {
		case r >= '\U0001F3FB' && r <= '\U0001F3FF' && !tone:
			tone = true
		case r == '\uFE0F' && !selector:
			selector = true
		default:
			return false
		}
	}
	return true
}
