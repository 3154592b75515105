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
