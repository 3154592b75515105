package notify

import (
	"strings"
	"testing"
	"time"
)

var weekdays = []string{"mon", "tue", "wed", "thu", "fri"}
var allWeek = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func mustHours(t *testing.T, days []string, start, end string) ContactHours {
	t.Helper()
	h, err := NewContactHours("Europe/Amsterdam", days, start, end)
	if err != nil {
		t.Fatalf("NewContactHours: %v", err)
	}
	return h
}

// ams is a wall-clock time in Amsterdam; utc an absolute one, for DST cases
// where the wall clock alone is ambiguous.
func ams(t *testing.T, y int, m time.Month, d, hh, mm, ss int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(y, m, d, hh, mm, ss, 0, loc)
}

func utc(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

func TestContactHoursWithin(t *testing.T) {
	office := mustHours(t, weekdays, "08:00", "20:00")
	late := mustHours(t, []string{"sat", "sun"}, "18:00", "24:00")
	// 2026-11-04 is a Wednesday, 2026-11-07 a Saturday.
	tests := []struct {
		name string
		h    ContactHours
		at   time.Time
		want bool
	}{
		{"inside", office, ams(t, 2026, 11, 4, 12, 0, 0), true},
		{"before start", office, ams(t, 2026, 11, 4, 7, 59, 59), false},
		{"exactly at start", office, ams(t, 2026, 11, 4, 8, 0, 0), true},
		{"last second", office, ams(t, 2026, 11, 4, 19, 59, 59), true},
		{"exactly at end is outside", office, ams(t, 2026, 11, 4, 20, 0, 0), false},
		{"saturday", office, ams(t, 2026, 11, 7, 12, 0, 0), false},
		{"other zone converted", office, time.Date(2026, 11, 4, 19, 30, 0, 0, time.UTC), false}, // 20:30 in Amsterdam
		{"24:00 end just before midnight", late, ams(t, 2026, 11, 7, 23, 59, 59), true},
		{"24:00 end at midnight of a configured day", late, ams(t, 2026, 11, 8, 0, 0, 0), false},
		{"24:00 end monday midnight", late, ams(t, 2026, 11, 9, 0, 0, 0), false},
		{"zero value", ContactHours{}, ams(t, 2026, 11, 4, 12, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.h.Within(tt.at); got != tt.want {
				t.Errorf("Within(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestContactHoursNext(t *testing.T) {
	office := mustHours(t, weekdays, "08:00", "20:00")
	always := mustHours(t, allWeek, "00:00", "24:00")
	daily := mustHours(t, allWeek, "08:00", "20:00")
	gap := mustHours(t, allWeek, "02:30", "04:00")   // 02:00–03:00 is skipped on 2026-03-29
	twice := mustHours(t, allWeek, "01:00", "02:30") // 02:00–03:00 runs twice on 2026-10-25
	tests := []struct {
		name string
		h    ContactHours
		at   time.Time
		want time.Time
	}{
		{"inside returns t", office, ams(t, 2026, 11, 4, 12, 34, 56), ams(t, 2026, 11, 4, 12, 34, 56)},
		{"before start", office, ams(t, 2026, 11, 4, 6, 15, 0), ams(t, 2026, 11, 4, 8, 0, 0)},
		{"at end goes to next morning", office, ams(t, 2026, 11, 4, 20, 0, 0), ams(t, 2026, 11, 5, 8, 0, 0)},
		{"friday evening to monday", office, ams(t, 2026, 11, 6, 21, 30, 0), ams(t, 2026, 11, 9, 8, 0, 0)},
		{"saturday to monday", office, ams(t, 2026, 11, 7, 12, 0, 0), ams(t, 2026, 11, 9, 8, 0, 0)},
		{"sunday late to monday", office, ams(t, 2026, 11, 8, 23, 59, 59), ams(t, 2026, 11, 9, 8, 0, 0)},
		{"all week saturday evening to sunday", daily, ams(t, 2026, 11, 7, 21, 0, 0), ams(t, 2026, 11, 8, 8, 0, 0)},
		{"all day every day", always, ams(t, 2026, 11, 8, 3, 0, 0), ams(t, 2026, 11, 8, 3, 0, 0)},
		// Spring forward 2026-03-29: CET (+1) before, CEST (+2) after.
		{"spring-forward weekend", office, ams(t, 2026, 3, 27, 21, 0, 0), utc(2026, 3, 30, 6, 0)},
		{"spring-forward sunday", daily, ams(t, 2026, 3, 28, 20, 0, 0), utc(2026, 3, 29, 6, 0)},
		{"start in the gap opens at the jump", gap, utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 1, 0)},
		// Fall back 2026-10-25: CEST (+2) before, CET (+1) after.
		{"fall-back weekend", office, ams(t, 2026, 10, 23, 21, 0, 0), utc(2026, 10, 26, 7, 0)},
		{"fall-back sunday", daily, ams(t, 2026, 10, 24, 20, 0, 0), utc(2026, 10, 25, 7, 0)},
		{"repeated hour reopens the window", twice, utc(2026, 10, 25, 0, 45), utc(2026, 10, 25, 1, 0)},
		{"repeated start uses the first", mustHours(t, allWeek, "02:30", "04:00"), utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 0, 30)},
		{"zero value has no window", ContactHours{}, ams(t, 2026, 11, 4, 12, 0, 0), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.h.Next(tt.at); !got.Equal(tt.want) {
				t.Errorf("Next(%s) = %s, want %s", tt.at, got, tt.want)
			}
		})
	}
}

// TestContactHoursNextBruteForce checks Next against a minute-by-minute scan of
// Within around both 2026 DST changes, for several configurations.
func TestContactHoursNextBruteForce(t *testing.T) {
	configs := []ContactHours{
		mustHours(t, weekdays, "08:00", "20:00"),
		mustHours(t, []string{"sun"}, "02:30", "03:30"),
		mustHours(t, []string{"sat", "sun"}, "01:00", "02:30"),
		mustHours(t, allWeek, "02:00", "03:00"),
		mustHours(t, []string{"mon", "wed"}, "00:00", "24:00"),
	}
	for _, from := range []time.Time{utc(2026, 3, 27, 0, 0), utc(2026, 10, 23, 0, 0)} {
		for _, h := range configs {
			for at := from; at.Before(from.Add(4 * 24 * time.Hour)); at = at.Add(17*time.Minute + 7*time.Second) {
				if got, want := h.Next(at), scanNext(h, at); !got.Equal(want) {
					t.Fatalf("%s: Next(%s) = %s, scan finds %s", h, at.In(h.Location()), got.In(h.Location()), want.In(h.Location()))
				}
			}
		}
	}
}

func scanNext(h ContactHours, at time.Time) time.Time {
	if h.Within(at) {
		return at
	}
	for u := at.Truncate(time.Minute).Add(time.Minute); u.Before(at.Add(15 * 24 * time.Hour)); u = u.Add(time.Minute) {
		if h.Within(u) {
			return u
		}
	}
	return time.Time{}
}

func TestNewContactHoursErrors(t *testing.T) {
	tests := []struct {
		name                 string
		tz                   string
		days                 []string
		start, end, contains string
	}{
		{"end past midnight", "Europe/Amsterdam", weekdays, "08:00", "25:00", `end "25:00" is not a time of day (HH:MM)`},
		{"start 24:00", "Europe/Amsterdam", weekdays, "24:00", "24:00", `start "24:00" is not a time of day`},
		{"minutes out of range", "Europe/Amsterdam", weekdays, "08:60", "20:00", `start "08:60"`},
		{"no leading zero", "Europe/Amsterdam", weekdays, "8:00", "20:00", `start "8:00"`},
		{"not digits", "Europe/Amsterdam", weekdays, "08:00", "2O:00", `end "2O:00"`},
		{"start after end", "Europe/Amsterdam", weekdays, "20:00", "08:00", `start "20:00" must be before end "08:00"`},
		{"start equals end", "Europe/Amsterdam", weekdays, "08:00", "08:00", "must be before end"},
		{"no days", "Europe/Amsterdam", nil, "08:00", "20:00", "at least one day"},
		{"unknown day", "Europe/Amsterdam", []string{"mon", "mnd"}, "08:00", "20:00", `unknown day "mnd"`},
		{"unknown zone", "Europe/Amsterdan", weekdays, "08:00", "20:00", `unknown time zone "Europe/Amsterdan"`},
		{"empty zone", "", weekdays, "08:00", "20:00", `unknown time zone ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewContactHours(tt.tz, tt.days, tt.start, tt.end)
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "notify: contact hours: ") || !strings.Contains(msg, tt.contains) {
				t.Errorf("error %q, want it to contain %q", msg, tt.contains)
			}
		})
	}
}

func TestNewContactHoursAccepts(t *testing.T) {
	h, err := NewContactHours("Europe/Amsterdam", []string{" Mon", "FRI", "fri"}, "00:00", "24:00")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Location().String(); got != "Europe/Amsterdam" {
		t.Errorf("Location() = %s", got)
	}
	if got, want := h.String(), "ma, vr 00:00–24:00"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestContactHoursString(t *testing.T) {
	tests := []struct {
		days []string
		want string
	}{
		{weekdays, "ma–vr 08:00–20:00"},
		{allWeek, "ma–zo 08:00–20:00"},
		{[]string{"mon", "wed", "fri"}, "ma, wo, vr 08:00–20:00"},
		{[]string{"sat", "sun"}, "za, zo 08:00–20:00"},
		{[]string{"sun", "mon", "tue", "wed", "fri"}, "ma–wo, vr, zo 08:00–20:00"},
		{[]string{"thu"}, "do 08:00–20:00"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.days, ","), func(t *testing.T) {
			if got := mustHours(t, tt.days, "08:00", "20:00").String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAfternoonBefore: the day-before moment of a Monday-morning session
// is Friday afternoon; a window shorter than four hours gives its start.
func TestAfternoonBefore(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	weekdays := []string{"mon", "tue", "wed", "thu", "fri"}
	for _, tc := range []struct {
		name       string
		days       []string
		start, end string
		at, want   time.Time
	}{
		{"sunday morning", weekdays, "08:00", "20:00", time.Date(2026, 12, 6, 8, 30, 0, 0, loc), time.Date(2026, 12, 4, 16, 0, 0, 0, loc)},
		{"tuesday before opening", weekdays, "08:00", "20:00", time.Date(2026, 12, 8, 7, 0, 0, 0, loc), time.Date(2026, 12, 7, 16, 0, 0, 0, loc)},
		{"short window", weekdays, "09:00", "12:00", time.Date(2026, 12, 6, 8, 30, 0, 0, loc), time.Date(2026, 12, 4, 9, 0, 0, 0, loc)},
		{"across the DST change", weekdays, "08:00", "20:00", time.Date(2026, 3, 29, 8, 30, 0, 0, loc), time.Date(2026, 3, 27, 16, 0, 0, 0, loc)},
	} {
		got, ok := mustHours(t, tc.days, tc.start, tc.end).AfternoonBefore(tc.at)
		if !ok || !got.Equal(tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.name, got.In(loc), ok, tc.want)
		}
	}
	h := mustHours(t, weekdays, "08:00", "20:00")
	fri := time.Date(2026, 12, 4, 16, 0, 0, 0, loc)
	if !h.SameWindow(time.Date(2026, 12, 6, 9, 0, 0, 0, loc), time.Date(2026, 12, 7, 7, 30, 0, 0, loc)) || h.SameWindow(fri, time.Date(2026, 12, 7, 7, 30, 0, 0, loc)) {
		t.Error("SameWindow: Sunday and early Monday both go at Monday's opening; Friday afternoon is another window")
	}
}
