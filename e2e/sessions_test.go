package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestFocusSessions runs a pomodoro on two devices of one user (two
// browser contexts: their own cookies, storage and event streams) on a
// server whose minute lasts a second: the start shows on the other device
// without a reload, a phase's end reaches both with its title and signal,
// a frozen device catches up, a stale action is refused, and stop and
// Done do what they say.
func TestFocusSessions(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t, "FOCUSFLOW_TEST_MINUTE=1s")
	b := newBrowser(t)
	a := b.ctx
	name := signup(t, a, srv, "pomo")
	setPermission(t, a, srv, cdpbrowser.PermissionSettingGranted)
	// Focus 6 "minutes" (6 s), breaks long enough to look at.
	setSessionPlan(t, a, srv, "pomodoro", 6, 60, 180, 2)
	turnOnNotifications(t, a)
	screenshot(t, a, "profile-sessions-1280-light", 1280, 800)

	dev := b.newDevice("device B")
	login(t, dev, srv, name)
	t.Run("denied notifications are explained", func(t *testing.T) {
		setPermission(t, dev, srv, cdpbrowser.PermissionSettingDenied)
		do(t, dev, "opening the profile", chromedp.Navigate(srv.URL+"/profile"))
		waitJS(t, dev, "the denial explained", `document.getElementById('notify').checked
			&& document.getElementById('notify-status').textContent.includes('blocks notifications')`)
		do(t, dev, "opening the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
		waitDashboard(t, dev)
	})

	var task string
	t.Run("start on one device shows on the other", func(t *testing.T) {
		do(t, a, "opening the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
		waitDashboard(t, a)
		task = addTask(t, a, "Deep work", "", "")
		if m := eval[string](t, a, `document.getElementById('timer-mode-select').value`); m != "pomodoro" {
			t.Errorf("the start's mode = %q, want the profile's pomodoro", m)
		}
		waitJS(t, dev, "device B to list the task", fmt.Sprintf(`!!document.getElementById('task-%s')`, task))
		do(t, a, "starting", chromedp.Click(chromedp.ID("timer-start")))
		for _, p := range []context.Context{a, dev} {
			waitJS(t, p, "a pomodoro's first focus", `document.getElementById('timer-phase').textContent === 'Focus'
				&& document.getElementById('timer-cycle').textContent === 'Round 1 of 2'
				&& document.getElementById('timer-mode').textContent === 'Pomodoro'
				&& document.title.startsWith('▶ ') && document.title.endsWith(' · Deep work')
				&& document.querySelector('link[rel="icon"]').dataset.icon === 'focus'`)
		}
		waitJS(t, a, "only the actions of a running focus", `['pause', 'skip', 'extend', 'stop', 'complete'].every(n => !document.getElementById('timer-' + n).hidden)
			&& ['start', 'resume'].every(n => document.getElementById('timer-' + n).hidden)`)
	})
	if t.Failed() {
		return
	}

	t.Run("a phase ends on both devices", func(t *testing.T) {
		for _, p := range []context.Context{a, dev} {
			waitJS(t, p, "the short break", `document.getElementById('timer-phase').textContent === 'Short break'
				&& document.getElementById('timer-state').textContent === 'Break'
				&& document.title.startsWith('☕ ') && document.title.endsWith(' · Short break')
				&& document.querySelector('link[rel="icon"]').dataset.icon === 'break'
				&& document.getElementById('timer-cycle').textContent === 'Round 1 of 2 done'`)
		}
		// Device A's browser allows notifications: a real one was shown,
		// and the chime's play() settled one way or the other.
		waitJS(t, a, "the notification", `document.documentElement.dataset.notified === 'Focus done'`)
		waitJS(t, a, "the sound's play() to settle", `/^(resolved|rejected:)/.test(document.documentElement.dataset.sound || '')`)
		if s := eval[string](t, a, `document.documentElement.dataset.sound`); strings.HasPrefix(s, "rejected:NotAllowed") {
			waitJS(t, a, "the blocked-sound note", `!document.getElementById('sound-blocked').hidden
				&& document.getElementById('sound-blocked').textContent === 'Sound is blocked until you click somewhere on the page; notifications still arrive.'`)
		}
		waitJS(t, dev, "device B's own signal", `document.documentElement.dataset.lastSignal === 'Focus done'`)
		if n := eval[string](t, a, `document.documentElement.dataset.signals`); n != "1" {
			t.Errorf("device A signalled %s times for one boundary, want once", n)
		}
		if n := eval[string](t, dev, `document.documentElement.dataset.notified || ''`); n != "" {
			t.Errorf("device B showed a notification %q although its browser denies them", n)
		}
	})

	t.Run("a frozen device catches up", func(t *testing.T) {
		do(t, a, "skipping the break", chromedp.Click(chromedp.ID("timer-skip")))
		for _, p := range []context.Context{a, dev} {
			waitJS(t, p, "the second focus", `document.getElementById('timer-phase').textContent === 'Focus'
				&& document.getElementById('timer-cycle').textContent === 'Round 2 of 2'`)
		}
		setLifecycle(t, a, true)
		waitJS(t, dev, "device B to switch to the long break on time", `document.getElementById('timer-phase').textContent === 'Long break'
			&& document.title.startsWith('☕ ')`)
		setLifecycle(t, a, false)
		waitJS(t, a, "device A to catch up", `document.getElementById('timer-phase').textContent === 'Long break'
			&& document.documentElement.dataset.live === 'live'`)
	})

	t.Run("screenshots", func(t *testing.T) { sessionScreenshots(t, dev, srv) })

	t.Run("a stale action is refused", func(t *testing.T) {
		// Device B loses its stream and its reads; device A pauses the break.
		blockPaths(t, dev, srv, "/api/v1/events")
		reload(t, dev)
		waitJS(t, dev, "device B polling", `document.documentElement.dataset.live === 'polling'
			&& document.getElementById('live-status').textContent.startsWith('Live updates are unavailable')`)
		blockPaths(t, dev, srv, "/api/v1/events", "/api/v1/days/*")
		do(t, a, "pausing the break on device A", chromedp.Click(chromedp.ID("timer-pause")))
		waitJS(t, a, "device A paused", `document.getElementById('timer-state').textContent === 'Paused'`)
		if s := timerText(t, dev); s != "Break / Long break" {
			t.Fatalf("device B shows %q, want the break it last heard of", s)
		}
		do(t, dev, "pausing with the old version on device B", chromedp.Click(chromedp.ID("timer-pause")))
		waitJS(t, dev, "the refusal and the real state", `document.getElementById('flash').textContent.includes('another tab or on another device')
			&& document.getElementById('timer-state').textContent === 'Paused'`)
		blockPaths(t, dev, srv)
		do(t, dev, "the network coming back", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('online'))`))
		waitJS(t, dev, "device B live again", `document.documentElement.dataset.live === 'live'`)
	})

	t.Run("stop keeps the time, Done completes", func(t *testing.T) {
		do(t, dev, "stopping on device B", chromedp.Click(chromedp.ID("timer-stop")))
		for _, p := range []context.Context{a, dev} {
			waitJS(t, p, "the session over and the task paused", fmt.Sprintf(`document.getElementById('timer-state').textContent === 'Idle'
				&& document.getElementById('task-%s')?.dataset.status === 'paused' && document.title === 'Dashboard · FocusFlow'
				&& document.querySelector('link[rel="icon"]').dataset.icon === 'idle'`, task))
		}
		// A stopwatch this time, so that no phase ends before Done.
		do(t, a, "choosing the stopwatch", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('timer-mode-select');
			s.value = 'stopwatch'; s.dispatchEvent(new Event('change')); })()`))
		do(t, a, "starting again from the schedule", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%s [data-action="start"]`, task))))
		waitJS(t, dev, "device B to see the stopwatch", `document.getElementById('timer-phase').textContent === 'Focus'
			&& document.getElementById('timer-mode').textContent === 'Stopwatch' && document.getElementById('timer-skip').hidden`)
		do(t, dev, "pressing Done on device B", chromedp.Click(chromedp.ID("timer-complete")))
		for _, p := range []context.Context{a, dev} {
			waitJS(t, p, "the task done", fmt.Sprintf(`document.getElementById('timer-state').textContent === 'Idle'
				&& document.getElementById('task-%s')?.dataset.status === 'completed'`, task))
		}
	})
}

// setSessionPlan saves the profile's Focus sessions card.
func setSessionPlan(t *testing.T, ctx context.Context, srv *server, mode string, focus, short, long, every int) {
	t.Helper()
	do(t, ctx, "opening the profile", chromedp.Navigate(srv.URL+"/profile"), chromedp.WaitVisible(chromedp.ID("session-card")))
	do(t, ctx, "filling the Focus sessions card",
		chromedp.SetValue(chromedp.ID("mode"), mode),
		chromedp.SetValue(chromedp.ID("focus_minutes"), fmt.Sprint(focus)),
		chromedp.SetValue(chromedp.ID("short_break_minutes"), fmt.Sprint(short)),
		chromedp.SetValue(chromedp.ID("long_break_minutes"), fmt.Sprint(long)),
		chromedp.SetValue(chromedp.ID("long_break_every"), fmt.Sprint(every)),
		chromedp.Click(chromedp.CSS(`#session-card button[type=submit]`)))
	waitJS(t, ctx, "the settings saved", `document.querySelector('.notice')?.textContent === 'Settings saved.'
		&& document.getElementById('mode').value === `+js(mode))
}

// turnOnNotifications ticks the Signals card's notifications box (the
// browser has been told to grant the permission) and saves the card.
func turnOnNotifications(t *testing.T, ctx context.Context) {
	t.Helper()
	// The page that the last save redirected to must be whole (its module
	// wired), and the click goes through the page itself: a node id taken
	// while the redirected page settles can be stale by the time it is
	// clicked ("Could not find node with given id").
	waitJS(t, ctx, "the profile loaded", `document.readyState === 'complete' && !!document.getElementById('notify')`)
	do(t, ctx, "ticking desktop notifications",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('notify').click()`))
	waitJS(t, ctx, "the permission granted", `document.getElementById('notify-status').textContent.includes('shows FocusFlow')`)
	do(t, ctx, "saving the signals", chromedp.SetValue(chromedp.ID("sound_volume"), "40"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.notice')?.remove()`), // the last save's
		chromedp.Click(chromedp.CSS(`#signals-form button[type=submit]`)))
	waitJS(t, ctx, "the signals saved", `document.querySelector('.notice')?.textContent === 'Settings saved.'
		&& document.getElementById('notify').checked && document.getElementById('sound_volume').value === '40'`)
	_, me := apiJSON(t, ctx, "GET", "/api/v1/me", nil)
	signals, _ := me["signals"].(map[string]any)
	if signals["notify"] != true || fmt.Sprint(signals["sound_volume"]) != "40" {
		t.Errorf("signals in /api/v1/me = %v", me["signals"])
	}
}

// sessionScreenshots shows the timer card on a long break in both themes
// at phone and desktop widths.
func sessionScreenshots(t *testing.T, ctx context.Context, srv *server) {
	screenshot(t, ctx, "timer-session-1280-light", 1280, 800)
	screenshot(t, ctx, "timer-session-360-light", 360, 800)
	setTheme(t, ctx, srv, "dark")
	do(t, ctx, "opening the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
	waitDashboard(t, ctx)
	waitJS(t, ctx, "the long break", `document.getElementById('timer-phase').textContent === 'Long break'`)
	screenshot(t, ctx, "timer-session-1280-dark", 1280, 800)
	screenshot(t, ctx, "timer-session-360-dark", 360, 800)
	do(t, ctx, "resetting the viewport", chromedp.EmulateViewport(1280, 800))
}
