package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// checkEntryOrder fails t unless the user's entries over tasks, sorted by
// their starts, follow one another: every start strictly after the one
// before and no earlier than the end before it, and no entry empty.
func checkEntryOrder(t *testing.T, db *sqlstore.DB, userID int64, tasks []int64) []focusflow.TimeEntry {
	t.Helper()
	var all []focusflow.TimeEntry
	for _, id := range tasks {
		es, err := db.Entries(context.Background(), userID, id)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, es...)
	}
	slices.SortFunc(all, func(a, b focusflow.TimeEntry) int { return a.StartedAt.Compare(b.StartedAt) })
	for i, e := range all {
		if !e.Running() && !e.EndedAt.After(e.StartedAt) {
			t.Errorf("entry %d on task %d is empty: %s to %s", e.ID, e.TaskID, e.StartedAt, e.EndedAt)
		}
		if i == 0 {
			continue
		}
		prev := all[i-1]
		if !e.StartedAt.After(prev.StartedAt) || prev.Running() || e.StartedAt.Before(prev.EndedAt) {
			t.Errorf("entries %d (%s to %s) and %d (from %s) are not one after the other",
				prev.ID, prev.StartedAt, prev.EndedAt, e.ID, e.StartedAt)
		}
	}
	return all
}

// Two timer actions within one millisecond: the entry the first opens
// ends as it begins. It is dropped, not kept empty, so that the entries
// stay strictly ordered by their starts; the tasks' statuses and time
// are those of the actions all the same.
func TestTimerActionsInOneMillisecondLeaveNoEmptyEntry(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			a, b, c := f.task(t, "2026-03-10", "A"), f.task(t, "2026-03-10", "B"), f.task(t, "2026-03-10", "C")
			v := f.act(t, focusflow.ActionStart, a.ID, 0).Version
			f.clock.Advance(5 * time.Millisecond)
			v = f.act(t, focusflow.ActionStart, b.ID, v).Version // same instant as the switch to C
			v = f.act(t, focusflow.ActionStart, c.ID, v).Version
			f.clock.Advance(7 * time.Millisecond)
			v = f.act(t, focusflow.ActionStart, a.ID, v).Version
			f.act(t, focusflow.ActionStop, 0, v) // same instant as the start on A
			all := checkEntryOrder(t, f.db, f.user.ID, []int64{a.ID, b.ID, c.ID})
			got := make([]string, len(all))
			for i, en := range all {
				got[i] = fmt.Sprintf("%d:%s+%s", en.TaskID, en.StartedAt.Sub(f.clock.Now().Add(-12*time.Millisecond)),
					en.EndedAt.Sub(en.StartedAt))
			}
			want := []string{fmt.Sprintf("%d:0s+5ms", a.ID), fmt.Sprintf("%d:5ms+7ms", c.ID)}
			if !slices.Equal(got, want) {
				t.Errorf("entries (task:start+length) = %v, want %v", got, want)
			}
			for _, task := range []*focusflow.Task{a, b, c} {
				got, err := f.db.Task(f.ctx, f.user.ID, task.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != focusflow.StatusPaused {
					t.Errorf("task %s is %s, want paused", task.Title, got.Status)
				}
			}
		})
	}
}

// Bursts of concurrent timer starts for one user, on the real clock, most
// of them given up by their callers mid-way: whatever was written, the
// user's entries follow one another.
func TestConcurrentAbandonedTimerStartsKeepEntriesInOrder(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := e.Open(t, nil)
			ctx := context.Background()
			u := &focusflow.User{Username: "burst", Email: "burst@example.test", Timezone: "UTC"}
			if err := db.CreateUser(ctx, u, "hash"); err != nil {
				t.Fatal(err)
			}
			u, err := db.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			var tasks []int64
			for i := range 4 {
				task := &focusflow.Task{Date: time.Now().UTC().Format(time.DateOnly), Title: fmt.Sprint("task ", i)}
				if err := db.CreateTask(ctx, u, task); err != nil {
					t.Fatal(err)
				}
				tasks = append(tasks, task.ID)
			}
			for range 5 {
				var wg sync.WaitGroup
				for i := range 16 {
					wg.Go(func() {
						rctx, cancel := context.WithTimeout(ctx, time.Duration(rand.N(3000))*time.Microsecond)
						defer cancel()
						cmd := focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: tasks[i%len(tasks)]}
						_, _ = db.TimerAction(rctx, u, cmd) // given up or not: only what was written counts
					})
				}
				wg.Wait()
			}
			if _, err := db.TimerAction(ctx, u, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: tasks[0]}); err != nil {
				t.Fatal(err)
			}
			checkEntryOrder(t, db, u.ID, tasks)
		})
	}
}
