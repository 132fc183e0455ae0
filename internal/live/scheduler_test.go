package live_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// shiftedClock is the real clock moved by an offset the test sets, so a
// phase of minutes can be made to end a moment from now.
type shiftedClock struct{ offset atomic.Int64 }

func (c *shiftedClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// With no client connected, the scheduler records a phase end on time on a
// real store and publishes it once, even with two instances racing.
func TestSchedulerRecordsPhaseEndsOnTime(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			clock := &shiftedClock{}
			db := e.Open(t, clock.Now)
			ctx := context.Background()
			u := &focusflow.User{Username: "tomato", Email: "tomato@example.test", Timezone: "UTC"}
			if err := db.CreateUser(ctx, u, "hash"); err != nil {
				t.Fatal(err)
			}
			plan := focusflow.DefaultSessionPlan()
			plan.Mode = focusflow.ModePomodoro
			if err := db.UpdateSettings(ctx, u.ID, focusflow.UserSettings{Session: &plan}); err != nil {
				t.Fatal(err)
			}
			u, _ = db.User(ctx, u.ID)
			task := &focusflow.Task{Date: clock.Now().UTC().Format(focusflow.DateLayout), Title: "Write"}
			if err := db.CreateTask(ctx, u, task); err != nil {
				t.Fatal(err)
			}
			res, err := db.TimerAction(ctx, u, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: task.ID})
			if err != nil {
				t.Fatal(err)
			}
			end := res.Timer.PhaseEndsAt
			// Jump to 300 ms before the end of the focus phase.
			clock.offset.Store(int64(end.Add(-300 * time.Millisecond).Sub(time.Now())))

			var mu sync.Mutex
			var published []*focusflow.Timer
			var at []time.Time
			publish := func(_ int64, tm *focusflow.Timer) {
				mu.Lock()
				published, at = append(published, tm), append(at, clock.Now())
				mu.Unlock()
			}
			runCtx, stop := context.WithCancel(ctx)
			defer stop()
			for range 2 { // two instances
				s := live.NewScheduler(live.SchedulerConfig{Store: db, Publish: publish, Now: clock.Now, Poll: time.Second})
				go s.Run(runCtx)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				mu.Lock()
				n := len(published)
				mu.Unlock()
				if n > 0 || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond) // a second publication would come now
			mu.Lock()
			defer mu.Unlock()
			if len(published) != 1 {
				t.Fatalf("published %d times, want once", len(published))
			}
			if tm := published[0]; tm.Phase != focusflow.PhaseShortBreak || !tm.PhaseStartedAt.Equal(end) {
				t.Fatalf("published %+v, want the short break from %s", tm, end)
			}
			if at[0].Before(end) {
				t.Fatalf("published at %s, before the end %s", at[0], end)
			}
			entries, err := db.Entries(ctx, u.ID, task.ID)
			if err != nil || len(entries) != 1 || !entries[0].EndedAt.Equal(end) {
				t.Fatalf("entries %+v %v, want one ending at %s", entries, err, end)
			}
			t.Logf("recorded %s after the planned instant", at[0].Sub(end))
		})
	}
}
