package web

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/focusflow/focusflow"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// activityLine is a line of a day's activity as the API gives it, with
// the date it was read from.
type activityLine struct {
	Date    string
	Kind    string `json:"kind"`
	Message string `json:"message"`
	TaskID  *int64 `json:"task_id"`
}

func (l activityLine) String() string {
	id := "null"
	if l.TaskID != nil {
		id = fmt.Sprint(*l.TaskID)
	}
	return fmt.Sprintf("{%s %s %q task %s}", l.Date, l.Kind, l.Message, id)
}

func (c *client) activity(t *testing.T, date string) []activityLine {
	t.Helper()
	var d struct {
		Activity []activityLine `json:"activity"`
	}
	c.get("/api/v1/days/"+date).expect(t, http.StatusOK).decode(t, &d)
	for i := range d.Activity {
		d.Activity[i].Date = date
	}
	return d.Activity
}

// expectLogged runs req, checks its status, and checks that it wrote
// exactly want on dates (each day's log is newest first).
func (c *client) expectLogged(t *testing.T, dates []string, req func() *response, status int, want ...string) {
	t.Helper()
	before := map[string]int{}
	for _, d := range dates {
		before[d] = len(c.activity(t, d))
	}
	req().expect(t, status)
	var got []string
	for _, d := range dates {
		act := c.activity(t, d)
		for _, a := range act[:len(act)-before[d]] {
			got = append(got, a.String())
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("wrote\n%q\nwant\n%q", got, want)
	}
}

// Through the API: each edit, deletion and manual entry writes one line
// on the task's day; refused requests, and other users, write none.
func TestActivityOfEditsThroughTheAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		days := []string{"2025-07-05", "2025-07-06", "2025-07-07"} // today is 2025-07-05 (UTC)
		task := c.createTask(t, map[string]any{"date": "2025-07-06", "title": "Draft"})
		path := fmt.Sprintf("/api/v1/tasks/%d", task.ID)
		line := func(date, kind, msg string) string {
			return activityLine{Date: date, Kind: kind, Message: msg, TaskID: &task.ID}.String()
		}
		patch := func(body string) func() *response { return func() *response { return c.json("PATCH", path, body) } }

		c.expectLogged(t, days, patch(`{"title":"Draft v2","duration_minutes":30}`), http.StatusOK,
			line("2025-07-06", "task_edited", "Renamed “Draft” to “Draft v2”; estimate set to 30 min"))
		c.expectLogged(t, days, patch(`{"title":"","duration_minutes":45}`), http.StatusBadRequest)
		c.expectLogged(t, days, patch(`{"duration_minutes":9999}`), http.StatusBadRequest)
		c.expectLogged(t, days, patch(`{"status":"completed"}`), http.StatusOK,
			line("2025-07-05", "task_completed", "Completed task: Draft v2"))
		c.expectLogged(t, days, patch(`{"date":"2025-07-07","start_time":"08:15"}`), http.StatusOK,
			line("2025-07-07", "task_edited", "Edited “Draft v2”: start time set to 08:15; moved from 2025-07-06 to 2025-07-07"))

		var entry struct {
			ID int64 `json:"id"`
		}
		c.expectLogged(t, days, func() *response {
			res := c.json("POST", path+"/entries", `{"started_at":"2025-07-04T10:00:00Z","ended_at":"2025-07-04T10:20:00Z"}`)
			if res.Status == http.StatusCreated {
				res.decode(t, &entry)
			}
			return res
		}, http.StatusCreated, line("2025-07-07", "entry_added", "Added 20 min to “Draft v2” (2025-07-04 10:00–10:20)"))
		entryPath := fmt.Sprintf("/api/v1/entries/%d", entry.ID)
		c.expectLogged(t, days, func() *response {
			return c.json("PATCH", entryPath, `{"ended_at":"2025-07-04T09:00:00Z"}`)
		}, http.StatusBadRequest)
		c.expectLogged(t, days, func() *response {
			return c.json("PATCH", entryPath, `{"started_at":"2025-07-04T09:50:00Z"}`)
		}, http.StatusOK, line("2025-07-07", "entry_edited",
			"Changed time on “Draft v2”: 2025-07-04 10:00–10:20 → 2025-07-04 09:50–10:20 (30 min)"))

		// Another user's requests fail and log nothing, on either side.
		other, _ := ts.signedInClient(t)
		for _, req := range []func() *response{
			func() *response { return other.json("PATCH", path, `{"title":"Mine now"}`) },
			func() *response { return other.json("DELETE", entryPath, nil) },
			func() *response { return other.json("DELETE", path, nil) },
		} {
			c.expectLogged(t, days, req, http.StatusNotFound)
		}
		for _, d := range days {
			if act := other.activity(t, d); len(act) != 0 {
				t.Errorf("other user's %s: %v", d, act)
			}
		}

		c.expectLogged(t, days, func() *response { return c.json("DELETE", entryPath, nil) }, http.StatusNoContent,
			line("2025-07-07", "entry_deleted", "Removed 30 min from “Draft v2” (2025-07-04 09:50–10:20)"))
		c.expectLogged(t, days, func() *response { return c.json("DELETE", path, nil) }, http.StatusNoContent,
			line("2025-07-07", "task_deleted", "Deleted task “Draft v2”"))
		c.expectLogged(t, days, func() *response { return c.json("DELETE", path, nil) }, http.StatusNotFound)
	})
}

