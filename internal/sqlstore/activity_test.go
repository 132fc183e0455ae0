package sqlstore_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// line is an activity line with the date it is on.
type line struct {
	Date, Kind, Message string
	TaskID              int64
}

// logged runs action and returns the activity lines it wrote on dates
// (each day's log is newest first; the lines of one action share an
// instant, so they are the first ones).
func (f *fixture) logged(t *testing.T, dates []string, action func()) []line {
	t.Helper()
	before := map[string]int{}
	for _, d := range dates {
		before[d] = len(f.day(t, d).Activity)
	}
	action()
	var out []line
	for _, d := range dates {
		act := f.day(t, d).Activity
		for _, a := range act[:len(act)-before[d]] {
			out = append(out, line{d, a.Kind, a.Message, a.TaskID})
		}
	}
	return out
}

// expectLines checks that action wrote exactly want on the dates.
func (f *fixture) expectLines(t *testing.T, what string, dates []string, action func(), want ...line) {
	t.Helper()
	got := f.logged(t, dates, action)
	if !slices.Equal(got, want) {
		t.Errorf("%s wrote\n%+v\nwant\n%+v", what, got, want)
	}
}

func (f *fixture) edit(t *testing.T, id int64, p focusflow.TaskPatch) func() {
	return func() {
		t.Helper()
		if _, err := f.db.UpdateTask(f.ctx, f.user, id, p); err != nil {
			t.Fatal(err)
		}
	}
}

// failing runs an action that must fail with code.
func failing(t *testing.T, code string, action func() error) func() {
	return func() {
		t.Helper()
		if err := action(); focusflow.ErrorCode(err) != code {
			t.Fatalf("got %v, want %s", err, code)
		}
	}
}

// Edits of a task's own fields write one task_edited line on the task's
// day, saying what changed; status changes, no-op edits and failed edits
// write none.
func TestTaskEditsAreLogged(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC") // today 2026-03-10
			days := []string{"2026-03-10", "2026-03-12", "2026-03-13"}
			var task *focusflow.Task
			got := f.logged(t, days, func() { task = f.task(t, "2026-03-12", "Write report") })
			id := task.ID
			if want := (line{"2026-03-10", focusflow.ActTaskAdded, "Added task: Write report", id}); !slices.Equal(got, []line{want}) {
				t.Errorf("create wrote %+v", got)
			}
			title, est, est2 := "Write the report", 30, 45
			f.expectLines(t, "rename", days, f.edit(t, id, focusflow.TaskPatch{Title: &title}),
				line{"2026-03-12", focusflow.ActTaskEdited, "Renamed “Write report” to “Write the report”", id})
			f.expectLines(t, "estimate", days, f.edit(t, id, focusflow.TaskPatch{DurationMinutes: &est}),
				line{"2026-03-12", focusflow.ActTaskEdited, "Edited “Write the report”: estimate set to 30 min", id})
			f.expectLines(t, "estimate again", days, f.edit(t, id, focusflow.TaskPatch{DurationMinutes: &est2}),
				line{"2026-03-12", focusflow.ActTaskEdited, "Edited “Write the report”: estimate 30 → 45 min", id})
			desc, start, date := "Sections 1–3", "10:30", "2026-03-13"
			f.expectLines(t, "move", days, f.edit(t, id, focusflow.TaskPatch{Description: &desc, StartTime: &start, Date: &date}),
				line{"2026-03-13", focusflow.ActTaskEdited,
					"Edited “Write the report”: description added; start time set to 10:30; moved from 2026-03-12 to 2026-03-13", id})
			none, zero := "", 0
			f.expectLines(t, "clear", days, f.edit(t, id, focusflow.TaskPatch{Description: &none, StartTime: &none, DurationMinutes: &zero}),
				line{"2026-03-13", focusflow.ActTaskEdited,
					"Edited “Write the report”: description removed; estimate removed; start time removed", id})

			// The same values again: nothing changed, nothing logged.
			f.expectLines(t, "no-op", days, f.edit(t, id, focusflow.TaskPatch{Title: &title, Date: &date}))
			done, pending := focusflow.StatusCompleted, focusflow.StatusPending
			f.expectLines(t, "complete", days, f.edit(t, id, focusflow.TaskPatch{Status: &done}),
				line{"2026-03-10", focusflow.ActTaskCompleted, "Completed task: Write the report", id})
			f.expectLines(t, "reopen", days, f.edit(t, id, focusflow.TaskPatch{Status: &pending}),
				line{"2026-03-10", focusflow.ActTaskReopened, "Reopened task: Write the report", id})
			final := "Report"
			f.expectLines(t, "complete and rename", days, f.edit(t, id, focusflow.TaskPatch{Status: &done, Title: &final}),
				line{"2026-03-10", focusflow.ActTaskCompleted, "Completed task: Report", id},
				line{"2026-03-13", focusflow.ActTaskEdited, "Renamed “Write the report” to “Report”", id})

			// A rename in a patch that fails (an unknown tag) is rolled
			// back with its line.
			other := "Never"
			f.expectLines(t, "failed edit", days, failing(t, focusflow.ENOTFOUND, func() error {
				_, err := f.db.UpdateTask(f.ctx, f.user, id, focusflow.TaskPatch{Title: &other, TagIDs: &[]int64{999999}})
				return err
			}))
			if got, _ := f.db.Task(f.ctx, f.user.ID, id); got.Title != "Report" {
				t.Errorf("failed edit changed the title to %q", got.Title)
			}
		})
	}
}

