package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

type clock = fake.Clock

type fixture struct {
	db    *sqlstore.DB
	clock *clock
	user  *focusflow.User
	ctx   context.Context
}

func newFixture(t *testing.T, e storetest.Engine, tz string) *fixture {
	t.Helper()
	c := fake.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	db := e.Open(t, c.Now)
	u := &focusflow.User{Username: "focus", Email: "focus@example.test", Timezone: tz}
	ctx := context.Background()
	if err := db.CreateUser(ctx, u, "hash"); err != nil {
		t.Fatal(err)
	}
	u, err := db.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, clock: c, user: u, ctx: ctx}
}

func (f *fixture) task(t *testing.T, date, title string) *focusflow.Task {
	t.Helper()
	task := &focusflow.Task{Date: date, Title: title}
	if err := f.db.CreateTask(f.ctx, f.user, task); err != nil {
		t.Fatal(err)
	}
	return task
}

func (f *fixture) act(t *testing.T, action string, taskID, version int64) *focusflow.Timer {
	t.Helper()
	res, err := f.db.TimerAction(f.ctx, f.user, focusflow.TimerCommand{Action: action, TaskID: taskID, Version: version})
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return res.Timer
}

func (f *fixture) day(t *testing.T, date string) *focusflow.Day {
	t.Helper()
	d, err := f.db.Day(f.ctx, f.user, date, focusflow.Recheck{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTimerLifecycle(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			a, b := f.task(t, "2026-03-10", "Write report"), f.task(t, "2026-03-10", "Review")
			tm := f.act(t, focusflow.ActionStart, a.ID, 0)
			if tm.State != focusflow.TimerRunning || tm.TaskID != a.ID || tm.Version != 1 {
				t.Fatalf("after start: %+v", tm)
			}
			f.clock.Advance(10 * time.Minute)
			tm = f.act(t, focusflow.ActionPause, 0, tm.Version)
			if tm.State != focusflow.TimerPaused || tm.Elapsed != 10*time.Minute {
				t.Fatalf("after pause: %+v", tm)
			}
			// A stale version changes nothing and reports the current timer.
			_, err := f.db.TimerAction(f.ctx, f.user, focusflow.TimerCommand{Action: focusflow.ActionResume, TaskID: 0, Version: tm.Version - 1})
			var conflict *focusflow.TimerConflictError
			if !asConflict(err, &conflict) || conflict.Timer.Version != tm.Version || focusflow.ErrorCode(err) != focusflow.ECONFLICT {
				t.Fatalf("stale resume: %v", err)
			}
			f.clock.Advance(time.Minute) // paused time does not count
			tm = f.act(t, focusflow.ActionResume, 0, tm.Version)
			f.clock.Advance(5 * time.Minute)
			// Starting another task pauses this one.
			tm = f.act(t, focusflow.ActionStart, b.ID, 0)
			f.clock.Advance(20 * time.Minute)
			d := f.day(t, "2026-03-10")
			status := map[int64]focusflow.Task{}
			for _, task := range d.Tasks {
				status[task.ID] = task
			}
			if status[a.ID].Status != focusflow.StatusPaused || status[a.ID].Spent != 15*time.Minute {
				t.Fatalf("task a: %+v", status[a.ID])
			}
			if status[b.ID].Status != focusflow.StatusInProgress || status[b.ID].Spent != 20*time.Minute {
				t.Fatalf("task b (live): %+v", status[b.ID])
			}
			if d.Stats.Focus != 35*time.Minute {
				t.Fatalf("day focus %v, want 35m (15 closed + 20 live)", d.Stats.Focus)
			}
			tm = f.act(t, focusflow.ActionComplete, 0, tm.Version)
			if tm != nil {
				t.Fatalf("after complete the timer is idle, got %+v", tm)
			}
			d = f.day(t, "2026-03-10")
			if d.Stats.Completed != 1 || d.Stats.Total != 2 || d.Streak != 1 || d.Stats.Focus != 35*time.Minute {
				t.Fatalf("after complete: %+v streak %d", d.Stats, d.Streak)
			}
			kinds := map[string]int{}
			for _, a := range d.Activity {
				kinds[a.Kind]++
			}
			if kinds[focusflow.ActTimerStarted] != 2 || kinds[focusflow.ActTaskCompleted] != 1 || kinds[focusflow.ActTimerStopped] != 1 {
				t.Fatalf("activity kinds %v", kinds)
			}
		})
	}
}

