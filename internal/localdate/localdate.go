// Package localdate is calendar arithmetic in a user's own time zone:
// which local day and hour a stretch of focus time counts on, what
// "today" is for a user, the days of a week, where a day begins and ends.
// Dates are YYYY-MM-DD strings (focusflow.DateLayout).
package localdate

import (
	"time"

	"github.com/focusflow/focusflow"
)

// DateLayout is the calendar-date format of the API and the database.
const DateLayout = focusflow.DateLayout

// Portion is the part of a time entry that falls in one local hour.
type Portion struct {
	Date string // YYYY-MM-DD in the user's zone
	Hour int    // 0–23 local
	MS   int64
}

// Portions splits [start, end) at local hour boundaries in loc, so focus
// time counts on the local day (and hour) in which it happened: an entry
// across midnight is split between the two days. Hours are found by
// walking instants, which keeps 23- and 25-hour days and 30-minute zone
// shifts (Lord Howe) right.
func Portions(start, end time.Time, loc *time.Location) []Portion {
	var out []Portion
	for t := start; t.Before(end); {
		local := t.In(loc)
		// The next local hour boundary: truncating the local wall time
		// to the hour and adding one hour works across DST because
		// time.Date normalises and we compare instants, not wall clocks.
		next := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), 0, 0, 0, loc).Add(time.Hour)
		if !next.After(t) { // zones whose offset is not whole hours around a shift
			next = t.Add(time.Hour).Truncate(time.Minute)
		}
		if next.After(end) {
			next = end
		}
		ms := next.Sub(t).Milliseconds()
		d, h := local.Format(DateLayout), local.Hour()
		if n := len(out); n > 0 && out[n-1].Date == d && out[n-1].Hour == h {
			out[n-1].MS += ms
		} else if ms > 0 {
			out = append(out, Portion{Date: d, Hour: h, MS: ms})
		}
		t = next
	}
	return out
}

// Today is the user's calendar date at instant now.
func Today(now time.Time, loc *time.Location) string {
	return now.In(loc).Format(DateLayout)
}

// ParseDate parses a YYYY-MM-DD calendar date strictly.
func ParseDate(s string) (time.Time, error) { return focusflow.ParseDate(s) }

// AddDays moves a calendar date by n days.
func AddDays(date string, n int) string {
	t, err := ParseDate(date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, n).Format(DateLayout)
}

// DayStart is the instant a local calendar date begins in loc.
func DayStart(date string, loc *time.Location) time.Time {
	t, _ := ParseDate(date)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// DayEnd is the instant the local calendar date ends (the next one begins).
func DayEnd(date string, loc *time.Location) time.Time {
	t, _ := ParseDate(date)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
}

// WeekOf returns the Monday–Sunday dates of the week containing date.
func WeekOf(date string) []string {
	t, err := ParseDate(date)
	if err != nil {
		return nil
	}
	monday := t.AddDate(0, 0, -ISOWeekday(t.Weekday()))
	out := make([]string, 7)
	for i := range out {
		out[i] = monday.AddDate(0, 0, i).Format(DateLayout)
	}
	return out
}

// ISOWeekday numbers the days of a week from Monday: 0 for Monday … 6 for
// Sunday.
func ISOWeekday(w time.Weekday) int { return (int(w) + 6) % 7 }
