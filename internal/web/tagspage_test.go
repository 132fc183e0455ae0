package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

func TestTagsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		if res := ts.newClient(t).get("/tags"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.location(), "/login") {
			t.Fatalf("signed out: %s", res)
		}
		c, _ := ts.signedInClient(t)
		empty := c.get("/tags").expect(t, http.StatusOK).Body
		if !strings.Contains(empty, `id="tags-none"`) || strings.Contains(empty, `data-action="merge"`) {
			t.Errorf("no tags: %s", empty)
		}
		work := c.createTag(t, "<b>Work</b>", "teal")
		c.createTag(t, "Errands", "")
		task := c.createTask(t, map[string]any{"date": "2025-07-04", "title": "Report"})
		c.json("PUT", fmt.Sprintf("/api/v1/tasks/%d/tags/%d", task.ID, work.ID), nil).expect(t, http.StatusOK)

		body := c.get("/tags").expect(t, http.StatusOK).Body
		for _, want := range []string{
			`<span class="tag-chip tag-c-teal">&lt;b&gt;Work&lt;/b&gt;</span>`, `<span class="tag-count">1 task</span>`,
			`<span class="tag-chip tag-c-slate">Errands</span>`, `<span class="tag-count">0 tasks</span>`,
			fmt.Sprintf(`data-id="%d"`, work.ID), `data-action="merge"`, `Your tags <small>2</small>`,
			`<input type="radio" id="tag-edit-color-pink" name="color" value="pink">`, `/static/js/tags.`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		for _, from := range []string{"/profile", "/achievements"} {
			if !strings.Contains(c.get(from).expect(t, http.StatusOK).Body, `<a href="/tags">Manage your tags</a>`) {
				t.Errorf("%s has no link to the tags page", from)
			}
		}
		if strings.Contains(body, "<b>Work</b>") {
			t.Error("a tag's name is not escaped")
		}
		if styleAttr.MatchString(body) || inlineScript.MatchString(body) {
			t.Error("the page has an inline style or script, which the CSP forbids")
		}
		ts.assertLogsClean(t)
	})
}
