package focus

import (
	"time"

	"github.com/focusflow/focusflow"
)

// View is the timer as clients see it at now, nil when idle: the stored
// state advanced through every boundary that has passed (a forgotten
// timer reads as capped, a finished phase as the next one), with the
// versions those transitions give it.
func View(s State, now time.Time, set Settings) *focusflow.Timer {
	t, _ := Live(s, now, set)
	return t
}

// Span is a stretch of focus a read counts: the time of entries the
// stored state does not hold yet.
type Span struct {
	TaskID     int64
	Start, End time.Time
}

// Live is what a read shows at now without writing: the timer (View) and
// the spans of focus since the stored state — entries that ended at a
// boundary, and the one running up to now — with the numbers the next
// write will record.
func Live(s State, now time.Time, set Settings) (*focusflow.Timer, []Span) {
	c := Change{State: s}
	c.advance(now, set)
	var spans []Span
	for _, op := range c.Entries {
		if !op.End.IsZero() && !op.Drop {
			spans = append(spans, Span{TaskID: op.Entry.TaskID, Start: op.Entry.Start, End: op.End})
		}
	}
	if e := c.State.Entry; e != nil && now.After(e.Start) {
		spans = append(spans, Span{TaskID: e.TaskID, Start: e.Start, End: now})
	}
	return timerOf(c.State, now), spans
}

// Advance persists the boundaries that have passed by now (phase ends, the
// cap of a forgotten timer); ok is false when there are none.
func Advance(s State, now time.Time, set Settings) (c Change, ok bool) {
	c = Change{State: s}
	c.advance(now, set)
	return c, c.Save
}

// Release ends the timer's hold on a task that is completed or deleted
// outside the timer: the session ends if it was on that task.
func Release(s State, taskID int64, now time.Time) Change {
	c := Change{State: s}
	if s.Idle() || s.TaskID != taskID {
		if s.Entry != nil && s.Entry.TaskID == taskID {
			c.close(now, focusflow.SourceTimer, "")
		}
		return c
	}
	c.endSession(now, OutcomeStopped)
	c.State.Version++
	c.Save = true
	return c
}

// NextBoundary is the next instant at which the timer t changes by
// itself: the end of its phase, or the cap of its running entry, whichever
// comes first; zero when neither will.
func NextBoundary(t *focusflow.Timer, limit time.Duration) time.Time {
	if t == nil {
		return time.Time{}
	}
	next := t.PhaseEndsAt
	if !t.StartedAt.IsZero() && limit > 0 {
		if capAt := t.StartedAt.Add(limit); next.IsZero() || capAt.Before(next) {
			// Capped only once past the cap: the first millisecond after.
			next = capAt.Add(time.Millisecond)
		}
	}
	return next
}

// Cap returns when a timer started at start must end if it is still
// running at now: at start+limit when that has passed (capped), else now.
func Cap(start, now time.Time, limit time.Duration) (end time.Time, capped bool) {
	if limit > 0 && now.Sub(start) > limit {
		return start.Add(limit), true
	}
	return now, false
}

// timerOf is the timer of state s at now.
func timerOf(s State, now time.Time) *focusflow.Timer {
	if s.Idle() {
		return nil
	}
	t := &focusflow.Timer{TaskID: s.TaskID, State: s.Status, Version: s.Version, Elapsed: s.Task.Spent,
		Mode: s.Plan.Mode, Phase: s.Phase, PhaseStartedAt: s.PhaseStart, PhaseEndsAt: s.PhaseEnd,
		PhaseLeft: s.PhaseLeft, NextPhase: s.Next, Cycle: s.Cycle, Plan: s.Plan}
	if e := s.Entry; e != nil && now.After(e.Start) && e.TaskID == s.TaskID {
		t.Elapsed += now.Sub(e.Start)
	}
	if s.Entry != nil && s.Status == focusflow.TimerRunning {
		t.StartedAt = s.Entry.Start
	}
	return t
}
