package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestTagsPage manages tags on /tags with the keyboard where a person
// would: renames one (and is told when the name is taken), recolours one,
// merges one into another and deletes one whose tasks stay.
func TestTagsPage(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "tagp")
	day := today(t, ctx)
	ids := map[string]string{}
	for name, color := range map[string]string{"Deep work": "teal", "Errands": "slate", "Reading": "blue"} {
		status, body := apiJSON(t, ctx, "POST", "/api/v1/tags", map[string]any{"name": name, "color": color})
		if status != 201 {
			t.Fatalf("creating tag %s: %d %v", name, status, body)
		}
		ids[name] = fmt.Sprint(body["id"])
	}
	for title, tags := range map[string][]string{"Write report": {"Deep work", "Reading"}, "Read paper": {"Reading"}} {
		status, body := apiJSON(t, ctx, "POST", "/api/v1/tasks", map[string]any{"date": day, "title": title})
		if status != 201 {
			t.Fatalf("creating task %s: %d %v", title, status, body)
		}
		for _, g := range tags {
			if status, body := apiJSON(t, ctx, "PUT", fmt.Sprintf("/api/v1/tasks/%v/tags/%s", body["id"], ids[g]), nil); status != 200 {
				t.Fatalf("tagging %s: %d %v", title, status, body)
			}
		}
	}
	do(t, ctx, "opening the tags page", chromedp.Navigate(srv.URL+"/tags"))
	waitJS(t, ctx, "three tags listed", `document.querySelectorAll('.tag-row').length === 3`)
	if got := rowText(t, ctx, ids["Reading"]); got != "Reading 2 tasks" {
		t.Errorf("Reading's row says %q, want its name and 2 tasks", got)
	}
	screenshot(t, ctx, "tags-1280", 1280, 800)
	screenshot(t, ctx, "tags-360", 360, 800)

	t.Run("rename by keyboard, a taken name refused next to the field", func(t *testing.T) { tagsRename(t, ctx, ids) })
	t.Run("recolour by keyboard", func(t *testing.T) { tagsRecolour(t, ctx, ids) })
	t.Run("merge after confirming", func(t *testing.T) { tagsMerge(t, ctx, ids) })
	t.Run("delete after confirming, the tasks stay", func(t *testing.T) { tagsDelete(t, ctx, ids, day) })
}

// tagsRename renames a tag with the keyboard, first to a name that is
// taken, then to none: each error shows next to the field.
func tagsRename(t *testing.T, ctx context.Context, ids map[string]string) {
	pressOn(t, ctx, fmt.Sprintf(`#tag-%s [data-action="edit"]`, ids["Deep work"]), kb.Enter)
	waitJS(t, ctx, "the name field focused, its text selected",
		`document.activeElement?.id === 'tag-edit-name' && document.activeElement.selectionEnd - document.activeElement.selectionStart === 9`)
	do(t, ctx, "typing a name that folds like Errands", chromedp.KeyEvent("ÉRRANDS"), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "the error next to the name field, focus on it", `(() => {
		const p = document.getElementById('tag-edit-name-error'), input = document.getElementById('tag-edit-name');
		return !p.hidden && p.textContent.includes('already have a tag') && input.getAttribute('aria-invalid') === 'true'
			&& document.activeElement === input; })()`)
	screenshotViewport(t, ctx, "tags-error-360", 360, 800)
	if vs := runAxe(t, ctx); len(vs) > 0 {
		t.Errorf("the edit form showing an error: %d axe violations:%s", len(vs), describe(vs))
	}
	do(t, ctx, "emptying the name", chromedp.Evaluate[chromedp.Void](`document.getElementById('tag-edit-name').select()`),
		chromedp.KeyEvent(kb.Backspace), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "the 400's message next to the field", `(() => {
		const p = document.getElementById('tag-edit-name-error');
		return !p.hidden && p.textContent === 'Name is required.' && document.activeElement?.id === 'tag-edit-name'; })()`)
	do(t, ctx, "typing a free name", chromedp.Evaluate[chromedp.Void](`document.getElementById('tag-edit-name').select()`),
		chromedp.KeyEvent("Focus blocks"), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "the new name in the row, focus back on its Edit button", fmt.Sprintf(`(() => {
		const row = document.getElementById('tag-%[1]s');
		return row?.querySelector('.tag-chip').textContent === 'Focus blocks' && document.getElementById('tag-edit').hidden
			&& document.activeElement === row.querySelector('[data-action="edit"]'); })()`, ids["Deep work"]))
	if g := tagByID(t, ctx, ids["Deep work"]); g["name"] != "Focus blocks" {
		t.Errorf("the API has %v", g)
	}
	// Escape closes the form without saving.
	pressOn(t, ctx, fmt.Sprintf(`#tag-%s [data-action="edit"]`, ids["Errands"]), kb.Enter)
	waitJS(t, ctx, "the form open", `document.activeElement?.id === 'tag-edit-name'`)
	do(t, ctx, "typing and pressing Escape", chromedp.KeyEvent("Chores"), chromedp.KeyEvent(kb.Escape))
	waitJS(t, ctx, "the form closed, focus on Edit", fmt.Sprintf(`document.getElementById('tag-edit').hidden
		&& document.activeElement === document.querySelector('#tag-%s [data-action="edit"]')`, ids["Errands"]))
	if g := tagByID(t, ctx, ids["Errands"]); g["name"] != "Errands" {
		t.Errorf("Escape saved: %v", g)
	}
}

