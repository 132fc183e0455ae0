// Package timer holds the focus-timer and calendar rules as pure functions
// over instants and time zones: which local day and hour a stretch of focus
// time counts on, when a forgotten timer is capped, what "today" is for a
// user. There is no goroutine per timer: a running timer is a start instant
// in the database, and its elapsed time is computed from the server clock
// whenever it is read.
package timer

import (
	"fmt"
	"time"
)

// DateLayout is the API's and the database's calendar-date format.
const DateLayout = "2006-01-02"

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

// Cap returns when a timer started at start must end if it is still
// running at now: at start+limit when that has passed (capped), else now.
func Cap(start, now time.Time, limit time.Duration) (end time.Time, capped bool) {
	if limit > 0 && now.Sub(start) > limit {
		return start.Add(limit), true
	}
	return now, false
}

// Today is the user's calendar date at instant now.
func Today(now time.Time, loc *time.Location) string {
	return now.In(loc).Format(DateLayout)
}

// ParseDate parses a YYYY-MM-DD calendar date strictly: 2025-02-30 and
// 2025-2-3 are errors.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.Format(DateLayout) != s {
		return time.Time{}, fmt.Errorf("%q is not a valid date (YYYY-MM-DD)", s)
	}
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%q is out of range", s)
	}
	return t, nil
}

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
	offset := (int(t.Weekday()) + 6) % 7 // Monday = 0
	monday := t.AddDate(0, 0, -offset)
	out := make([]string, 7)
	for i := range out {
		out[i] = monday.AddDate(0, 0, i).Format(DateLayout)
	}
	return out
}
