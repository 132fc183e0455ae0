package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
	"github.com/focusflow/focusflow/ui"
)

func TestTagPaletteHasCSS(t *testing.T) {
	css, err := ui.Static.ReadFile("static/css/tags.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range focusflow.TagPalette {
		if want := fmt.Sprintf(".tag-c-%s { background: %s; }", c.Name, c.Hex); !strings.Contains(string(css), want) {
			t.Errorf("tags.css lacks %q", want)
		}
	}
}

func TestStatsByTag(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		work := c.createTag(t, "Work", "blue")
		deep := c.createTag(t, "Deep", "purple")
		both := c.createTask(t, map[string]any{"date": "2025-07-04", "title": "Both", "tag_ids": []int64{work.ID, deep.ID},
			"start_time": "09:00", "duration_minutes": 60})
		plain := c.createTask(t, map[string]any{"date": "2025-07-04", "title": "Plain"})
		entry := func(task int64, from, to string) {
			c.json("POST", fmt.Sprintf("/api/v1/tasks/%d/entries", task), map[string]any{"started_at": from, "ended_at": to}).
				expect(t, http.StatusCreated)
		}
		entry(both.ID, "2025-07-04T09:00:00Z", "2025-07-04T09:45:00Z")
		entry(plain.ID, "2025-07-04T10:00:00Z", "2025-07-04T10:30:00Z")
		c.json("PATCH", fmt.Sprintf("/api/v1/tasks/%d", both.ID), map[string]any{"status": "completed"}).expect(t, 200)

		var st struct {
			ByTag struct {
				Tags []struct {
					Tag       tagOut `json:"tag"`
					Tasks     int    `json:"tasks"`
					Completed int    `json:"completed"`
					FocusMS   int64  `json:"focus_ms"`
					Planned   int    `json:"planned_tasks"`
					Eff       *int   `json:"efficiency_percent"`
				} `json:"tags"`
				Untagged struct {
					Tasks   int   `json:"tasks"`
					FocusMS int64 `json:"focus_ms"`
				} `json:"untagged"`
				Total struct {
					Tasks   int   `json:"tasks"`
					FocusMS int64 `json:"focus_ms"`
				} `json:"total"`
				Multi int    `json:"multi_tagged_tasks"`
				Note  string `json:"note"`
			} `json:"by_tag"`
			Definitions map[string]string `json:"definitions"`
		}
		c.get("/api/v1/stats?from=2025-07-01&to=2025-07-05&include=by_tag").expect(t, 200).decode(t, &st)
		bt := st.ByTag
		const m45, m30 = int64(45 * time.Minute / time.Millisecond), int64(30 * time.Minute / time.Millisecond)
		if len(bt.Tags) != 2 || bt.Tags[0].Tag.Name != "Deep" || bt.Tags[0].FocusMS != m45 || bt.Tags[1].FocusMS != m45 ||
			bt.Tags[0].Completed != 1 || bt.Tags[0].Planned != 1 || bt.Tags[0].Eff == nil || *bt.Tags[0].Eff != 75 {
			t.Errorf("tag rows %+v", bt.Tags)
		}
		if bt.Untagged.Tasks != 1 || bt.Untagged.FocusMS != m30 || bt.Total.Tasks != 2 || bt.Total.FocusMS != m45+m30 {
			t.Errorf("untagged %+v total %+v", bt.Untagged, bt.Total)
		}
		if bt.Multi != 1 || !strings.Contains(bt.Note, "counts under each") || st.Definitions["by_tag"] == "" {
			t.Errorf("multi %d note %q", bt.Multi, bt.Note)
		}

		page := c.get("/achievements?tag_from=2025-07-04&tag_to=2025-07-04").expect(t, 200).Body
		for _, want := range []string{`class="tag-chip tag-c-purple">Deep</span>`, "Untagged", "Total (each task once)",
			"1 task has several tags"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		c.get("/achievements?tag_from=2025-07-06&tag_to=2025-07-04").expect(t, 400)
		// The breakdown is read only when asked for.
		noTags := c.get("/api/v1/stats?from=2025-07-01&to=2025-07-05").expect(t, 200).Body
		if strings.Contains(noTags, `"by_tag":{`) || strings.Contains(noTags, `"by_tag":null`) {
			t.Errorf("by_tag without include: %.200s", noTags)
		}
		for _, bad := range []string{"tags", "by_tag,days", ""} {
			res := c.get("/api/v1/stats?include=" + bad).expect(t, 400)
			if !strings.Contains(res.Body, `"field":"include"`) {
				t.Errorf("include=%q: %s", bad, res.Body)
			}
		}
		c.get("/api/v1/stats?include=by_tag,by_tag").expect(t, 200)
	})
}