type activityPage struct {
	Activity []activityLine `json:"activity"`
	More     bool           `json:"activity_more"`
	Next     *string        `json:"activity_next"`
	PageNext *string        `json:"next"`
}

func messagesOf(lines []activityLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Message
	}
	return out
}

// The day view holds the latest 20 lines and the cursor to go on from;
// GET /api/v1/days/{date}/activity pages through the rest newest first,
// in a stable order for lines of one instant (here all of them: the
// clock stands still), and refuses a bad cursor or limit naming it.
func TestDayActivityPagesThroughTheAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, u := ts.signedInClient(t)
		const date = "2025-07-05" // today (UTC)
		var want []string
		for i := range 25 {
			c.createTask(t, map[string]any{"date": date, "title": fmt.Sprintf("T%02d", i)})
			want = append([]string{fmt.Sprintf("Added task: T%02d", i)}, want...)
		}
		var day activityPage
		c.get("/api/v1/days/"+date).expect(t, http.StatusOK).decode(t, &day)
		if !slices.Equal(messagesOf(day.Activity), want[:20]) || !day.More || day.Next == nil {
			t.Fatalf("day view: %v more %v next %v", messagesOf(day.Activity), day.More, day.Next)
		}
		base := "/api/v1/days/" + date + "/activity"
		var p1, p2 activityPage
		c.get(base+"?limit=3&before="+*day.Next).expect(t, http.StatusOK).decode(t, &p1)
		if !slices.Equal(messagesOf(p1.Activity), want[20:23]) || p1.PageNext == nil {
			t.Fatalf("first page: %v next %v", messagesOf(p1.Activity), p1.PageNext)
		}
		c.get(base+"?before="+*p1.PageNext).expect(t, http.StatusOK).decode(t, &p2)
		if !slices.Equal(messagesOf(p2.Activity), want[23:]) || p2.PageNext != nil {
			t.Fatalf("last page: %v next %v", messagesOf(p2.Activity), p2.PageNext)
		}
		var all activityPage
		c.get(base+"?limit=100").expect(t, http.StatusOK).decode(t, &all)
		if !slices.Equal(messagesOf(all.Activity), want) || all.PageNext != nil {
			t.Errorf("whole day: %v next %v", messagesOf(all.Activity), all.PageNext)
		}

		for _, bad := range []struct{ query, field string }{
			{"?before=", "before"}, {"?before=not-a-cursor", "before"}, {"?before=" + *day.Next + "AA", "before"},
			{"?before=MTc1MTcwNzgwMDAwMC4w", "before"}, // a zero id
			{"?limit=0", "limit"}, {"?limit=101", "limit"}, {"?limit=ten", "limit"}, {"?limit=", "limit"},
		} {
			res := c.get(base+bad.query).expect(t, http.StatusBadRequest)
			if got := res.apiError(t); got.Field != bad.field {
				t.Errorf("%s: error %+v, want field %s", bad.query, got, bad.field)
			}
		}
		if got := c.get("/api/v1/days/2025-13-01/activity").expect(t, http.StatusBadRequest).apiError(t); got.Field != "date" {
			t.Errorf("bad date: %+v", got)
		}

		// Another user with this user's cursor reads only their own (empty) day.
		other, _ := ts.signedInClient(t)
		var theirs activityPage
		other.get(base+"?before="+*day.Next).expect(t, http.StatusOK).decode(t, &theirs)
		if len(theirs.Activity) != 0 || theirs.PageNext != nil {
			t.Errorf("other user read %v", theirs.Activity)
		}
		ts.newClient(t).get(base).expect(t, http.StatusUnauthorized)

		// Tokens: tasks:read as for the day view.
		raw, _ := ts.newToken(t, u.ID, time.Time{}, focusflow.ScopeTasksRead)
		var byToken activityPage
		ts.bearerClient(t, raw).get(base+"?limit=2").expect(t, http.StatusOK).decode(t, &byToken)
		if !slices.Equal(messagesOf(byToken.Activity), want[:2]) {
			t.Errorf("token read %v", messagesOf(byToken.Activity))
		}
		raw, _ = ts.newToken(t, u.ID, time.Time{}, focusflow.ScopeNotesRead, focusflow.ScopeStatsRead)
		wantStatus(t, ts.bearerClient(t, raw).get(base), http.StatusForbidden, "tasks:read")
	})
}
