package legacyimport

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// The original kept a task's time as one number (time_spent) and, while a
// timer ran, its start and last sync. Here time is a set of entries that
// never overlap, and a running timer is a session: this file turns the
// numbers into entries and the running timer into the user's session.

// maxDay is the most time one calendar day can hold.
const maxDay = 24 * time.Hour

// planRunning notes a timer running in the original since start: it goes
// on here as the user's session from that instant (chooseSession decides
// whether it can), where it stands now — or at its cap, when it is older.
func (run *userRun) planRunning(p *taskPlan, start, lastSync time.Time, hasSync bool) {
	im := run.im
	if start.After(im.now) {
		p.status = focusflow.StatusPaused
		run.report(p, fmt.Sprintf("the timer was running, started %s: in the future", run.local(start)),
			"no time added for the running part; status set to paused")
		return
	}
	p.session, p.sessionEnd = start, im.now
	if limit := run.user.TimerCap; limit > 0 && im.now.Sub(start) > limit {
		p.sessionEnd = start.Add(limit)
	}
	p.runEnd = start
	if hasSync && lastSync.After(start) {
		p.runEnd = lastSync
	}
}

// chooseSession decides which running timer of the original goes on as the
// user's session: one at most (the latest started), and only while the
// user's timer here is free and nothing else was recorded in its time. The
// others are stopped at their last sync instead (planStopped).
func (run *userRun) chooseSession(ctx context.Context, plans []*taskPlan) error {
	var running []*taskPlan
	for _, p := range plans {
		if p.placesTime() && !p.session.IsZero() {
			running = append(running, p)
		}
	}
	if len(running) == 0 {
		return nil
	}
	sort.SliceStable(running, func(i, j int) bool { return running[i].session.After(running[j].session) })
	busy, err := run.l.TimerBusy(ctx, run.user.ID)
	if err != nil {
		return err
	}
	tl, err := run.l.Timeline(ctx, run.user.ID)
	if err != nil {
		return err
	}
	for i, p := range running {
		gaps := tl.Gaps(p.session, p.sessionEnd)
		free := len(gaps) == 1 && gaps[0][0].Equal(p.session) && gaps[0][1].Equal(p.sessionEnd)
		switch {
		case i > 0:
			run.planStopped(p, "another timer of the user was running in the original too, started later")
		case busy:
			run.planStopped(p, "the user's timer in FocusFlow is in use")
		case !free:
			run.planStopped(p, "entries recorded in FocusFlow take part of its time")
		}
	}
	return nil
}

// planStopped turns a running timer that cannot go on here into a stopped
// one: its part from its start to its last sync becomes an entry of its
// own, capped like a forgotten timer is.
func (run *userRun) planStopped(p *taskPlan, why string) {
	start, end := p.session, p.runEnd
	p.session, p.sessionEnd, p.status = time.Time{}, time.Time{}, focusflow.StatusPaused
	if end.After(run.im.now) {
		end = run.im.now
	}
	if !end.After(start) {
		run.report(p, fmt.Sprintf("the timer was running (started %s) but cannot go on here: %s", run.local(start), why),
			"stopped at its start, as it never synced after it: no time added for the running part; status set to paused")
		return
	}
	length := end.Sub(start)
	p.runningRaw, p.runSource = length.Milliseconds(), focusflow.SourceImported
	action := fmt.Sprintf("stopped at its last sync %s: %s recorded as an entry of its own; status set to paused",
		run.local(end), exactMS(length.Milliseconds()))
	if limit := run.user.TimerCap; limit > 0 && length > limit {
		p.capped += length.Milliseconds() - limit.Milliseconds()
		length, end, p.runSource = limit, start.Add(limit), focusflow.SourceCapped
		action = fmt.Sprintf("stopped at %s after %s, the cap for a forgotten timer (source capped: its end can be corrected); status set to paused; flagged",
			run.local(end), exactDuration(limit))
		p.anomalies = append(p.anomalies, fmt.Sprintf("A timer left running in the original on %q was stopped after %s on import.",
			focusflow.Shorten(p.title, 80), exactDuration(limit)))
	}
	run.report(p, fmt.Sprintf("the timer was running (started %s, last synced %s) but cannot go on here: %s",
		run.local(start), run.local(p.runEnd), why), action)
	p.runStart, p.runEnd, p.running = start, end, length.Milliseconds()
}

