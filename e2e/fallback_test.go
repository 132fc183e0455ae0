package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLiveFallbacks: a browser whose stream the server ends because the
// user opened more than EVENTS_PER_USER streams says live updates are
// paused and keeps up by polling; one that cannot open a stream (the
// instance is full) polls and says so; and a browser signed out elsewhere
// goes to the login page.
func TestLiveFallbacks(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t, "EVENTS_PER_USER=1")
	b := newBrowser(t)
	a := b.ctx
	name := signup(t, a, srv, "fall")
	task := addTask(t, a, "Catch up", "", "")
	waitJS(t, a, "device A live", `document.documentElement.dataset.live === 'live'`)

	dev := b.newDevice("device B")
	login(t, dev, srv, name)
	waitJS(t, dev, "device B live", `document.documentElement.dataset.live === 'live'`)
	waitJS(t, a, "device A told its stream was superseded", `document.documentElement.dataset.live === 'paused'
		&& document.getElementById('live-status').textContent.startsWith('Live updates are paused in this browser')`)
	// Still kept up to date, by the checks on focus and every 30 seconds.
	do(t, dev, "starting on device B", chromedp.Click(chromedp.CSS(`#task-`+task+` [data-action="start"]`)))
	waitJS(t, dev, "device B running", `document.getElementById('timer-state').textContent === 'Running'`)
	do(t, a, "device A getting focus", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('focus'))`))
	waitJS(t, a, "device A to show the timer", `document.getElementById('timer-state').textContent === 'Running'`)

	// On a server that takes one stream, a second user's browser finds it
	// full (503): it polls, says so, and keeps retrying.
	srv2 := startServer(t, "EVENTS_MAX_STREAMS=1")
	// Browser contexts of their own: cookies are shared across ports.
	first := b.newDevice("server 2, first user")
	signup(t, first, srv2, "first")
	waitJS(t, first, "the first user live", `document.documentElement.dataset.live === 'live'`)
	late := b.newDevice("server 2, second user")
	signup(t, late, srv2, "late")
	waitJS(t, late, "the full instance explained", `document.documentElement.dataset.live === 'polling'
		&& document.getElementById('live-status').textContent.startsWith('Live updates are unavailable')`)

	// Signing out the other sessions from device A sends device B to the login page.
	do(t, a, "opening the profile", chromedp.Navigate(srv.URL+"/profile"), chromedp.WaitVisible(chromedp.CSS(`form[action="/profile/sessions/revoke"] button`)))
	do(t, a, "signing out the other sessions", chromedp.Click(chromedp.CSS(`form[action="/profile/sessions/revoke"] button`)))
	waitJS(t, dev, "device B at the login page", `location.pathname === '/login'`)
}
