package templates

import (
	"fmt"
	"time"
)

// Dutch names are written out here rather than taken from a locale: the server's
// locale is not ours to rely on, and Go's time package only knows English.
var (
	dutchDays = [...]string{
		time.Sunday: "zondag", time.Monday: "maandag", time.Tuesday: "dinsdag",
		time.Wednesday: "woensdag", time.Thursday: "donderdag", time.Friday: "vrijdag",
		time.Saturday: "zaterdag",
	}
	dutchMonths = [...]string{
		"januari", "februari", "maart", "april", "mei", "juni",
		"juli", "augustus", "september", "oktober", "november", "december",
	}
)

// formatDay renders the date of t in its own location: "dinsdag 3 maart" (nl)
// or "Tuesday 3 March" (en). The year is left out to keep messages short; the
// dates in a message are at most weeks away.
func formatDay(lang string, t time.Time) string {
	if lang == "en" {
		return fmt.Sprintf("%s %d %s", t.Weekday(), t.Day(), t.Month())
	}
	return fmt.Sprintf("%s %d %s", dutchDays[t.Weekday()], t.Day(), dutchMonths[t.Month()-1])
}

// formatWhen renders date and time of t in its own location:
// "dinsdag 3 maart om 14:00" (nl) or "Tuesday 3 March at 14:00" (en).
func formatWhen(lang string, t time.Time) string {
	at := " om "
	if lang == "en" {
		at = " at "
	}
	return formatDay(lang, t) + at + t.Format("15:04")
}
