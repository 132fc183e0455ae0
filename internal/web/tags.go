package web

import (
	"context"
	"net/http"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
)

// Tags: a user's own labels, and the tags of a task.

// tagStore is what the tag handlers need.
type tagStore interface {
	Tags(ctx context.Context, userID int64) ([]focusflow.Tag, error)
	CreateTag(ctx context.Context, user *focusflow.User, g *focusflow.Tag) error
	UpdateTag(ctx context.Context, user *focusflow.User, tagID int64, p focusflow.TagPatch) (*focusflow.Tag, error)
	DeleteTag(ctx context.Context, user *focusflow.User, tagID int64) error
	MergeTag(ctx context.Context, user *focusflow.User, fromID, intoID int64) (*focusflow.Tag, error)
	SetTaskTags(ctx context.Context, user *focusflow.User, taskID int64, ids []int64) (*focusflow.Task, error)
	AddTaskTag(ctx context.Context, user *focusflow.User, taskID, tagID int64) (*focusflow.Task, error)
	RemoveTaskTag(ctx context.Context, user *focusflow.User, taskID, tagID int64) (*focusflow.Task, error)
}

func (s *Server) tagRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /tags", s.requireUser(s.tagsPage))
	handle("GET /api/v1/tags", s.requireUser(s.apiTags))
	handle("POST /api/v1/tags", s.requireUser(s.apiCreateTag))
	handle("PATCH /api/v1/tags/{id}", s.requireUser(s.apiUpdateTag))
	handle("DELETE /api/v1/tags/{id}", s.requireUser(s.apiDelete(live.AreaTasks, "tags",
		func(ctx context.Context, u *focusflow.User, id int64) error { return s.store.DeleteTag(ctx, u, id) })))
	handle("POST /api/v1/tags/{id}/merge", s.requireUser(s.apiMergeTag))
	handle("PUT /api/v1/tasks/{id}/tags", s.requireUser(s.apiSetTaskTags))
	handle("PUT /api/v1/tasks/{id}/tags/{tag_id}", s.requireUser(s.apiTaskTag(true)))
	handle("DELETE /api/v1/tasks/{id}/tags/{tag_id}", s.requireUser(s.apiTaskTag(false)))
	handle("PUT /api/v1/days/{date}/order", s.requireUser(s.apiReorderDay))
}

type tagJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Color     string `json:"color"`
	Hex       string `json:"hex"`
	Tasks     *int   `json:"tasks,omitempty"`
	CreatedAt string `json:"created_at,omitempty"`
}

func toTagJSON(g *focusflow.Tag) tagJSON {
	j := tagJSON{ID: g.ID, Name: g.Name, Color: g.Color, Hex: focusflow.TagColorHex(g.Color)}
	if !g.CreatedAt.IsZero() {
		j.CreatedAt = apiTime(g.CreatedAt)
	}
	return j
}

// toTaskTagsJSON lists a task's tags (never null).
func toTaskTagsJSON(tags []focusflow.Tag) []tagJSON {
	out := make([]tagJSON, len(tags))
	for i := range tags {
		out[i] = toTagJSON(&tags[i])
		out[i].CreatedAt = ""
	}
	return out
}

type paletteJSON struct {
	Name string `json:"name"`
	Hex  string `json:"hex"`
}

func (s *Server) apiTags(w http.ResponseWriter, r *http.Request, a *authState) {
	tags, err := s.store.Tags(r.Context(), a.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]tagJSON, len(tags))
	for i := range tags {
		out[i] = toTagJSON(&tags[i])
		out[i].Tasks = &tags[i].Tasks
	}
	palette := make([]paletteJSON, len(focusflow.TagPalette))
	for i, c := range focusflow.TagPalette {
		palette[i] = paletteJSON(c)
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"tags": out, "palette": palette})
}

type tagInput struct {
	Name  *string `json:"name"`
	Color *string `json:"color"`
}

