package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// sitePage is one page of the site as a visitor sees it.
type sitePage struct {
	name, path string
	signedIn   bool
	ready      string // a JavaScript condition that holds once the page has drawn
}

var sitePages = []sitePage{
	{"landing", "/", false, `document.querySelector('main') !== null`},
	{"login", "/login", false, `document.getElementById('username') !== null`},
	{"signup", "/signup", false, `document.getElementById('username') !== null`},
	{"error", "/no-such-page", false, `document.querySelector('main') !== null`},
	{"dashboard", "/dashboard", true, `document.getElementById('dashboard')?.dataset.loaded === 'true'`},
	{"achievements", "/achievements", true, `document.querySelector('main') !== null && !document.querySelector('[aria-busy="true"]')`},
	{"profile", "/profile", true, `document.getElementById('theme') !== null`},
	{"tags", "/tags", true, `document.querySelectorAll('.tag-row').length === 2`},
}

// emulateColorScheme makes prefers-color-scheme say light or dark, which
// decides the theme of the pages a visitor sees signed out.
func emulateColorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	do(t, ctx, "emulating prefers-color-scheme: "+scheme, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	}))
}

// walkPages opens every page of the site in both themes, signed out for
// the public pages and as one user with a few tasks for the others, and
// calls check on each with its name and theme.
func walkPages(t *testing.T, check func(t *testing.T, ctx context.Context, p sitePage, theme string)) {
	// Two browsers share a loaded machine: allow slow password hashing.
	srv := startServer(t, "DB_QUERY_TIMEOUT=30s")
	out := newBrowser(t)
	in := newBrowser(t)
	signup(t, in.ctx, srv, "walk")
	id := addTask(t, in.ctx, "Write report", "10:00", "45")
	addTask(t, in.ctx, "Read paper", "", "")
	addTags(t, in.ctx, id, "Deep work", "Errands")
	for _, theme := range []string{"light", "dark"} {
		emulateColorScheme(t, out.ctx, theme)
		setTheme(t, in.ctx, srv, theme)
		for _, p := range sitePages {
			ctx := out.ctx
			if p.signedIn {
				ctx = in.ctx
			}
			do(t, ctx, "opening "+p.path, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(srv.URL+p.path))
			waitJS(t, ctx, p.name+" drawn", p.ready)
			check(t, ctx, p, theme)
		}
	}
}

// addTags makes tags of the given names (teal, pink, amber in turn) and
// puts the first on the task.
func addTags(t *testing.T, ctx context.Context, taskID string, names ...string) {
	t.Helper()
	colors := []string{"teal", "pink", "amber"}
	for i, name := range names {
		status, body := apiJSON(t, ctx, "POST", "/api/v1/tags", map[string]any{"name": name, "color": colors[i%len(colors)]})
		if status != 201 {
			t.Fatalf("creating tag %s: %d %v", name, status, body)
		}
		if i == 0 {
			if status, body := apiJSON(t, ctx, "PUT", fmt.Sprintf("/api/v1/tasks/%s/tags/%v", taskID, body["id"]), nil); status != 200 {
				t.Fatalf("tagging the task: %d %v", status, body)
			}
		}
	}
}

// TestPageScreenshots shoots every page at desktop and phone width in
// both themes, for people to look at (FOCUSFLOW_TEST_ARTIFACTS).
func TestPageScreenshots(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	walkPages(t, func(t *testing.T, ctx context.Context, p sitePage, theme string) {
		screenshot(t, ctx, "page-"+p.name+"-1280-"+theme, 1280, 800)
		screenshot(t, ctx, "page-"+p.name+"-360-"+theme, 360, 800)
		if p.name == "profile" {
			checkProfile(t, ctx)
		}
		if p.name == "achievements" {
			// Opened on a phone, the year heatmap shows its end: today.
			do(t, ctx, "opening at 360 px", chromedp.EmulateViewport(360, 800), chromedp.Reload())
			waitJS(t, ctx, "the heatmap scrolled to today", `(() => { const el = document.querySelector('.hm-scroll');
				return el && el.scrollWidth > el.clientWidth && el.scrollLeft + el.clientWidth >= el.scrollWidth - 1; })()`)
		}
	})
}

// checkProfile, at 360 px: the tables' headings and addresses are each on
// one line, security events are in words, and "Member since" is said once.
func checkProfile(t *testing.T, ctx context.Context) {
	t.Helper()
	broken := eval[[]string](t, ctx, `[...document.querySelectorAll('.plain-table th, .plain-table .ip')].filter(el => {
		const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length > 1;
	}).map(el => el.textContent)`)
	if len(broken) > 0 {
		t.Errorf("broken across lines at 360 px: %q", broken)
	}
	events := eval[string](t, ctx, `document.querySelector('[aria-labelledby="events-h"] tbody')?.innerText ?? ''`)
	if !strings.Contains(events, "Account created") || strings.Contains(events, "_") {
		t.Errorf("security events = %q, want words such as Account created", events)
	}
	if n := eval[int](t, ctx, `document.querySelector('main').innerText.split('Member since').length - 1`); n != 1 {
		t.Errorf("Member since appears %d times", n)
	}
}
