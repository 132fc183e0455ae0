package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestDashboard walks through a day as a user would: tasks through the
// dialog, the timer, a reload, a second tab, notes, focus mode, and the
// screenshots at phone and desktop widths in both themes.
func TestDashboard(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	signup(t, b.ctx, srv, "ada")
	dayScenarios(t, b, srv)
}

// dayScenarios runs on a signed-in user's empty dashboard.
func dayScenarios(t *testing.T, b *browser, srv *server) {
	ctx := b.ctx
	var report, read, plan string
	t.Run("add task dialog", func(t *testing.T) {
		// The dialog takes focus, Escape closes it, and focus goes back.
		do(t, ctx, "opening the dialog", chromedp.Click(chromedp.ID("add-task")))
		waitJS(t, ctx, "the dialog open with focus on the title",
			`document.getElementById('task-dialog').open && document.activeElement.id === 'task-title'`)
		do(t, ctx, "pressing Escape", chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "the dialog closed and focus back on Add task",
			`!document.getElementById('task-dialog').open && document.activeElement.id === 'add-task'`)

		report = addTask(t, ctx, "Write report", "10:00", "45")
		read = addTask(t, ctx, "Read paper", "", "")
		plan = addTask(t, ctx, "Plan the week", "08:30", "")

		// Timed tasks first, by start time; untimed last.
		got := eval[[]string](t, ctx, `[...document.querySelectorAll('#task-list .task-title')].map(h => h.textContent)`)
		if want := []string{"Plan the week", "Write report", "Read paper"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("schedule order = %q, want %q", got, want)
		}
		meta := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('#task-%s .planned').textContent`, report))
		if !strings.Contains(meta, "10:00–10:45") {
			t.Errorf("planned time of Write report = %q, want 10:00–10:45", meta)
		}

		// An error the server names a field for shows next to that field.
		do(t, ctx, "opening the dialog", chromedp.Click(chromedp.ID("add-task")))
		waitJS(t, ctx, "the dialog open", `document.getElementById('task-dialog').open`)
		do(t, ctx, "entering a too-long title",
			chromedp.SetValue(chromedp.ID("task-title"), strings.Repeat("x", 300)),
			chromedp.Click(chromedp.ID("task-save")))
		waitJS(t, ctx, "the title's error message",
			`!document.getElementById('task-title-error').hidden && document.getElementById('task-title-error').textContent !== ''
			 && document.getElementById('task-title').getAttribute('aria-invalid') === 'true'`)
		do(t, ctx, "closing the dialog", chromedp.Click(chromedp.CSS(`#task-dialog [data-close]`)))
		waitJS(t, ctx, "the dialog closed", `!document.getElementById('task-dialog').open`)
	})
	if t.Failed() {
		return
	}

	t.Run("timer start pause resume", func(t *testing.T) {
		do(t, ctx, "starting the timer from the schedule",
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%s [data-action="start"]`, report))))
		waitJS(t, ctx, "the timer running on Write report",
			`document.getElementById('timer-state').textContent === 'Running' && document.getElementById('timer-task').textContent === 'Write report'`)
		waitJS(t, ctx, "the clock to tick", clockSecondsExpr+` >= 1`)
		if s := taskStatus(t, ctx, report); s != "in-progress" {
			t.Errorf("task status = %q, want in-progress", s)
		}
		status, body := apiJSON(t, ctx, "GET", "/api/v1/timer", nil)
		timer, _ := body["timer"].(map[string]any)
		if status != 200 || timer == nil || timer["state"] != "running" || fmt.Sprint(timer["task_id"]) != report {
			t.Fatalf("GET /api/v1/timer = %d %v, want running on task %s", status, body, report)
		}

		do(t, ctx, "pausing", chromedp.Click(chromedp.ID("timer-pause")))
		waitJS(t, ctx, "the timer paused", `document.getElementById('timer-state').textContent === 'Paused'
			&& !document.getElementById('timer-resume').hidden && document.getElementById('timer-pause').hidden`)
		if _, body := apiJSON(t, ctx, "GET", "/api/v1/timer", nil); body["timer"].(map[string]any)["state"] != "paused" {
			t.Errorf("server timer after pause = %v, want paused", body)
		}
		// The schedule redraws as the pause's event and read come in.
		waitJS(t, ctx, "the schedule's Resume", fmt.Sprintf(`!!document.querySelector('#task-%s [data-action="resume"]')`, report))
		do(t, ctx, "resuming from the schedule",
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%s [data-action="resume"]`, report))))
		waitJS(t, ctx, "the timer running again", `document.getElementById('timer-state').textContent === 'Running'`)
	})
	if t.Failed() {
		return
	}

	t.Run("reload keeps the timer running", func(t *testing.T) {
		reload(t, ctx)
		waitJS(t, ctx, "the running timer after reload",
			`document.getElementById('timer-state').textContent === 'Running' && `+clockSecondsExpr+` >= 1`)
		c1 := clockSeconds(t, ctx)
		waitJS(t, ctx, "the clock to go on", fmt.Sprintf(`%s > %d`, clockSecondsExpr, c1))
	})

	t.Run("second tab", func(t *testing.T) {
		tab2, closeTab2 := b.newTab("tab 2")
		defer closeTab2()
		do(t, tab2, "opening the dashboard in tab 2", chromedp.Navigate(srv.URL+"/dashboard"))
		waitDashboard(t, tab2)
		waitJS(t, tab2, "tab 2 to show the running timer", `document.getElementById('timer-state').textContent === 'Running'`)

		// Tab 1 holds the browser's event stream and passes every change on:
		// tab 2 follows without a focus, a reload or a poll.
		if role := eval[string](t, tab2, `document.documentElement.dataset.liveRole`); role != "follower" {
			t.Errorf("tab 2's role = %q, want follower (tab 1 holds the stream)", role)
		}
		do(t, ctx, "pausing in tab 1", chromedp.Click(chromedp.ID("timer-pause")))
		waitJS(t, ctx, "tab 1 paused", `document.getElementById('timer-state').textContent === 'Paused'`)
		waitJS(t, tab2, "tab 2 to show the pause", `document.getElementById('timer-state').textContent === 'Paused'`)
		do(t, tab2, "resuming in tab 2", chromedp.Click(chromedp.ID("timer-resume")))
		waitJS(t, ctx, "tab 1 to show the timer running", `document.getElementById('timer-state').textContent === 'Running'`)
		do(t, ctx, "pausing in tab 1", chromedp.Click(chromedp.ID("timer-pause")))
		waitJS(t, tab2, "tab 2 paused", `document.getElementById('timer-state').textContent === 'Paused'`)

		// The schedule agrees too: a task added in tab 2 shows in tab 1, and
		// its deletion in tab 1 reaches tab 2.
		extra := addTask(t, tab2, "Added in tab 2", "", "")
		waitJS(t, ctx, "tab 1 to show tab 2's task", fmt.Sprintf(`!!document.getElementById('task-%s')`, extra))
		rowAction(t, ctx, extra, "delete")
		waitJS(t, ctx, "the confirmation", `document.getElementById('confirm-dialog').open`)
		do(t, ctx, "confirming", chromedp.Click(chromedp.ID("confirm-yes")))
		waitJS(t, ctx, "the task gone in tab 1", fmt.Sprintf(`!document.getElementById('task-%s')`, extra))
		waitJS(t, tab2, "the task gone in tab 2", fmt.Sprintf(`!document.getElementById('task-%s')`, extra))
	})

	t.Run("stop keeps the time, done completes the task", func(t *testing.T) {
		waitJS(t, ctx, "the stop button shown", `!document.getElementById('timer-stop').hidden`)
		do(t, ctx, "stopping", chromedp.Click(chromedp.ID("timer-stop")))
		waitJS(t, ctx, "the timer idle and the task paused with its time",
			fmt.Sprintf(`document.getElementById('timer-state').textContent === 'Idle' && document.getElementById('timer-clock').textContent === '00:00:00'
			 && document.getElementById('task-%s')?.dataset.status === 'paused'`, report))
		if spent := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('[data-spent="%s"]').textContent`, report)); spent == "0m" {
			t.Errorf("the stopped task's spent time = %q, want the time the timer ran", spent)
		}
		do(t, ctx, "starting again", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%s [data-action="start"]`, report))))
		waitJS(t, ctx, "the timer running with Done shown", `document.getElementById('timer-state').textContent === 'Running'
			&& !document.getElementById('timer-complete').hidden && document.getElementById('timer-start').hidden`)
		do(t, ctx, "pressing Done", chromedp.Click(chromedp.ID("timer-complete")))
		waitJS(t, ctx, "the timer idle and the task done",
			fmt.Sprintf(`document.getElementById('timer-state').textContent === 'Idle' && document.getElementById('task-%s')?.dataset.status === 'completed'`, report))
		_, day := apiJSON(t, ctx, "GET", "/api/v1/days/"+today(t, ctx), nil)
		if day["timer"] != nil {
			t.Errorf("day timer after Done = %v, want null", day["timer"])
		}
		progress, _ := day["progress"].(map[string]any)
		if fmt.Sprint(progress["completed"]) != "1" || fmt.Sprint(progress["total"]) != "3" {
			t.Errorf("progress = %v, want 1 of 3 completed", progress)
		}
		waitJS(t, ctx, "the progress panel", `document.getElementById('stat-done').textContent === '1 of 3'`)
		kinds := eval[[]string](t, ctx, `[...document.querySelectorAll('#activity-list li')].map(li => li.dataset.kind)`)
		for _, k := range []string{"task_added", "timer_started", "timer_paused", "timer_resumed", "timer_stopped", "task_completed"} {
			if !contains(kinds, k) {
				t.Errorf("activity kinds %q lack %s", kinds, k)
			}
		}
		if len(kinds) > 0 && kinds[0] == "task_added" {
			t.Errorf("activity is not newest first: %q", kinds)
		}
	})

	t.Run("complete reopen edit delete", func(t *testing.T) {
		do(t, ctx, "reopening", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%s [data-action="reopen"]`, report))))
		waitJS(t, ctx, "the task reopened", fmt.Sprintf(`document.getElementById('task-%s')?.dataset.status === 'pending'`, report))
		rowAction(t, ctx, read, "complete")
		waitJS(t, ctx, "the task completed", fmt.Sprintf(`document.getElementById('task-%s')?.dataset.status === 'completed'`, read))

		// Edit with the keyboard: Enter on the row's menu button opens the
		// menu on its first action (Edit, the task being done), Enter on it
		// opens the dialog, and focus comes back to the menu button after saving.
		do(t, ctx, "opening the menu", chromedp.Focus(chromedp.CSS(fmt.Sprintf(`#task-%s .menu-button`, read))), chromedp.KeyEvent(kb.Enter))
		waitJS(t, ctx, "focus on Edit", `document.activeElement?.dataset.action === 'edit'`)
		do(t, ctx, "choosing Edit", chromedp.KeyEvent(kb.Enter))
		waitJS(t, ctx, "the edit dialog", `document.getElementById('task-dialog').open && document.activeElement.id === 'task-title'
			&& document.getElementById('task-title').value === 'Read paper'`)
		do(t, ctx, "renaming", chromedp.SetValue(chromedp.ID("task-title"), "Read two papers"), chromedp.Click(chromedp.ID("task-save")))
		waitJS(t, ctx, "the new title", fmt.Sprintf(`document.querySelector('#task-%s .task-title')?.textContent === 'Read two papers'`, read))
		waitJS(t, ctx, "focus back on the menu button", fmt.Sprintf(`document.activeElement?.dataset.key === '%s-more'`, read))

		rowAction(t, ctx, plan, "delete")
		waitJS(t, ctx, "the confirmation, with focus on Cancel",
			`document.getElementById('confirm-dialog').open && document.activeElement.id === 'confirm-no'`)
		do(t, ctx, "confirming", chromedp.Click(chromedp.ID("confirm-yes")))
		waitJS(t, ctx, "the task gone", fmt.Sprintf(`!document.getElementById('task-%s')`, plan))
		_, day := apiJSON(t, ctx, "GET", "/api/v1/days/"+today(t, ctx), nil)
		if tasks, _ := day["tasks"].([]any); len(tasks) != 2 {
			t.Errorf("tasks after delete = %d, want 2", len(tasks))
		}
		checkEditLines(t, ctx, srv)
	})

	t.Run("notes", func(t *testing.T) {
		do(t, ctx, "typing the day's note", chromedp.SendKeys(chromedp.ID("day-note"), "Stretch at noon."))
		waitJS(t, ctx, "the note saved", `document.getElementById('note-status').dataset.state === 'saved'`)
		reload(t, ctx)
		if v := eval[string](t, ctx, `document.getElementById('day-note').value`); v != "Stretch at noon." {
			t.Errorf("day note after reload = %q", v)
		}

		// Offline: the text stays, the page says so, and it saves once the
		// network is back.
		setOffline(t, ctx, true)
		do(t, ctx, "typing offline", chromedp.SendKeys(chromedp.ID("day-note"), " Drink water."))
		waitJS(t, ctx, "the not-saved status", `document.getElementById('note-status').dataset.state === 'error'
			&& document.getElementById('note-status').textContent.startsWith('Not saved')`)
		setOffline(t, ctx, false)
		waitJS(t, ctx, "the note saved after the network came back", `document.getElementById('note-status').dataset.state === 'saved'`)
		_, day := apiJSON(t, ctx, "GET", "/api/v1/days/"+today(t, ctx), nil)
		if note, _ := day["note"].(map[string]any); note == nil || note["text"] != "Stretch at noon. Drink water." {
			t.Errorf("server note = %v", day["note"])
		}

		// A typed note: add, edit, delete.
		do(t, ctx, "opening the note dialog", chromedp.Click(chromedp.ID("add-note")))
		waitJS(t, ctx, "the note dialog with focus on the type", `document.getElementById('note-dialog').open && document.activeElement.id === 'note-type'`)
		do(t, ctx, "filling the note",
			chromedp.SetValue(chromedp.ID("note-type"), "idea"),
			chromedp.SendKeys(chromedp.ID("note-title"), "Side project"),
			chromedp.SendKeys(chromedp.ID("note-content"), "A tiny timer."),
			chromedp.Click(chromedp.ID("note-save")))
		waitJS(t, ctx, "the idea in the list", `[...document.querySelectorAll('#note-list li[data-type="idea"]')].some(li =>
			li.querySelector('.note-title')?.textContent === 'Side project' && li.querySelector('.note-content').textContent === 'A tiny timer.')`)
		do(t, ctx, "editing the note", chromedp.Click(chromedp.CSS(`#note-list li[data-type="idea"] [data-action="edit"]`)))
		waitJS(t, ctx, "the note dialog", `document.getElementById('note-dialog').open`)
		do(t, ctx, "changing the note",
			chromedp.SendKeys(chromedp.ID("note-content"), " Written in Go."),
			chromedp.Click(chromedp.ID("note-save")))
		waitJS(t, ctx, "the edited note", `document.querySelector('#note-list li[data-type="idea"] .note-content')?.textContent === 'A tiny timer. Written in Go.'`)
		_, notes := apiJSON(t, ctx, "GET", "/api/v1/notes?date="+today(t, ctx), nil)
		if list, _ := notes["notes"].([]any); len(list) != 1 || list[0].(map[string]any)["type"] != "idea" {
			t.Errorf("GET /api/v1/notes = %v, want one idea", notes)
		}
		do(t, ctx, "deleting the note", chromedp.Click(chromedp.CSS(`#note-list li[data-type="idea"] [data-action="delete"]`)))
		waitJS(t, ctx, "the confirmation", `document.getElementById('confirm-dialog').open`)
		do(t, ctx, "confirming", chromedp.Click(chromedp.ID("confirm-yes")))
		waitJS(t, ctx, "the note gone", `!document.querySelector('#note-list li') && !document.getElementById('notes-empty').hidden`)
	})

	t.Run("manual time entry", func(t *testing.T) {
		rowAction(t, ctx, read, "log")
		waitJS(t, ctx, "the time log", `document.getElementById('entries-dialog').open && !document.getElementById('entries-empty').hidden`)
		// 90 minutes ending 10 minutes ago: in the past, clear of the timer's entries.
		do(t, ctx, "entering the times", chromedp.Evaluate[chromedp.Void](`(() => {
			const p = (n) => String(n).padStart(2, '0');
			const local = (d) => d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
			const end = new Date(Date.now() - 10 * 60000);
			document.getElementById('entry-end').value = local(end);
			const start = new Date(end.getTime() - 90 * 60000);
			document.getElementById('entry-start').value = local(start);
			// Just after midnight the entry began yesterday: today holds its later part.
			const midnight = new Date(end.getFullYear(), end.getMonth(), end.getDate());
			window.entryTodayMinutes = Math.floor((end - Math.max(start, midnight)) / 60000);
		})()`), chromedp.Click(chromedp.ID("entry-save")))
		waitJS(t, ctx, "the manual entry in the log", `document.querySelector('#entries-list li[data-source="manual"] .badge')?.textContent === 'Manual'`)
		do(t, ctx, "closing the time log", chromedp.KeyEvent(kb.Escape))
		waitJS(t, ctx, "focus back on the menu button", fmt.Sprintf(`document.activeElement?.dataset.key === '%s-more'`, read))
		waitJS(t, ctx, "the task's spent time", fmt.Sprintf(`document.querySelector('[data-spent="%s"]')?.textContent === '1h 30m'`, read))
		_, day := apiJSON(t, ctx, "GET", "/api/v1/days/"+today(t, ctx), nil)
		todayPart := eval[int](t, ctx, `window.entryTodayMinutes`)
		if focus, _ := day["progress"].(map[string]any)["focus_ms"].(float64); focus < float64(todayPart)*60*1000 {
			t.Errorf("focus_ms = %v, want at least the entry's %d minutes of today", focus, todayPart)
		}
	})

	t.Run("progress and week", func(t *testing.T) {
		if n := eval[int](t, ctx, `document.querySelectorAll('#week-bars .wday').length`); n != 7 {
			t.Errorf("week bars = %d, want 7", n)
		}
		label := eval[string](t, ctx, `document.querySelector('#week-bars .wday[data-today="true"] a').textContent`)
		if !strings.Contains(label, "(today)") || !strings.Contains(label, "of focus") || !strings.Contains(label, "tasks done") {
			t.Errorf("today's bar is labelled %q", label)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#week-bars .wday[data-today="true"]').length`); n != 1 {
			t.Errorf("week bars marked today = %d, want 1", n)
		}
		if s := eval[string](t, ctx, `document.getElementById('goal-text').textContent`); !strings.Contains(s, "% of ") {
			t.Errorf("goal text = %q", s)
		}
	})

	t.Run("focus mode", func(t *testing.T) {
		do(t, ctx, "turning focus mode on", chromedp.Click(chromedp.ID("focus-toggle")))
		waitJS(t, ctx, "only the timer visible", `document.getElementById('focus-toggle').getAttribute('aria-pressed') === 'true'
			&& document.getElementById('schedule').offsetParent === null && document.getElementById('notes').offsetParent === null
			&& document.getElementById('timer-panel').offsetParent !== null`)
		// Saved on the profile: still on after a reload.
		waitJS(t, ctx, "the setting saved", `fetch('/profile', {credentials: 'same-origin'}).then(r => r.text()).then(t => /name="focus_mode" value="1" checked/.test(t))`)
		reload(t, ctx)
		waitJS(t, ctx, "focus mode after reload", `document.getElementById('schedule').offsetParent === null`)
		screenshot(t, ctx, "dashboard-focus-360-light", 360, 800)
		do(t, ctx, "resetting the viewport", chromedp.EmulateViewport(1280, 800))
		do(t, ctx, "turning focus mode off", chromedp.Click(chromedp.ID("focus-toggle")))
		waitJS(t, ctx, "everything back", `document.getElementById('schedule').offsetParent !== null`)
		waitJS(t, ctx, "the setting saved", `fetch('/profile', {credentials: 'same-origin'}).then(r => r.text()).then(t => !/name="focus_mode" value="1" checked/.test(t))`)
	})

	t.Run("screenshots and themes", func(t *testing.T) {
		// A running timer makes the screenshots show the live state.
		do(t, ctx, "starting the timer", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%s [data-action="start"]`, report))))
		waitJS(t, ctx, "the timer running", `document.getElementById('timer-state').textContent === 'Running'`)
		screenshot(t, ctx, "dashboard-1280-light", 1280, 800)
		screenshot(t, ctx, "dashboard-360-light", 360, 800)

		setTheme(t, ctx, srv, "dark")
		do(t, ctx, "opening the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
		waitDashboard(t, ctx)
		if th := eval[string](t, ctx, `document.documentElement.dataset.theme`); th != "dark" {
			t.Errorf("data-theme = %q, want dark", th)
		}
		bg := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
		if bg != "rgb(17, 17, 24)" {
			t.Errorf("dark body background = %s", bg)
		}
		screenshot(t, ctx, "dashboard-1280-dark", 1280, 800)
		screenshot(t, ctx, "dashboard-360-dark", 360, 800)
		rowAction(t, ctx, report, "log")
		waitJS(t, ctx, "the time log", `document.getElementById('entries-dialog').open && document.querySelectorAll('#entries-list li').length > 0`)
		screenshotViewport(t, ctx, "dashboard-timelog-360-dark", 360, 800)
		do(t, ctx, "closing the time log", chromedp.KeyEvent(kb.Escape))
		do(t, ctx, "resetting the viewport", chromedp.EmulateViewport(1280, 800))
	})

	t.Run("profile page", func(t *testing.T) {
		do(t, ctx, "opening the profile", chromedp.Navigate(srv.URL+"/profile"))
		waitJS(t, ctx, "the profile page", `document.querySelector('main h1')?.textContent === 'Profile'
			&& document.getElementById('theme')?.value === 'dark' && !!document.getElementById('daily_goal_minutes')`)
	})
}

// TestForgottenTimerCapped runs a server whose timer cap is two seconds: a
// timer left running is ended at the cap, and the dashboard offers to
// correct the end of the capped entry.
func TestForgottenTimerCapped(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t, "FOCUSFLOW_TEST_TIMER_CAP=2s")
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "grace")
	id := addTask(t, ctx, "Forgotten task", "", "")

	do(t, ctx, "starting the timer", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%s [data-action="start"]`, id))))
	waitJS(t, ctx, "the timer running", `document.getElementById('timer-state').textContent === 'Running'`)
	// The cap is wall-clock time on the server, so this one wait is real.
	time.Sleep(3 * time.Second)
	reload(t, ctx)

	waitJS(t, ctx, "the capped banner", `!document.getElementById('capped-banner').hidden`)
	screenshot(t, ctx, "dashboard-capped-1280-light", 1280, 800)
	if s := eval[string](t, ctx, `document.getElementById('timer-state').textContent`); s == "Running" {
		t.Errorf("timer still running after the cap")
	}
	do(t, ctx, "opening the correction", chromedp.Click(chromedp.ID("capped-fix")))
	waitJS(t, ctx, "the capped entry in the time log", `document.getElementById('entries-dialog').open
		&& document.querySelector('#entries-list li[data-source="capped"] .badge')?.textContent === 'Capped'`)
	waitJS(t, ctx, "focus on the end-time field", `document.activeElement?.matches('input[data-capped]')`)
	screenshotViewport(t, ctx, "dashboard-capped-dialog-360-light", 360, 800)
	do(t, ctx, "resetting the viewport", chromedp.EmulateViewport(1280, 800))

	_, before := apiJSON(t, ctx, "GET", "/api/v1/tasks/"+id+"/entries", nil)
	entries, _ := before["entries"].([]any)
	if len(entries) != 1 {
		t.Fatalf("entries = %v, want one", before)
	}
	entry := entries[0].(map[string]any)
	if entry["source"] != "capped" {
		t.Fatalf("entry source = %v, want capped", entry["source"])
	}
	startedAt, _ := time.Parse(time.RFC3339Nano, entry["started_at"].(string))
	cappedEnd, _ := time.Parse(time.RFC3339Nano, entry["ended_at"].(string))
	if d := cappedEnd.Sub(startedAt); d < 2*time.Second || d > 3*time.Second {
		t.Errorf("capped entry lasts %v, want the 2s cap", d)
	}

	// Correct the end to one second after the start, to the second.
	do(t, ctx, "entering the real end", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const d = new Date(%d + 1000); const p = (n) => String(n).padStart(2, '0');
		document.querySelector('input[data-capped]').value =
			d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
	})()`, startedAt.UnixMilli())))
	do(t, ctx, "saving the end", chromedp.Click(chromedp.CSS(`#entries-list .capped-fix button[type=submit]`)))
	waitJS(t, ctx, "the correction confirmed", `document.getElementById('flash').textContent === 'End time corrected.'
		&& document.getElementById('capped-banner').hidden`)

	_, after := apiJSON(t, ctx, "GET", "/api/v1/tasks/"+id+"/entries", nil)
	entry = after["entries"].([]any)[0].(map[string]any)
	ended, _ := time.Parse(time.RFC3339Nano, entry["ended_at"].(string))
	want := startedAt.Add(time.Second).Truncate(time.Second)
	if !ended.Equal(want) {
		t.Errorf("corrected end = %v, want %v", ended, want)
	}
	do(t, ctx, "closing the time log", chromedp.KeyEvent(kb.Escape))

	// The banner stays dismissed after a reload.
	reload(t, ctx)
	if hidden := eval[bool](t, ctx, `document.getElementById('capped-banner').hidden`); !hidden {
		t.Errorf("capped banner shown again after the correction")
	}
}

