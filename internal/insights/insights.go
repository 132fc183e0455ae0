// Package insights holds the rules of FocusFlow's statistics as plain
// functions: the figures of a range of days, the all-time streaks, plan
// versus reality, the achievements and the profile summary. The store
// reads the rows these need (per-day figures, planned tasks, the running
// entry, stored unlocks) and hands them over; nothing here reads a clock
// or a database, so the time is always a parameter.
//
// The running timer's time so far counts in the figures and streaks, as on
// the dashboard; achievements judge recorded (closed) time only.
package insights

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Live is the focus time the stored figures do not hold yet: the running
// entry up to now (a forgotten timer up to its cap) and the entries that
// phase ends have closed since the timer was last recorded.
type Live struct {
	Spans []focus.Span
}

// LiveOf is the live focus of the timer state s at now; nil when none.
func LiveOf(s focus.State, now time.Time, set focus.Settings) *Live {
	_, spans := focus.Live(s, now, set)
	if len(spans) == 0 {
		return nil
	}
	return &Live{Spans: spans}
}

// portions splits the live spans by local day and hour.
func (l *Live) portions(loc *time.Location) []localdate.Portion {
	if l == nil {
		return nil
	}
	var out []localdate.Portion
	for _, sp := range l.Spans {
		out = append(out, localdate.Portions(sp.Start, sp.End, loc)...)
	}
	return out
}

func (l *Live) spans() []focus.Span {
	if l == nil {
		return nil
	}
	return l.Spans
}

// byDay is the live time per local day.
func (l *Live) byDay(loc *time.Location) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, p := range l.portions(loc) {
		out[p.Date] += time.Duration(p.MS) * time.Millisecond
	}
	return out
}

// CheckRange validates a range of dates (inclusive) for the stats.
func CheckRange(from, to string) (f, t time.Time, err error) {
	f, errF := localdate.ParseDate(from)
	t, errT := localdate.ParseDate(to)
	switch {
	case errF != nil:
		return f, t, focusflow.Invalid("from", "%q is not a valid date; use YYYY-MM-DD.", from)
	case errT != nil:
		return f, t, focusflow.Invalid("to", "%q is not a valid date; use YYYY-MM-DD.", to)
	case f.After(t):
		return f, t, focusflow.Invalid("from", "from must not be after to.")
	case int(t.Sub(f).Round(time.Hour)/(24*time.Hour))+1 > focusflow.MaxStatsDays:
		return f, t, focusflow.Invalid("from", "The range can be at most %d days.", focusflow.MaxStatsDays)
	}
	return f, t, nil
}

// RangeInput is what the figures of a range are computed from.
type RangeInput struct {
	From, To string // the range, inclusive; checked with CheckRange
	Today    string // the user's today
	Goal     time.Duration
	Loc      *time.Location // the user's zone: the running entry is split in it
	// Days are the stored per-day figures of at least [From, To], and Week
	// those of today's week (Monday–Sunday), each oldest first. Both may be
	// the same rows when one read covers both.
	Days, Week []focusflow.DayStats
	Hours      [24]time.Duration // stored focus per local hour over [From, To]
	Runs       KeptRuns
	Planned    []PlannedTask // the planned tasks of PlanWindow(Today)
	Live       *Live         // the running entry; nil when none runs
	// Phases count the recorded session phases that began in the range.
	Phases []focusflow.PhaseCount
}

// Stats computes the figures of a range: totals, days, weekdays, hours,
// months, the all-time streaks, plan versus reality and goal progress,
// with the running entry's time so far.
func Stats(in RangeInput) (*focusflow.Insights, error) {
	f, t, err := CheckRange(in.From, in.To)
	if err != nil {
		return nil, err
	}
	st := &focusflow.Insights{From: in.From, To: in.To, Today: in.Today, Goal: in.Goal, Hours: in.Hours}
	liveDay := in.Live.byDay(in.Loc)
	st.Days = mergeLive(in.Days, liveDay, in.From, in.To)
	summarise(st, f, t)
	goalProgress(st, in.Week, liveDay)
	for _, p := range in.Live.portions(in.Loc) {
		if p.Date >= in.From && p.Date <= in.To {
			st.Hours[p.Hour] += time.Duration(p.MS) * time.Millisecond
		}
	}
	st.Streak, st.FocusStreak = StreaksFromRuns(in.Runs, in.Today, in.Goal, liveDay)
	st.Plan = Plan(in.Planned, in.Live, in.Today, in.Loc)
	st.Sessions = Sessions(in.Phases)
	return st, nil
}