func asConflict(err error, target **focusflow.TimerConflictError) bool {
	c, ok := err.(*focusflow.TimerConflictError)
	*target = c
	return ok
}

// Twenty concurrent starts for one user (two tabs, two instances) leave
// exactly one running entry, and no time is lost or counted twice.
func TestConcurrentStartsKeepOneRunningEntry(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			var tasks []*focusflow.Task
			for i := range 4 {
				tasks = append(tasks, f.task(t, "2026-03-10", "task "+string(rune('A'+i))))
			}
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := f.db.TimerAction(f.ctx, f.user, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: tasks[i%4].ID, Version: 0}); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("concurrent start: %v", err)
			}
			tm, err := f.db.Timer(f.ctx, f.user)
			if err != nil || tm == nil || tm.Version != 20 || tm.State != focusflow.TimerRunning {
				t.Fatalf("timer after 20 starts: %+v %v", tm, err)
			}
			running := 0
			for _, task := range tasks {
				entries, err := f.db.Entries(f.ctx, f.user.ID, task.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range entries {
					if e.Running() {
						running++
					}
				}
			}
			if running != 1 {
				t.Fatalf("%d running entries, want exactly 1", running)
			}
			f.clock.Advance(time.Hour)
			d := f.day(t, "2026-03-10")
			if d.Stats.Focus != time.Hour {
				t.Fatalf("focus %v after one hour of one running timer", d.Stats.Focus)
			}
		})
	}
}

func TestForgottenTimerIsCapped(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			task := f.task(t, "2026-03-10", "Forgotten")
			f.act(t, focusflow.ActionStart, task.ID, 0)
			f.clock.Advance(30 * time.Hour)
			// Reads show the cap before anything records it, with the
			// numbers the sweep then records.
			before, err := f.db.Timer(f.ctx, f.user)
			if err != nil || before == nil || before.State != focusflow.TimerPaused || before.Elapsed != focusflow.DefaultTimerCap {
				t.Fatalf("timer read past the cap: %+v %v", before, err)
			}
			if entries, _ := f.db.Entries(f.ctx, f.user.ID, task.ID); len(entries) != 1 || !entries[0].Running() {
				t.Fatalf("a read wrote the cap: %+v", entries)
			}
			capped, err := f.db.CapExpiredTimers(f.ctx)
			if err != nil || len(capped) != 1 {
				t.Fatalf("sweep capped %v, %v", capped, err)
			}
			tm, err := f.db.Timer(f.ctx, f.user)
			if err != nil || tm == nil || *tm != *before {
				t.Fatalf("timer after cap: %+v %v, read before it %+v", tm, err, before)
			}
			entries, _ := f.db.Entries(f.ctx, f.user.ID, task.ID)
			if len(entries) != 1 || entries[0].Source != focusflow.SourceCapped {
				t.Fatalf("entries %+v", entries)
			}
			// The end of a capped entry can be corrected earlier, not later.
			later := entries[0].EndedAt.Add(time.Minute)
			if _, err := f.db.UpdateEntry(f.ctx, f.user, entries[0].ID, nil, &later); focusflow.ErrorCode(err) != focusflow.EINVALID {
				t.Fatalf("moving a capped end later: %v", err)
			}
			earlier := entries[0].StartedAt.Add(90 * time.Minute)
			if _, err := f.db.UpdateEntry(f.ctx, f.user, entries[0].ID, nil, &earlier); err != nil {
				t.Fatal(err)
			}
			if d := f.day(t, "2026-03-10"); d.Stats.Focus != 90*time.Minute {
				t.Fatalf("focus after correction %v", d.Stats.Focus)
			}
			// Timer entries are never edited or deleted.
			task2 := f.task(t, "2026-03-11", "Other")
			tm = f.act(t, focusflow.ActionStart, task2.ID, 0)
			f.clock.Advance(time.Minute)
			f.act(t, focusflow.ActionPause, 0, tm.Version)
			entries, _ = f.db.Entries(f.ctx, f.user.ID, task2.ID)
			if err := f.db.DeleteEntry(f.ctx, f.user, entries[0].ID); focusflow.ErrorCode(err) != focusflow.ECONFLICT {
				t.Fatalf("deleting a timer entry: %v", err)
			}
		})
	}
}

