package web

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

type tagOut struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"`
	Hex   string `json:"hex"`
	Tasks *int   `json:"tasks"`
}

type taskOut struct {
	ID       int64    `json:"id"`
	Title    string   `json:"title"`
	Date     string   `json:"date"`
	Position int      `json:"position"`
	Tags     []tagOut `json:"tags"`
}

type dayOut struct {
	Tasks    []taskOut `json:"tasks"`
	Activity []struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"activity"`
}

func (c *client) createTag(t *testing.T, name, color string) tagOut {
	t.Helper()
	var g tagOut
	c.json("POST", "/api/v1/tags", map[string]any{"name": name, "color": color}).expect(t, http.StatusCreated).decode(t, &g)
	return g
}

func (c *client) createTask(t *testing.T, body map[string]any) taskOut {
	t.Helper()
	var task taskOut
	c.json("POST", "/api/v1/tasks", body).expect(t, http.StatusCreated).decode(t, &task)
	return task
}

func (c *client) day(t *testing.T, path string) dayOut {
	t.Helper()
	var d dayOut
	c.get(path).expect(t, http.StatusOK).decode(t, &d)
	return d
}

func titlesOf(tasks []taskOut) []string {
	out := []string{}
	for _, task := range tasks {
		out = append(out, task.Title)
	}
	return out
}

func TestTagsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		work := c.createTag(t, "Work", "blue")
		if work.Hex != "#1d4ed8" {
			t.Errorf("hex %q", work.Hex)
		}
		home := c.createTag(t, "Home", "")

		// Bad input: clear errors naming the field, nothing created.
		for _, bad := range []struct {
			body   any
			status int
			field  string
		}{
			{map[string]any{"name": "  "}, 400, "name"},
			{map[string]any{"name": "x", "color": "#123456"}, 400, "color"},
			{map[string]any{"name": fmt.Sprintf("%041d", 0)}, 400, "name"},
			{map[string]any{"name": "WORK"}, 409, "name"},
			{map[string]any{"name": "ok", "extra": 1}, 400, "extra"},
		} {
			r := c.json("POST", "/api/v1/tags", bad.body).expect(t, bad.status)
			if f := r.apiError(t).Field; f != bad.field {
				t.Errorf("%v: field %q, want %q", bad.body, f, bad.field)
			}
		}
		var list struct {
			Tags    []tagOut `json:"tags"`
			Palette []struct {
				Name string `json:"name"`
			} `json:"palette"`
		}
		c.get("/api/v1/tags").expect(t, 200).decode(t, &list)
		if len(list.Tags) != 2 || list.Tags[0].Name != "Home" || len(list.Palette) < 8 {
			t.Fatalf("tags %+v", list)
		}

		// A task created with tags; tags set, added, removed.
		a := c.createTask(t, map[string]any{"date": "2025-07-05", "title": "Report", "tag_ids": []int64{work.ID}})
		if len(a.Tags) != 1 || a.Tags[0].Name != "Work" {
			t.Fatalf("created with tags %+v", a.Tags)
		}
		b := c.createTask(t, map[string]any{"date": "2025-07-05", "title": "Laundry"})
		c.createTask(t, map[string]any{"date": "2025-07-05", "title": "Nothing"})
		var got taskOut
		c.json("PUT", fmt.Sprintf("/api/v1/tasks/%d/tags/%d", b.ID, home.ID), nil).expect(t, 200).decode(t, &got)
		if len(got.Tags) != 1 || got.Tags[0].ID != home.ID {
			t.Errorf("add: %+v", got.Tags)
		}
		c.json("PATCH", fmt.Sprintf("/api/v1/tasks/%d", b.ID), map[string]any{"tag_ids": []int64{home.ID, work.ID}}).
			expect(t, 200).decode(t, &got)
		if len(got.Tags) != 2 {
			t.Errorf("patch tags: %+v", got.Tags)
		}
		r := c.json("PUT", fmt.Sprintf("/api/v1/tasks/%d/tags", b.ID), map[string]any{"tag_ids": []int64{home.ID, 999999}}).expect(t, 404)
		if r.apiError(t).Field != "tag_ids" {
			t.Errorf("unknown tag: %s", r)
		}

		// The day filtered by tag.
		if got := titlesOf(c.day(t, fmt.Sprintf("/api/v1/days/2025-07-05?tag=%d", work.ID)).Tasks); !slices.Equal(got, []string{"Report", "Laundry"}) {
			t.Errorf("?tag=work: %v", got)
		}
		if got := titlesOf(c.day(t, "/api/v1/days/2025-07-05?tag=none").Tasks); !slices.Equal(got, []string{"Nothing"}) {
			t.Errorf("?tag=none: %v", got)
		}
		c.get("/api/v1/days/2025-07-05?tag=abc").expect(t, 400)

		// Another user sees none of it and cannot touch it.
		other, _ := ts.signedInClient(t)
		other.json("PATCH", fmt.Sprintf("/api/v1/tags/%d", work.ID), map[string]any{"name": "Mine"}).expect(t, 404)
		other.json("PUT", fmt.Sprintf("/api/v1/tasks/%d/tags/%d", a.ID, work.ID), nil).expect(t, 404)
		other.json("DELETE", fmt.Sprintf("/api/v1/tags/%d", work.ID), nil).expect(t, 404)

		// Rename, recolour, merge, delete.
		var into tagOut
		c.json("PATCH", fmt.Sprintf("/api/v1/tags/%d", work.ID), map[string]any{"name": "Job", "color": "teal"}).
			expect(t, 200).decode(t, &into)
		c.json("POST", fmt.Sprintf("/api/v1/tags/%d/merge", home.ID), map[string]any{"into": home.ID}).expect(t, 400)
		c.json("POST", fmt.Sprintf("/api/v1/tags/%d/merge", home.ID), map[string]any{"into": work.ID}).expect(t, 200).decode(t, &into)
		if into.Name != "Job" || into.Color != "teal" {
			t.Errorf("merged into %+v", into)
		}
		c.get("/api/v1/tags").expect(t, 200).decode(t, &list)
		if len(list.Tags) != 1 || *list.Tags[0].Tasks != 2 {
			t.Errorf("after merge %+v", list.Tags)
		}
		c.json("DELETE", fmt.Sprintf("/api/v1/tags/%d", work.ID), nil).expect(t, 204)
		d := c.day(t, "/api/v1/days/2025-07-05")
		if len(d.Tasks) != 3 {
			t.Errorf("tasks after tag delete: %v", titlesOf(d.Tasks))
		}
		var kinds []string
		for _, a := range d.Activity {
			kinds = append(kinds, a.Kind)
		}
		for _, k := range []string{"tag_created", "tag_changed", "tag_merged", "tag_deleted", "task_tagged"} {
			if !slices.Contains(kinds, k) {
				t.Errorf("no %s line in %v", k, kinds)
			}
		}
	})
}

func TestReorderDay(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		const day = "/api/v1/days/2025-07-06"
		var ids []int64
		for _, title := range []string{"A", "B", "C", "D"} {
			ids = append(ids, c.createTask(t, map[string]any{"date": "2025-07-06", "title": title}).ID)
		}
		order := func(ids ...int64) map[string]any { return map[string]any{"task_ids": ids} }
		var out struct {
			Tasks []taskOut `json:"tasks"`
		}
		c.json("PUT", day+"/order", order(ids[3], ids[0], ids[1], ids[2])).expect(t, 200).decode(t, &out)
		if got := titlesOf(out.Tasks); !slices.Equal(got, []string{"D", "A", "B", "C"}) {
			t.Errorf("after reorder %v", got)
		}
		d := c.day(t, day)
		if got := titlesOf(d.Tasks); !slices.Equal(got, []string{"D", "A", "B", "C"}) {
			t.Errorf("day after reorder %v", got)
		}
		// Activity lines go on the day they happen: today.
		if act := c.day(t, "/api/v1/days/2025-07-05").Activity; len(act) == 0 || act[0].Kind != "task_moved" ||
			act[0].Message != "Moved D up to place 1 of 4" {
			t.Errorf("activity %+v", act)
		}

		// Stale or wrong lists change nothing.
		other := c.createTask(t, map[string]any{"date": "2025-07-07", "title": "Elsewhere"})
		for _, bad := range []struct {
			body   any
			status int
		}{
			{order(ids[0], ids[1], ids[2]), 409},                   // one missing
			{order(ids[0], ids[1], ids[2], ids[3], other.ID), 409}, // another day's
			{order(ids[0], ids[0], ids[1], ids[2], ids[3]), 400},   // twice
			{order(), 400},
			{map[string]any{}, 400},
		} {
			r := c.json("PUT", day+"/order", bad.body).expect(t, bad.status)
			if r.apiError(t).Field != "task_ids" {
				t.Errorf("%v: %s", bad.body, r)
			}
		}
		c.json("PUT", "/api/v1/days/2025-02-30/order", order(ids...)).expect(t, 400)
		stranger, _ := ts.signedInClient(t)
		stranger.json("PUT", day+"/order", order(ids...)).expect(t, 409)
		if got := titlesOf(c.day(t, day).Tasks); !slices.Equal(got, []string{"D", "A", "B", "C"}) {
			t.Errorf("after refused orders %v", got)
		}

		// Two tabs at once: the day ends in one of the two orders.
		first := []int64{ids[0], ids[1], ids[2], ids[3]}
		second := []int64{ids[3], ids[2], ids[1], ids[0]}
		for range 5 {
			var wg sync.WaitGroup
			for _, o := range [][]int64{first, second} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c.json("PUT", day+"/order", order(o...)).expect(t, 200)
				}()
			}
			wg.Wait()
			var got []int64
			var positions []int
			for _, task := range c.day(t, day).Tasks {
				got = append(got, task.ID)
				positions = append(positions, task.Position)
			}
			if !slices.Equal(got, first) && !slices.Equal(got, second) {
				t.Fatalf("concurrent reorders left %v", got)
			}
			if !slices.Equal(positions, []int{1, 2, 3, 4}) {
				t.Fatalf("positions %v", positions)
			}
		}
	})
}
