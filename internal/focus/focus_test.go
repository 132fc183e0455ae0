package focus

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

var (
	t0  = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	set = Settings{Cap: 4 * time.Hour}

	taskA = Task{ID: 1, Title: "Write", Status: focusflow.StatusInProgress, Date: "2026-03-10", Spent: 10 * time.Minute}
	taskB = Task{ID: 2, Title: "Read", Status: focusflow.StatusPending, Date: "2026-03-10"}
	taskP = Task{ID: 3, Title: "Paused one", Status: focusflow.StatusPaused, Date: "2026-03-09", Spent: time.Hour}
	taskC = Task{ID: 4, Title: "Done", Status: focusflow.StatusCompleted, Date: "2026-03-10"}
)

// The states a timer can be in, as the store reads them.
func idle() State { return State{Version: 7} }

func running(since time.Duration) State {
	return State{TaskID: taskA.ID, Status: focusflow.TimerRunning, Version: 7, Task: taskA,
		Entry: &Entry{TaskID: taskA.ID, Start: t0.Add(-since)}}
}

func paused() State {
	a := taskA
	a.Status = focusflow.StatusPaused
	return State{TaskID: taskA.ID, Status: focusflow.TimerPaused, Version: 7, Task: a}
}

func cmd(action string, task, version int64) focusflow.TimerCommand {
	return focusflow.TimerCommand{Action: action, TaskID: task, Version: version}
}

