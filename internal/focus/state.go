// Package focus holds the focus timer's rules as plain functions: given
// the timer's state, an action, the time and the user's settings, it says
// what the new state is and what must be written (time entries to open and
// close, task statuses, phases to record, activity lines, anomalies). It
// reads no clock and touches no database: the store locks and reads the
// state, asks Apply, and writes what it decided.
//
// A session runs in phases (focus, short and long breaks, waiting for the
// user) whose ends are instants in the state. Nothing runs when a phase
// ends: whoever looks next — a read (View), an action (Apply), the
// scheduler that persists transitions on time — advances the state through
// every boundary that has passed, each at its own instant, so the result
// is the same whenever and wherever it is computed.
package focus

import (
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
	ID       int64
	Title    string
	Status   string
	Date     string
	Spent    time.Duration // closed entries only: the stored total
	Estimate time.Duration // 0 when not planned
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

	Mode       string
	Phase      string
	PhaseStart time.Time
	PhaseEnd   time.Time     // zero: the phase has no end, or is not running
	PhaseLen   time.Duration // the phase's planned length, extensions included
	PhaseLeft  time.Duration // paused: what remains of the phase
	Next       string        // waiting: the phase resuming starts
	Cycle      int           // focus phases done since the last long break
	FlowFocus  time.Duration // flowtime: focus since the last break
	Plan       focusflow.SessionPlan
}

// Idle reports whether the timer is on no task.
func (s State) Idle() bool { return s.Status == "" || s.TaskID == 0 }

// Settings are the user's settings the rules depend on.
type Settings struct {
	Cap  time.Duration         // a running entry longer than this is forgotten
	Plan focusflow.SessionPlan // the user's default session plan
	// Minute, when positive, is how long a minute of a new session's
	// phases lasts. Only browser tests set it (FOCUSFLOW_TEST_MINUTE in
	// development), to see phases end within seconds.
	Minute time.Duration
}

// scale shortens a new session's phases to the test minute, if one is set.
func (set Settings) scale(p focusflow.SessionPlan) focusflow.SessionPlan {
	if set.Minute <= 0 {
		return p
	}
	for _, d := range []*time.Duration{&p.Focus, &p.ShortBreak, &p.LongBreak} {
		*d = time.Duration(float64(*d) / float64(time.Minute) * float64(set.Minute))
	}
	return p
}

// EntryOp is one write of a time entry, in order. An opened entry that
// also ends within the same change is written whole (End set).
//
// An entry that ends in the millisecond it began holds no time and is
// dropped (Drop) rather than ended: two actions within one millisecond
// would otherwise leave an empty entry starting where the next one starts,
// and a user's entries would no longer be ordered by their starts alone.
type EntryOp struct {
	Open   bool      // a new entry (else: the running entry ends)
	Drop   bool      // the running entry (or one opened within this change) is deleted, not ended
	Entry  Entry     // task and start
	End    time.Time // zero for an opened entry that keeps running
	Source string    // of an ended entry: focusflow.SourceTimer or SourceCapped
	Status string    // the task's status afterwards unless completed; "" keeps it
}

// The status an opened entry gives its task is focusflow.StatusInProgress;
// written with the entry, so that statuses change in the order of the
// entries that cause them (a focus phase that ends leaves its task paused
// even when a later one in the same change starts on it again).

// Phase outcomes.
const (
	OutcomeCompleted = "completed" // ran to its planned end
	OutcomeSkipped   = "skipped"   // ended early by the user
	OutcomeStopped   = "stopped"   // the session ended during it
	OutcomeEnded     = "ended"     // an open-ended phase the user ended
	OutcomeCapped    = "capped"    // a forgotten focus ended at the cap
)

// PhaseRecord is a finished phase to record: breaks are kept only here,
// never as time entries.
type PhaseRecord struct {
	Kind       string // focusflow.PhaseFocus, PhaseShortBreak or PhaseLongBreak
	TaskID     int64
	Start, End time.Time
	Planned    time.Duration // 0 for an open-ended phase
	Outcome    string
}

// Line is an activity line to append.
type Line struct {
	Kind    string
	Message string
	TaskID  int64
	At      time.Time
}

// StatusChange sets the status of a task that is not completed.
type StatusChange struct {
	TaskID int64
	Status string
}

// Change is what an action decided. The store writes, in this order: the
// entry operations (with the statuses they give their tasks), the status
// changes of other tasks, the completion, the recorded phases, the new
// timer row, the activity lines.
type Change struct {
	State    State // the timer afterwards
	Entries  []EntryOp
	Statuses []StatusChange
	Complete *Task // the task the action completes
	Phases   []PhaseRecord
	Lines    []Line
	// Anomalies are kinds such as focusflow.AnomalyRapidActions.
	Anomalies []string
	Capped    *focusflow.CappedTimer
	// Boundaries counts the phase ends passed on the way (each is an event
	// pages are told about).
	Boundaries int
	// Save is false when nothing about the timer row changed.
	Save bool
}
