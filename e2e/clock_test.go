package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// setClock saves the profile's time zone and clock format.
func setClock(t *testing.T, ctx context.Context, srv *server, zone, format string) {
	t.Helper()
	do(t, ctx, "saving the clock settings",
		chromedp.Navigate(srv.URL+"/profile"),
		chromedp.WaitVisible(chromedp.ID("time_format")),
		chromedp.SetValue(chromedp.ID("timezone"), zone),
		chromedp.SetValue(chromedp.ID("time_format"), format),
		chromedp.Click(chromedp.CSS(`form[action="/profile/settings"] button[type=submit]`)))
	waitJS(t, ctx, "the settings saved", `location.search.includes('notice=settings-saved')`)
}

// activityTimes are the activity list's times: the instant and its text.
func activityTimes(t *testing.T, ctx context.Context) [][2]string {
	t.Helper()
	raw := eval[string](t, ctx, `JSON.stringify([...document.querySelectorAll('#activity-list time')].map(e => [e.dateTime, e.textContent]))`)
	var out [][2]string
	if err := json.Unmarshal([]byte(raw), &out); err != nil || len(out) == 0 {
		t.Fatalf("activity times %s: %v", raw, err)
	}
	return out
}

// normalSpace turns the no-break spaces Intl puts before AM/PM into spaces.
func normalSpace(s string) string {
	return strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(s)
}

// TestOneClock: with the browser in New York and the profile in
// Kiritimati (UTC+14), the dashboard and the profile show Kiritimati's
// times, with 24 or 12 hours as the profile says, never both.
func TestOneClock(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	do(t, ctx, "putting the browser in New York", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return err
	}))
	signup(t, ctx, srv, "clock")
	kiri, err := time.LoadLocation("Pacific/Kiritimati")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ format, layout string }{{"24", "15:04"}, {"12", "3:04 PM"}} {
		setClock(t, ctx, srv, "Pacific/Kiritimati", c.format)
		if c.format == "12" {
			// Profile times: the user's zone and format, never UTC.
			text := normalSpace(eval[string](t, ctx, `document.querySelector('time[data-clock]').textContent`))
			if strings.Contains(text, "UTC") || !strings.HasSuffix(text, "M") {
				t.Errorf("profile time %q: want the 12-hour clock in the user's zone", text)
			}
		}
		do(t, ctx, "opening the dashboard", chromedp.Navigate(srv.URL+"/dashboard"))
		waitDashboard(t, ctx)
		addTask(t, ctx, "Check the clock "+c.format, "", "")
		waitJS(t, ctx, "the activity line", `document.querySelectorAll('#activity-list time').length > 0`)
		for _, at := range activityTimes(t, ctx) {
			when, err := time.Parse(time.RFC3339, at[0])
			if err != nil {
				t.Fatal(err)
			}
			if want := when.In(kiri).Format(c.layout); normalSpace(at[1]) != want {
				t.Errorf("%s-hour clock: activity at %s shows %q, want %q (Kiritimati)", c.format, at[0], at[1], want)
			}
		}
		// The time-log form starts at now on the user's wall clock.
		rowAction(t, ctx, eval[string](t, ctx, `document.querySelector('#task-list .task').dataset.taskId`), "log")
		waitJS(t, ctx, "the time log", `document.getElementById('entries-dialog').open`)
		end := eval[string](t, ctx, `document.getElementById('entry-end').value`)
		now := time.Now().In(kiri)
		if end != now.Format("2006-01-02T15:04") && end != now.Add(-time.Minute).Format("2006-01-02T15:04") {
			t.Errorf("time log end = %q, want Kiritimati's now %s", end, now.Format("2006-01-02T15:04"))
		}
		do(t, ctx, "closing the time log", chromedp.Click(chromedp.CSS(`#entries-dialog [data-close]`)))
	}
	screenshot(t, ctx, "dashboard-clock12-360-light", 360, 800)
}
