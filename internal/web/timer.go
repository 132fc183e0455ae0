package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
)

// The timer: its state and its actions.

// timerStore is what the timer handlers need.
type timerStore interface {
	Timer(ctx context.Context, user *focusflow.User) (*focusflow.Timer, error)
	TimerAction(ctx context.Context, user *focusflow.User, cmd focusflow.TimerCommand) (*focusflow.TimerResult, error)
}

type timerJSON struct {
	TaskID         int64            `json:"task_id"`
	State          string           `json:"state"`
	StartedAt      *string          `json:"started_at"`
	ElapsedMS      int64            `json:"elapsed_ms"`
	Version        int64            `json:"version"`
	Mode           string           `json:"mode"`
	Phase          string           `json:"phase"`
	PhaseStartedAt *string          `json:"phase_started_at"`
	PhaseEndsAt    *string          `json:"phase_ends_at"`
	PhaseLeftMS    int64            `json:"phase_left_ms"`
	NextPhase      *string          `json:"next_phase"`
	Cycle          int              `json:"cycle"`
	Plan           *sessionPlanJSON `json:"plan"`
}

// sessionPlanJSON is a session plan as the API shows and takes it.
type sessionPlanJSON struct {
	Mode              string `json:"mode"`
	FocusMinutes      int    `json:"focus_minutes"`
	ShortBreakMinutes int    `json:"short_break_minutes"`
	LongBreakMinutes  int    `json:"long_break_minutes"`
	LongBreakEvery    int    `json:"long_break_every"`
	FlowBreakRatio    int    `json:"flow_break_ratio"`
	AutoStartBreaks   bool   `json:"auto_start_breaks"`
	AutoStartFocus    bool   `json:"auto_start_focus"`
}

func toSessionPlanJSON(p focusflow.SessionPlan) *sessionPlanJSON {
	return &sessionPlanJSON{Mode: p.Mode, FocusMinutes: int(p.Focus / time.Minute), ShortBreakMinutes: int(p.ShortBreak / time.Minute),
		LongBreakMinutes: int(p.LongBreak / time.Minute), LongBreakEvery: p.LongBreakEvery, FlowBreakRatio: p.FlowRatio,
		AutoStartBreaks: p.AutoBreaks, AutoStartFocus: p.AutoFocus}
}

func toTimerJSON(t *focusflow.Timer) *timerJSON {
	if t == nil {
		return nil
	}
	j := &timerJSON{TaskID: t.TaskID, State: t.State, StartedAt: optTime(t.StartedAt),
		ElapsedMS: t.Elapsed.Milliseconds(), Version: t.Version, Mode: t.Mode, Phase: t.Phase,
		PhaseStartedAt: optTime(t.PhaseStartedAt), PhaseEndsAt: optTime(t.PhaseEndsAt),
		PhaseLeftMS: t.PhaseLeft.Milliseconds(), Cycle: t.Cycle, Plan: toSessionPlanJSON(t.Plan)}
	if t.NextPhase != "" {
		j.NextPhase = &t.NextPhase
	}
	return j
}

func (s *Server) apiTimer(w http.ResponseWriter, r *http.Request, a *authState) {
	t, err := s.store.Timer(r.Context(), a.user)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"timer": toTimerJSON(t), "server_time": apiTime(s.now())})
}

// timerInput is the body of a timer action: start names a task and may
// override the session plan; the others carry the version the client saw
// (start may too); extend takes minutes.
type timerInput struct {
	TaskID            *int64  `json:"task_id"`
	Version           *int64  `json:"version"`
	Mode              *string `json:"mode"`
	FocusMinutes      *int    `json:"focus_minutes"`
	ShortBreakMinutes *int    `json:"short_break_minutes"`
	LongBreakMinutes  *int    `json:"long_break_minutes"`
	LongBreakEvery    *int    `json:"long_break_every"`
	Minutes           *int    `json:"minutes"`
}

