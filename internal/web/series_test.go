package web

import (
	"net/http"
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
