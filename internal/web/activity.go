package web

import (
	"net/http"

	"github.com/focusflow/focusflow"
)

// A day's activity log: the day view holds its latest lines, and
// GET /api/v1/days/{date}/activity pages through the rest, newest first.

type activityJSON struct {
	ID      int64  `json:"id"`
	At      string `json:"at"`
	Kind    string `json:"kind"`
	Message string `json:"message"`
	TaskID  *int64 `json:"task_id"`
}

func toActivityJSON(lines []focusflow.ActivityRow) []activityJSON {
	out := make([]activityJSON, len(lines))
	for i, l := range lines {
		out[i] = activityJSON{ID: l.ID, At: apiTime(l.At), Kind: l.Kind, Message: l.Message}
		if l.TaskID != 0 {
			out[i].TaskID = &lines[i].TaskID
		}
	}
	return out
}

// cursorJSON is a cursor as the API gives it: its text, or null.
func cursorJSON(c *focusflow.ActivityCursor) *string {
	if c == nil {
		return nil
	}
	s := c.String()
	return &s
}

type activityPageJSON struct {
	Activity []activityJSON `json:"activity"`
	Next     *string        `json:"next"`
}

func (s *Server) apiDayActivity(w http.ResponseWriter, r *http.Request, a *authState) {
	date, err := dateParam("date", r.PathValue("date"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	var before *focusflow.ActivityCursor
	if q.Has("before") {
		c, err := focusflow.ParseActivityCursor("before", q.Get("before"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		before = &c
	}
	limit, err := focusflow.ParseActivityLimit("limit", q.Get("limit"))
	if err == nil && q.Has("limit") && q.Get("limit") == "" {
		err = focusflow.Invalid("limit", "Limit may not be empty.")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.store.DayActivity(r.Context(), a.user.ID, date, before, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, activityPageJSON{Activity: toActivityJSON(page.Lines), Next: cursorJSON(page.Next)})
}