// Deleting a task, and adding, correcting and deleting manual time,
// write one line each on the task's day; refused changes write none.
func TestDeletionsAndEntriesAreLogged(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Europe/Berlin") // today 2026-03-10, UTC+1
			days := []string{"2026-03-09", "2026-03-10", "2026-03-11"}
			task := f.task(t, "2026-03-11", "Offline work")
			id := task.ID
			start := time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC) // 14:00 in Berlin
			var entry *focusflow.TimeEntry
			f.expectLines(t, "add entry", days, func() {
				var err error
				if entry, err = f.db.AddManualEntry(f.ctx, f.user, id, start, start.Add(45*time.Minute)); err != nil {
					t.Fatal(err)
				}
			}, line{"2026-03-11", focusflow.ActEntryAdded, "Added 45 min to “Offline work” (2026-03-09 14:00–14:45)", id})
			f.expectLines(t, "overlapping entry", days, failing(t, focusflow.ECONFLICT, func() error {
				_, err := f.db.AddManualEntry(f.ctx, f.user, id, start.Add(10*time.Minute), start.Add(time.Hour))
				return err
			}))
			end := start.Add(90 * time.Minute)
			f.expectLines(t, "edit entry", days, func() {
				if _, err := f.db.UpdateEntry(f.ctx, f.user, entry.ID, nil, &end); err != nil {
					t.Fatal(err)
				}
			}, line{"2026-03-11", focusflow.ActEntryEdited,
				"Changed time on “Offline work”: 2026-03-09 14:00–14:45 → 2026-03-09 14:00–15:30 (1 h 30 min)", id})
			future := f.clock.Now().Add(time.Hour)
			f.expectLines(t, "edit into the future", days, failing(t, focusflow.EINVALID, func() error {
				_, err := f.db.UpdateEntry(f.ctx, f.user, entry.ID, nil, &future)
				return err
			}))
			f.expectLines(t, "unchanged entry", days, func() {
				if _, err := f.db.UpdateEntry(f.ctx, f.user, entry.ID, nil, &end); err != nil {
					t.Fatal(err)
				}
			})
			f.expectLines(t, "delete entry", days, func() {
				if err := f.db.DeleteEntry(f.ctx, f.user, entry.ID); err != nil {
					t.Fatal(err)
				}
			}, line{"2026-03-11", focusflow.ActEntryDeleted, "Removed 1 h 30 min from “Offline work” (2026-03-09 14:00–15:30)", id})
			f.expectLines(t, "delete entry again", days, failing(t, focusflow.ENOTFOUND, func() error {
				return f.db.DeleteEntry(f.ctx, f.user, entry.ID)
			}))

			// Another user can touch nothing, and nothing is logged for
			// either of them.
			other := &focusflow.User{Username: "other", Email: "other@example.test"}
			if err := f.db.CreateUser(f.ctx, other, "hash"); err != nil {
				t.Fatal(err)
			}
			f.expectLines(t, "other user's delete", days, failing(t, focusflow.ENOTFOUND, func() error {
				return f.db.DeleteTask(f.ctx, other, id)
			}))
			f.expectLines(t, "other user's entry", days, failing(t, focusflow.ENOTFOUND, func() error {
				_, err := f.db.AddManualEntry(f.ctx, other, id, start, start.Add(time.Minute))
				return err
			}))
			f.expectLines(t, "delete task", days, func() {
				if err := f.db.DeleteTask(f.ctx, f.user, id); err != nil {
					t.Fatal(err)
				}
			}, line{"2026-03-11", focusflow.ActTaskDeleted, "Deleted task “Offline work”", id})
			for _, d := range days {
				other, _ := f.db.User(f.ctx, other.ID)
				if act, err := f.db.Day(f.ctx, other, d, focusflow.Recheck{}); err != nil || len(act.Activity) != 0 {
					t.Errorf("other user's %s: %+v, %v", d, act.Activity, err)
				}
			}
		})
	}
}

