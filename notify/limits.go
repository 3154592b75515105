package notify

import (
	"strings"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/graphemes"
)

// Twilio's limits, held before anything is sent (a message over one is a
// permanent failure, so the client would never get it).
const (
	// MaxBody is the longest Body Twilio takes for SMS and WhatsApp free
	// text (error 21617), in characters.
	MaxBody = 1600
	// MaxVariable is the longest WhatsApp template variable Twilio documents
	// as safe; each is also one line.
	MaxVariable = 255
	// MaxSummaryParts is how many messages a summary may be split into.
	MaxSummaryParts = 2
)

// splitBody cuts body into parts of at most max characters, between lines
// where it can (a line that is longer by itself is cut between grapheme
// clusters): a long summary goes as two messages, none over Twilio's limit.
func splitBody(body string, max int) []string {
	if utf8.RuneCountInString(body) <= max {
		return []string{body}
	}
	var parts []string
	var cur strings.Builder
	n := 0
	flush := func() {
		if p := strings.TrimSpace(cur.String()); p != "" {
			parts = append(parts, p)
		}
		cur.Reset()
		n = 0
	}
	for _, line := range strings.SplitAfter(body, "\n") {
		ln := utf8.RuneCountInString(line)
		if n+ln > max {
			flush()
		}
		for ln > max { // one line longer than a part
			head := cutGraphemes(line, max)
			parts = append(parts, strings.TrimSpace(head))
			line = line[len(head):]
			ln = utf8.RuneCountInString(line)
		}
		cur.WriteString(line)
		n += ln
	}
	flush()
	return parts
}

// cutGraphemes returns the longest prefix of s of at most max characters
// that ends between grapheme clusters.
func cutGraphemes(s string, max int) string {
	n, end := 0, 0
	g := graphemes.FromString(s)
	for g.Next() {
		c := utf8.RuneCountInString(g.Value())
		if n+c > max {
			break
		}
		n += c
		end += len(g.Value())
	}
	return s[:end]
}

// variablesFit reports which template variable breaks WhatsApp's limits
// (longer than MaxVariable, or not one line), "" when all fit.
func variablesFit(vars map[string]string) string {
	for k, v := range vars {
		if utf8.RuneCountInString(v) > MaxVariable || strings.ContainsAny(v, "\r\n\t") {
			return k
		}
	}
	return ""
}
