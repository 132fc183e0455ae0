package focus

import (
	"fmt"
	"time"

	"github.com/focusflow/focusflow"
)

// Apply runs one command on the timer at now. target is the task a start
// names (locked and read by the store; nil for other actions). A stale
// version is a *focusflow.TimerConflictError carrying the current timer.
func Apply(s State, cmd focusflow.TimerCommand, target *Task, now time.Time, set Settings) (Change, error) {
	if err := cmd.Validate(); err != nil {
		return Change{}, err
	}
	// Boundaries that have passed come first: clients have been shown the
	// timer beyond them (View), with the versions they give it.
	c := Change{State: s, Save: true}
	c.advance(now, set)
	if (cmd.Action != focusflow.ActionStart || cmd.HasVersion) && cmd.Version != c.State.Version {
		return Change{}, &focusflow.TimerConflictError{
			Message: "The timer was changed elsewhere (another tab or device). Showing its current state.",
			Timer:   timerOf(c.State, now)}
	}
	logged, err := c.do(cmd, target, now, set)
	if err != nil {
		return Change{}, err
	}
	c.State.Version++
	if logged && s.Recent == AnomalyActions {
		c.Lines = append(c.Lines, Line{Kind: focusflow.ActAnomaly, At: now,
			Message: fmt.Sprintf("Unusual timer activity: more than %d timer actions in %d minutes.",
				AnomalyActions, int(AnomalyWindow/time.Minute))})
		c.Anomalies = append(c.Anomalies, focusflow.AnomalyRapidActions)
	}
	return c, nil
}

// do runs the action; it reports whether it counts as an action for the
// anomaly check (starting the running task again does not).
func (c *Change) do(cmd focusflow.TimerCommand, target *Task, now time.Time, set Settings) (bool, error) {
	switch cmd.Action {
	case focusflow.ActionStart:
		if target == nil {
			return false, focusflow.Errorf(focusflow.ENOTFOUND, "Task not found.")
		}
		return c.start(*target, cmd, now, set)
	case focusflow.ActionPause:
		return true, c.pause(now)
	case focusflow.ActionResume:
		return true, c.resume(now)
	case focusflow.ActionStop:
		return true, c.stop(now, false)
	case focusflow.ActionComplete:
		return true, c.stop(now, true)
	case focusflow.ActionSkip:
		return true, c.skip(now)
	default: // focusflow.ActionExtend
		return true, c.extend(time.Duration(cmd.Minutes)*time.Minute, now)
	}
}

var (
	errNotRunning  = focusflow.Errorf(focusflow.ECONFLICT, "The timer is not running.")
	errNotPaused   = focusflow.Errorf(focusflow.ECONFLICT, "The timer is not paused.")
	errIdle        = focusflow.Errorf(focusflow.ECONFLICT, "No timer is running.")
	errNoSkip      = focusflow.Errorf(focusflow.ECONFLICT, "There is no phase to skip: this focus has no planned end.")
	errNoExtension = focusflow.Errorf(focusflow.ECONFLICT, "This phase has no end to extend.")
)

// start runs the timer on task t. An idle timer, another mode or new
// lengths begin a new session; otherwise the session goes on with t:
// focus continues on it, a break or a wait ends in a new focus phase.
func (c *Change) start(t Task, cmd focusflow.TimerCommand, now time.Time, set Settings) (bool, error) {
	if t.Status == focusflow.StatusCompleted {
		return false, focusflow.Errorf(focusflow.ECONFLICT, "This task is completed. Reopen it to track more time.")
	}
	s := &c.State
	overrides := cmd.Mode != "" && cmd.Mode != s.Plan.Mode || cmd.FocusMinutes != 0 || cmd.ShortMinutes != 0 ||
		cmd.LongMinutes != 0 || cmd.LongBreakEvery != 0
	running := s.Phase == focusflow.PhaseFocus && s.Status == focusflow.TimerRunning && s.Entry != nil
	if running && s.Entry.TaskID == t.ID && !overrides {
		return false, nil // already running on this task: nothing to do but count the action
	}
	kind, verb := focusflow.ActTimerStarted, "Started"
	if t.Status == focusflow.StatusPaused {
		kind, verb = focusflow.ActTimerResumed, "Resumed"
	}
	if t.ID == s.Task.ID {
		t.Spent = s.Task.Spent // includes what this change closed already
	}
	if s.Idle() || overrides {
		if err := c.newSession(t, cmd, now, set); err != nil {
			return false, err
		}
	} else {
		c.switchTask(t, now)
	}
	c.Lines = append(c.Lines, Line{Kind: kind, Message: verb + " timer: " + t.Title, TaskID: t.ID, At: now})
	return true, nil
}