func TestApply(t *testing.T) {
	type want struct {
		code     string // error code; "" for success
		state    string // timer state afterwards ("" idle)
		task     int64
		version  int64
		closes   []Close
		open     *Entry
		complete int64
		kinds    []string // activity kinds in order
		elapsed  time.Duration
	}
	closeA := func(start, end time.Time, source, status string) Close {
		return Close{Entry: Entry{TaskID: taskA.ID, Start: start}, End: end, Source: source, Status: status}
	}
	cases := []struct {
		name   string
		state  State
		cmd    focusflow.TimerCommand
		target *Task
		want   want
	}{
		{"idle: start", idle(), cmd(focusflow.ActionStart, taskB.ID, 0), &taskB, want{
			state: focusflow.TimerRunning, task: taskB.ID, version: 8, open: &Entry{TaskID: taskB.ID, Start: t0},
			kinds: []string{focusflow.ActTimerStarted}}},
		{"idle: start a paused task says resumed", idle(), cmd(focusflow.ActionStart, taskP.ID, 0), &taskP, want{
			state: focusflow.TimerRunning, task: taskP.ID, version: 8, open: &Entry{TaskID: taskP.ID, Start: t0},
			kinds: []string{focusflow.ActTimerResumed}, elapsed: time.Hour}},
		{"idle: start a completed task", idle(), cmd(focusflow.ActionStart, taskC.ID, 0), &taskC, want{code: focusflow.ECONFLICT}},
		{"idle: start a missing task", idle(), cmd(focusflow.ActionStart, 99, 0), nil, want{code: focusflow.ENOTFOUND}},
		{"idle: pause", idle(), cmd(focusflow.ActionPause, 0, 7), nil, want{code: focusflow.ECONFLICT}},
		{"idle: resume", idle(), cmd(focusflow.ActionResume, 0, 7), nil, want{code: focusflow.ECONFLICT}},
		{"idle: stop", idle(), cmd(focusflow.ActionStop, 0, 7), nil, want{code: focusflow.ECONFLICT}},
		{"idle: stale version", idle(), cmd(focusflow.ActionPause, 0, 6), nil, want{code: focusflow.ECONFLICT}},

		{"running: start the same task counts but changes nothing", running(time.Minute), cmd(focusflow.ActionStart, taskA.ID, 0), &taskA, want{
			state: focusflow.TimerRunning, task: taskA.ID, version: 8, elapsed: 11 * time.Minute}},
		{"running: start another task pauses this one", running(20 * time.Minute), cmd(focusflow.ActionStart, taskB.ID, 0), &taskB, want{
			state: focusflow.TimerRunning, task: taskB.ID, version: 8,
			closes: []Close{closeA(t0.Add(-20*time.Minute), t0, focusflow.SourceTimer, focusflow.StatusPaused)},
			open:   &Entry{TaskID: taskB.ID, Start: t0}, kinds: []string{focusflow.ActTimerStarted}}},
		{"running: pause", running(20 * time.Minute), cmd(focusflow.ActionPause, 0, 7), nil, want{
			state: focusflow.TimerPaused, task: taskA.ID, version: 8,
			closes: []Close{closeA(t0.Add(-20*time.Minute), t0, focusflow.SourceTimer, focusflow.StatusPaused)},
			kinds:  []string{focusflow.ActTimerPaused}, elapsed: 30 * time.Minute}},
		{"running: resume", running(time.Minute), cmd(focusflow.ActionResume, 0, 7), nil, want{code: focusflow.ECONFLICT}},
		{"running: stop completes the task", running(20 * time.Minute), cmd(focusflow.ActionStop, 0, 7), nil, want{
			version: 8, closes: []Close{closeA(t0.Add(-20*time.Minute), t0, focusflow.SourceTimer, "")}, complete: taskA.ID,
			kinds: []string{focusflow.ActTaskCompleted, focusflow.ActTimerStopped}}},
		{"running: stale version", running(time.Minute), cmd(focusflow.ActionStop, 0, 8), nil, want{code: focusflow.ECONFLICT}},

		{"paused: start another task leaves this one paused", paused(), cmd(focusflow.ActionStart, taskB.ID, 0), &taskB, want{
			state: focusflow.TimerRunning, task: taskB.ID, version: 8, open: &Entry{TaskID: taskB.ID, Start: t0},
			kinds: []string{focusflow.ActTimerStarted}}},
		{"paused: pause", paused(), cmd(focusflow.ActionPause, 0, 7), nil, want{code: focusflow.ECONFLICT}},
		{"paused: resume", paused(), cmd(focusflow.ActionResume, 0, 7), nil, want{
			state: focusflow.TimerRunning, task: taskA.ID, version: 8, open: &Entry{TaskID: taskA.ID, Start: t0},
			kinds: []string{focusflow.ActTimerResumed}, elapsed: 10 * time.Minute}},
		{"paused: stop", paused(), cmd(focusflow.ActionStop, 0, 7), nil, want{
			version: 8, complete: taskA.ID, kinds: []string{focusflow.ActTaskCompleted, focusflow.ActTimerStopped}}},
		{"paused: stale version", paused(), cmd(focusflow.ActionResume, 0, 3), nil, want{code: focusflow.ECONFLICT}},

		// A forgotten timer (running past the cap) is capped first, which
		// counts as a change of its own: the client must send the version
		// it was shown (View says 8).
		{"forgotten: pause with the version before the cap is stale", running(5 * time.Hour), cmd(focusflow.ActionPause, 0, 7), nil,
			want{code: focusflow.ECONFLICT}},
		{"forgotten: resume with the capped version", running(5 * time.Hour), cmd(focusflow.ActionResume, 0, 8), nil, want{
			state: focusflow.TimerRunning, task: taskA.ID, version: 9,
			closes: []Close{closeA(t0.Add(-5*time.Hour), t0.Add(-time.Hour), focusflow.SourceCapped, focusflow.StatusPaused)},
			open:   &Entry{TaskID: taskA.ID, Start: t0},
			kinds:  []string{focusflow.ActTimerCapped, focusflow.ActTimerResumed}, elapsed: 4*time.Hour + 10*time.Minute}},
		{"forgotten: start it again keeps the capped time", running(5 * time.Hour), cmd(focusflow.ActionStart, taskA.ID, 0), &taskA, want{
			state: focusflow.TimerRunning, task: taskA.ID, version: 9,
			closes: []Close{closeA(t0.Add(-5*time.Hour), t0.Add(-time.Hour), focusflow.SourceCapped, focusflow.StatusPaused)},
			open:   &Entry{TaskID: taskA.ID, Start: t0},
			kinds:  []string{focusflow.ActTimerCapped, focusflow.ActTimerStarted}, elapsed: 4*time.Hour + 10*time.Minute}},
		{"forgotten: stop with the capped version", running(5 * time.Hour), cmd(focusflow.ActionStop, 0, 8), nil, want{
			version: 9, complete: taskA.ID,
			closes: []Close{closeA(t0.Add(-5*time.Hour), t0.Add(-time.Hour), focusflow.SourceCapped, focusflow.StatusPaused)},
			kinds:  []string{focusflow.ActTimerCapped, focusflow.ActTaskCompleted, focusflow.ActTimerStopped}}},
		{"exactly at the cap is not forgotten", running(4 * time.Hour), cmd(focusflow.ActionPause, 0, 7), nil, want{
			state: focusflow.TimerPaused, task: taskA.ID, version: 8,
			closes: []Close{closeA(t0.Add(-4*time.Hour), t0, focusflow.SourceTimer, focusflow.StatusPaused)},
			kinds:  []string{focusflow.ActTimerPaused}, elapsed: 4*time.Hour + 10*time.Minute}},
		{"one millisecond past the cap is", running(4*time.Hour + time.Millisecond), cmd(focusflow.ActionPause, 0, 7), nil,
			want{code: focusflow.ECONFLICT}},

		{"unknown action", idle(), cmd("dance", 0, 7), nil, want{code: focusflow.EINVALID}},
		{"start without a task", idle(), cmd(focusflow.ActionStart, 0, 0), nil, want{code: focusflow.EINVALID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Apply(tc.state, tc.cmd, tc.target, t0, set)
			if got := focusflow.ErrorCode(err); got != tc.want.code {
				t.Fatalf("error %v (code %q), want code %q", err, got, tc.want.code)
			}
			if err != nil {
				return
			}
			w := tc.want
			if c.State.Status != w.state || c.State.TaskID != w.task || c.State.Version != w.version {
				t.Errorf("state %q task %d version %d, want %q %d %d", c.State.Status, c.State.TaskID, c.State.Version,
					w.state, w.task, w.version)
			}
			if !reflect.DeepEqual(c.Closes, w.closes) {
				t.Errorf("closes %+v, want %+v", c.Closes, w.closes)
			}
			if !reflect.DeepEqual(c.Open, w.open) {
				t.Errorf("open %+v, want %+v", c.Open, w.open)
			}
			if got := completed(c); got != w.complete {
				t.Errorf("completes task %d, want %d", got, w.complete)
			}
			if got := kinds(c); !reflect.DeepEqual(got, w.kinds) {
				t.Errorf("activity %v, want %v", got, w.kinds)
			}
			if !c.Save {
				t.Error("an action must save the timer row")
			}
			view := View(c.State, t0, set)
			if w.state == "" {
				if view != nil {
					t.Errorf("view %+v, want idle", view)
				}
				return
			}
			if view == nil || view.Elapsed != w.elapsed || view.Version != w.version {
				t.Errorf("view %+v, want elapsed %v version %d", view, w.elapsed, w.version)
			}
		})
	}
}

