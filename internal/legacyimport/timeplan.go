package legacyimport

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// The original kept a task's time as one number (time_spent) and, while a
// timer ran, its start and last sync. Here time is a set of entries that
// never overlap: this file turns the numbers into entries.

// maxDay is the most time one calendar day can hold.
const maxDay = 24 * time.Hour

// planRunning turns a timer that was running in the original into a
// stopped one: its part from start to the last sync becomes an entry of
// its own, capped like a forgotten timer is today.
func (run *userRun) planRunning(p *taskPlan, start, lastSync int64, hasSync bool) {
	im := run.im
	startT := time.UnixMilli(start).UTC()
	if !hasSync || lastSync <= start {
		run.report(p, fmt.Sprintf("the timer was running (started %s) but never synced after it started", im.local(startT)),
			"stopped at its start: no time added for the running part; status set to paused")
		return
	}
	end := time.UnixMilli(lastSync).UTC()
	if end.After(im.now) {
		end = im.now
	}
	if !end.After(startT) {
		run.report(p, fmt.Sprintf("the timer was running (started %s) in the future", im.local(startT)),
			"no time added for the running part; status set to paused")
		return
	}
	length := end.Sub(startT)
	p.runningRaw = length.Milliseconds()
	p.runSource = focusflow.SourceImported
	if length > focusflow.DefaultTimerCap {
		run.report(p, fmt.Sprintf("the timer was running from %s to its last sync %s (%s)", im.local(startT), im.local(end), exactMS(length.Milliseconds())),
			fmt.Sprintf("stopped at %s after %s, the cap for a forgotten timer; the entry's end can be corrected (source capped); status set to paused; flagged",
				im.local(startT.Add(focusflow.DefaultTimerCap)), exactDuration(focusflow.DefaultTimerCap)))
		p.anomalies = append(p.anomalies, fmt.Sprintf("A timer left running in the original on %q was stopped after %s on import.",
			focusflow.Shorten(p.title, 80), exactDuration(focusflow.DefaultTimerCap)))
		p.capped += length.Milliseconds() - focusflow.DefaultTimerCap.Milliseconds()
		length = focusflow.DefaultTimerCap
		end = startT.Add(length)
		p.runSource = focusflow.SourceCapped
	} else {
		run.report(p, fmt.Sprintf("the timer was running (started %s, last synced %s)", im.local(startT), im.local(end)),
			fmt.Sprintf("stopped at its last sync: %s recorded as an entry of its own; status set to paused", exactMS(length.Milliseconds())))
	}
	p.runStart, p.runEnd = startT, end
	p.running = length.Milliseconds()
}

// capDays keeps every calendar day at 24 hours of time at most: tasks are
// served in the original's id order, and what does not fit is cut.
func (run *userRun) capDays(plans []*taskPlan) {
	used := map[string]int64{}
	limit := maxDay.Milliseconds()
	total := map[string]int64{}
	for _, p := range plans {
		total[p.date] += p.spent + p.running
	}
	for _, p := range plans {
		room := max(0, limit-used[p.date])
		want := p.spent + p.running
		if want <= room {
			used[p.date] += want
			continue
		}
		cut := want - room
		// The running part is cut first: it is the least certain.
		runCut := min(cut, p.running)
		p.running -= runCut
		if runCut > 0 {
			p.runStart = p.runEnd.Add(-time.Duration(p.running) * time.Millisecond)
		}
		p.spent -= cut - runCut
		p.capped += cut
		used[p.date] += p.spent + p.running
		run.report(p, fmt.Sprintf("%s holds %s of time in all, more than 24 hours", p.date, exactMS(total[p.date])),
			fmt.Sprintf("this task's %s was capped to %s so that the day holds 24 h; flagged", exactMS(want), exactMS(p.spent+p.running)))
		p.anomalies = append(p.anomalies, fmt.Sprintf("The original recorded %s of time on %s; %q was cut from %s to %s on import.",
			exactMS(total[p.date]), p.date, focusflow.Shorten(p.title, 80), exactMS(want), exactMS(p.spent+p.running)))
	}
}

// placeEntries gives each task's time an interval: running parts where
// they happened, then time_spent ending at the task's last sync when that
// lies on the task's day (else at the day's end), never in the future and
// never over another entry of the user — shifted earlier when needed.
func (run *userRun) placeEntries(ctx context.Context, plans []*taskPlan) error {
	busy, err := run.l.Timeline(ctx, run.user.ID)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if p.running <= 0 {
			continue
		}
		s := place(busy, p.runEnd, p.running)
		if s.end != p.runEnd.UnixMilli() {
			run.problem(p.row, "the running timer's time overlaps another entry of the user",
				fmt.Sprintf("its entry moved earlier to end at %s", run.im.local(time.UnixMilli(s.end))))
		}
		p.entries = append(p.entries, s)
		p.sources = append(p.sources, p.runSource)
	}
	wants := run.spentEnds(plans)
	for _, w := range wants {
		s := place(busy, w.end, w.p.spent)
		dayStart := localdate.DayStart(w.p.date, run.im.loc).UnixMilli()
		if s.end != w.end.UnixMilli() && s.start < dayStart {
			run.problem(w.p.row, "the day's other entries leave no room for this task's time on its own day",
				fmt.Sprintf("its entry moved earlier, to %s–%s", run.im.local(time.UnixMilli(s.start)), run.im.local(time.UnixMilli(s.end))))
		}
		w.p.entries = append(w.p.entries, s)
		w.p.sources = append(w.p.sources, focusflow.SourceImported)
	}
	return nil
}

// spentEnd is where a task's time_spent should end.
type spentEnd struct {
	p   *taskPlan
	end time.Time
}

// spentEnds says where each task's time_spent should end, latest first
// (the latest takes its place first; the others move earlier around it).
func (run *userRun) spentEnds(plans []*taskPlan) []spentEnd {
	im := run.im
	var wants []spentEnd
	for _, p := range plans {
		if p.spent <= 0 {
			continue
		}
		dayStart, dayEnd := localdate.DayStart(p.date, im.loc), localdate.DayEnd(p.date, im.loc)
		end := dayEnd
		if last, ok := parseMS(p.src.lastSync); ok && last > 0 {
			if t := time.UnixMilli(last); !t.Before(dayStart) && t.Before(dayEnd) {
				end = t
			}
		}
		if end.After(im.now) {
			end = im.now
			run.problem(p.row, "the task's day is not over yet (or lies in the future) but has time recorded",
				"its entry ends now, when the import ran, not in the future")
		}
		wants = append(wants, spentEnd{p, end})
	}
	sort.SliceStable(wants, func(i, j int) bool {
		if !wants[i].end.Equal(wants[j].end) {
			return wants[i].end.After(wants[j].end)
		}
		return wants[i].p.src.id < wants[j].p.src.id
	})
	return wants
}

// place takes ms milliseconds of the user's free time ending at end or
// before it.
func place(busy *sqlstore.Timeline, end time.Time, ms int64) span {
	start, stop := busy.Place(end, time.Duration(ms)*time.Millisecond)
	return span{start.UnixMilli(), stop.UnixMilli()}
}
