package web

import (
	"context"
	"net/http"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Carry forward: unfinished tasks of earlier days, offered on today's page
// to move to today.

// carryStore is what the carry-forward handlers need.
type carryStore interface {
	Unfinished(ctx context.Context, user *focusflow.User) ([]focusflow.Task, error)
	MoveToToday(ctx context.Context, user *focusflow.User, taskID int64) (*focusflow.Task, error)
	MoveAllToToday(ctx context.Context, user *focusflow.User) (int, error)
}

func (s *Server) carryRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/v1/carry-forward", s.requireUser(s.apiUnfinished))
	handle("POST /api/v1/carry-forward", s.requireUser(s.apiMoveAll))
	handle("POST /api/v1/tasks/{id}/move-to-today", s.requireUser(s.apiMoveToToday))
}

func (s *Server) apiUnfinished(w http.ResponseWriter, r *http.Request, a *authState) {
	list, err := s.store.Unfinished(r.Context(), a.user)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tasks := make([]taskJSON, len(list))
	for i := range list {
		tasks[i] = toTaskJSON(&list[i])
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{
		"today": localdate.Today(s.now(), a.user.Location()), "count": len(tasks), "tasks": tasks})
}

func (s *Server) apiMoveToToday(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.store.MoveToToday(r.Context(), a.user, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, "", "tasks", live.AreaTasks)
	s.writeJSON(w, r, http.StatusOK, toTaskJSON(t))
}

func (s *Server) apiMoveAll(w http.ResponseWriter, r *http.Request, a *authState) {
	n, err := s.store.MoveAllToToday(r.Context(), a.user)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if n > 0 {
		s.dayChanged(a.user.ID, "", "tasks", live.AreaTasks)
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"moved": n})
}
