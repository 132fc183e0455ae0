package web

import (
	"context"
	"net/http"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/recur"
)

// Recurring tasks: series, and changing one "from this occurrence on".

// seriesStore is what the recurring-task handlers need.
type seriesStore interface {
	CreateSeries(ctx context.Context, user *focusflow.User, s *focusflow.Series) error
	Series(ctx context.Context, userID, seriesID int64) (*focusflow.Series, error)
	SeriesList(ctx context.Context, userID int64) ([]focusflow.Series, error)
	DeleteSeries(ctx context.Context, user *focusflow.User, seriesID int64) error
	UpdateSeriesFrom(ctx context.Context, user *focusflow.User, taskID int64, p focusflow.SeriesPatch) (*focusflow.Series, error)
	MaterialiseDays(ctx context.Context, user *focusflow.User, from, to string) (int, error)
}

func (s *Server) seriesRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /api/v1/series", s.requireUser(s.apiSeriesList))
	handle("POST /api/v1/series", s.requireUser(s.apiCreateSeries))
	handle("GET /api/v1/series/{id}", s.requireUser(s.apiSeries))
	handle("DELETE /api/v1/series/{id}", s.requireUser(s.apiDelete(live.AreaTasks, "tasks",
		func(ctx context.Context, u *focusflow.User, id int64) error { return s.store.DeleteSeries(ctx, u, id) })))
}

type repeatJSON struct {
	Kind     string   `json:"kind"`
	Interval *int     `json:"interval,omitempty"`
	Weekdays []string `json:"weekdays,omitempty"`
	MonthDay *int     `json:"month_day,omitempty"`
	EndDate  *string  `json:"end_date"`
}

type seriesJSON struct {
	ID              int64           `json:"id"`
	Title           string          `json:"title"`
	Description     string          `json:"description"`
	StartTime       *string         `json:"start_time"`
	DurationMinutes *int            `json:"duration_minutes"`
	StartDate       string          `json:"start_date"`
	LastDate        string          `json:"last_date"`
	Repeat          repeatJSON      `json:"repeat"`
	Summary         string          `json:"summary"`
	Tags            []seriesTagJSON `json:"tags"`
	CreatedAt       string          `json:"created_at"`
	UpdatedAt       string          `json:"updated_at"`
}

// seriesTagJSON is a tag each occurrence of a series is given.
type seriesTagJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"`
}

// taskSeriesJSON is what an occurrence says of its series.
type taskSeriesJSON struct {
	ID       int64  `json:"id"`
	Date     string `json:"date"`
	Detached bool   `json:"detached"`
	Summary  string `json:"summary,omitempty"`
}

func toRepeatJSON(r focusflow.SeriesRule) repeatJSON {
	j := repeatJSON{Kind: r.Kind, Weekdays: r.Weekdays}
	switch r.Kind {
	case focusflow.RepeatWeekly:
		j.Interval = &r.Interval
	case focusflow.RepeatMonthly:
		j.MonthDay = &r.MonthDay
	}
	if r.End != "" {
		j.EndDate = &r.End
	}
	return j
}

func toSeriesJSON(sr *focusflow.Series) seriesJSON {
	j := seriesJSON{ID: sr.ID, Title: sr.Title, Description: sr.Description, StartDate: sr.Rule.Start,
		LastDate: sr.Rule.LastDate(), Repeat: toRepeatJSON(sr.Rule), Summary: recur.Summary(sr.Rule),
		CreatedAt: apiTime(sr.CreatedAt), UpdatedAt: apiTime(sr.UpdatedAt)}
	if sr.StartTime != "" {
		j.StartTime = &sr.StartTime
	}
	if sr.DurationMinutes != 0 {
		j.DurationMinutes = &sr.DurationMinutes
	}
	j.Tags = make([]seriesTagJSON, len(sr.Tags))
	for i, g := range sr.Tags {
		j.Tags[i] = seriesTagJSON{ID: g.ID, Name: g.Name, Color: g.Color}
	}
	return j
}

// rule turns the request's repeat object into a rule starting on start.
func (in *repeatJSON) rule(start string) focusflow.SeriesRule {
	return focusflow.SeriesRule{Kind: in.Kind, Interval: deref(in.Interval), Weekdays: in.Weekdays,
		MonthDay: deref(in.MonthDay), Start: start, End: deref(in.EndDate)}
}

type seriesInput struct {
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	StartTime       *string    `json:"start_time"`
	DurationMinutes *int       `json:"duration_minutes"`
	StartDate       string     `json:"start_date"`
	Repeat          repeatJSON `json:"repeat"`
	TagIDs          []int64    `json:"tag_ids"`
}

func (s *Server) apiCreateSeries(w http.ResponseWriter, r *http.Request, a *authState) {
	var in seriesInput
	if err := decodeStrict(r, &in, "title", "start_date", "repeat"); err != nil {
		s.fail(w, r, err)
		return
	}
	sr := &focusflow.Series{Title: in.Title, Description: in.Description, StartTime: deref(in.StartTime),
		DurationMinutes: deref(in.DurationMinutes), Rule: in.Repeat.rule(in.StartDate)}
	for _, id := range in.TagIDs {
		sr.Tags = append(sr.Tags, focusflow.Tag{ID: id})
	}
	if err := sr.ValidateNew(); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.CreateSeries(r.Context(), a.user, sr); err != nil {
		s.fail(w, r, err)
		return
	}
	// Today's occurrence, or the first day's when it is ahead, shows at
	// once; the others come as their days are viewed.
	day := max(sr.Rule.Start, localdate.Today(s.now(), a.user.Location()))
	if _, err := s.store.MaterialiseDays(r.Context(), a.user, day, day); err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, day, "tasks", live.AreaTasks)
	s.writeJSON(w, r, http.StatusCreated, toSeriesJSON(sr))
}

func (s *Server) apiSeries(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.store.Series(r.Context(), a.user.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, toSeriesJSON(sr))
}

func (s *Server) apiSeriesList(w http.ResponseWriter, r *http.Request, a *authState) {
	list, err := s.store.SeriesList(r.Context(), a.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]seriesJSON, len(list))
	for i := range list {
		out[i] = toSeriesJSON(&list[i])
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"series": out})
}

// updateFollowing answers PATCH /api/v1/tasks/{id} with scope "following":
// the series changes from this occurrence's day on.
func (s *Server) updateFollowing(w http.ResponseWriter, r *http.Request, a *authState, taskID int64, in taskInput) {
	for field, set := range map[string]bool{"date": in.Date != nil, "status": in.Status != nil, "position": in.Position != nil} {
		if set {
			s.fail(w, r, focusflow.Invalid(field, "Field %q changes one occurrence: send it with scope \"this\".", field))
			return
		}
	}
	p, err := in.patch()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sp := focusflow.SeriesPatch{Title: p.Title, Description: p.Description, StartTime: p.StartTime,
		DurationMinutes: p.DurationMinutes}
	if in.Repeat != nil {
		rule := in.Repeat.rule("")
		sp.Rule = &rule
	}
	sr, err := s.store.UpdateSeriesFrom(r.Context(), a.user, taskID, sp)
	if err == nil {
		sr, err = s.store.Series(r.Context(), a.user.ID, sr.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.store.MaterialiseDays(r.Context(), a.user, sr.Rule.Start, sr.Rule.Start); err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, "", "tasks", live.AreaTasks)
	s.writeJSON(w, r, http.StatusOK, toSeriesJSON(sr))
}
