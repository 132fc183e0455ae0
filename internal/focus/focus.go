// Package focus holds the focus timer's rules as plain functions: given
// the timer's state, an action, the time and the user's settings, it says
// what the new state is and what must be written (the time entry to close
// or open, task statuses, activity lines, anomalies). It reads no clock and
// touches no database: the store locks and reads the state, asks Apply,
// and writes what it decided.
//
// There is no goroutine per timer: a running timer is a start instant in
// the database, and its elapsed time is computed from the server clock
// whenever it is read (View).
package focus

import (
	"fmt"
	"time"

	"github.com/focusflow/focusflow"
)

// Anomaly thresholds: more timer actions than this within the window are
// flagged (not blocked) as a possible manipulation.
const (
	AnomalyActions = 30
	AnomalyWindow  = 5 * time.Minute
)

// Task is what the timer needs to know about a task.
type Task struct {
	ID     int64
	Title  string
	Status string
	Date   string
	Spent  time.Duration // closed entries only: the stored total
}

// Entry is the running time entry.
type Entry struct {
	TaskID int64
	Start  time.Time
}

// State is a user's timer as stored, with its running entry and its task.
type State struct {
	TaskID  int64  // 0: idle
	Status  string // "", focusflow.TimerRunning or focusflow.TimerPaused
	Version int64
	Entry   *Entry // nil when no entry runs
	Task    Task   // the timer's task (TaskID), when there is one
	// Recent counts the timer actions logged within AnomalyWindow, up to
	// just past AnomalyActions.
	Recent int
}

// Idle reports whether the timer is on no task.
func (s State) Idle() bool { return s.Status == "" || s.TaskID == 0 }

// Settings are the user's settings the rules depend on.
type Settings struct {
	Cap time.Duration // a running entry longer than this is forgotten
}

// Close ends the running entry at End. Status, unless empty, becomes the
// status of its task (a completed task keeps its status).
type Close struct {
	Entry  Entry
	End    time.Time
	Source string // focusflow.SourceTimer or focusflow.SourceCapped
	Status string
}

// Line is an activity line to append.
type Line struct {
	Kind    string
	Message string
	TaskID  int64
}

// StatusChange sets the status of a task that is not completed.
type StatusChange struct {
	TaskID int64
	Status string
}

// Change is what an action decided. The store writes, in this order: the
// closes, the status changes, the completion, the opened entry, the new
// timer row, the activity lines.
type Change struct {
	State    State          // the timer afterwards
	Closes   []Close        // at most two: a capped entry, then the action's own
	Statuses []StatusChange // tasks left paused or put in progress
	Open     *Entry         // the entry the action starts
	Complete *Task          // the task the action completes
	Lines    []Line
	// Anomalies are kinds such as focusflow.AnomalyRapidActions.
	Anomalies []string
	Capped    *focusflow.CappedTimer
	// Save is false when nothing about the timer row changed.
	Save bool
}

// Apply runs one command on the timer at now. target is the task a start
// names (locked and read by the store; nil for other actions). A stale
// version is a *focusflow.TimerConflictError carrying the current timer.
func Apply(s State, cmd focusflow.TimerCommand, target *Task, now time.Time, set Settings) (Change, error) {
	if err := cmd.Validate(); err != nil {
		return Change{}, err
	}
	// A forgotten timer is capped first: clients have been shown it capped
	// (View), with the version the cap gives it.
	c := Change{State: s, Save: true}
	c.capIfForgotten(now, set)
	if cmd.Action != focusflow.ActionStart && cmd.Version != c.State.Version {
		return Change{}, &focusflow.TimerConflictError{
			Message: "The timer was changed elsewhere (another tab or device). Showing its current state.",
			Timer:   View(s, now, set)}
	}
	var err error
	logged := true
	switch cmd.Action {
	case focusflow.ActionStart:
		if target == nil {
			return Change{}, focusflow.Errorf(focusflow.ENOTFOUND, "Task not found.")
		}
		logged, err = c.start(*target, now)
	case focusflow.ActionPause:
		err = c.pause(now)
	case focusflow.ActionResume:
		err = c.resume(now)
	case focusflow.ActionStop:
		err = c.stop(now)
	}
	if err != nil {
		return Change{}, err
	}
	c.State.Version++
	if logged && s.Recent == AnomalyActions {
		c.Lines = append(c.Lines, Line{Kind: focusflow.ActAnomaly,
			Message: fmt.Sprintf("Unusual timer activity: more than %d timer actions in %d minutes.",
				AnomalyActions, int(AnomalyWindow/time.Minute))})
		c.Anomalies = append(c.Anomalies, focusflow.AnomalyRapidActions)
	}
	return c, nil
}

