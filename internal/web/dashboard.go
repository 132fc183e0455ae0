package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// dayStore is what the dashboard handlers need.
type dayStore interface {
	Day(ctx context.Context, user *focusflow.User, date, sessionHash string) (*focusflow.Day, *sqlstore.CappedTimer, error)
	Task(ctx context.Context, userID, taskID int64) (*focusflow.Task, error)
	CreateTask(ctx context.Context, user *focusflow.User, t *focusflow.Task) error
	UpdateTask(ctx context.Context, user *focusflow.User, taskID int64, p sqlstore.TaskPatch) (*focusflow.Task, error)
	DeleteTask(ctx context.Context, user *focusflow.User, taskID int64) error
	Timer(ctx context.Context, user *focusflow.User) (*focusflow.Timer, *sqlstore.CappedTimer, error)
	TimerAction(ctx context.Context, user *focusflow.User, action string, taskID, version int64) (*sqlstore.TimerResult, error)
	Entries(ctx context.Context, userID, taskID int64) ([]focusflow.TimeEntry, error)
	AddManualEntry(ctx context.Context, user *focusflow.User, taskID int64, start, end time.Time) (*focusflow.TimeEntry, error)
	UpdateEntry(ctx context.Context, user *focusflow.User, entryID int64, start, end *time.Time) (*focusflow.TimeEntry, error)
	DeleteEntry(ctx context.Context, user *focusflow.User, entryID int64) error
	PutDayNote(ctx context.Context, userID int64, date, text string) (focusflow.DayNote, error)
	Notes(ctx context.Context, userID int64, date string) ([]focusflow.Note, error)
	CreateNote(ctx context.Context, user *focusflow.User, n *focusflow.Note) error
	UpdateNote(ctx context.Context, userID, noteID int64, p sqlstore.NotePatch) (*focusflow.Note, error)
	DeleteNote(ctx context.Context, userID, noteID int64) error
}

// --- JSON shapes (field names are part of the API contract) ---

type taskJSON struct {
	ID              int64   `json:"id"`
	Date            string  `json:"date"`
	Title           string  `json:"title"`
	Description     string  `json:"description"`
	StartTime       *string `json:"start_time"`
	DurationMinutes *int    `json:"duration_minutes"`
	Status          string  `json:"status"`
	Position        int     `json:"position"`
	SpentMS         int64   `json:"spent_ms"`
	CompletedAt     *string `json:"completed_at"`
	CreatedAt       string  `json:"created_at"`
}

func toTaskJSON(t *focusflow.Task) taskJSON {
	j := taskJSON{ID: t.ID, Date: t.Date, Title: t.Title, Description: t.Description, Status: t.Status,
		Position: t.Position, SpentMS: t.Spent.Milliseconds(), CreatedAt: apiTime(t.CreatedAt)}
	if t.StartTime != "" {
		j.StartTime = &t.StartTime
	}
	if t.DurationMinutes != 0 {
		j.DurationMinutes = &t.DurationMinutes
	}
	j.CompletedAt = optTime(t.CompletedAt)
	return j
}

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := apiTime(t)
	return &s
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

