package focus

import (
	"fmt"
	"time"

	"github.com/focusflow/focusflow"
)

// maxBoundaries bounds one advance. A cycle never runs on past a long
// break by itself, so a real state passes at most a few boundaries; the
// bound only guards against a corrupt one.
const maxBoundaries = 64

// advance passes every boundary up to now — phase ends and the cap of a
// forgotten focus, each at its own instant, the earliest first.
func (c *Change) advance(now time.Time, set Settings) {
	for range maxBoundaries {
		s := &c.State
		var capAt time.Time
		if s.Entry != nil && set.Cap > 0 {
			capAt = s.Entry.Start.Add(set.Cap)
		}
		end := s.PhaseEnd
		switch {
		case !capAt.IsZero() && capAt.Before(now) && (end.IsZero() || capAt.Before(end)):
			c.capAt(capAt, set)
		case !end.IsZero() && !end.After(now):
			c.phaseEnded(end)
			c.Boundaries++
		default:
			return
		}
		c.Save = true
	}
}

// capAt ends a forgotten focus at its cap: the timer stays on its task,
// waiting for the user.
func (c *Change) capAt(at time.Time, set Settings) {
	s := &c.State
	taskID := s.Entry.TaskID
	c.endPhase(at, OutcomeCapped)
	c.close(at, focusflow.SourceCapped, focusflow.StatusPaused)
	s.Version++
	s.TaskID, s.Status = taskID, focusflow.TimerPaused
	if s.Phase != "" {
		c.wait(focusflow.PhaseFocus, at)
	}
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActTimerCapped, TaskID: taskID, At: at,
		Message: fmt.Sprintf("Timer stopped automatically after %s on: %s. Correct its end if you stopped earlier.",
			formatHours(set.Cap), s.Task.Title)})
	c.Capped = &focusflow.CappedTimer{TaskID: taskID, EndedAt: at}
}

// phaseEnded moves on from the current phase, which ran to its end at t.
func (c *Change) phaseEnded(t time.Time) {
	s := &c.State
	s.Version++
	switch s.Phase {
	case focusflow.PhaseFocus:
		c.focusDone(t, OutcomeCompleted)
	case focusflow.PhaseShortBreak, focusflow.PhaseLongBreak:
		c.breakDone(t, OutcomeCompleted)
	default: // a corrupt state: stop looking for ends
		s.PhaseEnd = time.Time{}
	}
}

// focusDone ends the focus phase at t and starts (or offers) what follows.
func (c *Change) focusDone(t time.Time, outcome string) {
	s := &c.State
	focused := c.endPhase(t, outcome)
	if s.Entry != nil {
		c.close(t, focusflow.SourceTimer, focusflow.StatusPaused)
	}
	s.Cycle++
	if outcome == OutcomeCompleted {
		c.Lines = append(c.Lines, Line{Kind: focusflow.ActFocusDone, TaskID: s.TaskID, At: t,
			Message: fmt.Sprintf("Focused %s on: %s", formatMinutes(focused), s.Task.Title)})
	}
	var next string
	switch s.Plan.Mode {
	case focusflow.ModePomodoro:
		next = focusflow.PhaseShortBreak
		if s.Cycle%s.Plan.LongBreakEvery == 0 {
			next = focusflow.PhaseLongBreak
		}
	case focusflow.ModeFlowtime:
		s.FlowFocus += focused
		next = focusflow.PhaseShortBreak
	default: // countdown: one focus phase, then another when asked
		c.wait(focusflow.PhaseFocus, t)
		return
	}
	if s.Plan.AutoBreaks {
		c.beginBreak(next, t)
	} else {
		c.wait(next, t)
	}
}

// breakDone ends the break at t and starts (or offers) the next focus. A
// cycle never continues past a long break by itself.
func (c *Change) breakDone(t time.Time, outcome string) {
	s := &c.State
	long := s.Phase == focusflow.PhaseLongBreak
	c.endPhase(t, outcome)
	s.FlowFocus = 0
	if long {
		s.Cycle = 0
	}
	if s.Plan.AutoFocus && !long {
		c.beginFocus(t)
	} else {
		c.wait(focusflow.PhaseFocus, t)
	}
}