// tagsRecolour recolours a tag with the palette's arrow keys.
func tagsRecolour(t *testing.T, ctx context.Context, ids map[string]string) {
	pressOn(t, ctx, fmt.Sprintf(`#tag-%s [data-action="edit"]`, ids["Errands"]), kb.Enter)
	waitJS(t, ctx, "slate checked", `document.getElementById('tag-edit-color-slate').checked`)
	// Arrow keys move through the palette radio group: slate, red.
	pressOn(t, ctx, `#tag-edit-color-slate`, kb.ArrowRight)
	waitJS(t, ctx, "red checked and focused", `document.activeElement?.id === 'tag-edit-color-red' && document.activeElement.checked`)
	if name := eval[string](t, ctx, `document.getElementById('tag-edit-color-red').labels[0].textContent.trim()`); name != "red" {
		t.Errorf("the red radio is labelled %q, want its name", name)
	}
	screenshot(t, ctx, "tags-edit-360", 360, 800)
	pressOn(t, ctx, "#tag-edit-save", kb.Enter)
	waitJS(t, ctx, "the chip red", fmt.Sprintf(`document.querySelector('#tag-%s .tag-chip')?.classList.contains('tag-c-red')`, ids["Errands"]))
	if g := tagByID(t, ctx, ids["Errands"]); g["color"] != "red" {
		t.Errorf("the API has %v", g)
	}
}

// tagsMerge merges Reading into the renamed tag, after cancelling once.
func tagsMerge(t *testing.T, ctx context.Context, ids map[string]string) {
	pressOn(t, ctx, fmt.Sprintf(`#tag-%s [data-action="merge"]`, ids["Reading"]), kb.Enter)
	waitJS(t, ctx, "the merge dialog, focus on its choice", `document.getElementById('merge-dialog').open
		&& document.activeElement?.id === 'merge-into' && document.getElementById('merge-into').options.length === 2`)
	screenshotViewport(t, ctx, "tags-merge-1280", 1280, 800)
	if vs := runAxe(t, ctx); len(vs) > 0 {
		t.Errorf("the merge dialog: %d axe violations:%s", len(vs), describe(vs))
	}
	// Cancel leaves it as it was.
	pressOn(t, ctx, "#merge-no", kb.Enter)
	waitJS(t, ctx, "closed, focus back on Merge", fmt.Sprintf(`!document.getElementById('merge-dialog').open
		&& document.activeElement === document.querySelector('#tag-%s [data-action="merge"]')`, ids["Reading"]))
	pressOn(t, ctx, fmt.Sprintf(`#tag-%s [data-action="merge"]`, ids["Reading"]), kb.Enter)
	waitJS(t, ctx, "the merge dialog", `document.getElementById('merge-dialog').open`)
	do(t, ctx, "choosing Focus blocks", chromedp.SetValue(chromedp.ID("merge-into"), ids["Deep work"]))
	pressOn(t, ctx, "#merge-yes", kb.Enter)
	settled(t, ctx, "merge-dialog")
	waitJS(t, ctx, "Reading gone, Focus blocks on both tasks", fmt.Sprintf(`!document.getElementById('merge-dialog').open
		&& !document.getElementById('tag-%s') && document.querySelectorAll('.tag-row').length === 2`, ids["Reading"]))
	if got := rowText(t, ctx, ids["Deep work"]); got != "Focus blocks 2 tasks" {
		t.Errorf("after the merge the row says %q", got)
	}
	waitJS(t, ctx, "focus on the merged-into tag's Edit", fmt.Sprintf(
		`document.activeElement === document.querySelector('#tag-%s [data-action="edit"]')`, ids["Deep work"]))
}