func TestManualEntriesAndOverlap(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Asia/Kolkata")
			task := f.task(t, "2026-03-09", "Offline work")
			start := time.Date(2026, 3, 9, 18, 0, 0, 0, time.UTC) // 23:30 local
			end := start.Add(time.Hour)                           // 00:30 next local day
			entry, err := f.db.AddManualEntry(f.ctx, f.user, task.ID, start, end)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.db.AddManualEntry(f.ctx, f.user, task.ID, start.Add(30*time.Minute), end.Add(time.Hour)); focusflow.ErrorCode(err) != focusflow.ECONFLICT {
				t.Fatalf("overlap accepted: %v", err)
			}
			if _, err := f.db.AddManualEntry(f.ctx, f.user, task.ID, f.clock.Now().Add(time.Hour), f.clock.Now().Add(2*time.Hour)); focusflow.ErrorCode(err) != focusflow.EINVALID {
				t.Fatalf("future entry accepted: %v", err)
			}
			d9, d10 := f.day(t, "2026-03-09"), f.day(t, "2026-03-10")
			if d9.Stats.Focus != 30*time.Minute || d10.Stats.Focus != 30*time.Minute || d9.Stats.Manual != 30*time.Minute {
				t.Fatalf("split across local midnight: %+v / %+v", d9.Stats, d10.Stats)
			}
			// Changing time zone re-buckets focus time; task dates stay.
			utc := "UTC"
			if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{Timezone: &utc}); err != nil {
				t.Fatal(err)
			}
			f.user, _ = f.db.User(f.ctx, f.user.ID)
			d9 = f.day(t, "2026-03-09")
			if d9.Stats.Focus != time.Hour || len(d9.Tasks) != 1 {
				t.Fatalf("after switching to UTC: %+v tasks %d", d9.Stats, len(d9.Tasks))
			}
			if err := f.db.DeleteEntry(f.ctx, f.user, entry.ID); err != nil {
				t.Fatal(err)
			}
			if d := f.day(t, "2026-03-09"); d.Stats.Focus != 0 || d.Tasks[0].Spent != 0 {
				t.Fatalf("after delete: %+v", d.Stats)
			}
		})
	}
}

func TestTasksCountsAndIsolation(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			task := f.task(t, "2026-03-10", "Plan")
			done := focusflow.StatusCompleted
			if _, err := f.db.UpdateTask(f.ctx, f.user, task.ID, focusflow.TaskPatch{Status: &done}); err != nil {
				t.Fatal(err)
			}
			moved := "2026-03-11"
			if _, err := f.db.UpdateTask(f.ctx, f.user, task.ID, focusflow.TaskPatch{Date: &moved}); err != nil {
				t.Fatal(err)
			}
			d10, d11 := f.day(t, "2026-03-10"), f.day(t, "2026-03-11")
			if d10.Stats.Total != 0 || d10.Stats.Completed != 0 || d11.Stats.Total != 1 || d11.Stats.Completed != 1 {
				t.Fatalf("counts after move: %+v %+v", d10.Stats, d11.Stats)
			}
			pending := focusflow.StatusPending
			if _, err := f.db.UpdateTask(f.ctx, f.user, task.ID, focusflow.TaskPatch{Status: &pending}); err != nil {
				t.Fatal(err)
			}
			if d := f.day(t, "2026-03-11"); d.Stats.Completed != 0 {
				t.Fatalf("reopen left completed=%d", d.Stats.Completed)
			}
			// Another user sees nothing of it and cannot touch it.
			other := &focusflow.User{Username: "other", Email: "other@example.test"}
			if err := f.db.CreateUser(f.ctx, other, "hash"); err != nil {
				t.Fatal(err)
			}
			other, _ = f.db.User(f.ctx, other.ID)
			if _, err := f.db.Task(f.ctx, other.ID, task.ID); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("other user reads task: %v", err)
			}
			if err := f.db.DeleteTask(f.ctx, other, task.ID); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("other user deletes task: %v", err)
			}
			if _, err := f.db.TimerAction(f.ctx, other, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: task.ID, Version: 0}); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Fatalf("other user starts timer on task: %v", err)
			}
			if err := f.db.DeleteTask(f.ctx, f.user, task.ID); err != nil {
				t.Fatal(err)
			}
			if d := f.day(t, "2026-03-11"); d.Stats.Total != 0 || len(d.Tasks) != 0 {
				t.Fatalf("after delete: %+v", d.Stats)
			}
		})
	}
}

