package e2e

import (
	"context"
	"encoding/json"
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
			do(t, ctx, "resizing to 1280 px", chromedp.EmulateViewport(1280, 800))
			waitJS(t, ctx, "layout at 1280 px", `window.innerWidth === 1280`)
			checkCharts(t, ctx, theme+", 1280 px")
			// Opened on a phone, the year heatmap shows its end: today.
			do(t, ctx, "opening at 360 px", chromedp.EmulateViewport(360, 800), chromedp.Reload())
			waitJS(t, ctx, "the heatmap scrolled to today", `(() => { const el = document.querySelector('.hm-scroll');
				const today = el?.querySelector('.hm.today')?.getBoundingClientRect(), box = el?.getBoundingClientRect();
				return el.scrollWidth > el.clientWidth && today.left >= box.left && today.right <= box.right; })()`)
			checkCharts(t, ctx, theme+", 360 px")
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

// chartCheck measures the charts of the insights page: every label that
// shows (its box inside its card, or inside the heatmap's scrolled box),
// labels of one chart overlapping each other, the type size each label is
// drawn at (its font size times the scale of its drawing), charts narrower
// than their card, and the legends.
const chartCheck = `(() => {
	const out = { overflow: [], overlap: [], sizes: [], narrow: [], legends: 0 };
	const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
	for (const svg of document.querySelectorAll('.insights svg')) {
		const boxes = [];
		for (const el of svg.querySelectorAll('text')) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || getComputedStyle(el).display === 'none') continue;
			const size = parseFloat(getComputedStyle(el).fontSize) * el.getScreenCTM().a;
			out.sizes.push(Math.round(size * 10) / 10);
			const box = (el.closest('.hm-box') || el.closest('.card')).getBoundingClientRect();
			if (!inside(r, box)) out.overflow.push(el.textContent);
			for (const [t, o] of boxes) {
				if (r.left < o.right - 0.5 && o.left < r.right - 0.5 && r.top < o.bottom - 0.5 && o.top < r.bottom - 0.5) out.overlap.push(t + '/' + el.textContent);
			}
			boxes.push([el.textContent, r]);
		}
	}
	for (const fig of document.querySelectorAll('.insights .chart, .insights .hm-scroll')) {
		const card = fig.closest('.card'), cs = getComputedStyle(card);
		const inner = card.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
		const drawn = fig.matches('.chart') ? fig.querySelector('svg').getBoundingClientRect().right - fig.getBoundingClientRect().left
			: fig.querySelector('.hm-box').getBoundingClientRect().width;
		if (drawn < inner - 1) out.narrow.push(fig.id || fig.className);
	}
	out.legends = document.querySelectorAll('#plan-chart figcaption.legend > span').length;
	return JSON.stringify(out);
})()`

// checkCharts fails the test for chart text overflowing its card or
// overlapping other text, labels of different sizes, a chart narrower
// than its card and the plan chart without its legend.
func checkCharts(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	var res struct {
		Overflow, Overlap, Narrow []string
		Sizes                     []float64
		Legends                   int
	}
	if err := json.Unmarshal([]byte(eval[string](t, ctx, chartCheck)), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Sizes) < 20 {
		t.Fatalf("%s: only %d chart labels measured", where, len(res.Sizes))
	}
	for _, s := range res.Sizes {
		if s != res.Sizes[0] {
			t.Errorf("%s: chart labels drawn at different sizes: %v", where, res.Sizes)
			break
		}
	}
	if len(res.Overflow) > 0 {
		t.Errorf("%s: chart labels outside their card: %q", where, res.Overflow)
	}
	if len(res.Overlap) > 0 {
		t.Errorf("%s: chart labels overlapping: %q", where, res.Overlap)
	}
	if len(res.Narrow) > 0 {
		t.Errorf("%s: charts narrower than their card: %q", where, res.Narrow)
	}
	if res.Legends != 2 {
		t.Errorf("%s: the plan chart's legend has %d entries, want Planned and Spent", where, res.Legends)
	}
}
