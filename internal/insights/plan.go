package insights

import (
	"slices"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// PlannedTask is a task with a planned start time and duration, and what
// happened to it.
type PlannedTask struct {
	ID       int64
	Date     string
	Start    string        // HH:MM, the user's local time
	Estimate time.Duration // the planned duration
	Spent    time.Duration // closed entries
	Status   string
	// FirstStart is the start of its first entry the server's clock
	// started (timer or capped); zero when none. A manual entry says how
	// long, not when work began.
	FirstStart time.Time
}

// PlanWindow is the window of plan versus reality (and of deep work and
// punctuality): the last PlanDays days, ending today.
func PlanWindow(today string) (from, to string) {
	return localdate.AddDays(today, 1-focusflow.PlanDays), today
}

// Plan compares the planned tasks of PlanWindow(today) with their entries
// and spent time. The running entry (nil when none) adds to its task's
// spent time and may be its first start. Planned starts are read in loc,
// the user's current zone.
func Plan(tasks []PlannedTask, live *Live, today string, loc *time.Location) focusflow.PlanStats {
	p, _ := foldPlan(tasks, live, today, loc)
	return p
}

// foldPlan is Plan, also returning the first starts of the tasks started
// on time, oldest first (what punctuality counts).
func foldPlan(tasks []PlannedTask, live *Live, today string, loc *time.Location) (focusflow.PlanStats, []time.Time) {
	p := focusflow.PlanStats{}
	p.From, p.To = PlanWindow(today)
	idx := map[string]int{}
	for i := range focusflow.PlanDays {
		d := localdate.AddDays(p.From, i)
		idx[d] = i
		p.Days = append(p.Days, focusflow.PlanDay{Date: d})
	}
	var onTime []time.Time
	var lateSum time.Duration
	for _, t := range tasks {
		spent, first := t.Spent, t.FirstStart
		for _, sp := range live.spans() {
			if sp.TaskID != t.ID {
				continue
			}
			spent += sp.End.Sub(sp.Start)
			if first.IsZero() || sp.Start.Before(first) {
				first = sp.Start
			}
		}
		p.Planned++
		if i, ok := idx[t.Date]; ok {
			p.Days[i].Planned++
			p.Days[i].Estimate += t.Estimate
			p.Days[i].Spent += spent
		}
		if planned, ok := PlannedStart(t.Date, t.Start, loc); ok && !first.IsZero() {
			late := first.Sub(planned)
			p.Started++
			lateSum += late
			if late >= -focusflow.OnTimeWindow && late <= focusflow.OnTimeWindow {
				p.OnTime++
				onTime = append(onTime, first)
			}
		}
		if t.Status == focusflow.StatusCompleted {
			p.Completed++
			p.Estimate += t.Estimate
			p.Spent += spent
		}
	}
	if p.Started > 0 {
		p.Lateness = (lateSum / time.Duration(p.Started)).Truncate(time.Millisecond)
	}
	slices.SortFunc(onTime, func(a, b time.Time) int { return a.Compare(b) })
	return p, onTime
}

// PlannedStart is the instant of date at HH:MM in loc. A time that does
// not exist (skipped by a daylight-saving change) moves forward with the
// clocks: 02:30 on the night they go from 02:00 to 03:00 is 03:30.
func PlannedStart(date, hhmm string, loc *time.Location) (time.Time, bool) {
	d, err := localdate.ParseDate(date)
	if err != nil {
		return time.Time{}, false
	}
	c, err := time.Parse("15:04", hhmm)
	if err != nil {
		return time.Time{}, false
	}
	t := time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, loc)
	if t.Hour() == c.Hour() && t.Minute() == c.Minute() {
		return t, true
	}
	// Skipped: time.Date may resolve it with either offset, so read the
	// wall time with the offset in force before the change (a day
	// earlier: zones never change twice within one).
	wall := time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, time.UTC)
	_, before := wall.Add(-24 * time.Hour).In(loc).Zone()
	return wall.Add(-time.Duration(before) * time.Second), true
}
