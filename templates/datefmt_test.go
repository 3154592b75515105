package templates

import (
	"strings"
	"testing"
	"time"
)

func TestDates(t *testing.T) {
	utc := time.UTC
	tests := []struct {
		name, lang string
		at         time.Time
		loc        *time.Location
		want       string
	}{
		{"nl winter time", "nl", time.Date(2026, 3, 3, 13, 0, 0, 0, utc), nil, "dinsdag 3 maart om 14:00"},
		{"en winter time", "en", time.Date(2026, 3, 3, 13, 0, 0, 0, utc), nil, "Tuesday 3 March at 14:00"},
		{"nl summer time", "nl", time.Date(2026, 7, 1, 7, 30, 0, 0, utc), nil, "woensdag 1 juli om 09:30"},
		{"nl given zone", "nl", time.Date(2026, 3, 3, 13, 0, 0, 0, utc), utc, "dinsdag 3 maart om 13:00"},
		{"nl date moves with zone", "nl", time.Date(2026, 12, 31, 23, 15, 0, 0, utc), nil, "vrijdag 1 januari om 00:15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample()
			d.SessionAt, d.Location = tt.at, tt.loc
			vars, err := Variables(KindReminder, tt.lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if vars["2"] != tt.want {
				t.Errorf("date %q, want %q", vars["2"], tt.want)
			}
			if body, _ := Render(KindReminder, tt.lang, d); !strings.Contains(body, tt.want) {
				t.Errorf("body %q lacks %q", body, tt.want)
			}
		})
	}
}

func TestFormatDayNames(t *testing.T) {
	want := []string{
		"maandag 5 januari", "dinsdag 3 februari", "woensdag 4 maart", "donderdag 2 april",
		"vrijdag 1 mei", "zaterdag 6 juni", "zondag 5 juli", "maandag 3 augustus",
		"dinsdag 1 september", "woensdag 7 oktober", "donderdag 5 november", "vrijdag 4 december",
	}
	days := []int{5, 3, 4, 2, 1, 6, 5, 3, 1, 7, 5, 4}
	for i, w := range want {
		d := time.Date(2026, time.Month(i+1), days[i], 12, 0, 0, 0, time.UTC)
		if got := formatDay("nl", d); got != w {
			t.Errorf("formatDay(nl, %s) = %q, want %q", d.Format(time.DateOnly), got, w)
		}
	}
	if got := formatDay("en", time.Date(2026, 7, 5, 0, 0, 0, 0, time.UTC)); got != "Sunday 5 July" {
		t.Errorf("formatDay(en) = %q", got)
	}
}