// checkEditLines: after the rename of "Read paper" and the deletion of
// "Plan the week", the activity says so; an edit of tomorrow's task is on
// tomorrow's log, dated.
func checkEditLines(t *testing.T, ctx context.Context, srv *server) {
	t.Helper()
	// The dialog's save logs the rename only (its unchanged fields are
	// no change), and the deletion has its line.
	waitJS(t, ctx, "the deletion and the edit atop the activity", `[...document.querySelectorAll('#activity-list li')]
		.slice(0, 2).map(li => li.dataset.kind).join() === 'task_deleted,task_edited'`)
	lines := eval[[]string](t, ctx, `[...document.querySelectorAll('#activity-list li span')].slice(0, 2).map(s => s.textContent)`)
	if want := []string{"Deleted task “Plan the week”", "Renamed “Read paper” to “Read two papers”"}; !slices.Equal(lines, want) {
		t.Errorf("activity lines %q, want %q", lines, want)
	}

	// A line on a task's day made on another day shows its date.
	day0, err := time.Parse("2006-01-02", today(t, ctx))
	if err != nil {
		t.Fatal(err)
	}
	tomorrow := day0.AddDate(0, 0, 1).Format("2006-01-02")
	status, created := apiJSON(t, ctx, "POST", "/api/v1/tasks", map[string]any{"date": tomorrow, "title": "Prepare slides"})
	if status != 201 {
		t.Fatalf("creating tomorrow's task: %d %v", status, created)
	}
	if status, _ := apiJSON(t, ctx, "PATCH", fmt.Sprintf("/api/v1/tasks/%v", created["id"]), map[string]any{"duration_minutes": 50}); status != 200 {
		t.Fatalf("editing tomorrow's task: %d", status)
	}
	do(t, ctx, "opening tomorrow", chromedp.Navigate(srv.URL+"/dashboard?date="+tomorrow))
	waitDashboard(t, ctx)
	waitJS(t, ctx, "tomorrow's edit line, dated", `(() => { const li = document.querySelector('#activity-list li');
		return li?.dataset.kind === 'task_edited' && li.querySelector('span').textContent === 'Edited “Prepare slides”: estimate set to 50 min'
			&& li.querySelector('time').textContent.includes('`+day0.Format("2006")+`'); })()`)
	do(t, ctx, "back to today", chromedp.Navigate(srv.URL+"/dashboard"))
	waitDashboard(t, ctx)
}

func today(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.getElementById('dashboard')?.dataset.today ?? ''`)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// setOffline cuts the tab's network (and navigator.onLine) or restores it.
func setOffline(t *testing.T, ctx context.Context, offline bool) {
	t.Helper()
	do(t, ctx, fmt.Sprintf("setting offline=%v", offline), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		var rules []*network.Conditions
		if offline {
			rules = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
		}
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule,
			network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

// setTheme changes the theme through the profile's settings form.
func setTheme(t *testing.T, ctx context.Context, srv *server, theme string) {
	t.Helper()
	do(t, ctx, "opening the profile",
		chromedp.Navigate(srv.URL+"/profile"),
		chromedp.WaitVisible(chromedp.ID("theme")),
		chromedp.SetValue(chromedp.ID("theme"), theme),
		chromedp.Click(chromedp.CSS(`form[action="/profile/settings"] button[type=submit]`)))
	waitJS(t, ctx, "the theme applied", fmt.Sprintf(`document.documentElement.dataset.theme === %s`, js(theme)))
}
