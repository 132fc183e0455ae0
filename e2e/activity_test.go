package e2e

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// "Show more" under the activity appends the next older page, keeps focus
// and says how many lines it added; a live redraw keeps the lines shown;
// at the end the button goes and focus moves to the first added line.
func TestActivityShowMore(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "act")
	// 45 lines: one "Added task" line per task, made from inside the page.
	created := eval[int](t, ctx, `(async () => {
		const token = document.querySelector('meta[name="csrf-token"]').content;
		const date = document.getElementById('dashboard').dataset.today;
		let n = 0;
		for (let i = 0; i < 45; i++) {
			const res = await fetch('/api/v1/tasks', { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
				body: JSON.stringify({ date, title: 'T' + String(i).padStart(2, '0') }) });
			if (res.status === 201) n++;
		}
		return n;
	})()`)
	if created != 45 {
		t.Fatalf("created %d tasks", created)
	}
	reload(t, ctx)
	lines := `[...document.querySelectorAll('#activity-list li span')].map(s => s.textContent)`
	button := `document.getElementById('activity-more')`
	waitJS(t, ctx, "the day view's 20 lines and the button", lines+`.length === 20 && !`+button+`.hidden`)

	do(t, ctx, "pressing Show more from the keyboard", chromedp.Focus(chromedp.ID("activity-more")), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "40 lines", lines+`.length === 40`)
	waitJS(t, ctx, "the count announced", `document.getElementById('activity-status').textContent === '20 older lines added.'`)
	if active := eval[string](t, ctx, `document.activeElement.id`); active != "activity-more" {
		t.Errorf("focus on %q after Show more, want the button", active)
	}
	if role := eval[string](t, ctx, `document.getElementById('activity-status').getAttribute('role')`); role != "status" {
		t.Errorf("status role %q", role)
	}

	// A change redraws the day (live or on the next sync): the new line
	// goes on top and the older lines stay.
	if status, _ := apiJSON(t, ctx, "POST", "/api/v1/tasks", map[string]any{"date": today(t, ctx), "title": "Late"}); status != 201 {
		t.Fatalf("adding a task: %d", status)
	}
	do(t, ctx, "syncing", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('focus'))`))
	waitJS(t, ctx, "the new line atop the 41", lines+`[0] === 'Added task: Late' && `+lines+`.length === 41`)

	do(t, ctx, "clicking Show more", chromedp.Click(chromedp.ID("activity-more"), chromedp.NodeVisible))
	waitJS(t, ctx, "every line", lines+`.length === 46 && `+button+`.hidden`)
	waitJS(t, ctx, "the end announced", `document.getElementById('activity-status').textContent === '5 older lines added; that is all of the day.'`)
	if focused := eval[string](t, ctx, `document.activeElement.closest('#activity-list li')?.querySelector('span').textContent ?? document.activeElement.id`); focused != "Added task: T04" {
		t.Errorf("focus on %q at the end, want the first added line", focused)
	}
	want := []string{"Added task: Late"}
	for i := 44; i >= 0; i-- {
		want = append(want, fmt.Sprintf("Added task: T%02d", i))
	}
	if got := eval[[]string](t, ctx, lines); !slices.Equal(got, want) {
		t.Errorf("lines\n%q\nwant\n%q", got, want)
	}
	if el := eval[string](t, ctx, button+`.outerHTML`); el != `<button type="button" id="activity-more" class="small" hidden="">Show more<span class="vh"> activity</span></button>` {
		t.Errorf("Show more is %s", el)
	}
}