// Sessions sums recorded phases: focus phases completed as planned, breaks
// taken and full cycles.
func Sessions(counts []focusflow.PhaseCount) focusflow.SessionStats {
	var s focusflow.SessionStats
	for _, c := range counts {
		switch c.Kind {
		case focusflow.PhaseFocus:
			s.PlannedPhases += c.Planned
			if c.Outcome == "completed" {
				s.CompletedPhases += c.Count
			}
		case focusflow.PhaseShortBreak, focusflow.PhaseLongBreak:
			s.Breaks += c.Count
			s.BreakTime += c.Time
			if c.Kind == focusflow.PhaseLongBreak {
				s.Cycles += c.Count
			}
		}
	}
	return s
}

// mergeLive adds the running entry's time to the stored rows of [from, to]
// and keeps the days of [from, to] that have any figure, oldest first.
func mergeLive(rows []focusflow.DayStats, liveDay map[string]time.Duration, from, to string) []focusflow.DayStats {
	out := make([]focusflow.DayStats, 0, len(rows)+len(liveDay))
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Date < from || r.Date > to {
			continue
		}
		r.Focus += liveDay[r.Date]
		seen[r.Date] = true
		out = append(out, r)
	}
	for d, live := range liveDay {
		if !seen[d] && d >= from && d <= to {
			out = append(out, focusflow.DayStats{Date: d, Focus: live})
		}
	}
	out = slices.DeleteFunc(out, func(r focusflow.DayStats) bool {
		return r.Focus == 0 && r.Manual == 0 && r.Total == 0 && r.Completed == 0
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// summarise fills totals, weekdays and months from st.Days over [from, to].
func summarise(st *focusflow.Insights, from, to time.Time) {
	for i := range st.Weekdays {
		st.Weekdays[i].Weekday = time.Weekday((i + 1) % 7)
	}
	monthIdx := map[string]int{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		st.Weekdays[localdate.ISOWeekday(d.Weekday())].Days++
		m := d.Format("2006-01")
		i, ok := monthIdx[m]
		if !ok {
			i = len(st.Months)
			monthIdx[m] = i
			st.Months = append(st.Months, focusflow.MonthStats{Month: m})
		}
		st.Months[i].Days++
	}
	for _, r := range st.Days {
		d, err := localdate.ParseDate(r.Date)
		if err != nil {
			continue
		}
		active := r.Focus > 0 || r.Completed > 0
		tot := &st.Totals
		tot.Tasks += r.Total
		tot.Completed += r.Completed
		tot.Focus += r.Focus
		tot.Manual += r.Manual
		if active {
			tot.DaysActive++
		}
		if st.Goal > 0 && r.Focus >= st.Goal {
			tot.GoalDays++
		}
		w := &st.Weekdays[localdate.ISOWeekday(d.Weekday())]
		w.Focus += r.Focus
		w.Manual += r.Manual
		w.Total += r.Total
		w.Completed += r.Completed
		if i, ok := monthIdx[r.Date[:7]]; ok {
			m := &st.Months[i]
			m.Focus += r.Focus
			m.Manual += r.Manual
			m.Total += r.Total
			m.Completed += r.Completed
			if active {
				m.DaysActive++
			}
		}
	}
}

// goalProgress fills today's and this week's goal progress from stored
// rows that cover the week (sorted by date) and the live time.
func goalProgress(st *focusflow.Insights, rows []focusflow.DayStats, liveDay map[string]time.Duration) {
	st.GoalWeek = make([]focusflow.DayStats, 7)
	for i, d := range localdate.WeekOf(st.Today) {
		r := focusflow.DayStats{Date: d}
		if j, found := slices.BinarySearchFunc(rows, d, func(r focusflow.DayStats, d string) int {
			return strings.Compare(r.Date, d)
		}); found {
			r = rows[j]
		}
		r.Focus += liveDay[d]
		st.GoalWeek[i] = r
		if d == st.Today {
			st.GoalToday = r
		}
	}
}
