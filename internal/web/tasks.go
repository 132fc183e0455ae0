package web

import (
	"context"
	"net/http"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
)

// Tasks: create, edit, delete.

// taskStore is what the task handlers need.
type taskStore interface {
	Task(ctx context.Context, userID, taskID int64) (*focusflow.Task, error)
	CreateTask(ctx context.Context, user *focusflow.User, t *focusflow.Task) error
	UpdateTask(ctx context.Context, user *focusflow.User, taskID int64, p focusflow.TaskPatch) (*focusflow.Task, error)
	DeleteTask(ctx context.Context, user *focusflow.User, taskID int64) error
}

type taskJSON struct {
	ID              int64     `json:"id"`
	Date            string    `json:"date"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	StartTime       *string   `json:"start_time"`
	DurationMinutes *int      `json:"duration_minutes"`
	Status          string    `json:"status"`
	Position        int       `json:"position"`
	SpentMS         int64     `json:"spent_ms"`
	CompletedAt     *string   `json:"completed_at"`
	CreatedAt       string    `json:"created_at"`
	Tags            []tagJSON `json:"tags"`
	// Series is set on an occurrence of a repeating task.
	Series *taskSeriesJSON `json:"series"`
}

func toTaskJSON(t *focusflow.Task) taskJSON {
	j := taskJSON{ID: t.ID, Date: t.Date, Title: t.Title, Description: t.Description, Status: t.Status,
		Position: t.Position, SpentMS: t.Spent.Milliseconds(), CreatedAt: apiTime(t.CreatedAt), Tags: toTaskTagsJSON(t.Tags)}
	if t.StartTime != "" {
		j.StartTime = &t.StartTime
	}
	if t.DurationMinutes != 0 {
		j.DurationMinutes = &t.DurationMinutes
	}
	j.CompletedAt = optTime(t.CompletedAt)
	if t.SeriesID != 0 {
		j.Series = &taskSeriesJSON{ID: t.SeriesID, Date: t.SeriesDate, Detached: t.SeriesDetached}
	}
	return j
}

// forbiddenFields may never come from a client on task and timer routes:
// spent time and timestamps are the server's.
var forbiddenFields = []string{"spent_ms", "time_spent", "started_at", "ended_at", "user_id"}

// decodeStrict decodes a body and refuses the server-owned fields with a
// clear message before the generic unknown-field check would.
func decodeStrict(r *http.Request, dst any, required ...string) error {
	return decodeJSONExcept(r, dst, forbiddenFields, required...)
}

type taskInput struct {
	Date            *string          `json:"date"`
	Title           *string          `json:"title"`
	Description     *string          `json:"description"`
	StartTime       optional[string] `json:"start_time"`
	DurationMinutes optional[int]    `json:"duration_minutes"`
	Status          *string          `json:"status"`
	Position        *int             `json:"position"`
	TagIDs          *[]int64         `json:"tag_ids"`
	// PATCH of an occurrence: "this" (the default) or "following", and
	// with "following" a new repeat rule.
	Scope  *string     `json:"scope"`
	Repeat *repeatJSON `json:"repeat"`
}

func (s *Server) apiCreateTask(w http.ResponseWriter, r *http.Request, a *authState) {
	var in taskInput
	if err := decodeStrict(r, &in, "date", "title"); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, field := range []string{"status", "position", "scope", "repeat"} {
		if in.has(field) {
			msg := "Field %q cannot be set when creating a task."
			if field == "repeat" {
				msg = "Field %q makes a repeating task: create it with POST /api/v1/series."
			}
			s.fail(w, r, focusflow.Invalid(field, msg, field))
			return
		}
	}
	p, err := in.patch()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := &focusflow.Task{Date: deref(p.Date), Title: deref(p.Title), Description: deref(p.Description),
		StartTime: deref(p.StartTime), DurationMinutes: deref(p.DurationMinutes)}
	for _, id := range deref(p.TagIDs) {
		t.Tags = append(t.Tags, focusflow.Tag{ID: id})
	}
	if err := t.ValidateNew(); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.CreateTask(r.Context(), a.user, t); err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, t.Date, "tasks", live.AreaTasks)
	s.writeJSON(w, r, http.StatusCreated, toTaskJSON(t))
}

// has reports whether the create request sent a field it may not.
func (in taskInput) has(field string) bool {
	switch field {
	case "status":
		return in.Status != nil
	case "position":
		return in.Position != nil
	case "scope":
		return in.Scope != nil
	}
	return in.Repeat != nil
}

// patch turns the request into a patch: null clears start_time and
// duration_minutes (the patch's "" and 0), which are refused as values.
func (in taskInput) patch() (focusflow.TaskPatch, error) {
	p := focusflow.TaskPatch{Title: in.Title, Description: in.Description, Date: in.Date, Position: in.Position,
		Status: in.Status, TagIDs: in.TagIDs}
	if in.StartTime.Set {
		p.StartTime = new(deref(in.StartTime.Value))
		if v := in.StartTime.Value; v != nil && *v == "" {
			return p, focusflow.Invalid("start_time", "Start time must be HH:MM (00:00–23:59).")
		}
	}
	if in.DurationMinutes.Set {
		p.DurationMinutes = new(deref(in.DurationMinutes.Value))
		if v := in.DurationMinutes.Value; v != nil && *v == 0 {
			return p, focusflow.Invalid("duration_minutes", "Duration must be between 1 and %d minutes.", focusflow.MaxDurationMinutes)
		}
	}
	return p, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (s *Server) apiUpdateTask(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in taskInput
	if err := decodeStrict(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	switch deref(in.Scope) {
	case focusflow.ScopeFollowing:
		s.updateFollowing(w, r, a, id, in)
		return
	case "", focusflow.ScopeThis:
		if in.Repeat != nil {
			s.fail(w, r, focusflow.Invalid("repeat", "A new repeat rule applies to the series: send it with scope \"following\"."))
			return
		}
	default:
		s.fail(w, r, focusflow.Invalid("scope", "Scope must be \"this\" or \"following\"."))
		return
	}
	p, err := in.patch()
	if err == nil {
		err = p.Validate()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.store.UpdateTask(r.Context(), a.user, id, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Its old date (a move) and the timer (a completion) may change too:
	// every page reloads what it shows.
	s.dayChanged(a.user.ID, "", "tasks", live.AreaTasks)
	s.writeJSON(w, r, http.StatusOK, toTaskJSON(t))
}

// apiDelete answers DELETE …/{id} with 204 once del has deleted the
// signed-in user's row of that id, and tells the user's pages what changed.
func (s *Server) apiDelete(area, what string, del func(ctx context.Context, user *focusflow.User, id int64) error) func(http.ResponseWriter, *http.Request, *authState) {
	return func(w http.ResponseWriter, r *http.Request, a *authState) {
		id, err := idParam(r, "id")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := del(r.Context(), a.user, id); err != nil {
			s.fail(w, r, err)
			return
		}
		s.dayChanged(a.user.ID, "", what, area)
		w.WriteHeader(http.StatusNoContent)
	}
}