// endPhase records the current phase as ended at t and returns how long
// it ran (for focus: as counted by its entries, paused time excluded).
func (c *Change) endPhase(t time.Time, outcome string) time.Duration {
	s := &c.State
	if s.Phase == "" || s.Phase == focusflow.PhaseWaiting {
		return 0
	}
	var ran time.Duration
	switch {
	case s.PhaseLen > 0 && s.Status == focusflow.TimerRunning && !s.PhaseEnd.IsZero():
		ran = s.PhaseLen - s.PhaseEnd.Sub(t)
	case s.PhaseLen > 0:
		ran = s.PhaseLen - s.PhaseLeft
	case s.Entry != nil:
		ran = t.Sub(s.Entry.Start)
	}
	c.Phases = append(c.Phases, PhaseRecord{Kind: s.Phase, TaskID: s.TaskID, Start: s.PhaseStart, End: t,
		Planned: s.PhaseLen, Outcome: outcome})
	return max(ran, 0)
}

// beginFocus starts a focus phase at t on the timer's task.
func (c *Change) beginFocus(t time.Time) {
	s := &c.State
	s.Phase, s.Next, s.PhaseStart, s.PhaseLeft = focusflow.PhaseFocus, "", t, 0
	s.PhaseLen, s.PhaseEnd = 0, time.Time{}
	if s.Plan.Mode == focusflow.ModePomodoro || s.Plan.Mode == focusflow.ModeCountdown {
		s.PhaseLen = s.Plan.Focus
	}
	if s.PhaseLen > 0 {
		s.PhaseEnd = t.Add(s.PhaseLen)
	}
	c.open(t)
}

// beginBreak starts a break of kind at t.
func (c *Change) beginBreak(kind string, t time.Time) {
	s := &c.State
	length := s.Plan.ShortBreak
	switch {
	case kind == focusflow.PhaseLongBreak:
		length = s.Plan.LongBreak
	case s.Plan.Mode == focusflow.ModeFlowtime:
		length = max(s.FlowFocus/time.Duration(s.Plan.FlowRatio), focusflow.MinPhase).Truncate(time.Second)
	}
	s.Phase, s.Next, s.Status = kind, "", focusflow.TimerRunning
	s.PhaseStart, s.PhaseLen, s.PhaseEnd, s.PhaseLeft = t, length, t.Add(length), 0
}

// wait leaves the session waiting at t for the user to start next.
func (c *Change) wait(next string, t time.Time) {
	s := &c.State
	s.Phase, s.Next, s.Status = focusflow.PhaseWaiting, next, focusflow.TimerPaused
	s.PhaseStart, s.PhaseLen, s.PhaseEnd, s.PhaseLeft = t, 0, time.Time{}, 0
}

// open starts a running entry on the state's task and puts it in progress.
func (c *Change) open(t time.Time) {
	s := &c.State
	s.TaskID, s.Status = s.Task.ID, focusflow.TimerRunning
	s.Entry = &Entry{TaskID: s.Task.ID, Start: t}
	c.Entries = append(c.Entries, EntryOp{Open: true, Entry: *s.Entry, Status: focusflow.StatusInProgress})
}

// close ends the running entry at end and adds its time to the timer's
// task when it is that task's. An entry opened within this change is
// written whole instead; one that would end as it began is dropped.
func (c *Change) close(end time.Time, source, status string) {
	s := &c.State
	e := s.Entry
	if end.Before(e.Start) {
		end = e.Start
	}
	op := EntryOp{Entry: *e, End: end, Source: source, Status: status, Drop: end.Equal(e.Start)}
	if n := len(c.Entries); n > 0 && c.Entries[n-1].Open && c.Entries[n-1].End.IsZero() && c.Entries[n-1].Entry == *e {
		// Opened within this change: written whole, or not at all.
		op.Open = !op.Drop
		c.Entries[n-1] = op
	} else {
		c.Entries = append(c.Entries, op)
	}
	if e.TaskID == s.Task.ID {
		s.Task.Spent += end.Sub(e.Start)
	}
	s.Entry = nil
}

func formatHours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return d.Round(time.Second).String()
}

func formatMinutes(d time.Duration) string {
	if m := int(d.Round(time.Minute) / time.Minute); m > 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
}
