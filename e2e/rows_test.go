package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// rowsDay fills today with the rows a day usually has (two planned, one
// untimed and one done) through the API, reloads, and returns their ids
// by title.
func rowsDay(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	day := today(t, ctx)
	ids := map[string]string{}
	for _, task := range []map[string]any{
		{"title": "Write report", "start_time": "10:00", "duration_minutes": 45},
		{"title": "Read paper"},
		{"title": "Plan the week", "start_time": "08:30"},
		{"title": "Answer email"},
	} {
		task["date"] = day
		status, body := apiJSON(t, ctx, "POST", "/api/v1/tasks", task)
		if status != 201 {
			t.Fatalf("POST /api/v1/tasks %v = %d %v", task, status, body)
		}
		ids[task["title"].(string)] = fmt.Sprint(body["id"])
	}
	if status, body := apiJSON(t, ctx, "PATCH", "/api/v1/tasks/"+ids["Answer email"], map[string]any{"status": "completed"}); status != 200 {
		t.Fatalf("completing Answer email = %d %v", status, body)
	}
	reload(t, ctx)
	return ids
}

// rowAction presses one of a task row's actions: its own button, or the
// item of its "more" menu, which it opens first.
func rowAction(t *testing.T, ctx context.Context, id, action string) {
	t.Helper()
	sel := fmt.Sprintf(`#task-%s [data-action="%s"]`, id, action)
	waitJS(t, ctx, "the row's "+action, fmt.Sprintf(`!!document.querySelector(%s)`, js(sel)))
	if eval[bool](t, ctx, fmt.Sprintf(`document.querySelector(%s).getAttribute('role') === 'menuitem'`, js(sel))) {
		do(t, ctx, "opening the row's menu", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('#task-%s .menu-button').click()`, id)))
		waitJS(t, ctx, "the row's menu open", fmt.Sprintf(`document.querySelector('#task-%s .menu-button').getAttribute('aria-expanded') === 'true'`, id))
	}
	// A sync may draw the row anew between finding and clicking the
	// control: one more try finds the new one.
	for try := 0; ; try++ {
		c, cancel := context.WithTimeout(ctx, waitTimeout)
		err := chromedp.Do(c, chromedp.Click(chromedp.CSS(sel)))
		cancel()
		if err == nil {
			return
		}
		if try == 1 {
			t.Fatalf("pressing %s: %v%s", action, err, pageState(ctx))
		}
	}
}

// visibleButtons lists the ids, or the actions, of the buttons shown in
// the elements that sel matches, and how many of them are disabled.
func visibleButtons(t *testing.T, ctx context.Context, sel string) (names []string, disabled int) {
	t.Helper()
	var out struct {
		Names    []string `json:"names"`
		Disabled int      `json:"disabled"`
	}
	raw := eval[string](t, ctx, fmt.Sprintf(`(() => { const shown = [...document.querySelectorAll(%s)].flatMap(el => [...el.querySelectorAll('button')])
		.filter(b => b.offsetParent !== null);
		return JSON.stringify({ names: shown.map(b => b.dataset.action || (b.matches('.menu-button') ? 'menu' : b.id)), disabled: shown.filter(b => b.disabled).length }); })()`, js(sel)))
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	return out.Names, out.Disabled
}

// TestCompactRows checks the schedule at phone width: one action and a
// menu per row, rows no taller than 88 px, the menu worked by keyboard
// and pointer, and the header on one line.
func TestCompactRows(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "rows")
	ids := rowsDay(t, ctx)
	rowAction(t, ctx, ids["Write report"], "start")
	waitJS(t, ctx, "the timer running", `document.getElementById('timer-state').textContent === 'Running'`)
	do(t, ctx, "narrowing to 360 px", chromedp.EmulateViewport(360, 800))
	waitJS(t, ctx, "layout at 360 px", `window.innerWidth === 360`)

	t.Run("one action and a menu per row", func(t *testing.T) {
		want := map[string]string{"Write report": "pause", "Read paper": "start", "Plan the week": "start", "Answer email": "reopen"}
		for title, primary := range want {
			names, disabled := visibleButtons(t, ctx, fmt.Sprintf(`#task-%s .task-actions`, ids[title]))
			if fmt.Sprint(names) != fmt.Sprint([]string{primary, "menu"}) || disabled != 0 {
				t.Errorf("%s: buttons shown %q (%d disabled), want %s and the menu button", title, names, disabled, primary)
			}
		}
	})

	t.Run("rows at most 88 px tall at 360 px", func(t *testing.T) {
		heights := eval[map[string]float64](t, ctx, `Object.fromEntries([...document.querySelectorAll('#task-list .task')].map(li =>
			[li.querySelector('.task-title').textContent, li.getBoundingClientRect().height]))`)
		if len(heights) != 4 {
			t.Fatalf("rows = %v, want 4", heights)
		}
		for title, h := range heights {
			if h > 88 {
				t.Errorf("row %q is %.0f px tall at 360 px, want at most 88", title, h)
			}
		}
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("the page is %d px wide at 360 px: it scrolls sideways", w)
		}
	})

	t.Run("header on one line at 360 px", func(t *testing.T) {
		spread := eval[[]float64](t, ctx, `(() => { const bar = document.querySelector('.topbar');
			const items = [bar.querySelector('.brand'), ...bar.querySelectorAll('nav a, nav button')].map(el => el.getBoundingClientRect());
			const mids = items.map(r => r.top + r.height / 2);
			return [Math.max(...mids) - Math.min(...mids), bar.getBoundingClientRect().height,
				Math.max(...items.map(r => r.right)), Math.max(...[...bar.querySelectorAll('nav a, nav button')].map(el => el.getClientRects().length))]; })()`)
		if spread[0] > 4 || spread[1] > 60 || spread[2] > 360 || spread[3] != 1 {
			t.Errorf("header at 360 px: items' middles %.0f px apart, bar %.0f px tall, right edge at %.0f px, a link on %.0f lines; want one line within the width",
				spread[0], spread[1], spread[2], spread[3])
		}
	})

	t.Run("menu by keyboard", func(t *testing.T) {
		more := fmt.Sprintf(`#task-%s .menu-button`, ids["Read paper"])
		expanded := fmt.Sprintf(`document.querySelector(%s).getAttribute('aria-expanded')`, js(more))
		focused := `document.activeElement?.dataset.action`
		if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%s).getAttribute('aria-haspopup') + ' ' + %s`, js(more), expanded)); got != "menu false" {
			t.Errorf("menu button aria-haspopup and aria-expanded = %q, want menu false", got)
		}
		do(t, ctx, "Enter on the menu button", chromedp.Focus(chromedp.CSS(more)), chromedp.KeyEvent(kb.Enter))
		waitJS(t, ctx, "the menu open on its first item", expanded+` === 'true' && `+focused+` === 'complete'`)
		steps := []struct {
			key, want string
		}{{kb.ArrowDown, "edit"}, {kb.ArrowDown, "log"}, {kb.End, "delete"}, {kb.ArrowDown, "complete"}, {kb.ArrowUp, "delete"}, {kb.Home, "complete"}}
		for _, s := range steps {
			do(t, ctx, "moving in the menu", chromedp.KeyEvent(s.key))
			if got := eval[string](t, ctx, focused); got != s.want {
				t.Errorf("after %q focus is on %q, want %q", s.key, got, s.want)
			}
		}
		do(t, ctx, "Escape", chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "the menu closed, focus on its button", expanded+` === 'false' && document.activeElement === document.querySelector(`+js(more)+`)`)
		if open := eval[bool](t, ctx, `document.getElementById('task-dialog').open || document.getElementById('confirm-dialog').open`); open {
			t.Errorf("Escape in the menu opened a dialog")
		}

		// Space opens it too, ↑ on its last item; Enter on an item does it.
		press(t, ctx, " ")
		waitJS(t, ctx, "the menu open", expanded+` === 'true' && `+focused+` === 'complete'`)
		do(t, ctx, "Escape", chromedp.KeyEvent(kb.Escape))
		do(t, ctx, "ArrowUp on the menu button", chromedp.KeyEvent(kb.ArrowUp))
		waitJS(t, ctx, "the menu open on its last item", expanded+` === 'true' && `+focused+` === 'delete'`)
		do(t, ctx, "to Edit", chromedp.KeyEvent(kb.Home), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
		waitJS(t, ctx, "the edit dialog", `document.getElementById('task-dialog').open && document.getElementById('task-title').value === 'Read paper'`)
		do(t, ctx, "closing it", chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "focus back on the menu button, the menu closed",
			expanded+` === 'false' && document.activeElement === document.querySelector(`+js(more)+`)`)

		// Alt+↓ in the open menu moves the task, closes the menu and keeps
		// focus on its button.
		order := `[...document.querySelectorAll('#task-list .task-title')].map(e => e.textContent).join()`
		before := eval[string](t, ctx, order)
		do(t, ctx, "ArrowDown on the menu button", chromedp.KeyEvent(kb.ArrowDown))
		waitJS(t, ctx, "the menu open", expanded+` === 'true'`)
		do(t, ctx, "Alt+ArrowDown in the menu", chromedp.KeyEvent(kb.ArrowDown, chromedp.KeyModifiers(chromedp.ModifierAlt)))
		waitJS(t, ctx, "Read paper one place down", fmt.Sprintf(`%s === %s`, order,
			js(strings.Replace(before, "Read paper,Answer email", "Answer email,Read paper", 1))))
		waitJS(t, ctx, "the menu closed, focus on its button",
			expanded+` === 'false' && document.activeElement === document.querySelector(`+js(more)+`)`)
	})

	t.Run("menu by pointer", func(t *testing.T) {
		more := fmt.Sprintf(`#task-%s .menu-button`, ids["Plan the week"])
		do(t, ctx, "opening the menu", chromedp.Click(chromedp.CSS(more)))
		waitJS(t, ctx, "the menu open", fmt.Sprintf(`!document.getElementById('menu-%s-more').hidden`, ids["Plan the week"]))
		screenshotViewport(t, ctx, "rows-menu-360", 360, 800)
		if vs := runAxe(t, ctx); len(vs) > 0 {
			t.Errorf("an open row menu: %d axe violations:%s", len(vs), describe(vs))
		}
		do(t, ctx, "clicking outside", chromedp.Click(chromedp.ID("schedule-h")))
		waitJS(t, ctx, "the menu closed", fmt.Sprintf(`document.getElementById('menu-%s-more').hidden
			&& document.querySelector(%s).getAttribute('aria-expanded') === 'false'`, ids["Plan the week"], js(more)))
		rowAction(t, ctx, ids["Plan the week"], "complete")
		waitJS(t, ctx, "the task done, Reopen its action", fmt.Sprintf(`document.getElementById('task-%s')?.dataset.status === 'completed'
			&& !!document.querySelector('#task-%s [data-action="reopen"]')`, ids["Plan the week"], ids["Plan the week"]))
	})

	screenshot(t, ctx, "rows-360", 360, 800)
	screenshot(t, ctx, "rows-1280", 1280, 800)
}

