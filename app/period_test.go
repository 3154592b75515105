package app

import (
	"errors"
	"testing"
	"time"

	"afspraak/models"
)

// TestParsePeriod: report periods in the organisation's time zone, with the
// defaults both doors use, and errors that name the field.
func TestParsePeriod(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on 30 November is already 1 December in Amsterdam.
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	cases := []struct {
		name, from, to string
		want           Period
		field          string // the field at fault, "" when valid
	}{
		{"defaults: this month so far, in Amsterdam", "", "", Period{day(2026, 12, 1), day(2026, 12, 1)}, ""},
		{"explicit", "2026-03-01", "2026-03-31", Period{day(2026, 3, 1), day(2026, 3, 31)}, ""},
		{"one day", "2026-03-31", "2026-03-31", Period{day(2026, 3, 31), day(2026, 3, 31)}, ""},
		{"from only", "2026-11-15", "", Period{day(2026, 11, 15), day(2026, 12, 1)}, ""},
		{"no month 13", "2026-13-01", "", Period{}, "from"},
		{"Dutch order", "", "31-03-2026", Period{}, "to"},
		{"a word", "tomorrow", "", Period{}, "from"},
		{"to before from", "2026-03-02", "2026-03-01", Period{}, "to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePeriod(c.from, c.to, now, loc)
			if c.field == "" {
				if err != nil || !p.From.Equal(c.want.From) || !p.To.Equal(c.want.To) {
					t.Fatalf("got %v – %v (%v), want %v – %v", p.From, p.To, err, c.want.From, c.want.To)
				}
				return
			}
			var de *models.Error
			if !errors.As(err, &de) || de.Code != models.EINVALID || de.Field != c.field {
				t.Fatalf("error %v, want EINVALID on %s", err, c.field)
			}
		})
	}
}