// CapForgotten ends a forgotten running entry at the cap; the timer stays
// on its task, paused. ok is false when there is nothing to cap.
func CapForgotten(s State, now time.Time, set Settings) (c Change, ok bool) {
	c = Change{State: s}
	c.capIfForgotten(now, set)
	return c, c.Capped != nil
}

// Release ends the timer's hold on a task that is completed or deleted
// outside the timer: its running entry closes now and the timer becomes
// idle if it was on that task.
func Release(s State, taskID int64, now time.Time) Change {
	c := Change{State: s}
	if s.Entry != nil && s.Entry.TaskID == taskID {
		c.close(now, focusflow.SourceTimer, "")
	}
	if s.TaskID == taskID {
		c.State.TaskID, c.State.Status = 0, ""
		c.State.Version++
		c.Save = true
	}
	return c
}

// Cap returns when a timer started at start must end if it is still
// running at now: at start+limit when that has passed (capped), else now.
func Cap(start, now time.Time, limit time.Duration) (end time.Time, capped bool) {
	if limit > 0 && now.Sub(start) > limit {
		return start.Add(limit), true
	}
	return now, false
}

// LiveEnd is where the running entry's time counts up to at now: now, or
// the cap of a forgotten timer (which reads as capped before the sweep or
// the next write records it, with the same numbers).
func LiveEnd(e *Entry, now time.Time, set Settings) (end time.Time, capped bool) {
	if e == nil {
		return now, false
	}
	end, capped = Cap(e.Start, now, set.Cap)
	if end.Before(e.Start) {
		end = e.Start
	}
	return end, capped
}

// View is the timer as clients see it at now, nil when idle. A forgotten
// timer reads as paused at its cap.
func View(s State, now time.Time, set Settings) *focusflow.Timer {
	if s.Idle() {
		return nil
	}
	t := &focusflow.Timer{TaskID: s.TaskID, State: s.Status, Version: s.Version, Elapsed: s.Task.Spent}
	if s.Entry == nil {
		return t
	}
	end, capped := LiveEnd(s.Entry, now, set)
	if s.Entry.TaskID == s.TaskID {
		t.Elapsed += end.Sub(s.Entry.Start)
	}
	if capped {
		t.State, t.Version = focusflow.TimerPaused, s.Version+1
	} else if s.Status == focusflow.TimerRunning {
		t.StartedAt = s.Entry.Start
	}
	return t
}

func (c *Change) capIfForgotten(now time.Time, set Settings) {
	e := c.State.Entry
	if e == nil {
		return
	}
	end, capped := LiveEnd(e, now, set)
	if !capped {
		return
	}
	c.close(end, focusflow.SourceCapped, focusflow.StatusPaused)
	c.State.Version++
	c.State.TaskID, c.State.Status = e.TaskID, focusflow.TimerPaused
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActTimerCapped, TaskID: e.TaskID,
		Message: fmt.Sprintf("Timer stopped automatically after %s on: %s. Correct its end if you stopped earlier.",
			formatHours(set.Cap), c.State.Task.Title)})
	c.Capped = &focusflow.CappedTimer{TaskID: e.TaskID, EndedAt: end}
	c.Save = true
}