// Long titles are shortened inside a message, which stays bounded.
func TestActivityMessagesAreBounded(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			long := strings.Repeat("é", focusflow.MaxTitle)
			task := f.task(t, "2026-03-10", long)
			longer := strings.Repeat("x", focusflow.MaxTitle)
			got := f.logged(t, []string{"2026-03-10"}, f.edit(t, task.ID, focusflow.TaskPatch{Title: &longer}))
			want := fmt.Sprintf("Renamed “%s…” to “%s…”", strings.Repeat("é", 79), strings.Repeat("x", 79))
			if len(got) != 1 || got[0].Message != want {
				t.Errorf("rename of long titles: %+v", got)
			}
		})
	}
}

// Reordering a day and carrying tasks forward write their lines on the day
// they happen (today), naming the task; a reorder that changes nothing or
// is refused writes none.
func TestReorderAndCarryAreLogged(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC") // today 2026-03-10
			days := []string{"2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11"}
			a, b, c := f.task(t, "2026-03-11", "Alpha"), f.task(t, "2026-03-11", "Beta"), f.task(t, "2026-03-11", "Gamma")
			reorder := func(ids ...int64) func() error {
				return func() error { _, err := f.db.ReorderDay(f.ctx, f.user, "2026-03-11", ids); return err }
			}
			f.expectLines(t, "reorder", days, func() {
				if err := reorder(c.ID, a.ID, b.ID)(); err != nil {
					t.Fatal(err)
				}
			}, line{"2026-03-10", focusflow.ActTaskMoved, "Moved Gamma up to place 1 of 3", c.ID})
			f.expectLines(t, "same order", days, func() {
				if err := reorder(c.ID, a.ID, b.ID)(); err != nil {
					t.Fatal(err)
				}
			})
			f.expectLines(t, "stale order", days, failing(t, focusflow.ECONFLICT, reorder(a.ID)))

			old, older := f.task(t, "2026-03-09", "Old"), f.task(t, "2026-03-08", "Older")
			f.expectLines(t, "carry one", days, func() {
				if _, err := f.db.MoveToToday(f.ctx, f.user, old.ID); err != nil {
					t.Fatal(err)
				}
			}, line{"2026-03-10", focusflow.ActTaskCarried, "Moved to today from 2026-03-09: Old", old.ID})
			f.expectLines(t, "carry again", days, failing(t, focusflow.EINVALID, func() error {
				_, err := f.db.MoveToToday(f.ctx, f.user, old.ID)
				return err
			}))
			f.expectLines(t, "carry all", days, func() {
				if n, err := f.db.MoveAllToToday(f.ctx, f.user); err != nil || n != 1 {
					t.Fatalf("moved %d, %v", n, err)
				}
			}, line{"2026-03-10", focusflow.ActTaskCarried, "Moved to today from 2026-03-08: Older", older.ID})
		})
	}
}