func completed(c Change) int64 {
	if c.Complete == nil {
		return 0
	}
	return c.Complete.ID
}

func kinds(c Change) []string {
	var out []string
	for _, l := range c.Lines {
		out = append(out, l.Kind)
	}
	return out
}

func TestStaleVersionCarriesTheCurrentTimer(t *testing.T) {
	_, err := Apply(running(30*time.Minute), cmd(focusflow.ActionPause, 0, 5), nil, t0, set)
	var conflict *focusflow.TimerConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("error %v, want a timer conflict", err)
	}
	if tm := conflict.Timer; tm == nil || tm.State != focusflow.TimerRunning || tm.Version != 7 || tm.Elapsed != 40*time.Minute {
		t.Fatalf("conflict carries %+v", conflict.Timer)
	}
}

func TestRapidActionsAreFlaggedOnce(t *testing.T) {
	for recent, flagged := range map[int]bool{AnomalyActions - 1: false, AnomalyActions: true, AnomalyActions + 1: false} {
		s := idle()
		s.Recent = recent
		c, err := Apply(s, cmd(focusflow.ActionStart, taskB.ID, 0), &taskB, t0, set)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(c.Anomalies) == 1 && c.Anomalies[0] == focusflow.AnomalyRapidActions; got != flagged {
			t.Errorf("recent %d: anomalies %v", recent, c.Anomalies)
		}
	}
	// Starting the running task again is not an action worth flagging.
	s := running(time.Minute)
	s.Recent = AnomalyActions
	if c, _ := Apply(s, cmd(focusflow.ActionStart, taskA.ID, 0), &taskA, t0, set); len(c.Anomalies) != 0 {
		t.Errorf("a repeated start was flagged: %v", c.Anomalies)
	}
}