// tagsDelete deletes a tag with tasks, which stay.
func tagsDelete(t *testing.T, ctx context.Context, ids map[string]string, day string) {
	pressOn(t, ctx, fmt.Sprintf(`#tag-%s [data-action="delete"]`, ids["Deep work"]), kb.Enter)
	waitJS(t, ctx, "the delete dialog, focus on Cancel", `document.getElementById('delete-dialog').open
		&& document.activeElement?.id === 'delete-no'`)
	if text := eval[string](t, ctx, `document.getElementById('delete-text').textContent`); text !=
		"Delete the tag “Focus blocks”? The 2 tasks that have it keep existing; only the tag is taken off. This cannot be undone." {
		t.Errorf("the dialog says %q", text)
	}
	screenshotViewport(t, ctx, "tags-delete-360", 360, 800)
	pressOn(t, ctx, "#delete-yes", kb.Enter)
	settled(t, ctx, "delete-dialog")
	waitJS(t, ctx, "one tag left", `!document.getElementById('delete-dialog').open && document.querySelectorAll('.tag-row').length === 1`)
	status, body := apiJSON(t, ctx, "GET", "/api/v1/days/"+day, nil)
	tasks, _ := body["tasks"].([]any)
	if status != 200 || len(tasks) != 2 {
		t.Fatalf("the day after deleting the tag: %d %v", status, body)
	}
	for _, task := range tasks {
		if tags, _ := task.(map[string]any)["tags"].([]any); len(tags) != 0 {
			t.Errorf("a task kept the deleted tag: %v", task)
		}
	}
	screenshot(t, ctx, "tags-after-1280", 1280, 800)
}

// pressOn focuses the element and presses a key there.
func pressOn(t *testing.T, ctx context.Context, selector, key string) {
	t.Helper()
	waitJS(t, ctx, selector+" focused", fmt.Sprintf(`(() => { const el = document.querySelector(%s); el?.focus(); return el && document.activeElement === el; })()`, js(selector)))
	do(t, ctx, "pressing a key on "+selector, chromedp.KeyEvent(key))
}

// rowText is what a tag's row shows, its buttons left out.
func rowText(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`(() => { const row = document.getElementById('tag-%s');
		return row ? row.querySelector('.tag-chip').textContent + ' ' + row.querySelector('.tag-count').textContent : 'missing'; })()`, id))
}

// tagByID reads one tag from the API.
func tagByID(t *testing.T, ctx context.Context, id string) map[string]any {
	t.Helper()
	status, body := apiJSON(t, ctx, "GET", "/api/v1/tags", nil)
	tags, _ := body["tags"].([]any)
	for _, g := range tags {
		if m := g.(map[string]any); fmt.Sprint(m["id"]) == id {
			return m
		}
	}
	t.Fatalf("tag %s not in the list: %d %v", id, status, body)
	return nil
}

// settled waits until a confirmation dialog has closed, failing with the
// error it shows if it stays open with one.
func settled(t *testing.T, ctx context.Context, dialog string) {
	t.Helper()
	state := fmt.Sprintf(`(() => { const d = document.getElementById(%s), p = d.querySelector('[role="alert"]');
		return !d.open ? 'closed' : !p.hidden ? p.textContent : ''; })()`, js(dialog))
	waitJS(t, ctx, dialog+" closed or showing an error", state)
	if got := eval[string](t, ctx, state); got != "closed" {
		t.Fatalf("%s stayed open: %s", dialog, got)
	}
}
