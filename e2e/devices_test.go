package e2e

import (
	"context"
	"fmt"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Helpers for the tests of live updates: a second device, the page
// lifecycle, the browser's permissions and blocked requests.

const password = "correct horse battery staple"

// newDevice opens a tab in a browser context of its own: its own cookies,
// storage, locks and channels, as a second device of the same user has.
func (b *browser) newDevice(name string) context.Context {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	b.watch(ctx, name)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("opening %s: %v", name, err)
	}
	return ctx
}

// login signs in through the login form and waits for the dashboard.
func login(t *testing.T, ctx context.Context, srv *server, name string) {
	t.Helper()
	do(t, ctx, "opening the login page", chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.ID("username")))
	do(t, ctx, "signing in",
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	waitJS(t, ctx, "the dashboard after signing in", `location.pathname === '/dashboard'`)
	waitDashboard(t, ctx)
}

// setPermission grants or denies the notifications permission to the
// server's origin in the browser context of ctx's tab.
func setPermission(t *testing.T, ctx context.Context, srv *server, setting cdpbrowser.PermissionSetting) {
	t.Helper()
	do(t, ctx, "setting the notifications permission", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: "notifications"}, Setting: setting, Origin: srv.URL,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
		return err
	}))
}

// setLifecycle freezes the tab (it gets the freeze event first) or makes
// it active again (it gets resume). A frozen tab runs no script: do not
// evaluate anything in it until it is active again.
func setLifecycle(t *testing.T, ctx context.Context, frozen bool) {
	t.Helper()
	state := page.SetWebLifecycleStateStateActive
	if frozen {
		state = page.SetWebLifecycleStateStateFrozen
	}
	do(t, ctx, "setting the lifecycle state to "+string(state), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.SetWebLifecycleState, page.SetWebLifecycleStateParams{State: state})
		return err
	}))
}

// blockPaths makes the tab's requests to these paths of the server fail
// (none: lift the block).
func blockPaths(t *testing.T, ctx context.Context, srv *server, paths ...string) {
	t.Helper()
	do(t, ctx, fmt.Sprintf("blocking %q", paths), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		patterns := []*network.BlockPattern{}
		for _, p := range paths {
			patterns = append(patterns, &network.BlockPattern{URLPattern: srv.URL + p, Block: true})
		}
		_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns})
		return err
	}))
}

// timerText is the card's badge and phase, for failure messages.
func timerText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.getElementById('timer-state').textContent + ' / ' + document.getElementById('timer-phase').textContent`)
}