func TestCapForgotten(t *testing.T) {
	if _, ok := CapForgotten(running(3*time.Hour), t0, set); ok {
		t.Fatal("capped a timer under its cap")
	}
	if _, ok := CapForgotten(paused(), t0, set); ok {
		t.Fatal("capped a paused timer")
	}
	c, ok := CapForgotten(running(30*time.Hour), t0, set)
	if !ok || c.Capped == nil || !c.Capped.EndedAt.Equal(t0.Add(-26*time.Hour)) || c.Capped.TaskID != taskA.ID {
		t.Fatalf("capped %+v %v", c.Capped, ok)
	}
	if c.State.Status != focusflow.TimerPaused || c.State.Version != 8 || c.State.Entry != nil || !c.Save {
		t.Fatalf("state after cap %+v", c.State)
	}
	// What a read showed before the cap was recorded is what it records.
	before := View(running(30*time.Hour), t0, set)
	after := View(c.State, t0.Add(time.Hour), set)
	if *before != *after {
		t.Fatalf("read before the cap %+v, after %+v", before, after)
	}
	if len(c.Lines) != 1 || c.Lines[0].Kind != focusflow.ActTimerCapped ||
		c.Lines[0].Message != "Timer stopped automatically after 4 h on: Write. Correct its end if you stopped earlier." {
		t.Fatalf("lines %+v", c.Lines)
	}
}

func TestCapZeroMeansNoCap(t *testing.T) {
	if _, ok := CapForgotten(running(300*time.Hour), t0, Settings{}); ok {
		t.Fatal("a zero cap capped")
	}
}

func TestRelease(t *testing.T) {
	c := Release(running(10*time.Minute), taskA.ID, t0)
	if len(c.Closes) != 1 || c.Closes[0].Status != "" || !c.Closes[0].End.Equal(t0) || c.State.TaskID != 0 ||
		c.State.Version != 8 || !c.Save {
		t.Fatalf("releasing the running task: %+v", c)
	}
	c = Release(running(10*time.Minute), taskB.ID, t0)
	if len(c.Closes) != 0 || c.Save || c.State.TaskID != taskA.ID {
		t.Fatalf("releasing another task touched the timer: %+v", c)
	}
	c = Release(paused(), taskA.ID, t0)
	if len(c.Closes) != 0 || !c.Save || c.State.TaskID != 0 {
		t.Fatalf("releasing the paused task: %+v", c)
	}
}

func TestCloseNeverEndsBeforeItsStart(t *testing.T) {
	// Another instance's clock may be behind the one that opened the entry.
	s := running(0)
	s.Entry.Start = t0.Add(time.Second)
	c, err := Apply(s, cmd(focusflow.ActionPause, 0, 7), nil, t0, set)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Closes[0].End.Equal(s.Entry.Start) {
		t.Fatalf("closed at %v, before its start %v", c.Closes[0].End, s.Entry.Start)
	}
}

func TestViewOfIdleTimerIsNil(t *testing.T) {
	if v := View(idle(), t0, set); v != nil {
		t.Fatalf("idle view %+v", v)
	}
}

func TestCap(t *testing.T) {
	start := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	if end, capped := Cap(start, start.Add(3*time.Hour), 4*time.Hour); capped || !end.Equal(start.Add(3*time.Hour)) {
		t.Fatalf("under the cap: %v %v", end, capped)
	}
	if end, capped := Cap(start, start.Add(30*time.Hour), 4*time.Hour); !capped || !end.Equal(start.Add(4*time.Hour)) {
		t.Fatalf("over the cap: %v %v", end, capped)
	}
}
