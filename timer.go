package focusflow

import "time"

// Timer states.
const (
	TimerRunning = "running"
	TimerPaused  = "paused"
)

// Timer is a user's focus timer as clients see it. A nil *Timer means idle.
type Timer struct {
	TaskID    int64
	State     string
	StartedAt time.Time     // start of the running entry; zero when paused
	Elapsed   time.Duration // the task's spent time including the live part
	Version   int64
}

// Timer actions a user can take.
const (
	ActionStart  = "start"
	ActionPause  = "pause"
	ActionResume = "resume"
	ActionStop   = "stop"
)

// TimerCommand is one timer action as a client asked for it. Every action
// but start carries the version of the timer the client last saw.
type TimerCommand struct {
	Action  string
	TaskID  int64 // start only
	Version int64
}

// Validate checks the shape of a command before anything is read.
func (c TimerCommand) Validate() error {
	switch c.Action {
	case ActionStart:
		if c.TaskID <= 0 {
			return Invalid("task_id", "task_id must be a positive id.")
		}
	case ActionPause, ActionResume, ActionStop:
	default:
		return Invalid("action", "Unknown timer action.")
	}
	return nil
}

// TimerResult is the outcome of a timer action.
type TimerResult struct {
	Timer *Timer
	// Anomalies lists unusual patterns this action revealed (for the audit
	// log and metrics); the action itself went through.
	Anomalies []string
	// Capped is set when a forgotten timer was ended at the cap first.
	Capped *CappedTimer
}

// CappedTimer describes a timer the server ended at the user's cap.
type CappedTimer struct {
	UserID  int64
	TaskID  int64
	EndedAt time.Time
}

// Anomaly kinds a timer action can reveal.
const AnomalyRapidActions = "rapid_actions"

// TimerConflictError answers an action whose version is stale (another tab
// acted first, or a replay): nothing changed, and it carries the current
// timer so the client can adopt it.
type TimerConflictError struct {
	Message string
	Timer   *Timer
}

func (e *TimerConflictError) Error() string { return "timer conflict: " + e.Message }

// As presents the conflict as ECONFLICT to the error-code map.
func (e *TimerConflictError) As(target any) bool {
	if t, ok := target.(**Error); ok {
		*t = &Error{Code: ECONFLICT, Message: e.Message}
		return true
	}
	return false
}