type noteJSON struct {
	ID        int64  `json:"id"`
	Date      string `json:"date"`
	Type      string `json:"type"`
	Title     string `json:"title"`
	Content   string `json:"content"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func toNoteJSON(n *focusflow.Note) noteJSON {
	return noteJSON{ID: n.ID, Date: n.Date, Type: n.Type, Title: n.Title, Content: n.Content,
		CreatedAt: apiTime(n.CreatedAt), UpdatedAt: apiTime(n.UpdatedAt)}
}

type dayNoteJSON struct {
	Text      string  `json:"text"`
	UpdatedAt *string `json:"updated_at"`
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

type progressJSON struct {
	Completed   int   `json:"completed"`
	Total       int   `json:"total"`
	FocusMS     int64 `json:"focus_ms"`
	GoalMS      int64 `json:"goal_ms"`
	GoalPercent int   `json:"goal_percent"`
}

type weekDayJSON struct {
	Date        string `json:"date"`
	FocusMS     int64  `json:"focus_ms"`
	Completed   int    `json:"completed"`
	Total       int    `json:"total"`
	GoalPercent int    `json:"goal_percent"`
}

type activityJSON struct {
	At      string `json:"at"`
	Kind    string `json:"kind"`
	Message string `json:"message"`
	TaskID  *int64 `json:"task_id"`
}

func goalPercent(focus, goal time.Duration) int {
	if goal <= 0 {
		return 0
	}
	return int(focus * 100 / goal)
}

// --- the day ---

// dateParam validates a calendar date from the path or query.
func dateParam(field, v string) (string, error) {
	return v, focusflow.ValidateDate(field, v)
}

func idParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, focusflow.Invalid(name, "%q is not a valid id.", truncate(r.PathValue(name), 40))
	}
	return id, nil
}

func (s *Server) apiDay(w http.ResponseWriter, r *http.Request, a *authState) {
	date, err := dateParam("date", r.PathValue("date"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var recheck string
	if a.cached {
		recheck = a.tokenHash
	}
	day, capped, err := s.store.Day(r.Context(), a.user, date, recheck)
	if errors.Is(err, sqlstore.ErrSessionGone) {
		s.sessions.drop(a.tokenHash)
		s.setCookie(w, s.sessionCookie(), "", -1)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.noteCapped(r, capped)
	tasks := make([]taskJSON, len(day.Tasks))
	for i := range day.Tasks {
		tasks[i] = toTaskJSON(&day.Tasks[i])
	}
	notes := make([]noteJSON, len(day.Notes))
	for i := range day.Notes {
		notes[i] = toNoteJSON(&day.Notes[i])
	}
	acts := make([]activityJSON, len(day.Activity))
	for i, ac := range day.Activity {
		acts[i] = activityJSON{At: apiTime(ac.At), Kind: ac.Kind, Message: ac.Message}
		if ac.TaskID != 0 {
			acts[i].TaskID = &day.Activity[i].TaskID
		}
	}
	goal := a.user.DailyGoal
	week := make([]weekDayJSON, len(day.Week))
	for i, d := range day.Week {
		week[i] = weekDayJSON{Date: d.Date, FocusMS: d.Focus.Milliseconds(), Completed: d.Completed, Total: d.Total,
			GoalPercent: goalPercent(d.Focus, goal)}
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{
		"date":     day.Date,
		"tasks":    tasks,
		"note":     dayNoteJSON{Text: day.Note.Text, UpdatedAt: optTime(day.Note.UpdatedAt)},
		"notes":    notes,
		"activity": acts,
		"timer":    toTimerJSON(day.Timer),
		"progress": progressJSON{Completed: day.Stats.Completed, Total: day.Stats.Total, FocusMS: day.Stats.Focus.Milliseconds(),
			GoalMS: goal.Milliseconds(), GoalPercent: goalPercent(day.Stats.Focus, goal)},
		"streak":      day.Streak,
		"week":        week,
		"server_time": apiTime(s.now()),
	})
}

// noteCapped records a timer the server ended at the cap as an anomaly.
func (s *Server) noteCapped(r *http.Request, c *sqlstore.CappedTimer) {
	if c == nil {
		return
	}
	s.timerAnomaly(r, c.UserID, "capped", "timer ran past the cap and was ended at it")
}

func (s *Server) timerAnomaly(r *http.Request, userID int64, kind, detail string) {
	s.metrics.TimerAnomalies.WithLabelValues(kind).Inc()
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventTimerAnomaly, UserID: userID, Detail: kind + ": " + detail}, "")
}

// --- tasks ---

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
}

func validTitle(v string) (string, error) {
	return focusflow.TitleText.CleanField("title", v)
}

func (s *Server) apiCreateTask(w http.ResponseWriter, r *http.Request, a *authState) {
	var in taskInput
	if err := decodeStrict(r, &in, "date", "title"); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Status != nil || in.Position != nil {
		field := "status"
		if in.Position != nil {
			field = "position"
		}
		s.fail(w, r, focusflow.Invalid(field, "Field %q cannot be set when creating a task.", field))
		return
	}
	t := &focusflow.Task{}
	var err error
	if t.Date, err = dateParam("date", deref(in.Date)); err != nil {
		s.fail(w, r, err)
		return
	}
	if t.Title, err = validTitle(deref(in.Title)); err != nil {
		s.fail(w, r, err)
		return
	}
	if t.Description, err = focusflow.DescriptionText.CleanField("description", deref(in.Description)); err != nil {
		s.fail(w, r, err)
		return
	}
	if t.StartTime, t.DurationMinutes, err = planFields(in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.CreateTask(r.Context(), a.user, t); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, toTaskJSON(t))
}

// planFields validates start_time and duration_minutes (null clears).
func planFields(in taskInput) (string, int, error) {
	var start string
	var dur int
	if in.StartTime.Set && in.StartTime.Value != nil {
		start = *in.StartTime.Value
		if !focusflow.ValidClock(start) {
			return "", 0, focusflow.Invalid("start_time", "Start time must be HH:MM (00:00–23:59).")
		}
	}
	if in.DurationMinutes.Set && in.DurationMinutes.Value != nil {
		dur = *in.DurationMinutes.Value
		if dur < 1 || dur > 1440 {
			return "", 0, focusflow.Invalid("duration_minutes", "Duration must be between 1 and 1440 minutes.")
		}
	}
	return start, dur, nil
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
	var p sqlstore.TaskPatch
	if in.Title != nil {
		t, err := validTitle(*in.Title)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Title = &t
	}
	if in.Description != nil {
		d, err := focusflow.DescriptionText.CleanField("description", *in.Description)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Description = &d
	}
	start, dur, err := planFields(in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if in.StartTime.Set {
		p.StartTime = &start
	}
	if in.DurationMinutes.Set {
		p.DurationMinutes = &dur
	}
	if in.Date != nil {
		d, err := dateParam("date", *in.Date)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Date = &d
	}
	if in.Position != nil {
		if *in.Position < 0 || *in.Position > 100_000 {
			s.fail(w, r, focusflow.Invalid("position", "Position must be between 0 and 100000."))
			return
		}
		p.Position = in.Position
	}
	if in.Status != nil {
		if *in.Status != focusflow.StatusPending && *in.Status != focusflow.StatusCompleted {
			s.fail(w, r, focusflow.Invalid("status", "Status can be set to \"pending\" or \"completed\"; in-progress and paused come from the timer."))
			return
		}
		p.Status = in.Status
	}
	t, err := s.store.UpdateTask(r.Context(), a.user, id, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, toTaskJSON(t))
}

// apiDelete answers DELETE …/{id} with 204 once del has deleted the
// signed-in user's row of that id.
func (s *Server) apiDelete(del func(ctx context.Context, user *focusflow.User, id int64) error) func(http.ResponseWriter, *http.Request, *authState) {
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
		w.WriteHeader(http.StatusNoContent)
	}
}

// --- the timer ---

func (s *Server) apiTimer(w http.ResponseWriter, r *http.Request, a *authState) {
	t, capped, err := s.store.Timer(r.Context(), a.user)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.noteCapped(r, capped)
	s.writeJSON(w, r, http.StatusOK, map[string]any{"timer": toTimerJSON(t), "server_time": apiTime(s.now())})
}

func (s *Server) apiTimerAction(action string) func(http.ResponseWriter, *http.Request, *authState) {
	return func(w http.ResponseWriter, r *http.Request, a *authState) {
		var in struct {
			TaskID  *int64 `json:"task_id"`
			Version *int64 `json:"version"`
		}
		required := "version"
		if action == sqlstore.ActionStart {
			required = "task_id"
		}
		if err := decodeStrict(r, &in, required); err != nil {
			s.fail(w, r, err)
			return
		}
		if action == sqlstore.ActionStart && in.Version != nil {
			s.fail(w, r, focusflow.Invalid("version", "Start takes only task_id."))
			return
		}
		if action != sqlstore.ActionStart && in.TaskID != nil {
			s.fail(w, r, focusflow.Invalid("task_id", "Only start takes a task_id."))
			return
		}
		if action == sqlstore.ActionStart && deref(in.TaskID) <= 0 {
			s.fail(w, r, focusflow.Invalid("task_id", "task_id must be a positive id."))
			return
		}
		res, err := s.store.TimerAction(r.Context(), a.user, action, deref(in.TaskID), deref(in.Version))
		var conflict *sqlstore.TimerConflictError
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

// --- time entries ---

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
	s.writeJSON(w, r, http.StatusOK, s.toEntryJSON(e))
}

// --- notes ---

func (s *Server) apiPutDayNote(w http.ResponseWriter, r *http.Request, a *authState) {
	date, err := dateParam("date", r.PathValue("date"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Text *string `json:"text"`
	}
	if err := decodeJSON(r, &in, "text"); err != nil {
		s.fail(w, r, err)
		return
	}
	text, err := focusflow.DayNoteText.CleanField("text", *in.Text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.store.PutDayNote(r.Context(), a.user.ID, date, text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, dayNoteJSON{Text: n.Text, UpdatedAt: optTime(n.UpdatedAt)})
}

func (s *Server) apiNotes(w http.ResponseWriter, r *http.Request, a *authState) {
	date, err := dateParam("date", r.URL.Query().Get("date"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notes, err := s.store.Notes(r.Context(), a.user.ID, date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]noteJSON, len(notes))
	for i := range notes {
		out[i] = toNoteJSON(&notes[i])
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"notes": out})
}

type noteInput struct {
	Date    *string `json:"date"`
	Type    *string `json:"type"`
	Title   *string `json:"title"`
	Content *string `json:"content"`
}

func validNoteType(t string) error {
	if !slices.Contains(focusflow.NoteTypes, t) {
		return focusflow.Invalid("type", "Type must be one of general, reflection, idea, reminder.")
	}
	return nil
}

func (s *Server) apiCreateNote(w http.ResponseWriter, r *http.Request, a *authState) {
	var in noteInput
	if err := decodeJSON(r, &in, "date", "type", "content"); err != nil {
		s.fail(w, r, err)
		return
	}
	n := &focusflow.Note{}
	var err error
	if n.Date, err = dateParam("date", *in.Date); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := validNoteType(*in.Type); err != nil {
		s.fail(w, r, err)
		return
	}
	n.Type = *in.Type
	if n.Title, err = focusflow.NoteTitleText.CleanField("title", deref(in.Title)); err != nil {
		s.fail(w, r, err)
		return
	}
	if n.Content, err = focusflow.NoteContentText.CleanField("content", *in.Content); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.CreateNote(r.Context(), a.user, n); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, toNoteJSON(n))
}

func (s *Server) apiUpdateNote(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in noteInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Date != nil {
		s.fail(w, r, focusflow.Invalid("date", "A note's date cannot be changed."))
		return
	}
	var p sqlstore.NotePatch
	if in.Type != nil {
		if err := validNoteType(*in.Type); err != nil {
			s.fail(w, r, err)
			return
		}
		p.Type = in.Type
	}
	if in.Title != nil {
		t, err := focusflow.NoteTitleText.CleanField("title", *in.Title)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Title = &t
	}
	if in.Content != nil {
		c, err := focusflow.NoteContentText.CleanField("content", *in.Content)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Content = &c
	}
	n, err := s.store.UpdateNote(r.Context(), a.user.ID, id, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, toNoteJSON(n))
}

// --- the page ---

type dashboardData struct {
	Date        string
	Today       string
	Prev, Next  string
	DateLabel   string
	IsToday     bool
	FocusMode   bool
	GoalMinutes int
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, a *authState) {
	today := localdate.Today(s.now(), a.user.Location())
	date := today
	if q := r.URL.Query().Get("date"); q != "" {
		d, err := dateParam("date", q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		date = d
	}
	day, _ := localdate.ParseDate(date)
	s.render(w, r, "dashboard", page{Title: "Dashboard", Notice: notice(r), Data: dashboardData{
		Date: date, Today: today, Prev: localdate.AddDays(date, -1), Next: localdate.AddDays(date, 1),
		DateLabel: day.Format("Monday, 2 January 2006"), IsToday: date == today, FocusMode: a.user.FocusMode,
		GoalMinutes: int(a.user.DailyGoal / time.Minute)}})
}
