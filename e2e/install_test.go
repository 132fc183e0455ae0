package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// dayCached is true once the service worker holds the dashboard and its
// day (the two entries of its day cache).
const dayCached = `caches.open('focusflow-day').then(c => c.keys()).then(k => k.length === 2)`

// TestInstallableOffline: the app is installable (Chromium lists no
// installability errors, in the browser's default context), the saved day
// belongs to one user only, and with the server gone and the network off a
// reload still shows the dashboard, the last loaded day and a banner.
func TestInstallableOffline(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx

	t.Run("installable", func(t *testing.T) {
		signup(t, ctx, srv, "inst")
		waitJS(t, ctx, "the service worker in control", `navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)`)
		var errs []string
		do(t, ctx, "asking for installability errors", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			res, err := cdp.Call(ctx, tg, page.GetInstallabilityErrors, cdp.Empty{})
			for _, e := range res.InstallabilityErrors {
				errs = append(errs, e.ErrorID)
			}
			return err
		}))
		if len(errs) > 0 {
			t.Errorf("installability errors: %v", errs)
		}
	})

	t.Run("the saved day is purged on sign-out and for another user", func(t *testing.T) {
		reload(t, ctx)
		waitJS(t, ctx, "the day saved", dayCached)
		if !eval[bool](t, ctx, `caches.match('/dashboard').then(r => r.text()).then(t => t.includes('name="csrf-token" content=""') && !/name="csrf_token" value="[^"]/.test(t))`) {
			t.Error("the saved dashboard keeps a CSRF token")
		}
		do(t, ctx, "signing out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
		waitJS(t, ctx, "the signed-out page", `document.querySelector('meta[name="focusflow-user"]') === null`)
		waitJS(t, ctx, "the saved day gone", `caches.has('focusflow-day').then(h => !h)`)

		signup(t, ctx, srv, "next")
		reload(t, ctx)
		waitJS(t, ctx, "the new user's day saved", dayCached)
		// Someone else signed in since this browser last saw the user.
		do(t, ctx, "another user on this browser", chromedp.Evaluate[chromedp.Void](`localStorage.setItem('focusflow-user', '-1')`),
			chromedp.Navigate(srv.URL+"/profile"))
		waitJS(t, ctx, "the saved day gone", `caches.has('focusflow-day').then(h => !h)`)
	})

	t.Run("offline reload", func(t *testing.T) {
		do(t, ctx, "opening the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
		waitDashboard(t, ctx)
		addTask(t, ctx, "Pack for the trip", "", "")
		reload(t, ctx)
		waitJS(t, ctx, "the day saved", `caches.match(new Request(location.origin + '/api/v1/days/' + document.getElementById('dashboard').dataset.date))
			.then(r => r && r.json()).then(d => d && d.tasks.some(t => t.title === 'Pack for the trip'))`)
		if eval[bool](t, ctx, `!document.getElementById('offline-banner').hidden`) {
			t.Error("the offline banner shows while online")
		}
		srv.Stop()
		setOffline(t, ctx, true)
		reload(t, ctx)
		waitJS(t, ctx, "the saved task", fmt.Sprintf(`%s !== undefined`, taskIDExpr("Pack for the trip")))
		waitJS(t, ctx, "the offline banner", `!document.getElementById('offline-banner').hidden`)
		text := eval[string](t, ctx, `document.getElementById('offline-banner').textContent`)
		if !strings.Contains(text, "You are offline") || !strings.Contains(text, "saved on this device") {
			t.Errorf("offline banner = %q", text)
		}
		screenshot(t, ctx, "dashboard-offline-360-light", 360, 800)
	})
}
