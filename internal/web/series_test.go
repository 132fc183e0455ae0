package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

type dayTasksJSON struct {
	Tasks    []taskJSON     `json:"tasks"`
	Activity []activityJSON `json:"activity"`
}

func (c *client) dayTasks(t *testing.T, date string) dayTasksJSON {
	t.Helper()
	var d dayTasksJSON
	c.get("/api/v1/days/"+date).expect(t, http.StatusOK).decode(t, &d)
	return d
}

// The test clock's today is 2025-07-05 (a Saturday) in the user's UTC.
func TestRecurringTasksAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)

		for field, body := range map[string]string{
			"repeat":     `{"title":"Run","start_date":"2025-07-05","repeat":{"kind":"hourly"}}`,
			"end_date":   `{"title":"Run","start_date":"2025-07-05","repeat":{"kind":"daily","end_date":"2030-07-05"}}`,
			"weekdays":   `{"title":"Run","start_date":"2025-07-05","repeat":{"kind":"weekly","weekdays":[]}}`,
			"month_day":  `{"title":"Run","start_date":"2025-07-05","repeat":{"kind":"monthly","month_day":32}}`,
			"title":      `{"title":" ","start_date":"2025-07-05","repeat":{"kind":"daily"}}`,
			"start_date": `{"title":"Run","start_date":"2025-02-30","repeat":{"kind":"daily"}}`,
		} {
			if got := c.json("POST", "/api/v1/series", body).expect(t, http.StatusBadRequest).apiError(t); got.Field != field {
				t.Errorf("%s: error about %q: %+v", body, got.Field, got)
			}
		}
		var created seriesJSON
		c.json("POST", "/api/v1/series", `{"title":"Stretch","start_date":"2025-07-01","duration_minutes":15,
			"repeat":{"kind":"daily"}}`).expect(t, http.StatusCreated).decode(t, &created)
		if created.Summary != "Every day" || created.LastDate != "2030-06-30" || created.Repeat.EndDate != nil {
			t.Errorf("created: %+v", created)
		}
		var list struct{ Series []seriesJSON }
		c.get("/api/v1/series").expect(t, http.StatusOK).decode(t, &list)
		if len(list.Series) != 1 {
			t.Fatalf("refused input created series: %+v", list.Series)
		}

		if d := c.dayTasks(t, "2025-07-04"); len(d.Tasks) != 0 {
			t.Errorf("a past day was back-filled: %+v", d.Tasks)
		}
		today := c.dayTasks(t, "2025-07-05")
		if len(today.Tasks) != 1 || today.Tasks[0].Series == nil || today.Tasks[0].Series.Summary != "Every day" ||
			today.Tasks[0].Series.ID != created.ID || *today.Tasks[0].DurationMinutes != 15 {
			t.Fatalf("today: %+v", today.Tasks)
		}
		if !hasActivity(today.Activity, "series_added", "Added repeating task: Stretch (Every day)") {
			t.Errorf("activity: %+v", today.Activity)
		}
		for _, date := range []string{"2025-07-06", "2025-07-07", "2025-07-08"} {
			if d := c.dayTasks(t, date); len(d.Tasks) != 1 {
				t.Fatalf("%s: %+v", date, d.Tasks)
			}
		}
		sunday := c.dayTasks(t, "2025-07-06").Tasks[0]
		path := "/api/v1/tasks/" + strconv.FormatInt(sunday.ID, 10)
		for field, body := range map[string]string{
			"scope":  `{"scope":"all","title":"x"}`,
			"date":   `{"scope":"following","date":"2025-07-09"}`,
			"repeat": `{"scope":"this","repeat":{"kind":"daily"}}`,
		} {
			if got := c.json("PATCH", path, body).expect(t, http.StatusBadRequest).apiError(t); got.Field != field {
				t.Errorf("%s: error about %q", body, got.Field)
			}
		}
		monday := c.dayTasks(t, "2025-07-07").Tasks[0]
		var own taskJSON
		c.json("PATCH", "/api/v1/tasks/"+strconv.FormatInt(monday.ID, 10), `{"title":"Stretch longer"}`).expect(t, http.StatusOK).decode(t, &own)
		if own.Series == nil || !own.Series.Detached {
			t.Errorf("this one: %+v", own.Series)
		}
		var next seriesJSON
		c.json("PATCH", path, `{"scope":"following","title":"Stretch and breathe"}`).expect(t, http.StatusOK).decode(t, &next)
		if next.StartDate != "2025-07-06" || next.ID == created.ID {
			t.Errorf("following: %+v", next)
		}
		want := map[string]string{"2025-07-05": "Stretch", "2025-07-06": "Stretch and breathe",
			"2025-07-07": "Stretch longer", "2025-07-08": "Stretch and breathe", "2025-07-09": "Stretch and breathe"}
		for date, title := range want {
			if d := c.dayTasks(t, date); len(d.Tasks) != 1 || d.Tasks[0].Title != title {
				t.Errorf("%s: %+v, want %q", date, d.Tasks, title)
			}
		}
		if d := c.dayTasks(t, "2025-07-05"); !hasActivity(d.Activity, "series_changed",
			"Changed repeating task from 2025-07-06: Stretch and breathe (Every day)") {
			t.Errorf("activity: %+v", d.Activity)
		}

		c.json("DELETE", "/api/v1/series/"+strconv.FormatInt(next.ID, 10), nil).expect(t, http.StatusNoContent)
		for date, n := range map[string]int{"2025-07-06": 0, "2025-07-07": 1, "2025-07-08": 0} {
			if d := c.dayTasks(t, date); len(d.Tasks) != n {
				t.Errorf("after delete, %s: %+v", date, d.Tasks)
			}
		}
		c.json("DELETE", "/api/v1/series/"+strconv.FormatInt(next.ID, 10), nil).expect(t, http.StatusNotFound)
		c.get("/api/v1/series/"+strconv.FormatInt(created.ID, 10)).expect(t, http.StatusOK)
		other, _ := ts.signedInClient(t)
		other.get("/api/v1/series/"+strconv.FormatInt(created.ID, 10)).expect(t, http.StatusNotFound)
	})
}