func TestStreakRunsAreMaintained(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			done := focusflow.StatusCompleted
			day := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC) // yesterday
			for i := range 70 {
				task := f.task(t, day.AddDate(0, 0, -i).Format("2006-01-02"), "daily")
				if _, err := f.db.UpdateTask(f.ctx, f.user, task.ID, focusflow.TaskPatch{Status: &done}); err != nil {
					t.Fatal(err)
				}
			}
			n, err := f.db.Streak(f.ctx, f.user.ID, "2026-03-10")
			if err != nil || n != 70 {
				t.Fatalf("streak %d (%v), want 70 running through yesterday", n, err)
			}
			// Reopening the only task of a day in the middle breaks the run;
			// completing it again joins the two halves.
			mid := f.day(t, "2026-02-28").Tasks[0]
			pending := focusflow.StatusPending
			if _, err := f.db.UpdateTask(f.ctx, f.user, mid.ID, focusflow.TaskPatch{Status: &pending}); err != nil {
				t.Fatal(err)
			}
			if n, _ := f.db.Streak(f.ctx, f.user.ID, "2026-03-10"); n != 9 {
				t.Fatalf("streak after a break on 28 Feb = %d, want 9 (1–9 March)", n)
			}
			if _, err := f.db.UpdateTask(f.ctx, f.user, mid.ID, focusflow.TaskPatch{Status: &done}); err != nil {
				t.Fatal(err)
			}
			if n, _ := f.db.Streak(f.ctx, f.user.ID, "2026-03-10"); n != 70 {
				t.Fatalf("streak after mending the break = %d, want 70", n)
			}
			// A rebuild from scratch agrees with the maintained runs.
			if err := f.db.RecomputeStreakRuns(f.ctx); err != nil {
				t.Fatal(err)
			}
			if n, _ := f.db.Streak(f.ctx, f.user.ID, "2026-03-10"); n != 70 {
				t.Fatalf("streak after recompute = %d", n)
			}
		})
	}
}

// More than 30 timer actions in five minutes are flagged once, not blocked.
func TestRapidTimerActionsAreFlagged(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			a, b := f.task(t, "2026-03-10", "A"), f.task(t, "2026-03-10", "B")
			flagged := 0
			for i := range 40 {
				task := a
				if i%2 == 1 {
					task = b
				}
				res, err := f.db.TimerAction(f.ctx, f.user, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: task.ID, Version: 0})
				if err != nil {
					t.Fatalf("action %d refused: %v", i+1, err)
				}
				flagged += len(res.Anomalies)
				if len(res.Anomalies) > 0 && i != 30 {
					t.Fatalf("flagged at action %d, want at the 31st", i+1)
				}
				f.clock.Advance(time.Second)
			}
			if flagged != 1 {
				t.Fatalf("flagged %d times, want once", flagged)
			}
			kinds := 0
			for _, act := range f.day(t, "2026-03-10").Activity {
				if act.Kind == focusflow.ActAnomaly {
					kinds++
				}
			}
			if kinds != 1 {
				t.Fatalf("%d anomaly lines in the activity log, want 1", kinds)
			}
		})
	}
}