// startSession starts the user's timer on the task where the original's
// began; the timer's rules cap it when it is older than the cap.
func (run *userRun) startSession(ctx context.Context, p *taskPlan, task *focusflow.Task) error {
	if p.session.IsZero() {
		return nil
	}
	capped, err := run.l.StartTimer(ctx, run.user, task.ID, p.session)
	if err != nil {
		return err
	}
	t := &run.rep.Time
	raw := run.im.now.Sub(p.session).Milliseconds()
	problem := fmt.Sprintf("the timer was running in the original since %s (%s when imported)", run.local(p.session), exactMS(raw))
	if capped == nil {
		t.LiveMS.Add(raw)
		run.rep.Running = append(run.rep.Running, Problem{Row: p.row, Problem: problem, Action: fmt.Sprintf(
			"goes on as the user's running timer (a stopwatch session in focus) from that instant; if nobody stops it, the cap stops it at %s",
			run.local(p.session.Add(run.user.TimerCap)))})
		return nil
	}
	length := capped.EndedAt.Sub(p.session).Milliseconds()
	t.RunningMS.Add(raw)
	t.CappedMS.Add(raw - length)
	t.ImportedMS.Add(length)
	run.rep.Counts.Entries++
	run.rep.Running = append(run.rep.Running, Problem{Row: p.row, Problem: problem, Action: fmt.Sprintf(
		"older than the cap for a forgotten timer (%s): imported as the user's session stopped at the cap, %s, as any forgotten timer is (source capped: its end can be corrected); status paused",
		exactDuration(run.user.TimerCap), run.local(capped.EndedAt))})
	return nil
}

// capDays keeps every calendar day at 24 hours of time at most: tasks are
// served in the original's id order, and what does not fit is cut. A
// session going on here is real time and is not cut.
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

// placeEntries gives each task's time an interval, never over another
// entry of the user: sessions where they run, stopped running parts where
// they happened, then time_spent ending at the task's last sync when that
// lies on the task's day (else at the day's end), latest first — shifted
// earlier, or spread over the day's free time, when taken.
func (run *userRun) placeEntries(ctx context.Context, plans []*taskPlan) error {
	busy, err := run.l.Timeline(ctx, run.user.ID)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if p.placesTime() && !p.session.IsZero() {
			busy.Take(p.session, p.sessionEnd)
		}
	}
	for _, p := range plans {
		if !p.placesTime() || p.running <= 0 {
			continue
		}
		start, end := busy.Place(p.runEnd, time.Duration(p.running)*time.Millisecond)
		if !end.Equal(p.runEnd) {
			run.moved(p, "the stopped timer's part should end at its last sync "+run.local(p.runEnd), []span{{start.UnixMilli(), end.UnixMilli()}}, 0)
		}
		p.entries = append(p.entries, span{start.UnixMilli(), end.UnixMilli()})
		p.sources = append(p.sources, p.runSource)
	}
	for _, w := range run.spentEnds(plans) {
		pieces, early := run.placeInDay(busy, w)
		if len(pieces) != 1 || pieces[0].end != w.end.UnixMilli() {
			run.moved(w.p, fmt.Sprintf("its time_spent (%s) should end at %s", exactMS(w.p.spent), w.why), pieces, early)
		}
		for _, s := range pieces {
			w.p.entries = append(w.p.entries, s)
			w.p.sources = append(w.p.sources, focusflow.SourceImported)
		}
	}
	return nil
}

