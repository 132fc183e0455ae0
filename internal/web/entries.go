package web

import (
	"context"
	"net/http"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
)

// Time entries: a task's entries, manual ones added, edited, deleted.

// entryStore is what the time-entry handlers need.
type entryStore interface {
	Entries(ctx context.Context, userID, taskID int64) ([]focusflow.TimeEntry, error)
	AddManualEntry(ctx context.Context, user *focusflow.User, taskID int64, start, end time.Time) (*focusflow.TimeEntry, error)
	UpdateEntry(ctx context.Context, user *focusflow.User, entryID int64, start, end *time.Time) (*focusflow.TimeEntry, error)
	DeleteEntry(ctx context.Context, user *focusflow.User, entryID int64) error
}

type entryJSON struct {
	ID         int64   `json:"id"`
	TaskID     int64   `json:"task_id"`
	StartedAt  string  `json:"started_at"`
	EndedAt    *string `json:"ended_at"`
	Source     string  `json:"source"`
	DurationMS int64   `json:"duration_ms"`
}

func (s *Server) toEntryJSON(e *focusflow.TimeEntry) entryJSON {
	end := e.EndedAt
	if e.Running() {
		end = s.now()
	}
	return entryJSON{ID: e.ID, TaskID: e.TaskID, StartedAt: apiTime(e.StartedAt), EndedAt: optTime(e.EndedAt),
		Source: e.Source, DurationMS: end.Sub(e.StartedAt).Milliseconds()}
}

type entryInput struct {
	StartedAt *string `json:"started_at"`
	EndedAt   *string `json:"ended_at"`
}

func parseInstant(field string, v *string) (*time.Time, error) {
	if v == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		return nil, focusflow.Invalid(field, "%s must be an RFC 3339 timestamp like 2026-01-02T15:04:05Z.", field)
	}
	t = t.UTC().Truncate(time.Millisecond)
	return &t, nil
}

func (s *Server) apiEntries(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	entries, err := s.store.Entries(r.Context(), a.user.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]entryJSON, len(entries))
	for i := range entries {
		out[i] = s.toEntryJSON(&entries[i])
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"entries": out})
}

// entryRequest reads the id in the path and the started_at/ended_at body
// shared by the entry routes.
func entryRequest(r *http.Request, required ...string) (id int64, start, end *time.Time, err error) {
	if id, err = idParam(r, "id"); err != nil {
		return 0, nil, nil, err
	}
	var in entryInput
	if err = decodeJSONExcept(r, &in, []string{"user_id", "spent_ms", "time_spent"}, required...); err != nil {
		return 0, nil, nil, err
	}
	if start, err = parseInstant("started_at", in.StartedAt); err != nil {
		return 0, nil, nil, err
	}
	if end, err = parseInstant("ended_at", in.EndedAt); err != nil {
		return 0, nil, nil, err
	}
	return id, start, end, nil
}

func (s *Server) apiAddEntry(w http.ResponseWriter, r *http.Request, a *authState) {
	taskID, start, end, err := entryRequest(r, "started_at", "ended_at")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.store.AddManualEntry(r.Context(), a.user, taskID, *start, *end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, "", "entries", live.AreaTasks)
	s.writeJSON(w, r, http.StatusCreated, s.toEntryJSON(e))
}

func (s *Server) apiUpdateEntry(w http.ResponseWriter, r *http.Request, a *authState) {
	id, start, end, err := entryRequest(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.store.UpdateEntry(r.Context(), a.user, id, start, end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, "", "entries", live.AreaTasks)
	s.writeJSON(w, r, http.StatusOK, s.toEntryJSON(e))
}