func (s *Server) apiCreateTag(w http.ResponseWriter, r *http.Request, a *authState) {
	var in tagInput
	if err := decodeJSON(r, &in, "name"); err != nil {
		s.fail(w, r, err)
		return
	}
	g := &focusflow.Tag{Name: deref(in.Name), Color: deref(in.Color)}
	err := g.ValidateNew()
	if err == nil {
		err = s.store.CreateTag(r.Context(), a.user, g)
	}
	s.tagDone(w, r, a, http.StatusCreated, g, err)
}

// tagDone answers a tag write: the error, or the tag after telling the
// user's pages.
func (s *Server) tagDone(w http.ResponseWriter, r *http.Request, a *authState, status int, g *focusflow.Tag, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, "", "tags", live.AreaTasks)
	s.writeJSON(w, r, status, toTagJSON(g))
}

func (s *Server) apiUpdateTag(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	var in tagInput
	if err == nil {
		err = decodeJSON(r, &in)
	}
	p := focusflow.TagPatch{Name: in.Name, Color: in.Color}
	if err == nil {
		err = p.Validate()
	}
	var g *focusflow.Tag
	if err == nil {
		g, err = s.store.UpdateTag(r.Context(), a.user, id, p)
	}
	s.tagDone(w, r, a, http.StatusOK, g, err)
}

func (s *Server) apiMergeTag(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	var in struct {
		Into int64 `json:"into"`
	}
	if err == nil {
		err = decodeJSON(r, &in, "into")
	}
	if err == nil && in.Into <= 0 {
		err = focusflow.Invalid("into", "Into must be the id of the tag to merge into.")
	}
	var g *focusflow.Tag
	if err == nil {
		g, err = s.store.MergeTag(r.Context(), a.user, id, in.Into)
	}
	s.tagDone(w, r, a, http.StatusOK, g, err)
}

func (s *Server) apiSetTaskTags(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	var in struct {
		TagIDs []int64 `json:"tag_ids"`
	}
	if err == nil {
		err = decodeJSON(r, &in, "tag_ids")
	}
	var t *focusflow.Task
	if err == nil {
		t, err = s.store.SetTaskTags(r.Context(), a.user, id, in.TagIDs)
	}
	s.taskTagsDone(w, r, a, t, err)
}

// apiTaskTag puts one tag on a task (add) or takes it off.
func (s *Server) apiTaskTag(add bool) func(http.ResponseWriter, *http.Request, *authState) {
	return func(w http.ResponseWriter, r *http.Request, a *authState) {
		id, err := idParam(r, "id")
		var tagID int64
		if err == nil {
			tagID, err = idParam(r, "tag_id")
		}
		var t *focusflow.Task
		switch {
		case err == nil && add:
			t, err = s.store.AddTaskTag(r.Context(), a.user, id, tagID)
		case err == nil:
			t, err = s.store.RemoveTaskTag(r.Context(), a.user, id, tagID)
		}
		s.taskTagsDone(w, r, a, t, err)
	}
}

func (s *Server) taskTagsDone(w http.ResponseWriter, r *http.Request, a *authState, t *focusflow.Task, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, t.Date, "tasks", live.AreaTasks)
	s.writeJSON(w, r, http.StatusOK, toTaskJSON(t))
}

// apiReorderDay takes the whole new order of a day's tasks.
func (s *Server) apiReorderDay(w http.ResponseWriter, r *http.Request, a *authState) {
	date, err := dateParam("date", r.PathValue("date"))
	var in struct {
		TaskIDs []int64 `json:"task_ids"`
	}
	if err == nil {
		err = decodeJSON(r, &in, "task_ids")
	}
	var tasks []focusflow.Task
	if err == nil {
		tasks, err = s.store.ReorderDay(r.Context(), a.user, date, in.TaskIDs)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, date, "tasks", live.AreaTasks)
	out := make([]taskJSON, len(tasks))
	for i := range tasks {
		out[i] = toTaskJSON(&tasks[i])
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"date": date, "tasks": out})
}

// orderStore is what reordering a day needs.
type orderStore interface {
	ReorderDay(ctx context.Context, user *focusflow.User, date string, ids []int64) ([]focusflow.Task, error)
}