// placeInDay takes the task's time_spent: one stretch ending at its end or
// before it, on its day; else the day's free time, latest first; what does
// not fit before the day's start (early ms, reported as crossing it).
func (run *userRun) placeInDay(busy *sqlstore.Timeline, w spentEnd) (pieces []span, early int64) {
	loc := run.loc()
	dayStart, limit := localdate.DayStart(w.p.date, loc), localdate.DayEnd(w.p.date, loc)
	if limit.After(run.im.now) {
		limit = run.im.now
	}
	d := time.Duration(w.p.spent) * time.Millisecond
	if start, stop := busy.Free(w.end, d); !start.Before(dayStart) || !limit.After(dayStart) {
		// (A day not begun yet has no time of its own: its entry ends now.)
		busy.Take(start, stop)
		return []span{{start.UnixMilli(), stop.UnixMilli()}}, 0
	}
	rest := d
	gaps := busy.Gaps(dayStart, limit)
	for i := len(gaps) - 1; i >= 0 && rest > 0; i-- {
		take := min(rest, gaps[i][1].Sub(gaps[i][0]))
		busy.Take(gaps[i][1].Add(-take), gaps[i][1])
		pieces = append(pieces, span{gaps[i][1].Add(-take).UnixMilli(), gaps[i][1].UnixMilli()})
		rest -= take
	}
	if rest > 0 {
		start, stop := busy.Place(dayStart, rest)
		pieces = append(pieces, span{start.UnixMilli(), stop.UnixMilli()})
	}
	return pieces, rest.Milliseconds()
}

// moved lists an entry that could not go where it belongs.
func (run *userRun) moved(p *taskPlan, want string, pieces []span, early int64) {
	var at []string
	for _, s := range pieces {
		at = append(at, run.local(time.UnixMilli(s.start))+"–"+run.local(time.UnixMilli(s.end)))
	}
	action := "placed at " + strings.Join(at, ", ") + ": other entries of the user took that time"
	if early > 0 {
		action += fmt.Sprintf("; %s of it lies before the start of %s, so FocusFlow's per-day focus counts it on the day before",
			exactMS(early), p.date)
	}
	run.rep.Moved = append(run.rep.Moved, Problem{Row: p.row, Problem: want, Action: action})
}

// spentEnd is where a task's time_spent should end, and why there.
type spentEnd struct {
	p   *taskPlan
	end time.Time
	why string
}

// spentEnds says where each task's time_spent should end, latest first
// (the latest takes its place first; the others move earlier around it):
// at the start of its running timer, else at its last sync when that lies
// on its day, else at the day's end; never in the future.
func (run *userRun) spentEnds(plans []*taskPlan) []spentEnd {
	im, loc := run.im, run.loc()
	var wants []spentEnd
	for _, p := range plans {
		if !p.placesTime() || p.spent <= 0 {
			continue
		}
		dayStart, dayEnd := localdate.DayStart(p.date, loc), localdate.DayEnd(p.date, loc)
		w := spentEnd{p: p, end: dayEnd, why: "the end of its day"}
		last, ok := im.instant(p.src.lastSync, im.srcLoc)
		switch {
		case !p.session.IsZero():
			w.end, w.why = p.session, "the start of its running timer"
		case p.running > 0:
			w.end, w.why = p.runStart, "the start of its stopped timer's part"
		case ok && !last.Before(dayStart) && last.Before(dayEnd):
			w.end, w.why = last, "its last sync"
		}
		w.why += " " + run.local(w.end)
		if w.end.After(im.now) {
			w.end = im.now
			run.report(p, "the task's day is not over yet (or lies in the future) but has time recorded",
				"its entry ends now, when the import ran, not in the future")
		}
		wants = append(wants, w)
	}
	sort.SliceStable(wants, func(i, j int) bool {
		if !wants[i].end.Equal(wants[j].end) {
			return wants[i].end.After(wants[j].end)
		}
		return wants[i].p.src.id < wants[j].p.src.id
	})
	return wants
}