// newSession ends the current session, if any, and begins one on t.
func (c *Change) newSession(t Task, cmd focusflow.TimerCommand, now time.Time, set Settings) error {
	plan, err := cmd.PlanFor(set.Plan)
	if err != nil {
		return err
	}
	s := &c.State
	// A countdown lasts what is left of the task's estimate, unless a
	// length was asked for.
	if plan.Mode == focusflow.ModeCountdown && cmd.FocusMinutes == 0 {
		if left := t.Estimate - t.Spent; left >= focusflow.MinPhase {
			plan.Focus = min(left, focusflow.MaxPhase).Truncate(time.Second)
		}
	}
	plan = set.scale(plan)
	if !s.Idle() {
		c.endSession(now, OutcomeStopped)
	}
	if s.TaskID != 0 && s.TaskID != t.ID {
		c.Statuses = append(c.Statuses, StatusChange{TaskID: s.TaskID, Status: focusflow.StatusPaused})
	}
	s.Plan, s.Mode, s.Cycle, s.FlowFocus = plan, plan.Mode, 0, 0
	t.Status = focusflow.StatusInProgress
	s.Task = t
	c.beginFocus(now)
	return nil
}

// switchTask goes on with the session on task t.
func (c *Change) switchTask(t Task, now time.Time) {
	s := &c.State
	if s.TaskID != t.ID && s.Entry == nil {
		// (a running entry's task is paused as the entry closes)
		c.Statuses = append(c.Statuses, StatusChange{TaskID: s.TaskID, Status: focusflow.StatusPaused})
	}
	switch {
	case s.Phase == focusflow.PhaseFocus && s.Entry != nil:
		c.close(now, focusflow.SourceTimer, focusflow.StatusPaused)
		s.Task = t
		c.open(now)
	case s.Phase == focusflow.PhaseFocus: // paused: resume on t
		s.Task = t
		c.resumeFocus(now)
	default: // a break or a wait: a new focus phase on t
		if focusflow.IsBreak(s.Phase) {
			c.endPhase(now, OutcomeSkipped)
		}
		s.Task = t
		c.beginFocus(now)
	}
	s.Task.Status = focusflow.StatusInProgress
}

func (c *Change) resumeFocus(now time.Time) {
	s := &c.State
	if s.PhaseLen > 0 {
		s.PhaseEnd, s.PhaseLeft = now.Add(s.PhaseLeft), 0
	}
	c.open(now)
}

func (c *Change) pause(now time.Time) error {
	s := &c.State
	title := s.Task.Title
	switch {
	case s.Phase == focusflow.PhaseFocus && s.Status == focusflow.TimerRunning && s.Entry != nil:
		if s.Plan.Mode == focusflow.ModeFlowtime {
			// Flowtime: a pause ends the stretch of focus and offers a
			// break in proportion to it.
			c.focusDone(now, OutcomeEnded)
		} else {
			c.close(now, focusflow.SourceTimer, focusflow.StatusPaused)
			if !s.PhaseEnd.IsZero() {
				s.PhaseLeft, s.PhaseEnd = s.PhaseEnd.Sub(now), time.Time{}
			}
			s.Status = focusflow.TimerPaused
		}
	case focusflow.IsBreak(s.Phase) && s.Status == focusflow.TimerRunning:
		s.PhaseLeft, s.PhaseEnd, s.Status = s.PhaseEnd.Sub(now), time.Time{}, focusflow.TimerPaused
		title = "break"
	default:
		return errNotRunning
	}
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActTimerPaused, Message: "Paused timer: " + title, TaskID: s.TaskID, At: now})
	return nil
}

