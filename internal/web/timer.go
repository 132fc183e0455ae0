package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/focusflow/focusflow"
)

// The timer: its state and its actions.

// timerStore is what the timer handlers need.
type timerStore interface {
	Timer(ctx context.Context, user *focusflow.User) (*focusflow.Timer, error)
	TimerAction(ctx context.Context, user *focusflow.User, cmd focusflow.TimerCommand) (*focusflow.TimerResult, error)
}

type timerJSON struct {
	TaskID    int64   `json:"task_id"`
	State     string  `json:"state"`
	StartedAt *string `json:"started_at"`
	ElapsedMS int64   `json:"elapsed_ms"`
	Version   int64   `json:"version"`
}

func toTimerJSON(t *focusflow.Timer) *timerJSON {
	if t == nil {
		return nil
	}
	return &timerJSON{TaskID: t.TaskID, State: t.State, StartedAt: optTime(t.StartedAt),
		ElapsedMS: t.Elapsed.Milliseconds(), Version: t.Version}
}

func (s *Server) apiTimer(w http.ResponseWriter, r *http.Request, a *authState) {
	t, err := s.store.Timer(r.Context(), a.user)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"timer": toTimerJSON(t), "server_time": apiTime(s.now())})
}

func (s *Server) apiTimerAction(action string) func(http.ResponseWriter, *http.Request, *authState) {
	return func(w http.ResponseWriter, r *http.Request, a *authState) {
		var in struct {
			TaskID  *int64 `json:"task_id"`
			Version *int64 `json:"version"`
		}
		required := "version"
		if action == focusflow.ActionStart {
			required = "task_id"
		}
		if err := decodeStrict(r, &in, required); err != nil {
			s.fail(w, r, err)
			return
		}
		if action == focusflow.ActionStart && in.Version != nil {
			s.fail(w, r, focusflow.Invalid("version", "Start takes only task_id."))
			return
		}
		if action != focusflow.ActionStart && in.TaskID != nil {
			s.fail(w, r, focusflow.Invalid("task_id", "Only start takes a task_id."))
			return
		}
		if action == focusflow.ActionStart && deref(in.TaskID) <= 0 {
			s.fail(w, r, focusflow.Invalid("task_id", "task_id must be a positive id."))
			return
		}
		res, err := s.store.TimerAction(r.Context(), a.user,
			focusflow.TimerCommand{Action: action, TaskID: deref(in.TaskID), Version: deref(in.Version)})
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
		s.writeJSON(w, r, http.StatusOK, map[string]any{"timer": toTimerJSON(res.Timer), "server_time": apiTime(s.now())})
	}
}

// noteCapped records a timer the server ended at the cap as an anomaly.
func (s *Server) noteCapped(r *http.Request, c *focusflow.CappedTimer) {
	if c == nil {
		return
	}
	s.timerAnomaly(r, c.UserID, "capped", "timer ran past the cap and was ended at it")
}

func (s *Server) timerAnomaly(r *http.Request, userID int64, kind, detail string) {
	s.metrics.TimerAnomalies.WithLabelValues(kind).Inc()
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventTimerAnomaly, UserID: userID, Detail: kind + ": " + detail}, "")
}
