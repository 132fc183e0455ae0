// Package recur says on which calendar days a recurring task occurs. It
// works on calendar dates (YYYY-MM-DD, as the user's day is written
// everywhere else), never on instants: which date is "today" in a user's
// zone is the caller's question, so a daylight-saving change cannot move
// an occurrence to another day.
package recur

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
)

// Rule is a validated focusflow.SeriesRule ready to answer questions.
type Rule struct {
	kind      string
	interval  int
	weekdays  [7]bool // Monday first
	monthDay  int
	start     time.Time // UTC midnight of the dates
	last      time.Time
	startWeek time.Time // the Monday of the start's week
}

// New validates r and prepares it.
func New(r focusflow.SeriesRule) (Rule, error) {
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	start, _ := focusflow.ParseDate(r.Start)
	last, _ := focusflow.ParseDate(r.LastDate())
	rule := Rule{kind: r.Kind, interval: r.Interval, monthDay: r.MonthDay, start: start, last: last,
		startWeek: monday(start)}
	for i, name := range focusflow.WeekdayNames {
		rule.weekdays[i] = slices.Contains(r.Weekdays, name)
	}
	return rule, nil
}

func monday(t time.Time) time.Time { return t.AddDate(0, 0, -isoWeekday(t)) }

func isoWeekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// Occurs reports whether the rule has an occurrence on date; a malformed
// date has none.
func (r Rule) Occurs(date string) bool {
	t, err := focusflow.ParseDate(date)
	return err == nil && r.occurs(t)
}

func (r Rule) occurs(t time.Time) bool {
	if t.Before(r.start) || t.After(r.last) {
		return false
	}
	switch r.kind {
	case focusflow.RepeatDaily:
		return true
	case focusflow.RepeatWeekly:
		if !r.weekdays[isoWeekday(t)] {
			return false
		}
		weeks := int(monday(t).Sub(r.startWeek).Hours()+12) / (7 * 24)
		return weeks%r.interval == 0
	case focusflow.RepeatMonthly:
		day := r.monthDay
		if last := time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
			day = last
		}
		return t.Day() == day
	}
	return false
}

// Between lists the dates from from to to (both included) on which the
// rule occurs, in order. Malformed bounds give none.
func (r Rule) Between(from, to string) []string {
	f, err1 := focusflow.ParseDate(from)
	t, err2 := focusflow.ParseDate(to)
	if err1 != nil || err2 != nil {
		return nil
	}
	if f.Before(r.start) {
		f = r.start
	}
	if t.After(r.last) {
		t = r.last
	}
	var out []string
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		if r.occurs(d) {
			out = append(out, d.Format(focusflow.DateLayout))
		}
	}
	return out
}

// Summary describes a rule in a few words, for the day view and the task
// dialog: "Every day", "Every week on Mon, Wed", "Every 2 weeks on Fri",
// "Monthly on day 31", with " until 2026-12-31" when it has an end date.
func Summary(r focusflow.SeriesRule) string {
	var s string
	switch r.Kind {
	case focusflow.RepeatDaily:
		s = "Every day"
	case focusflow.RepeatWeekly:
		days := make([]string, len(r.Weekdays))
		for i, d := range r.Weekdays {
			days[i] = strings.ToUpper(d[:1]) + d[1:]
		}
		s = "Every week on "
		if r.Interval > 1 {
			s = fmt.Sprintf("Every %d weeks on ", r.Interval)
		}
		s += strings.Join(days, ", ")
	case focusflow.RepeatMonthly:
		s = fmt.Sprintf("Monthly on day %d", r.MonthDay)
	}
	if r.End != "" {
		s += " until " + r.End
	}
	return s
}
