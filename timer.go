package focusflow

import (
	"slices"
	"strings"
	"time"
)

// Timer states.
const (
	TimerRunning = "running"
	TimerPaused  = "paused"
)

// Session modes: how a focus session is paced.
const (
	ModeStopwatch = "stopwatch" // count up until stopped
	ModeCountdown = "countdown" // one focus phase of a planned length
	ModePomodoro  = "pomodoro"  // focus and breaks, a long break every few focus phases
	ModeFlowtime  = "flowtime"  // count up; pausing offers a break in proportion
)

// Modes lists the session modes.
var Modes = []string{ModeStopwatch, ModeCountdown, ModePomodoro, ModeFlowtime}

// Phases of a session.
const (
	PhaseFocus      = "focus"
	PhaseShortBreak = "short_break"
	PhaseLongBreak  = "long_break"
	PhaseWaiting    = "waiting" // for the user to start the next phase
)

// IsBreak reports whether phase is a break.
func IsBreak(phase string) bool { return phase == PhaseShortBreak || phase == PhaseLongBreak }

// Limits of a session plan.
const (
	MinPhase          = time.Minute
	MaxPhase          = 180 * time.Minute
	MaxLongBreakEvery = 12
	MinFlowRatio      = 2
	MaxFlowRatio      = 10
	MaxExtendMinutes  = 60
)

// SessionPlan is how a focus session runs: a user's default, overridable
// per start.
type SessionPlan struct {
	Mode           string
	Focus          time.Duration // a focus phase (countdown, pomodoro)
	ShortBreak     time.Duration
	LongBreak      time.Duration
	LongBreakEvery int  // a long break after this many focus phases
	FlowRatio      int  // flowtime: a break lasts focus / FlowRatio
	AutoBreaks     bool // a break starts by itself when focus ends
	AutoFocus      bool // focus starts by itself when a short break ends
}

// DefaultSessionPlan is the plan of a new account.
func DefaultSessionPlan() SessionPlan {
	return SessionPlan{Mode: ModeStopwatch, Focus: 25 * time.Minute, ShortBreak: 5 * time.Minute,
		LongBreak: 15 * time.Minute, LongBreakEvery: 4, FlowRatio: 5, AutoBreaks: true}
}

// Validate checks a plan; errors name the API's field.
func (p SessionPlan) Validate() error {
	if !slices.Contains(Modes, p.Mode) {
		return Invalid("mode", "Mode must be one of %s.", strings.Join(Modes, ", "))
	}
	for _, f := range []struct {
		field string
		d     time.Duration
	}{{"focus_minutes", p.Focus}, {"short_break_minutes", p.ShortBreak}, {"long_break_minutes", p.LongBreak}} {
		if f.d < MinPhase || f.d > MaxPhase || f.d%time.Minute != 0 {
			return Invalid(f.field, "%s must be a whole number of minutes from %d to %d.", FieldLabel(f.field),
				int(MinPhase/time.Minute), int(MaxPhase/time.Minute))
		}
	}
	if p.LongBreakEvery < 1 || p.LongBreakEvery > MaxLongBreakEvery {
		return Invalid("long_break_every", "A long break comes after 1 to %d focus phases.", MaxLongBreakEvery)
	}
	if p.FlowRatio < MinFlowRatio || p.FlowRatio > MaxFlowRatio {
		return Invalid("flow_break_ratio", "The flowtime break ratio must be from %d to %d (a break of focus / ratio).",
			MinFlowRatio, MaxFlowRatio)
	}
	return nil
}

// Timer is a user's focus timer as clients see it. A nil *Timer means idle.
type Timer struct {
	TaskID    int64
	State     string
	StartedAt time.Time     // start of the running entry; zero otherwise
	Elapsed   time.Duration // the task's spent time including the live part
	Version   int64

	Mode           string
	Phase          string
	PhaseStartedAt time.Time
	PhaseEndsAt    time.Time     // zero when the phase has no end or is not running
	PhaseLeft      time.Duration // paused: what remains of the phase
	NextPhase      string        // waiting: what resuming starts
	Cycle          int           // focus phases done since the last long break
	Plan           SessionPlan
}

// Timer actions a user can take.
const (
	ActionStart    = "start"
	ActionPause    = "pause"
	ActionResume   = "resume"
	ActionStop     = "stop"     // end the session; the task keeps its time
	ActionComplete = "complete" // end the session and mark the task done
	ActionSkip     = "skip"     // end the current phase now
	ActionExtend   = "extend"   // add minutes to the current phase
)

// TimerActions lists the actions.
var TimerActions = []string{ActionStart, ActionPause, ActionResume, ActionStop, ActionComplete, ActionSkip, ActionExtend}

// TimerCommand is one timer action as a client asked for it. Every action
// but start carries the version of the timer the client last saw; a start
// may carry one too.
type TimerCommand struct {
	Action     string
	TaskID     int64 // start only
	Version    int64
	HasVersion bool // start: a version was given
	// Start may override the user's plan; zero values keep it.
	Mode                                    string
	FocusMinutes, ShortMinutes, LongMinutes int
	LongBreakEvery                          int
	Minutes                                 int // extend: 1–MaxExtendMinutes
}

// Validate checks the shape of a command before anything is read.
func (c TimerCommand) Validate() error {
	switch c.Action {
	case ActionStart:
		if c.TaskID <= 0 {
			return Invalid("task_id", "task_id must be a positive id.")
		}
		if c.Mode != "" && !slices.Contains(Modes, c.Mode) {
			return Invalid("mode", "Mode must be one of %s.", strings.Join(Modes, ", "))
		}
	case ActionExtend:
		if c.Minutes < 1 || c.Minutes > MaxExtendMinutes {
			return Invalid("minutes", "Extend by 1 to %d minutes.", MaxExtendMinutes)
		}
	case ActionPause, ActionResume, ActionStop, ActionComplete, ActionSkip:
	default:
		return Invalid("action", "Unknown timer action.")
	}
	return nil
}

// PlanFor is the plan a start runs with: the user's, with the command's
// overrides, checked.
func (c TimerCommand) PlanFor(user SessionPlan) (SessionPlan, error) {
	p := user
	if c.Mode != "" {
		p.Mode = c.Mode
	}
	for _, o := range []struct {
		v   int
		dst *time.Duration
	}{{c.FocusMinutes, &p.Focus}, {c.ShortMinutes, &p.ShortBreak}, {c.LongMinutes, &p.LongBreak}} {
		if o.v != 0 {
			*o.dst = time.Duration(o.v) * time.Minute
		}
	}
	if c.LongBreakEvery != 0 {
		p.LongBreakEvery = c.LongBreakEvery
	}
	return p, p.Validate()
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

// Anomaly kinds a timer can show: many actions in a short time, or a
// timer left running past its cap and ended there by the server.
const (
	AnomalyRapidActions = "rapid_actions"
	AnomalyCapped       = "capped"
)

// AnomalyKinds lists every anomaly kind, for counters that start at zero.
func AnomalyKinds() []string { return []string{AnomalyRapidActions, AnomalyCapped} }

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

// Boundary is when a user's timer passes the end of a phase by itself.
type Boundary struct {
	UserID int64
	At     time.Time
}
