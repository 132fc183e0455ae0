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
	"github.com/focusflow/focusflow/internal/recur"
)

// The day: GET /api/v1/days/{date} and the dashboard page.

// dayStore is what the day handlers need.
type dayStore interface {
	Day(ctx context.Context, user *focusflow.User, date string, recheck focusflow.Recheck) (*focusflow.Day, error)
	DayActivity(ctx context.Context, userID int64, date string, before *focusflow.ActivityCursor, limit int) (focusflow.ActivityPage, error)
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

func goalPercent(focus, goal time.Duration) int {
	if goal <= 0 {
		return 0
	}
	return int(focus * 100 / goal)
}

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := apiTime(t)
	return &s
}

// dateParam validates a calendar date from the path or query.
func dateParam(field, v string) (string, error) {
	return v, focusflow.ValidateDate(field, v)
}

func idParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, focusflow.Invalid(name, "%q is not a valid id.", focusflow.Shorten(r.PathValue(name), 40))
	}
	return id, nil
}

func (s *Server) apiDay(w http.ResponseWriter, r *http.Request, a *authState) {
	date, err := dateParam("date", r.PathValue("date"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	keep, err := tagFilter(r.URL.Query().Get("tag"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var recheck focusflow.Recheck
	switch {
	case a.cached && a.token != nil:
		recheck.TokenHash = a.token.Hash
	case a.cached:
		recheck.SessionHash = a.tokenHash
	}
	day, err := s.store.Day(r.Context(), a.user, date, recheck)
	if errors.Is(err, focusflow.ErrSessionGone) {
		if a.token != nil {
			s.tokens.drop(a.token.Hash)
			w.Header().Set("WWW-Authenticate", `Bearer realm="focusflow", error="invalid_token"`)
			err = focusflow.Errorf(focusflow.EUNAUTHORIZED, "The API token is not valid.")
		} else {
			s.sessions.drop(a.tokenHash)
			s.setCookie(w, s.sessionCookie(), "", -1)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tasks := []taskJSON{}
	for i := range day.Tasks {
		if !keep(&day.Tasks[i]) {
			continue
		}
		tj := toTaskJSON(&day.Tasks[i])
		if sr, ok := day.Series[day.Tasks[i].SeriesID]; ok {
			tj.Series.Summary = recur.Summary(sr.Rule)
		}
		tasks = append(tasks, tj)
	}
	notes := make([]noteJSON, len(day.Notes))
	for i := range day.Notes {
		notes[i] = toNoteJSON(&day.Notes[i])
	}
	goal := a.user.DailyGoal
	week := make([]weekDayJSON, len(day.Week))
	for i, d := range day.Week {
		week[i] = weekDayJSON{Date: d.Date, FocusMS: d.Focus.Milliseconds(), Completed: d.Completed, Total: d.Total,
			GoalPercent: goalPercent(d.Focus, goal)}
	}
	body := map[string]any{
		"date":          day.Date,
		"tasks":         tasks,
		"note":          dayNoteJSON{Text: day.Note.Text, UpdatedAt: optTime(day.Note.UpdatedAt)},
		"notes":         notes,
		"activity":      toActivityJSON(day.Activity),
		"activity_more": day.ActivityNext != nil,
		"activity_next": cursorJSON(day.ActivityNext),
		"timer":         toTimerJSON(day.Timer),
		"progress": progressJSON{Completed: day.Stats.Completed, Total: day.Stats.Total, FocusMS: day.Stats.Focus.Milliseconds(),
			GoalMS: goal.Milliseconds(), GoalPercent: goalPercent(day.Stats.Focus, goal)},
		"streak":      day.Streak,
		"week":        week,
		"server_time": apiTime(s.now()),
	}
	if !a.mayRead(focusflow.ScopeNotesRead) {
		// A token without notes:read sees the day without its notes.
		delete(body, "note")
		delete(body, "notes")
	}
	s.writeJSON(w, r, http.StatusOK, body)
}

type dashboardData struct {
	Date        string
	Today       string
	Prev, Next  string
	DateLabel   string
	IsToday     bool
	FocusMode   bool
	GoalMinutes int
	Weekdays    []weekdayChoice // the task dialog's repeat days
}

type weekdayChoice struct{ Value, Label string }

var weekdayChoices = []weekdayChoice{{"mon", "Monday"}, {"tue", "Tuesday"}, {"wed", "Wednesday"},
	{"thu", "Thursday"}, {"fri", "Friday"}, {"sat", "Saturday"}, {"sun", "Sunday"}}

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
		GoalMinutes: int(a.user.DailyGoal / time.Minute), Weekdays: weekdayChoices}})
}

// tagFilter reads the ?tag= of a day: a tag id keeps the tasks carrying
// that tag, "none" the untagged ones, "" all of them.
func tagFilter(v string) (func(*focusflow.Task) bool, error) {
	switch v {
	case "":
		return func(*focusflow.Task) bool { return true }, nil
	case "none":
		return func(t *focusflow.Task) bool { return len(t.Tags) == 0 }, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, focusflow.Invalid("tag", "Tag must be a tag id or \"none\" (got %q).", focusflow.Shorten(v, 40))
	}
	return func(t *focusflow.Task) bool {
		return slices.ContainsFunc(t.Tags, func(g focusflow.Tag) bool { return g.ID == id })
	}, nil
}
