package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeSource is axe-core (testdata/axe): committed, so the check can never
// be skipped for want of it.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeViolation is one rule that failed, with the elements that fail it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// runAxe injects axe-core into the page and returns every violation, of
// any impact, of the WCAG 2.x A and AA rules, axe's best practices and its
// experimental rules (such as a visible label missing from the name).
func runAxe(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	if !eval[bool](t, ctx, `typeof window.axe === 'object'`) {
		do(t, ctx, "injecting axe-core", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	// axe takes seconds on a big page, more on a loaded machine.
	c, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	raw, err := chromedp.Run(c, chromedp.Evaluate[string](`axe.run(document, { resultTypes: ['violations'],
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice', 'experimental'] } })
		.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe: %v%s", err, pageState(ctx))
	}
	var out []axeViolation
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("decoding axe's answer: %v", err)
	}
	return out
}

func describe(vs []axeViolation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for i, n := range v.Nodes {
			if i == 4 {
				fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-4)
				break
			}
			fmt.Fprintf(&b, "\n    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
		}
	}
	return b.String()
}

// TestAccessibility runs axe-core on every page in both themes, at desktop
// and phone width: no violation of any impact; and every control's focus
// ring stands out at least 3:1 from the background around it.
func TestAccessibility(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	checkedAxe := false
	walkPages(t, func(t *testing.T, ctx context.Context, p sitePage, theme string) {
		if !checkedAxe {
			// axe finds what it should: an image without a text alternative.
			checkedAxe = true
			do(t, ctx, "adding an image without alt", chromedp.Evaluate[chromedp.Void](
				`document.querySelector('main').append(Object.assign(document.createElement('img'), { src: '/favicon.ico', id: 'no-alt' }))`))
			if vs := runAxe(t, ctx); !strings.Contains(describe(vs), "image-alt") {
				t.Fatalf("axe did not report an image without alt:%s", describe(vs))
			}
			do(t, ctx, "removing it", chromedp.Evaluate[chromedp.Void](`document.getElementById('no-alt').remove()`))
		}
		for _, w := range []int64{1280, 360} {
			do(t, ctx, "resizing", chromedp.EmulateViewport(w, 800))
			waitJS(t, ctx, "layout at the new width", fmt.Sprintf(`window.innerWidth === %d`, w))
			if vs := runAxe(t, ctx); len(vs) > 0 {
				t.Errorf("%s, %s theme, %d px: %d axe violations:%s", p.name, theme, w, len(vs), describe(vs))
			}
		}
		checkFocusRings(t, ctx, p.name+", "+theme+" theme")
	})
}

// focusRingCheck focuses every visible control of the page in turn and
// returns, for each whose focus ring is missing or under 3:1 against the
// background around it, a description; and how many it checked.
const focusRingCheck = `(() => {
	const parse = (c) => {
		let m = c.match(/rgba?\(([^)]+)\)/);
		if (m) { const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0] / 255, p[1] / 255, p[2] / 255, p[3] ?? 1]; }
		m = c.match(/color\(srgb ([^)]+)\)/);
		if (m) { const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p[3] ?? 1]; }
		return null;
	};
	const lum = (c) => c.slice(0, 3).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
		.reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
	const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
	const around = (el) => {
		for (let e = el.parentElement; e; e = e.parentElement) {
			const c = parse(getComputedStyle(e).backgroundColor);
			if (c && c[3] > 0.5) return c;
		}
		return parse(getComputedStyle(document.documentElement).backgroundColor) || [1, 1, 1, 1];
	};
	const bad = [];
	let checked = 0;
	const all = document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])');
	for (const el of all) {
		if (el.disabled || el.offsetParent === null || el.closest('dialog:not([open])')) continue;
		el.focus({ preventScroll: true });
		if (document.activeElement !== el || !el.matches(':focus-visible')) continue;
		checked++;
		const s = getComputedStyle(el);
		const ring = parse(s.outlineColor);
		const r = ring && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? ratio(ring, around(el)) : 0;
		if (r < 3) bad.push((el.id || el.tagName.toLowerCase() + ':' + (el.textContent || el.name || '').trim().slice(0, 20)) + ' ' + r.toFixed(2) + ':1');
	}
	document.activeElement?.blur();
	return JSON.stringify({ bad, checked });
})()`

// checkFocusRings fails the test for every control whose focus ring is
// under 3:1 against its background.
func checkFocusRings(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	var res struct {
		Bad     []string `json:"bad"`
		Checked int      `json:"checked"`
	}
	// A key press first: browsers show the ring for keyboard users.
	do(t, ctx, "pressing Shift", chromedp.KeyEvent(kb.Shift))
	if err := json.Unmarshal([]byte(eval[string](t, ctx, focusRingCheck)), &res); err != nil {
		t.Fatal(err)
	}
	if res.Checked == 0 {
		t.Errorf("%s: no control showed a focus ring when focused", where)
	}
	if len(res.Bad) > 0 {
		t.Errorf("%s: focus ring under 3:1 on %v", where, res.Bad)
	}
}
