package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestCarryForwardAndRepeat carries yesterday's unfinished task forward
// from today's banner, and makes a task repeat through the task dialog.
func TestCarryForwardAndRepeat(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "cara")
	day := today(t, ctx)
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		t.Fatal(err)
	}
	yesterday := d.AddDate(0, 0, -1).Format("2006-01-02")
	tomorrow := d.AddDate(0, 0, 1).Format("2006-01-02")

	t.Run("carry yesterday's task forward", func(t *testing.T) {
		for _, title := range []string{"Finish slides", "Call the printer"} {
			if status, body := apiJSON(t, ctx, "POST", "/api/v1/tasks", map[string]any{"date": yesterday, "title": title}); status != 201 {
				t.Fatalf("creating yesterday's task: %d %v", status, body)
			}
		}
		reload(t, ctx)
		waitJS(t, ctx, "the banner offering two tasks",
			`!document.getElementById('carry-banner').hidden && document.getElementById('carry-h').textContent === '2 unfinished from earlier'`)
		do(t, ctx, "moving one to today", chromedp.Click(chromedp.CSS(`#carry-list li:first-child [data-action="move"]`)))
		waitJS(t, ctx, "Finish slides in today's schedule", fmt.Sprintf(`%s !== undefined`, taskIDExpr("Finish slides")))
		waitJS(t, ctx, "the banner offering one task, focus on its button",
			`document.getElementById('carry-h').textContent === '1 unfinished from earlier'
			 && document.activeElement?.dataset.action === 'move'`)
		do(t, ctx, "moving all to today", chromedp.Click(chromedp.ID("carry-all")))
		waitJS(t, ctx, "both in today's schedule and the banner gone",
			fmt.Sprintf(`%s !== undefined && document.getElementById('carry-banner').hidden`, taskIDExpr("Call the printer")))
		status, body := apiJSON(t, ctx, "GET", "/api/v1/days/"+yesterday, nil)
		if tasks, _ := body["tasks"].([]any); status != 200 || len(tasks) != 0 {
			t.Errorf("yesterday still has tasks: %d %v", status, body)
		}
	})

	t.Run("repeat a task every day", func(t *testing.T) {
		do(t, ctx, "opening the add-task dialog", chromedp.Click(chromedp.ID("add-task")),
			chromedp.WaitVisible(chromedp.ID("task-dialog")))
		do(t, ctx, "a daily task", chromedp.SendKeys(chromedp.ID("task-title"), "Water the plants"),
			chromedp.SetValue(chromedp.ID("task-repeat"), "daily"))
		do(t, ctx, "saving", chromedp.Click(chromedp.ID("task-save")))
		waitJS(t, ctx, "the occurrence in today's schedule, saying it repeats",
			fmt.Sprintf(`document.querySelector('#task-' + %s + ' .repeats')?.textContent === 'Repeats: Every day'`,
				taskIDExpr("Water the plants")))
		status, body := apiJSON(t, ctx, "GET", "/api/v1/days/"+tomorrow, nil)
		tasks, _ := body["tasks"].([]any)
		if status != 200 || len(tasks) != 1 || tasks[0].(map[string]any)["title"] != "Water the plants" {
			t.Errorf("tomorrow: %d %v", status, body)
		}
		// "This one" changes only today's occurrence.
		id := eval[string](t, ctx, taskIDExpr("Water the plants"))
		rowAction(t, ctx, id, "edit")
		waitJS(t, ctx, "the scope choice shown", `!document.getElementById('task-scope').hidden && document.getElementById('task-repeat-box').hidden`)
		do(t, ctx, "renaming this one", chromedp.SetValue(chromedp.ID("task-title"), "Water the cactus"),
			chromedp.Click(chromedp.ID("task-save")))
		waitJS(t, ctx, "the renamed occurrence", fmt.Sprintf(`%s !== undefined`, taskIDExpr("Water the cactus")))
		_, body = apiJSON(t, ctx, "GET", "/api/v1/days/"+tomorrow, nil)
		tasks, _ = body["tasks"].([]any)
		if len(tasks) != 1 || tasks[0].(map[string]any)["title"] != "Water the plants" {
			t.Errorf("tomorrow changed with this one: %v", body)
		}
	})
}
