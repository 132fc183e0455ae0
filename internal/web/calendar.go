package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/ical"
	"github.com/focusflow/focusflow/internal/localdate"
)

// The calendar feed: GET /api/v1/calendar.ics?token=… (a token with
// calendar:read; calendar apps can only be given a URL, so this is the one
// route that takes a token in its query string). It lists the tasks that
// have a start time, from 30 days back to 90 days ahead, as timed events
// in the user's time zone.

type calendarStore interface {
	CalendarTasks(ctx context.Context, userID int64, from, to string, limit int) ([]focusflow.CalendarTask, error)
}

func (s *Server) apiCalendar(w http.ResponseWriter, r *http.Request, a *authState) {
	loc := a.user.Location()
	today := localdate.Today(s.now(), loc)
	from, to := localdate.AddDays(today, -focusflow.CalendarPastDays), localdate.AddDays(today, focusflow.CalendarFutureDays)
	tasks, err := s.store.CalendarTasks(r.Context(), a.user.ID, from, to, focusflow.CalendarFeedLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	first, _ := localdate.ParseDate(from)
	last, _ := localdate.ParseDate(to)
	var c ical.Writer
	c.Line("BEGIN", "VCALENDAR")
	c.Line("VERSION", "2.0")
	c.Line("PRODID", "-//FocusFlow//Calendar feed//EN")
	c.Line("CALSCALE", "GREGORIAN")
	c.Line("METHOD", "PUBLISH")
	c.Line("X-WR-CALNAME", ical.Text("FocusFlow: "+a.user.Username))
	c.Line("X-WR-TIMEZONE", ical.Text(loc.String()))
	c.Line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
	c.VTimezone(loc, first.AddDate(0, 0, -2), last.AddDate(0, 0, 2))
	for i := range tasks {
		writeTaskEvent(&c, &tasks[i], loc)
	}
	c.Line("END", "VCALENDAR")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="focusflow.ics"`)
	body := c.String()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write([]byte(body))
}

// writeTaskEvent writes one task as a VEVENT. Its UID never changes and
// its SEQUENCE grows with every change (seconds from creation to the last
// change), so calendar apps update the event in place.
func writeTaskEvent(c *ical.Writer, t *focusflow.CalendarTask, loc *time.Location) {
	start, err := time.ParseInLocation(focusflow.DateLayout+" 15:04", t.Date+" "+t.StartTime, loc)
	if err != nil {
		return // not a date and time the API would have stored
	}
	minutes := t.DurationMinutes
	if minutes <= 0 {
		minutes = int(focusflow.CalendarDefaultDuration / time.Minute)
	}
	title := t.Title
	if t.Status == focusflow.StatusCompleted {
		// A VEVENT has no "completed" status: the title says it.
		title = focusflow.CalendarCompletedPrefix + title
	}
	seq := max(int64(t.UpdatedAt.Sub(t.CreatedAt)/time.Second), 0)
	c.Line("BEGIN", "VEVENT")
	c.Line("UID", "task-"+strconv.FormatInt(t.ID, 10)+"@focusflow")
	c.Line("DTSTAMP", ical.UTC(t.UpdatedAt))
	c.Line("LAST-MODIFIED", ical.UTC(t.UpdatedAt))
	c.Line("CREATED", ical.UTC(t.CreatedAt))
	c.Line("SEQUENCE", strconv.FormatInt(seq, 10))
	c.Line("DTSTART;TZID="+loc.String(), ical.Local(start))
	c.Line("DURATION", ical.Duration(minutes))
	c.Line("SUMMARY", ical.Text(title))
	if t.Description != "" {
		c.Line("DESCRIPTION", ical.Text(t.Description))
	}
	c.Line("STATUS", "CONFIRMED")
	c.Line("TRANSP", "OPAQUE")
	c.Line("END", "VEVENT")
}