// TestTimerCardButtons checks that the timer card shows the actions that
// apply in each state, and never a disabled one.
func TestTimerCardButtons(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "card")
	check := func(state string, want ...string) {
		t.Helper()
		names, disabled := visibleButtons(t, ctx, `#timer-panel .timer-buttons`)
		if fmt.Sprint(names) != fmt.Sprint(want) || disabled != 0 {
			t.Errorf("%s: timer buttons shown %q (%d disabled), want %q", state, names, disabled, want)
		}
	}
	check("no task")
	if got := eval[string](t, ctx, `[document.getElementById('timer-start-hint').hidden, document.getElementById('timer-pick').hidden].join()`); got != "false,true" {
		t.Errorf("no task: [hint hidden, task picker hidden] = %s, want the hint and no picker", got)
	}
	addTask(t, ctx, "Write report", "", "")
	waitJS(t, ctx, "Start shown", `!document.getElementById('timer-start').hidden`)
	check("idle", "timer-start")
	do(t, ctx, "starting", chromedp.Click(chromedp.ID("timer-start")))
	waitJS(t, ctx, "running", `document.getElementById('timer-state').textContent === 'Running' && !document.getElementById('timer-pause').hidden`)
	check("running", "timer-pause", "timer-stop", "timer-complete")
	do(t, ctx, "pausing", chromedp.Click(chromedp.ID("timer-pause")))
	waitJS(t, ctx, "paused", `document.getElementById('timer-state').textContent === 'Paused' && !document.getElementById('timer-resume').hidden`)
	check("paused", "timer-resume", "timer-stop", "timer-complete")
	do(t, ctx, "stopping", chromedp.Click(chromedp.ID("timer-stop")))
	waitJS(t, ctx, "idle", `document.getElementById('timer-state').textContent === 'Idle' && !document.getElementById('timer-start').hidden`)
	check("idle again", "timer-start")

	// A countdown has an end: Finish now and +5 min apply as well.
	do(t, ctx, "choosing a countdown", chromedp.SetValue(chromedp.ID("timer-mode-select"), "countdown"),
		chromedp.Click(chromedp.ID("timer-start")))
	waitJS(t, ctx, "the countdown running", `document.getElementById('timer-state').textContent === 'Running' && !document.getElementById('timer-extend').hidden`)
	check("countdown", "timer-pause", "timer-skip", "timer-extend", "timer-stop", "timer-complete")
	screenshot(t, ctx, "timer-card-360", 360, 800)
}