func hasActivity(acts []activityJSON, kind, message string) bool {
	for _, a := range acts {
		if a.Kind == kind && strings.Contains(a.Message, message) {
			return true
		}
	}
	return false
}

func TestCarryForwardAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		var tasks [3]taskJSON
		for i, date := range []string{"2025-07-03", "2025-07-04", "2025-07-04"} {
			c.json("POST", "/api/v1/tasks", map[string]any{"date": date, "title": "Left " + strconv.Itoa(i)}).
				expect(t, http.StatusCreated).decode(t, &tasks[i])
		}
		c.json("POST", "/api/v1/tasks/"+strconv.FormatInt(tasks[1].ID, 10)+"/entries",
			`{"started_at":"2025-07-04T10:00:00Z","ended_at":"2025-07-04T10:30:00Z"}`).expect(t, http.StatusCreated)
		var offered struct {
			Today string     `json:"today"`
			Count int        `json:"count"`
			Tasks []taskJSON `json:"tasks"`
		}
		c.get("/api/v1/carry-forward").expect(t, http.StatusOK).decode(t, &offered)
		if offered.Today != "2025-07-05" || offered.Count != 3 || offered.Tasks[0].ID != tasks[0].ID {
			t.Fatalf("offered: %+v", offered)
		}
		path := "/api/v1/tasks/" + strconv.FormatInt(tasks[1].ID, 10) + "/move-to-today"
		var moved taskJSON
		c.json("POST", path, nil).expect(t, http.StatusOK).decode(t, &moved)
		if moved.Date != "2025-07-05" || moved.SpentMS != 30*60_000 {
			t.Errorf("moved: %+v", moved)
		}
		if got := c.json("POST", path, nil).expect(t, http.StatusBadRequest).apiError(t); got.Field != "id" {
			t.Errorf("moving twice: %+v", got)
		}
		other, _ := ts.signedInClient(t)
		other.json("POST", "/api/v1/tasks/"+strconv.FormatInt(tasks[0].ID, 10)+"/move-to-today", nil).expect(t, http.StatusNotFound)
		var week struct {
			Week []weekDayJSON `json:"week"`
		}
		c.get("/api/v1/days/2025-07-05").expect(t, http.StatusOK).decode(t, &week)
		for _, d := range week.Week {
			if d.Date == "2025-07-04" && (d.FocusMS != 30*60_000 || d.Total != 1) {
				t.Errorf("the focus time left its day, or the task count did not: %+v", d)
			}
		}
		var all struct{ Moved int }
		c.json("POST", "/api/v1/carry-forward", nil).expect(t, http.StatusOK).decode(t, &all)
		if all.Moved != 2 {
			t.Errorf("moved all: %d", all.Moved)
		}
		today := c.dayTasks(t, "2025-07-05")
		if len(today.Tasks) != 3 || !hasActivity(today.Activity, "task_carried", "Moved to today from 2025-07-03: Left 0") {
			t.Errorf("today: %+v", today)
		}
		c.get("/api/v1/carry-forward").expect(t, http.StatusOK).decode(t, &offered)
		if offered.Count != 0 {
			t.Errorf("still offered: %+v", offered)
		}
		c.postForm("/profile/settings", url.Values{"carry_forward_set": {"1"}, "carry_forward": {"1"}}).expect(t, http.StatusSeeOther)
		if u, err := ts.store.User(ts.ctx(), c.userID()); err != nil || !u.CarryForward {
			t.Errorf("carry-forward setting: %+v, %v", u, err)
		}
		// The dashboard's focus-mode switch leaves it alone.
		c.postForm("/profile/settings", url.Values{"focus_mode_set": {"1"}}).expect(t, http.StatusSeeOther)
		if u, err := ts.store.User(ts.ctx(), c.userID()); err != nil || !u.CarryForward {
			t.Errorf("focus mode switched carry forward off: %+v, %v", u, err)
		}
	})
}
