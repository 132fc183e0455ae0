package sqlstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// pomodoro gives the fixture's user a pomodoro plan and starts it on a
// new task.
func (f *fixture) pomodoro(t *testing.T, autoFocus bool) *focusflow.Task {
	t.Helper()
	plan := focusflow.DefaultSessionPlan()
	plan.Mode, plan.AutoFocus = focusflow.ModePomodoro, autoFocus
	if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{Session: &plan}); err != nil {
		t.Fatal(err)
	}
	u, err := f.db.User(f.ctx, f.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.user = u
	task := f.task(t, "2026-03-10", "Write")
	f.act(t, focusflow.ActionStart, task.ID, 0)
	return task
}

// A phase ends at its instant whether or not anyone looks: a read long
// after shows it ended, and recording it later (a restarted server, a
// second instance) puts the entry's end at that instant, once.
func TestPhaseEndsAtItsInstantOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			task := f.pomodoro(t, false)
			start := f.clock.Now()
			f.clock.Advance(3 * time.Hour) // nobody connected, the server down
			tm, err := f.db.Timer(f.ctx, f.user)
			if err != nil || tm.Phase != focusflow.PhaseShortBreak && tm.Phase != focusflow.PhaseWaiting {
				t.Fatalf("read after the phase end: %+v %v", tm, err)
			}
			// Two instances record it at once: one does.
			var wg sync.WaitGroup
			changed := make(chan bool, 2)
			for range 2 {
				wg.Go(func() {
					_, _, ch, err := f.db.AdvanceTimerOf(f.ctx, f.user.ID)
					if err != nil {
						t.Error(err)
					}
					changed <- ch
				})
			}
			wg.Wait()
			close(changed)
			n := 0
			for c := range changed {
				if c {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d instances recorded the phase end, want 1", n)
			}
			entries, err := f.db.Entries(f.ctx, f.user.ID, task.ID)
			if err != nil || len(entries) != 1 || !entries[0].StartedAt.Equal(start) ||
				!entries[0].EndedAt.Equal(start.Add(25*time.Minute)) {
				t.Fatalf("entries %+v %v: want one ending exactly 25 min after the start", entries, err)
			}
			after, err := f.db.Timer(f.ctx, f.user)
			if err != nil || after.Version != tm.Version || after.Phase != tm.Phase {
				t.Fatalf("after recording %+v, read before it %+v", after, tm)
			}
			d := f.day(t, "2026-03-10")
			if d.Stats.Focus != 25*time.Minute || d.Tasks[0].Spent != 25*time.Minute || d.Tasks[0].Status != focusflow.StatusPaused {
				t.Fatalf("day %+v, task %+v", d.Stats, d.Tasks[0])
			}
		})
	}
}

// A read counts focus that a passed boundary closed, before anything is
// recorded, with the numbers recording writes.
func TestReadsCountThePhasesThatPassed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			f.pomodoro(t, true)
			f.clock.Advance(62 * time.Minute) // focus 25, break 5, focus 25, break 5, 2 min into focus
			before := f.day(t, "2026-03-10")
			if before.Stats.Focus != 52*time.Minute || before.Timer.Phase != focusflow.PhaseFocus || before.Timer.Cycle != 2 {
				t.Fatalf("read before recording: %+v timer %+v", before.Stats, before.Timer)
			}
			if _, err := f.db.AdvanceTimer(f.ctx, f.user); err != nil {
				t.Fatal(err)
			}
			after := f.day(t, "2026-03-10")
			if after.Stats != before.Stats || *after.Timer != *before.Timer {
				t.Fatalf("after recording %+v %+v, before %+v %+v", after.Stats, after.Timer, before.Stats, before.Timer)
			}
		})
	}
}

func TestStopKeepsTimeCompleteFinishes(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			worked := f.task(t, "2026-03-10", "Worked on")
			tm := f.act(t, focusflow.ActionStart, worked.ID, 0)
			f.clock.Advance(10 * time.Minute)
			if f.act(t, focusflow.ActionStop, 0, tm.Version) != nil {
				t.Fatal("stop left the timer on")
			}
			untouched := f.task(t, "2026-03-10", "Barely started")
			tm = f.act(t, focusflow.ActionStart, untouched.ID, 0)
			f.act(t, focusflow.ActionStop, 0, tm.Version)
			statuses := map[int64]string{}
			for _, task := range f.day(t, "2026-03-10").Tasks {
				statuses[task.ID] = task.Status
			}
			if statuses[worked.ID] != focusflow.StatusPaused || statuses[untouched.ID] != focusflow.StatusPending {
				t.Fatalf("statuses after stop %v", statuses)
			}
			tm = f.act(t, focusflow.ActionStart, worked.ID, 0)
			f.act(t, focusflow.ActionComplete, 0, tm.Version)
			if d := f.day(t, "2026-03-10"); d.Stats.Completed != 1 {
				t.Fatalf("complete: %+v", d.Stats)
			}
		})
	}
}

// Stats and achievements count the recorded phases: a full pomodoro cycle
// is four focus phases completed as planned, four breaks, one cycle.
func TestSessionStatsAndAchievements(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			f.pomodoro(t, true)
			start := f.clock.Now()
			f.clock.Advance(3 * time.Hour) // 4×25 + 3×5 + 15 = 130 min, then it waits
			if _, err := f.db.AdvanceTimer(f.ctx, f.user); err != nil {
				t.Fatal(err)
			}
			st, err := f.db.Insights(f.ctx, f.user, "2026-03-10", "2026-03-10")
			if err != nil {
				t.Fatal(err)
			}
			want := focusflow.SessionStats{PlannedPhases: 4, CompletedPhases: 4, Breaks: 4, BreakTime: 30 * time.Minute, Cycles: 1}
			if st.Sessions != want {
				t.Fatalf("sessions %+v, want %+v", st.Sessions, want)
			}
			list, err := f.db.Achievements(f.ctx, f.user)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]focusflow.Achievement{}
			for _, a := range list {
				got[a.ID] = a
			}
			if a := got["phase_first"]; !a.Unlocked || !a.UnlockedAt.Equal(start.Add(25*time.Minute)) {
				t.Fatalf("phase_first %+v", a)
			}
			if a := got["cycle_first"]; !a.Unlocked || !a.UnlockedAt.Equal(start.Add(115*time.Minute)) {
				t.Fatalf("cycle_first %+v", a)
			}
			if a := got["breaks_20"]; a.Unlocked || a.Current != 4 {
				t.Fatalf("breaks_20 %+v", a)
			}
		})
	}
}
