package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// Recurring tasks and the planner's settings travel in the export
// document through the API: another account importing it has the same
// series, the same days of them, and no day twice; a document with a
// malformed series is refused naming the field, and changes nothing.
// The test clock's today is 2025-07-05.
func TestExportImportSeriesAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		tag := c.createTag(t, "Health", "teal")
		c.json("POST", "/api/v1/series", map[string]any{"title": "Stretch", "start_date": "2025-07-01",
			"duration_minutes": 15, "tag_ids": []int64{tag.ID}, "repeat": map[string]any{"kind": "weekly",
				"weekdays": []string{"sat", "mon"}, "end_date": "2025-12-31"}}).expect(t, http.StatusCreated)
		c.postForm("/profile/settings", map[string][]string{"time_format": {"12"}, "carry_forward_set": {"1"},
			"carry_forward": {"1"}}).expect(t, http.StatusSeeOther)
		c.dayTasks(t, "2025-07-05") // creates the day's occurrence
		raw := c.get("/api/v1/export").expect(t, http.StatusOK).Body
		var doc focusflow.ExportDoc
		if err := json.Unmarshal([]byte(raw), &doc); err != nil || len(doc.Series) != 1 || len(doc.Occurrences) != 1 {
			t.Fatalf("export: %+v %+v %v", doc.Series, doc.Occurrences, err)
		}

		other, _ := ts.signedInClient(t)
		bad := map[string]any{}
		json.Unmarshal([]byte(raw), &bad)
		bad["series"].([]any)[0].(map[string]any)["interval"] = 99
		body, _ := json.Marshal(bad)
		if got := other.json("POST", importPath, string(body)).expect(t, http.StatusBadRequest).apiError(t); got.Field != "series[0].interval" {
			t.Errorf("malformed series: %+v", got)
		}
		var empty struct{ Series []seriesJSON }
		other.get("/api/v1/series").expect(t, http.StatusOK).decode(t, &empty)
		var me map[string]any
		other.get("/api/v1/me").expect(t, http.StatusOK).decode(t, &me)
		if len(empty.Series) != 0 || len(other.dayTasks(t, "2025-07-05").Tasks) != 0 || me["time_format"] != "auto" {
			t.Errorf("the refused document changed the account: %+v %+v", empty.Series, me)
		}

		var res struct{ Imported focusflow.ImportSummary }
		other.json("POST", importPath, raw).expect(t, http.StatusOK).decode(t, &res)
		if sum := res.Imported; sum.Created.Series != 1 || sum.Created.Tasks != 1 {
			t.Errorf("summary %+v", sum)
		}
		var mine, theirs struct{ Series []seriesJSON }
		c.get("/api/v1/series").expect(t, http.StatusOK).decode(t, &mine)
		other.get("/api/v1/series").expect(t, http.StatusOK).decode(t, &theirs)
		for _, l := range [][]seriesJSON{mine.Series, theirs.Series} {
			for i := range l {
				l[i].ID, l[i].UpdatedAt, l[i].Tags[0].ID = 0, "", 0
			}
		}
		if !reflect.DeepEqual(mine.Series, theirs.Series) {
			t.Errorf("series:\n%+v\n%+v", mine.Series, theirs.Series)
		}
		for _, day := range []string{"2025-07-05", "2025-07-07"} {
			got := other.dayTasks(t, day).Tasks
			if len(got) != 1 || got[0].Series == nil || got[0].Title != "Stretch" {
				t.Errorf("%s after the import: %+v", day, got)
			}
		}
		other.get("/api/v1/me").expect(t, http.StatusOK).decode(t, &me)
		if me["time_format"] != "12" {
			t.Errorf("settings after the import: %+v", me)
		}
	})
}
