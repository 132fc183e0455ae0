package sqlstore_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

func taskTitles(tasks []focusflow.Task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.Title
	}
	return out
}

// Unfinished tasks of earlier days move to today one by one or all at
// once; their focus time stays on the days it was spent.
func TestCarryForward(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC") // today 2026-03-10
			f.task(t, "2026-02-01", "Too old")
			b := f.task(t, "2026-03-08", "Call the bank")
			a := f.task(t, "2026-03-09", "Write report")
			done := f.task(t, "2026-03-09", "Done already")
			completed := focusflow.StatusCompleted
			if _, err := f.db.UpdateTask(f.ctx, f.user, done.ID, focusflow.TaskPatch{Status: &completed}); err != nil {
				t.Fatal(err)
			}
			start := time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC)
			if _, err := f.db.AddManualEntry(f.ctx, f.user, a.ID, start, start.Add(40*time.Minute)); err != nil {
				t.Fatal(err)
			}
			f.series(t, "Daily review", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-10"})
			f.materialise(t, "2026-03-10", "2026-03-10")
			f.clock.Advance(24 * time.Hour) // today 2026-03-11

			offered, err := f.db.Unfinished(f.ctx, f.user)
			if err != nil || !slices.Equal(taskTitles(offered), []string{"Call the bank", "Write report"}) {
				t.Fatalf("offered %v, %v", taskTitles(offered), err)
			}
			moved, err := f.db.MoveToToday(f.ctx, f.user, a.ID)
			if err != nil || moved.Date != "2026-03-11" || moved.Spent != 40*time.Minute {
				t.Fatalf("moved %+v, %v", moved, err)
			}
			if _, err := f.db.MoveToToday(f.ctx, f.user, a.ID); focusflow.ErrorCode(err) != focusflow.EINVALID {
				t.Errorf("moving again: %v", err)
			}
			if _, err := f.db.MoveToToday(f.ctx, f.user, done.ID); focusflow.ErrorCode(err) != focusflow.EINVALID {
				t.Errorf("moving a finished task: %v", err)
			}
			yesterday, today := f.day(t, "2026-03-09"), f.day(t, "2026-03-11")
			if yesterday.Stats.Focus != 40*time.Minute || yesterday.Stats.Total != 1 || yesterday.Stats.Completed != 1 {
				t.Errorf("2026-03-09 after the move: %+v", yesterday.Stats)
			}
			// Today's day view created today's occurrence of the series.
			if today.Stats.Focus != 0 || today.Stats.Total != 2 || len(today.Tasks) != 2 {
				t.Errorf("today after the move: %+v, %v", today.Stats, taskTitles(today.Tasks))
			}
			if len(today.Activity) == 0 || today.Activity[0].Kind != focusflow.ActTaskCarried ||
				today.Activity[0].Message != "Moved to today from 2026-03-09: Write report" {
				t.Errorf("activity: %+v", today.Activity)
			}
			n, err := f.db.MoveAllToToday(f.ctx, f.user)
			if err != nil || n != 1 {
				t.Fatalf("move all: %d, %v", n, err)
			}
			if got := f.day(t, "2026-03-11").Tasks; len(got) != 3 || got[2].ID != b.ID {
				t.Errorf("today: %v", taskTitles(got))
			}
		})
	}
}

// The midnight sweep moves tasks only for users who asked for it, in each
// user's zone, once however many instances run it at the same time.
func TestCarryForwardSweep(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Asia/Tokyo") // 2026-03-10 18:00 local
			f.task(t, "2026-03-09", "Left over")
			f.task(t, "2026-03-10", "Today's")
			if n, err := f.db.CarryForwardSweep(f.ctx); err != nil || n != 0 {
				t.Fatalf("sweep without the setting: %d, %v", n, err)
			}
			on := true
			if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{CarryForward: &on}); err != nil {
				t.Fatal(err)
			}
			f.clock.Set(time.Date(2026, 3, 10, 14, 59, 0, 0, time.UTC)) // 23:59 in Tokyo
			counts := make([]int, 4)
			sweepAtOnce := func() {
				var wg sync.WaitGroup
				for i := range counts {
					wg.Go(func() {
						n, err := f.db.CarryForwardSweep(f.ctx)
						if err != nil {
							t.Error(err)
						}
						counts[i] = n
					})
				}
				wg.Wait()
			}
			sweepAtOnce()
			if sum := counts[0] + counts[1] + counts[2] + counts[3]; sum != 1 {
				t.Errorf("before midnight: moved %v", counts)
			}
			f.clock.Set(time.Date(2026, 3, 10, 15, 1, 0, 0, time.UTC)) // 00:01 on the 11th in Tokyo
			sweepAtOnce()
			if sum := counts[0] + counts[1] + counts[2] + counts[3]; sum != 2 {
				t.Errorf("after midnight: moved %v, want both tasks once", counts)
			}
			if d := f.day(t, "2026-03-11"); len(d.Tasks) != 2 || d.Stats.Total != 2 {
				t.Errorf("2026-03-11: %v, total %d", taskTitles(d.Tasks), d.Stats.Total)
			}
			if u, err := f.db.User(f.ctx, f.user.ID); err != nil || !u.CarryForward {
				t.Errorf("setting not stored: %+v, %v", u, err)
			}
		})
	}
}
