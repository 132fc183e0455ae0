package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestReorderByKeyboardAndPointer moves a task with Alt+↓ and drags
// another by its handle; each move sends the day's whole order and the
// new order survives a reload.
func TestReorderByKeyboardAndPointer(t *testing.T) {
	needBrowser(t)
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t)
	ctx := b.ctx
	signup(t, ctx, srv, "order")
	ids := map[string]string{}
	for _, title := range []string{"Alpha", "Bravo", "Charlie"} {
		ids[title] = addTask(t, ctx, title, "", "")
	}
	order := `[...document.querySelectorAll('#task-list .task .task-title')].map(e => e.textContent).join(',')`
	waitJS(t, ctx, "three tasks in order", order+` === 'Alpha,Bravo,Charlie'`)

	// The keyboard: Alt+↓ on Alpha's row moves it below Bravo, and keeps
	// focus on the row's control.
	do(t, ctx, "Alt+Down on Alpha", chromedp.Focus(chromedp.CSS(fmt.Sprintf(`[data-key="%s-more"]`, ids["Alpha"]))),
		chromedp.KeyEvent(kb.ArrowDown, chromedp.KeyModifiers(chromedp.ModifierAlt)))
	waitJS(t, ctx, "Alpha moved down", order+` === 'Bravo,Alpha,Charlie'`)
	waitJS(t, ctx, "the keyboard move confirmed", `document.getElementById('flash')?.textContent === 'Moved “Alpha” down to place 2 of 3.'`)
	waitJS(t, ctx, "focus kept on Alpha's menu button",
		fmt.Sprintf(`document.activeElement?.dataset.key === '%s-more'`, ids["Alpha"]))

	// The row's menu moves it too: Move down puts Alpha last.
	rowAction(t, ctx, ids["Alpha"], "move-down")
	waitJS(t, ctx, "Alpha last", order+` === 'Bravo,Charlie,Alpha'`)
	waitJS(t, ctx, "focus on Alpha's menu button after the move",
		fmt.Sprintf(`document.activeElement?.dataset.key === '%s-more'`, ids["Alpha"]))

	// The pointer: drag Charlie's handle above Bravo.
	handle := func(title string) (float64, float64) {
		xy := eval[[]float64](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector('[data-key="%s-drag"]').getBoundingClientRect();
			return [r.left + r.width / 2, r.top + r.height / 2]; })()`, ids[title]))
		return xy[0], xy[1]
	}
	eval[bool](t, ctx, `(document.getElementById('task-list').scrollIntoView({block: 'center'}), true)`)
	x, y := handle("Charlie")
	top := eval[float64](t, ctx, fmt.Sprintf(`document.getElementById('task-%s').getBoundingClientRect().top + 20`, ids["Bravo"]))
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for i := 1; i <= 5; i++ {
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y+(top-y)*float64(i)/5, chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x, top, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	do(t, ctx, "dragging Charlie to the top", steps...)
	waitJS(t, ctx, "Charlie first", order+` === 'Charlie,Bravo,Alpha'`)
	// The page says so once the server has the order (not before: a
	// reload would cancel the request).
	waitJS(t, ctx, "the move confirmed", `document.getElementById('flash')?.textContent === 'Moved “Charlie” to place 1 of 3.'`)

	reload(t, ctx)
	waitJS(t, ctx, "the order kept after a reload", order+` === 'Charlie,Bravo,Alpha'`)
	waitJS(t, ctx, "the moves in the activity log",
		`[...document.querySelectorAll('#activity-list li')].some(li => li.textContent.includes('Moved Alpha down to place 2 of 3'))`)

	// A tag made on the fly in the task dialog shows as a chip on the row.
	rowAction(t, ctx, ids["Bravo"], "edit")
	waitJS(t, ctx, "the task dialog", `document.getElementById('task-dialog').open`)
	do(t, ctx, "typing a new tag", chromedp.SendKeys(chromedp.ID("task-new-tag"), "Deep work"),
		chromedp.Click(chromedp.ID("task-save")))
	waitJS(t, ctx, "the tag chip on Bravo", fmt.Sprintf(
		`document.querySelector('#task-%s .tag-chip')?.textContent === 'Deep work'`, ids["Bravo"]))

	// The filter shows the day's tasks with that tag only, without moves.
	eval[bool](t, ctx, `(() => { const s = document.getElementById('tag-filter');
		s.value = [...s.options].find(o => o.textContent === 'Tagged Deep work').value;
		s.dispatchEvent(new Event('change')); return true; })()`)
	waitJS(t, ctx, "only Bravo shown", order+` === 'Bravo' && !document.querySelector('#task-list [data-action="move-up"]')`)
}