// command checks the body against the action and builds the command.
func (in timerInput) command(action string) (focusflow.TimerCommand, error) {
	c := focusflow.TimerCommand{Action: action, TaskID: deref(in.TaskID), Version: deref(in.Version),
		HasVersion: in.Version != nil, Mode: deref(in.Mode), Minutes: deref(in.Minutes)}
	startOnly := map[string]*int{"focus_minutes": in.FocusMinutes, "short_break_minutes": in.ShortBreakMinutes,
		"long_break_minutes": in.LongBreakMinutes, "long_break_every": in.LongBreakEvery}
	if action != focusflow.ActionStart {
		if in.TaskID != nil {
			return c, focusflow.Invalid("task_id", "Only start takes a task_id.")
		}
		if in.Mode != nil {
			return c, focusflow.Invalid("mode", "Only start takes a mode.")
		}
		for _, f := range []string{"focus_minutes", "short_break_minutes", "long_break_minutes", "long_break_every"} {
			if startOnly[f] != nil {
				return c, focusflow.Invalid(f, "Only start takes %s.", f)
			}
		}
	}
	if action != focusflow.ActionExtend && in.Minutes != nil {
		return c, focusflow.Invalid("minutes", "Only extend takes minutes.")
	}
	if action == focusflow.ActionStart && in.Mode != nil && *in.Mode == "" {
		return c, focusflow.Invalid("mode", "Mode must be one of %s.", strings.Join(focusflow.Modes, ", "))
	}
	for f, v := range startOnly {
		if v != nil && *v == 0 {
			return c, focusflow.Invalid(f, "%s must be at least 1.", focusflow.FieldLabel(f))
		}
	}
	c.FocusMinutes, c.ShortMinutes = deref(in.FocusMinutes), deref(in.ShortBreakMinutes)
	c.LongMinutes, c.LongBreakEvery = deref(in.LongBreakMinutes), deref(in.LongBreakEvery)
	return c, c.Validate()
}

func (s *Server) apiTimerAction(action string) func(http.ResponseWriter, *http.Request, *authState) {
	required := []string{"version"}
	switch action {
	case focusflow.ActionStart:
		required = []string{"task_id"}
	case focusflow.ActionExtend:
		required = []string{"version", "minutes"}
	}
	return func(w http.ResponseWriter, r *http.Request, a *authState) {
		var in timerInput
		if err := decodeStrict(r, &in, required...); err != nil {
			s.fail(w, r, err)
			return
		}
		cmd, err := in.command(action)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if cmd.Action == focusflow.ActionStart {
			// The lengths a start asks for are checked against the plan
			// they make with the user's own, before anything is read.
			if _, err := cmd.PlanFor(a.user.Session); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		res, err := s.store.TimerAction(r.Context(), a.user, cmd)
		var conflict *focusflow.TimerConflictError
		if errors.As(err, &conflict) {
			s.writeJSON(w, r, http.StatusConflict, map[string]any{
				"error": errorDetail{Code: focusflow.ECONFLICT, Message: conflict.Message, RequestID: requestID(r.Context())},
				"timer": toTimerJSON(conflict.Timer), "server_time": apiTime(s.now())})
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.noteCapped(r, res.Capped)
		for _, kind := range res.Anomalies {
			s.timerAnomaly(r, a.user.ID, kind, "more than 30 timer actions in 5 minutes")
		}
		s.timerChanged(r, a, res.Timer)
		s.writeJSON(w, r, http.StatusOK, map[string]any{"timer": toTimerJSON(res.Timer), "server_time": apiTime(s.now())})
	}
}

// noteCapped records a timer the server ended at the cap as an anomaly.
func (s *Server) noteCapped(r *http.Request, c *focusflow.CappedTimer) {
	if c == nil {
		return
	}
	s.timerAnomaly(r, c.UserID, focusflow.AnomalyCapped, "timer ran past the cap and was ended at it")
}

func (s *Server) timerAnomaly(r *http.Request, userID int64, kind, detail string) {
	s.metrics.TimerAnomalies.WithLabelValues(kind).Inc()
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventTimerAnomaly, UserID: userID, Detail: kind + ": " + detail}, "")
}
