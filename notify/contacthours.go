package notify

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ContactHours are the weekly hours in which messages may be sent to clients,
// in wall-clock time of one location. Build it with NewContactHours; the zero
// value has no hours at all.
type ContactHours struct {
	loc        *time.Location
	days       [7]bool // indexed by time.Weekday
	start, end int     // minutes since midnight; start inclusive, end exclusive (≤ 1440)
}

// dayNames are the day names NewContactHours accepts, as in config.yaml.
var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// dutchDays are the Dutch day abbreviations used by String, indexed by time.Weekday.
var dutchDays = [7]string{"zo", "ma", "di", "wo", "do", "vr", "za"}

// nextHorizon bounds the search in Next. Every configured day has a window at
// least once a week; the extra week covers a window swallowed by a DST gap.
const nextHorizon = 15 * 24 * time.Hour

// NewContactHours builds contact hours from a time zone name ("Europe/Amsterdam"),
// day names ("mon" … "sun", any case), and a start and end time of day ("08:00",
// "20:00"). The end is exclusive and may be "24:00" for the end of the day;
// start must be before end. Windows do not cross midnight.
func NewContactHours(timezone string, days []string, start, end string) (ContactHours, error) {
	loc, err := time.LoadLocation(timezone)
	if err != nil || timezone == "" {
		return ContactHours{}, fmt.Errorf("notify: contact hours: unknown time zone %q", timezone)
	}
	h := ContactHours{loc: loc}
	if len(days) == 0 {
		return ContactHours{}, errors.New("notify: contact hours: at least one day is needed")
	}
	for _, d := range days {
		wd, ok := dayNames[strings.ToLower(strings.TrimSpace(d))]
		if !ok {
			return ContactHours{}, fmt.Errorf("notify: contact hours: unknown day %q (want mon, tue, wed, thu, fri, sat or sun)", d)
		}
		h.days[wd] = true
	}
	if h.start, err = parseTimeOfDay("start", start, false); err != nil {
		return ContactHours{}, err
	}
	if h.end, err = parseTimeOfDay("end", end, true); err != nil {
		return ContactHours{}, err
	}
	if h.start >= h.end {
		return ContactHours{}, fmt.Errorf("notify: contact hours: start %q must be before end %q", start, end)
	}
	return h, nil
}

// parseTimeOfDay parses "HH:MM" into minutes since midnight; "24:00" only when allowEnd.
func parseTimeOfDay(field, s string, allowEnd bool) (int, error) {
	bad := fmt.Errorf("notify: contact hours: %s %q is not a time of day (HH:MM)", field, s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	digits := []byte{s[0], s[1], s[3], s[4]}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, bad
		}
	}
	hh := int(s[0]-'0')*10 + int(s[1]-'0')
	mm := int(s[3]-'0')*10 + int(s[4]-'0')
	switch {
	case allowEnd && hh == 24 && mm == 0:
		return 24 * 60, nil
	case hh > 23 || mm > 59:
		return 0, bad
	}
	return hh*60 + mm, nil
}

// Location returns the location whose wall clock the hours are in.
func (h ContactHours) Location() *time.Location {
	if h.loc == nil {
		return time.UTC
	}
	return h.loc
}

// Within reports whether t falls inside the contact hours: on a configured day,
// at or after start and before end, on the location's wall clock.
func (h ContactHours) Within(t time.Time) bool {
	local := t.In(h.Location())
	if !h.days[local.Weekday()] {
		return false
	}
	m := local.Hour()*60 + local.Minute()
	return h.start <= m && m < h.end
}