func (c *Change) resume(now time.Time) error {
	s := &c.State
	title := s.Task.Title
	switch {
	case s.Phase == focusflow.PhaseFocus && s.Status == focusflow.TimerPaused && s.TaskID != 0:
		c.resumeFocus(now)
	case focusflow.IsBreak(s.Phase) && s.Status == focusflow.TimerPaused:
		s.PhaseEnd, s.PhaseLeft, s.Status = now.Add(s.PhaseLeft), 0, focusflow.TimerRunning
		title = "break"
	case s.Phase == focusflow.PhaseWaiting && s.Next == focusflow.PhaseFocus:
		c.beginFocus(now)
	case s.Phase == focusflow.PhaseWaiting && focusflow.IsBreak(s.Next):
		c.beginBreak(s.Next, now)
		title = "break"
	default:
		return errNotPaused
	}
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActTimerResumed, Message: "Resumed timer: " + title, TaskID: s.TaskID, At: now})
	return nil
}

// stop ends the session; complete also marks the task done. Otherwise the
// task keeps its time and is paused (pending when it has none).
func (c *Change) stop(now time.Time, complete bool) error {
	s := &c.State
	if s.Idle() {
		return errIdle
	}
	taskID, title := s.TaskID, s.Task.Title
	task := c.endSession(now, OutcomeStopped)
	if complete && task.Status != focusflow.StatusCompleted {
		task.Status = focusflow.StatusCompleted
		c.Complete = &task
		c.Lines = append(c.Lines, Line{Kind: focusflow.ActTaskCompleted, Message: "Completed task: " + title, TaskID: taskID, At: now})
	} else if !complete {
		status := focusflow.StatusPaused
		if task.Spent == 0 {
			status = focusflow.StatusPending
		}
		c.Statuses = append(c.Statuses, StatusChange{TaskID: taskID, Status: status})
	}
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActTimerStopped, Message: "Stopped timer: " + title, TaskID: taskID, At: now})
	return nil
}

// endSession ends the current phase and the session: the timer is idle
// afterwards. It returns the task the timer was on, with its time.
func (c *Change) endSession(now time.Time, outcome string) Task {
	s := &c.State
	c.endPhase(now, outcome)
	if s.Entry != nil {
		c.close(now, focusflow.SourceTimer, "")
	}
	task := s.Task
	version, recent := s.Version, s.Recent
	*s = State{Version: version, Recent: recent}
	return task
}

func (c *Change) skip(now time.Time) error {
	s := &c.State
	switch {
	case s.Phase == focusflow.PhaseFocus && s.PhaseLen > 0:
		c.focusDone(now, OutcomeSkipped)
	case focusflow.IsBreak(s.Phase):
		if s.Phase == focusflow.PhaseLongBreak {
			s.Cycle = 0
		}
		c.endPhase(now, OutcomeSkipped)
		s.FlowFocus = 0
		c.beginFocus(now) // skipping a break means: back to work
	case s.Phase == focusflow.PhaseWaiting && focusflow.IsBreak(s.Next):
		if s.Next == focusflow.PhaseLongBreak {
			s.Cycle = 0
		}
		s.FlowFocus = 0
		c.beginFocus(now)
	default:
		return errNoSkip
	}
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActPhaseSkipped, Message: "Skipped to: " + phaseName(s.Phase),
		TaskID: s.TaskID, At: now})
	return nil
}

func (c *Change) extend(d time.Duration, now time.Time) error {
	s := &c.State
	switch {
	case s.Status == focusflow.TimerRunning && !s.PhaseEnd.IsZero():
		s.PhaseEnd = s.PhaseEnd.Add(d)
	case s.Status == focusflow.TimerPaused && s.PhaseLen > 0 && s.Phase != focusflow.PhaseWaiting:
		s.PhaseLeft += d
	default:
		return errNoExtension
	}
	s.PhaseLen += d
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActPhaseExtended, TaskID: s.TaskID, At: now,
		Message: fmt.Sprintf("Extended the %s by %s", phaseName(s.Phase), formatMinutes(d))})
	return nil
}

// phaseName is a phase as the activity log words it.
func phaseName(phase string) string {
	switch phase {
	case focusflow.PhaseShortBreak:
		return "short break"
	case focusflow.PhaseLongBreak:
		return "long break"
	case focusflow.PhaseWaiting:
		return "a pause"
	}
	return "focus"
}
