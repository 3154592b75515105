package app

import (
	"errors"
	"testing"
	"time"

	"afspraak/models"
)

// TestParsePeriodCalendar proves that a report period defaults to the first
// of the month up to today and takes explicit dates, all as midnight on loc's
// calendar (not UTC's), and that bad or reversed dates are EINVALID errors
// naming the field at fault.
func TestParsePeriodCalendar(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatalf("load Europe/Amsterdam: %v", err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("load America/New_York: %v", err)
	}
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatalf("bad test time %q: %v", s, err)
		}
		return v
	}
	midMarch := utc("2026-03-20T10:00:00Z")

	tests := []struct {
		name     string
		from, to string
		now      time.Time
		// wantFrom and wantTo are RFC 3339 in Amsterdam time; empty when an
		// error is expected.
		wantFrom, wantTo string
		wantField        string // the field an EINVALID error names
	}{
		{name: "defaults mid-month", now: utc("2026-01-15T12:00:00Z"),
			wantFrom: "2026-01-01T00:00:00+01:00", wantTo: "2026-01-15T00:00:00+01:00"},
		{name: "defaults on the first of the month", now: utc("2026-02-01T09:00:00Z"),
			wantFrom: "2026-02-01T00:00:00+01:00", wantTo: "2026-02-01T00:00:00+01:00"},
		{name: "defaults: late evening UTC is already the next month in Amsterdam", now: utc("2026-03-31T22:30:00Z"),
			wantFrom: "2026-04-01T00:00:00+02:00", wantTo: "2026-04-01T00:00:00+02:00"},
		{name: "defaults: late evening UTC is already the next year in Amsterdam", now: utc("2025-12-31T23:15:00Z"),
			wantFrom: "2026-01-01T00:00:00+01:00", wantTo: "2026-01-01T00:00:00+01:00"},
		{name: "defaults: late evening UTC is the next day in Amsterdam", now: utc("2026-06-10T22:05:00Z"),
			wantFrom: "2026-06-01T00:00:00+02:00", wantTo: "2026-06-11T00:00:00+02:00"},
		{name: "defaults: just after midnight UTC is the same day in Amsterdam", now: utc("2026-04-01T00:05:00Z"),
			wantFrom: "2026-04-01T00:00:00+02:00", wantTo: "2026-04-01T00:00:00+02:00"},
		{name: "defaults: now in another zone is read on Amsterdam's calendar",
			now:      time.Date(2026, 2, 28, 20, 0, 0, 0, newYork), // 2026-03-01 02:00 in Amsterdam
			wantFrom: "2026-03-01T00:00:00+01:00", wantTo: "2026-03-01T00:00:00+01:00"},

		{name: "explicit dates across the change to summer time", from: "2026-03-01", to: "2026-03-31", now: midMarch,
			wantFrom: "2026-03-01T00:00:00+01:00", wantTo: "2026-03-31T00:00:00+02:00"},
		{name: "explicit dates in another month than now", from: "2025-10-01", to: "2025-10-31", now: midMarch,
			wantFrom: "2025-10-01T00:00:00+02:00", wantTo: "2025-10-31T00:00:00+01:00"},
		{name: "explicit to after today", from: "2026-03-01", to: "2026-04-30", now: midMarch,
			wantFrom: "2026-03-01T00:00:00+01:00", wantTo: "2026-04-30T00:00:00+02:00"},
		{name: "explicit from, default to", from: "2026-03-15", now: midMarch,
			wantFrom: "2026-03-15T00:00:00+01:00", wantTo: "2026-03-20T00:00:00+01:00"},
		{name: "default from, explicit to", to: "2026-03-10", now: midMarch,
			wantFrom: "2026-03-01T00:00:00+01:00", wantTo: "2026-03-10T00:00:00+01:00"},
		{name: "from equals to", from: "2026-03-05", to: "2026-03-05", now: midMarch,
			wantFrom: "2026-03-05T00:00:00+01:00", wantTo: "2026-03-05T00:00:00+01:00"},
		{name: "leap day", from: "2024-02-29", to: "2024-02-29", now: midMarch,
			wantFrom: "2024-02-29T00:00:00+01:00", wantTo: "2024-02-29T00:00:00+01:00"},

		{name: "from with month 13", from: "2026-13-01", to: "2026-03-31", now: midMarch, wantField: "from"},
		{name: "from day first", from: "31-03-2026", to: "2026-03-31", now: midMarch, wantField: "from"},
		{name: "from a word", from: "tomorrow", now: midMarch, wantField: "from"},
		{name: "from February 30", from: "2026-02-30", now: midMarch, wantField: "from"},
		{name: "from without leading zeros", from: "2026-3-1", now: midMarch, wantField: "from"},
		{name: "from with a time", from: "2026-03-01T00:00:00Z", now: midMarch, wantField: "from"},
		{name: "to with month 13", from: "2026-03-01", to: "2026-13-01", now: midMarch, wantField: "to"},
		{name: "to day first", from: "2026-03-01", to: "31-03-2026", now: midMarch, wantField: "to"},
		{name: "to a word", to: "tomorrow", now: midMarch, wantField: "to"},
		{name: "both invalid names from", from: "tomorrow", to: "31-03-2026", now: midMarch, wantField: "from"},
		{name: "to before from", from: "2026-03-10", to: "2026-03-09", now: midMarch, wantField: "to"},
		{name: "from after the default to", from: "2026-03-21", now: midMarch, wantField: "to"},
		{name: "to before the default from", to: "2026-02-28", now: midMarch, wantField: "to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePeriod(tc.from, tc.to, tc.now, ams)
			if tc.wantField != "" {
				if err == nil {
					t.Fatalf("ParsePeriod(%q, %q) = %v to %v, want an error on %q", tc.from, tc.to, p.From, p.To, tc.wantField)
				}
				if code := models.ErrorCode(err); code != models.EINVALID {
					t.Errorf("error code = %q, want %q (error %v)", code, models.EINVALID, err)
				}
				var e *models.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %v (%T) is not a *models.Error", err, err)
				}
				if e.Field != tc.wantField {
					t.Errorf("error field = %q, want %q (error %v)", e.Field, tc.wantField, err)
				}
				if e.Message == "" {
					t.Error("error has no message")
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePeriod(%q, %q): %v", tc.from, tc.to, err)
			}
			for _, c := range []struct {
				field string
				got   time.Time
				want  string
			}{{"From", p.From, tc.wantFrom}, {"To", p.To, tc.wantTo}} {
				if got := c.got.Format(time.RFC3339); got != c.want {
					t.Errorf("%s = %s, want %s", c.field, got, c.want)
				}
				if c.got.Location() != ams {
					t.Errorf("%s is in %v, want %v", c.field, c.got.Location(), ams)
				}
			}
		})
	}
}