// Next returns t when t is within the contact hours, otherwise the earliest
// later instant that is: the start of the next window. It works on the
// location's wall clock, so a window opens at the same clock time on either
// side of a DST change; when the start time does not exist that day (spring
// forward) the window opens when the clock jumps past it. Next returns the zero
// Time when there is no window (the zero ContactHours).
func (h ContactHours) Next(t time.Time) time.Time {
	if h.Within(t) {
		return t
	}
	// Walk the stretches of constant UTC offset. Within one stretch the wall clock
	// runs straight, so the earliest instant inside hours is either the stretch's
	// own beginning (a clock change can land inside a window) or a wall-clock start.
	limit := t.Add(nextHorizon)
	for from := t; from.Before(limit); {
		_, zoneEnd := from.In(h.Location()).ZoneBounds() // zoneEnd > from, or zero
		if zoneEnd.IsZero() || zoneEnd.After(limit) {
			zoneEnd = limit
		}
		if from.After(t) && h.Within(from) {
			return from // a clock change opened a window
		}
		if c, ok := h.firstStart(from, zoneEnd); ok {
			return c
		}
		from = zoneEnd
	}
	return time.Time{}
}

// firstStart returns the first wall-clock window start in [from, to), an
// interval over which the location's UTC offset does not change.
func (h ContactHours) firstStart(from, to time.Time) (time.Time, bool) {
	_, offset := from.In(h.Location()).Zone()
	fixed := time.FixedZone("", offset)
	y, m, d := from.In(fixed).Date()
	for i := 0; ; i++ {
		c := time.Date(y, m, d+i, h.start/60, h.start%60, 0, 0, fixed)
		if !c.Before(to) {
			return time.Time{}, false
		}
		if !c.Before(from) && h.Within(c) {
			return c.In(h.Location()), true
		}
	}
}

// String formats the hours for people, in Dutch: "ma–vr 08:00–20:00". Runs of
// three or more consecutive days (Monday first) collapse into a range; other
// days are listed: "ma, wo, vr 08:00–20:00", "za, zo 10:00–14:00".
func (h ContactHours) String() string { return h.format(dutchDays, "–") }

func (h ContactHours) format(names [7]string, dash string) string {
	var parts []string
	order := [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	for i := 0; i < len(order); {
		if !h.days[order[i]] {
			i++
			continue
		}
		j := i
		for j+1 < len(order) && h.days[order[j+1]] {
			j++
		}
		if j-i >= 2 {
			parts = append(parts, names[order[i]]+dash+names[order[j]])
		} else {
			for k := i; k <= j; k++ {
				parts = append(parts, names[order[k]])
			}
		}
		i = j + 1
	}
	return fmt.Sprintf("%s %02d:%02d%s%02d:%02d", strings.Join(parts, ", "),
		h.start/60, h.start%60, dash, h.end/60, h.end%60)
}

// AfternoonBefore returns, for an instant t outside the hours, a moment late
// in the last window that closes before t: four hours before its end, or its
// start when it is shorter (a day-before reminder for a Monday-morning
// session goes on Friday afternoon, not on Monday at opening time together
// with the hour-before one). It looks back at most two weeks.
func (h ContactHours) AfternoonBefore(t time.Time) (time.Time, bool) {
	local := t.In(h.Location())
	for i := 0; i <= 14; i++ {
		day := time.Date(local.Year(), local.Month(), local.Day()-i, 0, 0, 0, 0, h.Location())
		if !h.days[day.Weekday()] || h.start >= h.end {
			continue
		}
		end := h.wall(day, h.end)
		if end.After(t) {
			continue // this day's window closes after t: not before it
		}
		at := end.Add(-4 * time.Hour)
		if start := h.wall(day, h.start); at.Before(start) {
			at = start
		}
		return at, true
	}
	return time.Time{}, false
}

// wall is the instant at minutes past midnight on day's date, by the wall
// clock (so across a DST change too).
func (h ContactHours) wall(day time.Time, minutes int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), minutes/60, minutes%60, 0, 0, h.Location())
}

// SameWindow reports whether a and b, each moved to the window it would be
// sent in (Next), fall in the same contact window.
func (h ContactHours) SameWindow(a, b time.Time) bool {
	a, b = h.Next(a).In(h.Location()), h.Next(b).In(h.Location())
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}
