package models

import (
	"sort"
	"strings"
)

// DefaultSensitiveWords are word stems that, in an agreement's text, tell
// whoever reads the client's phone about treatment, addiction, victims or
// justice ("urinecontrole bij de poli verslavingszorg"). An agreement with
// one is kept out of the summary unless the worker puts it in on purpose.
var DefaultSensitiveWords = []string{"urine", "drugs", "alcohol", "verslav", "behandel", "ggz", "enkelband",
	"slachtoffer", "contactverbod", "gebiedsverbod", "delict", "politie", "reclassering", "toezicht",
	"rechter", "justitie", "meldplicht", "voorwaarde", "therapie", "psychiat", "psycholo", "detentie",
	"gevangenis", "werkstraf", "forensisch"}

// sensitiveIn returns the sensitive words found in text (case-insensitive,
// anywhere in a word, so compounds count: "urinecontrole"), sorted.
func (s *Store) sensitiveIn(text string) []string {
	lower := strings.ToLower(text)
	var found []string
	for _, w := range s.sensitiveWords {
		if w != "" && strings.Contains(lower, strings.ToLower(w)) {
			found = append(found, w)
		}
	}
	sort.Strings(found)
	return found
}
