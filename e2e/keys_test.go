package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The modifier bits of a key event.
const (
	modAlt   int64 = 1
	modCtrl  int64 = 2
	modMeta  int64 = 4
	modShift int64 = 8
)

// press types keys as a keyboard does: each key down carries its text, so
// that a handler that takes the key (preventDefault) keeps it from being
// typed, as in a browser in use (chromedp's KeyEvent sends the text as an
// event of its own, which nothing can cancel). With a modifier the keys
// carry no text. Focus is left where it is.
func press(t *testing.T, ctx context.Context, keys string, mods ...int64) {
	t.Helper()
	var mod int64
	for _, m := range mods {
		mod |= m
	}
	do(t, ctx, "pressing "+keys, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, r := range keys {
			down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: string(r), Modifiers: mod}
			if mod == 0 || mod == modShift {
				down.Text, down.UnmodifiedText = string(r), string(r)
			}
			up := down
			up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
			for _, ev := range []input.DispatchKeyEventParams{down, up} {
				if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, ev); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}

// pressOnPage presses keys with nothing focused (the page's body).
func pressOnPage(t *testing.T, ctx context.Context, keys string, mods ...int64) {
	t.Helper()
	do(t, ctx, "leaving the focused control", chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur()`))
	press(t, ctx, keys, mods...)
}

const flashText = `document.getElementById('flash').textContent`

// TestShortcuts drives the day with single keys: a new task, the timer,
// focus mode and the days; none acts while the user types or holds a
// modifier, and "?" lists them in a dialog that Escape closes.
func TestShortcuts(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "keys")
	ids := rowsDay(t, ctx)
	state := `document.getElementById('timer-state').textContent`

	t.Run("nothing while typing or with a modifier", func(t *testing.T) {
		for _, field := range []string{"search-q", "day-note"} {
			do(t, ctx, "focusing "+field, chromedp.Focus(chromedp.ID(field)))
			waitJS(t, ctx, "focus in "+field, fmt.Sprintf(`document.activeElement?.id === %s`, js(field)))
			press(t, ctx, "sn?xf[")
			if v := eval[string](t, ctx, fmt.Sprintf(`document.getElementById(%s).value`, js(field))); v != "sn?xf[" {
				t.Errorf("%s holds %q, want what was typed", field, v)
			}
		}
		do(t, ctx, "focusing the timer's task picker", chromedp.Focus(chromedp.ID("timer-select")))
		waitJS(t, ctx, "focus on the picker", `document.activeElement?.id === 'timer-select'`)
		press(t, ctx, "s")
		for _, mod := range []int64{modAlt, modCtrl, modMeta} {
			pressOnPage(t, ctx, "nsf", mod)
		}
		if got := eval[string](t, ctx, `JSON.stringify([document.getElementById('timer-state').textContent, document.querySelector('dialog[open]')?.id ?? '',
			document.documentElement.classList.contains('focus-mode'), location.search])`); got != `["Idle","",false,""]` {
			t.Errorf("after keys typed in fields or with modifiers: [timer, open dialog, focus mode, query] = %s, want nothing changed", got)
		}
	})

	t.Run("help dialog", func(t *testing.T) {
		do(t, ctx, "focusing Add task", chromedp.Focus(chromedp.ID("add-task")))
		press(t, ctx, "?", modShift)
		waitJS(t, ctx, "the help open with focus inside", `document.getElementById('keys-dialog').open && document.getElementById('keys-dialog').contains(document.activeElement)`)
		if n := eval[int](t, ctx, `document.querySelectorAll('#keys-list tr').length`); n < 9 {
			t.Errorf("the help lists %d shortcuts, want every one", n)
		}
		if got := eval[string](t, ctx, `document.activeElement.id`); got != "keys-h" {
			t.Errorf("focus in the help on %q, want its heading (the list read from its start)", got)
		}
		do(t, ctx, "Shift+Tab from the heading", chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
		if got := eval[string](t, ctx, `document.activeElement.id`); got != "keys-close" {
			t.Errorf("Shift+Tab from the heading went to %q, want the last control, Close", got)
		}
		for i := 0; i < 4; i++ {
			do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
			if in := eval[bool](t, ctx, `document.getElementById('keys-dialog').contains(document.activeElement)`); !in {
				t.Fatalf("Tab %d left the dialog", i+1)
			}
		}
		do(t, ctx, "Shift+Tab", chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
		if in := eval[bool](t, ctx, `document.getElementById('keys-dialog').contains(document.activeElement)`); !in {
			t.Errorf("Shift+Tab left the dialog")
		}
		screenshotViewport(t, ctx, "keys-help-360", 360, 800)
		if vs := runAxe(t, ctx); len(vs) > 0 {
			t.Errorf("the open help: %d axe violations:%s", len(vs), describe(vs))
		}
		do(t, ctx, "resetting the viewport", chromedp.EmulateViewport(1280, 800))
		do(t, ctx, "Escape", chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "the help closed, focus back on Add task", `!document.getElementById('keys-dialog').open && document.activeElement.id === 'add-task'`)
		// The visible button opens it as well.
		do(t, ctx, "clicking Keyboard shortcuts", chromedp.Click(chromedp.ID("keys-open")))
		waitJS(t, ctx, "the help open", `document.getElementById('keys-dialog').open`)
		do(t, ctx, "Escape", chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "focus back on the button", `!document.getElementById('keys-dialog').open && document.activeElement.id === 'keys-open'`)
	})

	t.Run("new task", func(t *testing.T) {
		pressOnPage(t, ctx, "n")
		waitJS(t, ctx, "the task dialog with focus on the title", `document.getElementById('task-dialog').open && document.activeElement.id === 'task-title'`)
		press(t, ctx, "sx d")
		if v := eval[string](t, ctx, `document.getElementById('task-title').value`); v != "sx d" {
			t.Errorf("title = %q, want what was typed", v)
		}
		do(t, ctx, "Escape", chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "the dialog closed", `!document.getElementById('task-dialog').open`)
	})

	t.Run("timer", func(t *testing.T) {
		first := eval[string](t, ctx, `document.getElementById('timer-select').selectedOptions[0].textContent`)
		pressOnPage(t, ctx, "s")
		waitJS(t, ctx, "the timer running on the picked task", fmt.Sprintf(`%s === 'Running' && document.getElementById('timer-task').textContent === %s
			&& %s === %s`, state, js(first), flashText, js("Timer started on “"+first+"”.")))
		pressOnPage(t, ctx, "s")
		waitJS(t, ctx, "paused, and said so", fmt.Sprintf(`%s === 'Paused' && %s === 'Timer paused.'`, state, flashText))
		pressOnPage(t, ctx, "s")
		waitJS(t, ctx, "running again", fmt.Sprintf(`%s === 'Running' && %s.startsWith('Timer running on')`, state, flashText))
		pressOnPage(t, ctx, "x")
		waitJS(t, ctx, "stopped", fmt.Sprintf(`%s === 'Idle' && %s === 'Timer stopped. The task keeps its time.'`, state, flashText))
		pressOnPage(t, ctx, "x")
		waitJS(t, ctx, "told there is nothing to stop", flashText+` === 'The timer is not running.'`)
		pressOnPage(t, ctx, "s")
		waitJS(t, ctx, "running", state+` === 'Running'`)
		id := eval[string](t, ctx, `document.getElementById('timer-select').value || String(document.querySelector('#task-list .task[data-status="in-progress"]')?.dataset.taskId)`)
		pressOnPage(t, ctx, "d")
		waitJS(t, ctx, "done", fmt.Sprintf(`%s === 'Idle' && document.getElementById('task-%s')?.dataset.status === 'completed'
			&& %s === 'Timer stopped and the task marked done.'`, state, id, flashText))
		_, body := apiJSON(t, ctx, "GET", "/api/v1/timer", nil)
		if body["timer"] != nil {
			t.Errorf("server timer after D = %v, want none", body["timer"])
		}
	})

	t.Run("focus mode", func(t *testing.T) {
		pressOnPage(t, ctx, "f")
		waitJS(t, ctx, "focus mode on", fmt.Sprintf(`document.getElementById('focus-toggle').getAttribute('aria-pressed') === 'true'
			&& document.getElementById('schedule').offsetParent === null && %s === 'Focus mode on.'`, flashText))
		pressOnPage(t, ctx, "f")
		waitJS(t, ctx, "focus mode off", fmt.Sprintf(`document.getElementById('schedule').offsetParent !== null && %s === 'Focus mode off.'`, flashText))
		waitJS(t, ctx, "the setting saved off", `fetch('/profile', {credentials: 'same-origin'}).then(r => r.text()).then(t => !/name="focus_mode" value="1" checked/.test(t))`)
	})

	t.Run("days", func(t *testing.T) {
		day := today(t, ctx)
		prev := eval[string](t, ctx, `document.querySelector('.day-nav a[rel="prev"]').search`)
		pressOnPage(t, ctx, "[")
		waitJS(t, ctx, "the previous day", fmt.Sprintf(`location.search === %s`, js(prev)))
		waitDashboard(t, ctx)
		pressOnPage(t, ctx, "]")
		waitJS(t, ctx, "the next day: today", fmt.Sprintf(`location.search === %s`, js("?date="+day)))
		waitDashboard(t, ctx)
		pressOnPage(t, ctx, "]")
		waitJS(t, ctx, "tomorrow", fmt.Sprintf(`location.search !== %s && location.search.startsWith('?date=')`, js("?date="+day)))
		waitDashboard(t, ctx)
		pressOnPage(t, ctx, "t")
		waitJS(t, ctx, "today", `location.pathname === '/dashboard' && location.search === ''`)
		waitDashboard(t, ctx)
		pressOnPage(t, ctx, "t")
		waitJS(t, ctx, "told it is today", flashText+` === 'This is already today.'`)
		if ids["Read paper"] == "" {
			t.Fatal("lost the day's tasks")
		}
	})

	t.Run("turned off", func(t *testing.T) {
		do(t, ctx, "opening the help", chromedp.Click(chromedp.ID("keys-open")))
		waitJS(t, ctx, "the help open", `document.getElementById('keys-dialog').open`)
		do(t, ctx, "turning single keys off", chromedp.Click(chromedp.ID("keys-on")), chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "the help closed", `!document.getElementById('keys-dialog').open`)
		reload(t, ctx)
		pressOnPage(t, ctx, "n")
		pressOnPage(t, ctx, "?", modShift)
		pressOnPage(t, ctx, "/")
		if got := eval[string](t, ctx, `(document.querySelector('dialog[open]')?.id ?? '') + '|' + (document.activeElement?.id ?? '')`); got != "|" {
			t.Errorf("with single keys off: open dialog | focused = %q, want none", got)
		}
		do(t, ctx, "turning them on again", chromedp.Click(chromedp.ID("keys-open")), chromedp.Click(chromedp.ID("keys-on")), chromedp.KeyEvent(kb.Escape))
		pressOnPage(t, ctx, "n")
		waitJS(t, ctx, "N works again", `document.getElementById('task-dialog').open`)
		do(t, ctx, "Escape", chromedp.KeyEvent(kb.Escape))
	})
}
