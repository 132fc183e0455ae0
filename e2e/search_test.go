package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestSearch finds tasks and notes of other days from the dashboard's
// search box, reached with the "/" shortcut, and follows a result to its
// day.
func TestSearch(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "seeker")

	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/api/v1/tasks", map[string]any{"date": "2024-02-10", "title": "Révision du budget", "description": "Tableur et factures"}},
		{"/api/v1/notes", map[string]any{"date": "2024-03-01", "type": "idea", "title": "", "content": "Budget ideas for spring"}},
		{"/api/v1/tasks", map[string]any{"date": "2024-03-02", "title": "Unrelated chore"}},
	} {
		if status, body := apiJSON(t, ctx, http.MethodPost, c.path, c.body); status != http.StatusCreated {
			t.Fatalf("POST %s: %d %v", c.path, status, body)
		}
	}
	if status, body := apiJSON(t, ctx, http.MethodPut, "/api/v1/days/2023-12-31/note", map[string]any{"text": "Year closed, BUDGET kept."}); status != http.StatusOK {
		t.Fatalf("day note: %d %v", status, body)
	}

	// "/" from the page (not from a field) goes to the search box.
	do(t, ctx, "focusing the day's title", chromedp.Evaluate[chromedp.Void](`document.getElementById('main').focus()`))
	// One keyDown with its text, as a real keyboard sends it: chromedp's
	// KeyEvent would send the character as a separate event that a
	// cancelled keydown cannot hold back.
	do(t, ctx, "pressing /", pressSlash())
	waitJS(t, ctx, "the search box focused and empty",
		`document.activeElement.id === 'search-q' && document.activeElement.value === ''`)
	do(t, ctx, "typing a search", chromedp.KeyEvent("BUDG"), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "the results page", `location.pathname === '/search' && document.getElementById('search-results') !== null`)

	got := eval[[]string](t, ctx, `[...document.querySelectorAll('#search-results li')].map(li =>
		li.querySelector('.badge').textContent + ' | ' + li.querySelector('a').textContent + ' | ' + li.querySelector('a').getAttribute('href'))`)
	want := []string{
		"Note · Idea | Idea note | /dashboard?date=2024-03-01",
		"Task | Révision du budget | /dashboard?date=2024-02-10",
		"Day note | Note of the day | /dashboard?date=2023-12-31",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("results\n%q\nwant\n%q", got, want)
	}
	screenshot(t, ctx, "search-results", 1280, 800)
	if v := eval[string](t, ctx, `document.getElementById('search-q').value`); v != "BUDG" {
		t.Errorf("search box after searching = %q", v)
	}
	if snippet := eval[string](t, ctx, `document.querySelector('#search-results li .search-snippet').textContent`); !strings.Contains(snippet, "Budget ideas") {
		t.Errorf("first snippet %q", snippet)
	}

	// Typing "/" inside the box is just a character.
	do(t, ctx, "typing a slash in the box", chromedp.Click(chromedp.ID("search-q")), chromedp.KeyEvent("/x"))
	if v := eval[string](t, ctx, `document.getElementById('search-q').value`); !strings.HasSuffix(v, "/x") {
		t.Errorf("box value %q, want the slash typed into it", v)
	}

	// A search without words says why, next to the box.
	do(t, ctx, "searching punctuation only", chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("*** --")))
	waitJS(t, ctx, "the error", `document.getElementById('form-error')?.textContent.includes('letter or digit')`)
	if inv := eval[string](t, ctx, `document.getElementById('search-q').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("aria-invalid = %q", inv)
	}

	// A result leads to its day, where the task is.
	do(t, ctx, "searching again", chromedp.Navigate(srv.URL+"/search?q=factures"))
	waitJS(t, ctx, "one result", `document.querySelectorAll('#search-results li').length === 1`)
	do(t, ctx, "following the result", chromedp.Click(chromedp.CSS(`#search-results a`)))
	waitJS(t, ctx, "the day of the task", `location.search === '?date=2024-02-10'`)
	waitDashboard(t, ctx)
	titles := eval[[]string](t, ctx, `[...document.querySelectorAll('#task-list .task-title')].map(h => h.textContent)`)
	if fmt.Sprint(titles) != "[Révision du budget]" {
		t.Errorf("tasks of the day %q", titles)
	}
	screenshot(t, ctx, "search-dashboard", 1280, 800)
}

// pressSlash presses and releases the "/" key.
func pressSlash() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		key := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "/", Code: "Slash",
			Text: "/", UnmodifiedText: "/", WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, key); err != nil {
			return err
		}
		key.Type, key.Text, key.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, key)
		return err
	})
}