// close ends the running entry at end and adds its time to the timer's
// task when it is that task's.
func (c *Change) close(end time.Time, source, status string) {
	e := c.State.Entry
	if end.Before(e.Start) {
		end = e.Start
	}
	c.Closes = append(c.Closes, Close{Entry: *e, End: end, Source: source, Status: status})
	if e.TaskID == c.State.Task.ID {
		c.State.Task.Spent += end.Sub(e.Start)
	}
	c.State.Entry = nil
}

// start runs the timer on task t, pausing whatever it was on. It reports
// whether it logged an action (starting the running task again does not).
func (c *Change) start(t Task, now time.Time) (bool, error) {
	if t.Status == focusflow.StatusCompleted {
		return false, focusflow.Errorf(focusflow.ECONFLICT, "This task is completed. Reopen it to track more time.")
	}
	s := &c.State
	if s.Entry != nil && s.Entry.TaskID == t.ID {
		return false, nil // already running on this task: nothing to do but count the action
	}
	if s.Entry != nil {
		c.close(now, focusflow.SourceTimer, focusflow.StatusPaused)
	} else if s.TaskID != 0 && s.TaskID != t.ID {
		c.Statuses = append(c.Statuses, StatusChange{TaskID: s.TaskID, Status: focusflow.StatusPaused})
	}
	kind, verb := focusflow.ActTimerStarted, "Started"
	if t.Status == focusflow.StatusPaused {
		kind, verb = focusflow.ActTimerResumed, "Resumed"
	}
	if t.ID == s.Task.ID {
		t.Spent = s.Task.Spent // includes an entry capped just now
	}
	t.Status = focusflow.StatusInProgress
	s.Task = t
	c.open(now)
	c.Lines = append(c.Lines, Line{Kind: kind, Message: verb + " timer: " + t.Title, TaskID: t.ID})
	return true, nil
}

// open starts a running entry on the state's task and puts it in progress.
func (c *Change) open(now time.Time) {
	s := &c.State
	s.TaskID, s.Status = s.Task.ID, focusflow.TimerRunning
	s.Entry = &Entry{TaskID: s.Task.ID, Start: now}
	c.Open = s.Entry
	c.Statuses = append(c.Statuses, StatusChange{TaskID: s.Task.ID, Status: focusflow.StatusInProgress})
}

func (c *Change) pause(now time.Time) error {
	s := &c.State
	if s.Status != focusflow.TimerRunning || s.Entry == nil {
		return focusflow.Errorf(focusflow.ECONFLICT, "The timer is not running.")
	}
	taskID := s.Entry.TaskID
	c.close(now, focusflow.SourceTimer, focusflow.StatusPaused)
	s.Status = focusflow.TimerPaused
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActTimerPaused, Message: "Paused timer: " + s.Task.Title, TaskID: taskID})
	return nil
}

func (c *Change) resume(now time.Time) error {
	s := &c.State
	if s.Status != focusflow.TimerPaused || s.TaskID == 0 {
		return focusflow.Errorf(focusflow.ECONFLICT, "The timer is not paused.")
	}
	c.open(now)
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActTimerResumed, Message: "Resumed timer: " + s.Task.Title, TaskID: s.TaskID})
	return nil
}

func (c *Change) stop(now time.Time) error {
	s := &c.State
	if s.Idle() {
		return focusflow.Errorf(focusflow.ECONFLICT, "No timer is running.")
	}
	taskID, title := s.TaskID, s.Task.Title
	if s.Entry != nil {
		c.close(now, focusflow.SourceTimer, "")
	}
	if s.Task.Status != focusflow.StatusCompleted {
		done := s.Task
		done.Status = focusflow.StatusCompleted
		c.Complete = &done
		c.Lines = append(c.Lines, Line{Kind: focusflow.ActTaskCompleted, Message: "Completed task: " + title, TaskID: taskID})
	}
	s.TaskID, s.Status = 0, ""
	c.Lines = append(c.Lines, Line{Kind: focusflow.ActTimerStopped, Message: "Stopped timer: " + title, TaskID: taskID})
	return nil
}

func formatHours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return d.Round(time.Second).String()
}
