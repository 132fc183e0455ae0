package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestSevenTabsShareOneStream opens the dashboard in seven tabs of one
// browser, more than HTTP/1.1's six connections per host: one tab holds
// the event stream and relays it, so a change made in any tab shows in
// all seven without a reload, also after the holder is frozen and
// another tab takes over.
func TestSevenTabsShareOneStream(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	tabs := []context.Context{b.ctx}
	signup(t, b.ctx, srv, "tabs")
	task := addTask(t, b.ctx, "Shared work", "", "")
	for i := 2; i <= 7; i++ {
		ctx, cancel := b.newTab(fmt.Sprintf("tab %d", i))
		t.Cleanup(cancel)
		do(t, ctx, "opening the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
		waitDashboard(t, ctx)
		tabs = append(tabs, ctx)
	}
	everyTab := func(tabs []context.Context, what, expr string) {
		t.Helper()
		for _, ctx := range tabs {
			waitJS(t, ctx, what, expr)
		}
	}
	leaders := func(tabs []context.Context) int {
		n := 0
		for _, ctx := range tabs {
			if eval[string](t, ctx, `document.documentElement.dataset.liveRole`) == "leader" {
				n++
			}
		}
		return n
	}
	everyTab(tabs, "every tab live", `document.documentElement.dataset.live === 'live'`)
	if n := leaders(tabs); n != 1 {
		t.Fatalf("%d tabs hold a stream, want one", n)
	}

	do(t, tabs[4], "starting in tab 5", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%s [data-action="start"]`, task))))
	everyTab(tabs, "the timer running everywhere", `document.getElementById('timer-state').textContent === 'Running'`)

	// The holder is frozen: another tab takes the stream over.
	setLifecycle(t, tabs[0], true)
	rest := tabs[1:]
	waitAny(t, rest, "another tab to take the stream over", `document.documentElement.dataset.liveRole === 'leader'`)
	everyTab(rest, "the others live again", `document.documentElement.dataset.live === 'live'`)
	if n := leaders(rest); n != 1 {
		t.Fatalf("%d of the other tabs hold a stream, want one", n)
	}
	if role := eval[string](t, rest[0], `navigator.locks.query().then(q => q.held.length + ' held, ' + q.pending.length + ' waiting')`); role != "1 held, 5 waiting" {
		t.Errorf("the lock: %s, want 1 held and 5 waiting (tab 1 is frozen and out of line)", role)
	}
	do(t, rest[2], "pausing in tab 4", chromedp.Click(chromedp.ID("timer-pause")))
	everyTab(rest, "the pause everywhere", `document.getElementById('timer-state').textContent === 'Paused'`)
	extra := addTask(t, rest[5], "Added in tab 7", "", "")
	everyTab(rest, "tab 7's task everywhere", fmt.Sprintf(`!!document.getElementById('task-%s')`, extra))

	setLifecycle(t, tabs[0], false)
	waitJS(t, tabs[0], "tab 1 to catch up", fmt.Sprintf(`document.getElementById('timer-state').textContent === 'Paused'
		&& !!document.getElementById('task-%s') && document.documentElement.dataset.liveRole === 'follower'
		&& document.documentElement.dataset.live === 'live'`, extra))
	do(t, tabs[0], "resuming in tab 1", chromedp.Click(chromedp.ID("timer-resume")))
	everyTab(tabs, "the timer running in all seven", `document.getElementById('timer-state').textContent === 'Running'`)
}

// waitAny waits until the expression is true in one of the tabs.
func waitAny(t *testing.T, tabs []context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for time.Now().Before(deadline) {
		for _, ctx := range tabs {
			if eval[bool](t, ctx, "!!("+expr+")") {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waiting for %s in one of %d tabs (%s): still false", what, len(tabs), expr)
}
