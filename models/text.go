package models

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleanText trims v and checks it is valid UTF-8 of 1..max characters without
// control characters (newlines and tabs are allowed when multiline). PostgreSQL
// refuses NUL bytes and logs and messages must not carry hidden characters.
func cleanText(field, v string, max int, multiline bool) (string, error) {
	v = strings.TrimSpace(v)
	if !utf8.ValidString(v) {
		return "", Invalid(field, "%s is not valid UTF-8 text", field)
	}
	n := utf8.RuneCountInString(v)
	if n == 0 || n > max {
		return "", Invalid(field, "%s must be 1 to %d characters", field, max)
	}
	for _, r := range v {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r')) {
			return "", Invalid(field, "%s contains a control character", field)
		}
	}
	return v, nil
}

// cleanOptionalText is cleanText that allows an empty value.
func cleanOptionalText(field, v string, max int, multiline bool) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	return cleanText(field, v, max, multiline)
}

// invisible reports whether r is a formatting character that is not seen but
// changes how text around it reads: bidi marks, embeddings, overrides and
// isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), and
// zero-width characters (U+200B-U+200D, U+2060-U+2064, U+FEFF). In a name
// they make it read differently on the audit page or in a CSV ("Jan
// <U+202E>nav" shows as "Jan nav" reversed).
func invisible(r rune) bool {
	switch {
	case r == 0x061C, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x2064, r >= 0x2066 && r <= 0x2069, r == 0xFEFF:
		return true
	}
	return false
}

// cleanName is cleanText for a name of a person, team or template: it
// refuses invisible formatting characters too.
func cleanName(field, v string, max int) (string, error) {
	v, err := cleanText(field, v, max, false)
	if err != nil {
		return "", err
	}
	if strings.IndexFunc(v, invisible) >= 0 {
		return "", Invalid(field, "%s contains an invisible formatting character (a direction mark or zero-width character); type the name again", field)
	}
	return v, nil
}

// stripInvisible removes invisible formatting characters, such as the
// direction marks that copying a number from right-to-left text adds.
func stripInvisible(v string) string {
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, v)
}
