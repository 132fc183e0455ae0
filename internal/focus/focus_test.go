package focus

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

var (
	t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

	taskA = Task{ID: 1, Title: "Write", Status: focusflow.StatusInProgress, Date: "2026-03-10", Spent: 10 * time.Minute}
	taskB = Task{ID: 2, Title: "Read", Status: focusflow.StatusPending, Date: "2026-03-10"}
	taskP = Task{ID: 3, Title: "Paused one", Status: focusflow.StatusPaused, Date: "2026-03-09", Spent: time.Hour}
	taskC = Task{ID: 4, Title: "Done", Status: focusflow.StatusCompleted, Date: "2026-03-10"}
)

func settings(mode string) Settings {
	p := focusflow.DefaultSessionPlan()
	p.Mode = mode
	return Settings{Cap: 4 * time.Hour, Plan: p}
}

var stopwatch = settings(focusflow.ModeStopwatch)

func cmd(action string, task, version int64) focusflow.TimerCommand {
	return focusflow.TimerCommand{Action: action, TaskID: task, Version: version}
}

// timer is a session under test: the state as the store would keep it
// after each change, with the task table the store would hold.
type timer struct {
	t     *testing.T
	set   Settings
	state State
	tasks map[int64]Task
	log   []Change
}

func newTimer(t *testing.T, set Settings, tasks ...Task) *timer {
	tm := &timer{t: t, set: set, state: State{Version: 7}, tasks: map[int64]Task{}}
	for _, k := range tasks {
		tm.tasks[k.ID] = k
	}
	return tm
}

// apply runs a command at at, which must succeed, and keeps its outcome.
func (tm *timer) apply(at time.Time, c focusflow.TimerCommand) Change {
	tm.t.Helper()
	ch, err := tm.try(at, c)
	if err != nil {
		tm.t.Fatalf("%s at %s: %v", c.Action, at.Format("15:04:05.000"), err)
	}
	return ch
}

func (tm *timer) try(at time.Time, c focusflow.TimerCommand) (Change, error) {
	var target *Task
	if c.Action == focusflow.ActionStart {
		if k, ok := tm.tasks[c.TaskID]; ok {
			target = &k
		}
	}
	if c.Action != focusflow.ActionStart && c.Version == 0 {
		c.Version = tm.view(at).Version
	}
	ch, err := Apply(tm.state, c, target, at, tm.set)
	if err == nil {
		tm.keep(ch)
	}
	return ch, err
}

// advance persists the boundaries passed by at, as the scheduler does.
func (tm *timer) advance(at time.Time) (Change, bool) {
	ch, ok := Advance(tm.state, at, tm.set)
	if ok {
		tm.keep(ch)
	}
	return ch, ok
}

func (tm *timer) keep(ch Change) {
	tm.state = ch.State
	tm.log = append(tm.log, ch)
	if ch.Complete != nil {
		k := tm.tasks[ch.Complete.ID]
		k.Status = focusflow.StatusCompleted
		tm.tasks[k.ID] = k
	}
}

func (tm *timer) view(at time.Time) *focusflow.Timer { return View(tm.state, at, tm.set) }

// phases lists every phase recorded so far.
func (tm *timer) phases() []PhaseRecord {
	var out []PhaseRecord
	for _, c := range tm.log {
		out = append(out, c.Phases...)
	}
	return out
}

// entries lists every time entry written so far as closed spans.
func (tm *timer) entries() []Span {
	var out []Span
	for _, c := range tm.log {
		for _, op := range c.Entries {
			switch {
			case op.Drop:
				out = slices.DeleteFunc(out, func(sp Span) bool { return sp.End.IsZero() && sp.Start.Equal(op.Entry.Start) })
			case op.Open && op.End.IsZero():
				out = append(out, Span{TaskID: op.Entry.TaskID, Start: op.Entry.Start})
			case op.Open:
				out = append(out, Span{TaskID: op.Entry.TaskID, Start: op.Entry.Start, End: op.End})
			default:
				for i := range out {
					if out[i].End.IsZero() && out[i].Start.Equal(op.Entry.Start) {
						out[i].End = op.End
					}
				}
			}
		}
	}
	return out
}

func (tm *timer) expect(at time.Time, state, phase string, endsAt time.Time) *focusflow.Timer {
	tm.t.Helper()
	v := tm.view(at)
	if v == nil {
		tm.t.Fatalf("at %s: timer idle, want %s %s", at.Format("15:04:05.000"), state, phase)
	}
	if v.State != state || v.Phase != phase || !v.PhaseEndsAt.Equal(endsAt) {
		tm.t.Fatalf("at %s: %s %s ending %s, want %s %s ending %s", at.Format("15:04:05.000"), v.State, v.Phase,
			v.PhaseEndsAt.Format("15:04:05"), state, phase, endsAt.Format("15:04:05"))
	}
	return v
}

// --- stopwatch: the timer as it always was, with stop and complete apart ---

func TestStopwatch(t *testing.T) {
	tm := newTimer(t, stopwatch, taskA, taskB, taskP, taskC)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	v := tm.expect(t0.Add(time.Hour), focusflow.TimerRunning, focusflow.PhaseFocus, time.Time{})
	if v.Elapsed != time.Hour || v.Mode != focusflow.ModeStopwatch || !v.StartedAt.Equal(t0) {
		t.Fatalf("running stopwatch %+v", v)
	}
	tm.apply(t0.Add(20*time.Minute), cmd(focusflow.ActionPause, 0, 0))
	v = tm.expect(t0.Add(time.Hour), focusflow.TimerPaused, focusflow.PhaseFocus, time.Time{})
	if v.Elapsed != 20*time.Minute || !v.StartedAt.IsZero() {
		t.Fatalf("paused stopwatch %+v", v)
	}
	tm.apply(t0.Add(30*time.Minute), cmd(focusflow.ActionResume, 0, 0))
	tm.apply(t0.Add(40*time.Minute), cmd(focusflow.ActionStart, taskP.ID, 0)) // switches task, pauses B
	c := tm.apply(t0.Add(50*time.Minute), cmd(focusflow.ActionStop, 0, 0))
	if c.Complete != nil || tm.view(t0.Add(time.Hour)) != nil {
		t.Fatalf("stop completed the task or left the timer on: %+v", c)
	}
	if !reflect.DeepEqual(c.Statuses, []StatusChange{{TaskID: taskP.ID, Status: focusflow.StatusPaused}}) {
		t.Fatalf("stop left statuses %+v, want the task paused", c.Statuses)
	}
	want := []Span{{taskB.ID, t0, t0.Add(20 * time.Minute)}, {taskB.ID, t0.Add(30 * time.Minute), t0.Add(40 * time.Minute)},
		{taskP.ID, t0.Add(40 * time.Minute), t0.Add(50 * time.Minute)}}
	if got := tm.entries(); !reflect.DeepEqual(got, want) {
		t.Fatalf("entries %+v, want %+v", got, want)
	}
	// Complete: what stop used to do.
	tm.apply(t0.Add(time.Hour), cmd(focusflow.ActionStart, taskB.ID, 0))
	c = tm.apply(t0.Add(70*time.Minute), cmd(focusflow.ActionComplete, 0, 0))
	if c.Complete == nil || c.Complete.ID != taskB.ID || kinds(c)[0] != focusflow.ActTaskCompleted {
		t.Fatalf("complete: %+v", c)
	}
}

func TestStopWithoutTimeLeavesTheTaskPending(t *testing.T) {
	tm := newTimer(t, stopwatch, taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	c := tm.apply(t0, cmd(focusflow.ActionStop, 0, 0))
	if !reflect.DeepEqual(c.Statuses, []StatusChange{{TaskID: taskB.ID, Status: focusflow.StatusPending}}) {
		t.Fatalf("statuses %+v", c.Statuses)
	}
}

// Every action in every state of a stopwatch: which succeed, which refuse.
func TestActionsByState(t *testing.T) {
	states := map[string]func(*timer){
		"idle":    func(*timer) {},
		"running": func(tm *timer) { tm.apply(t0.Add(-time.Minute), cmd(focusflow.ActionStart, taskA.ID, 0)) },
		"paused": func(tm *timer) {
			tm.apply(t0.Add(-2*time.Minute), cmd(focusflow.ActionStart, taskA.ID, 0))
			tm.apply(t0.Add(-time.Minute), cmd(focusflow.ActionPause, 0, 0))
		},
	}
	ok := map[string]map[string]bool{
		"idle":    {focusflow.ActionStart: true},
		"running": {focusflow.ActionStart: true, focusflow.ActionPause: true, focusflow.ActionStop: true, focusflow.ActionComplete: true},
		"paused":  {focusflow.ActionStart: true, focusflow.ActionResume: true, focusflow.ActionStop: true, focusflow.ActionComplete: true},
	}
	for name, setup := range states {
		for _, action := range focusflow.TimerActions {
			t.Run(name+"/"+action, func(t *testing.T) {
				tm := newTimer(t, stopwatch, taskA, taskB)
				setup(tm)
				c := cmd(action, 0, 0)
				switch action {
				case focusflow.ActionStart:
					c.TaskID = taskB.ID
				case focusflow.ActionExtend:
					c.Minutes = 5
				}
				if action != focusflow.ActionStart {
					c.Version = tm.state.Version
				}
				_, err := Apply(tm.state, c, targetOf(tm, c), t0, tm.set)
				if (err == nil) != ok[name][action] {
					t.Fatalf("err %v, want success %v", err, ok[name][action])
				}
				if err != nil && focusflow.ErrorCode(err) != focusflow.ECONFLICT {
					t.Fatalf("refused with %v, want a conflict", err)
				}
			})
		}
	}
}

func targetOf(tm *timer, c focusflow.TimerCommand) *Task {
	if k, ok := tm.tasks[c.TaskID]; ok {
		return &k
	}
	return nil
}

func TestStaleVersions(t *testing.T) {
	tm := newTimer(t, stopwatch, taskA, taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskA.ID, 0))
	_, err := tm.try(t0.Add(time.Minute), cmd(focusflow.ActionPause, 0, 5))
	var conflict *focusflow.TimerConflictError
	if !errors.As(err, &conflict) || conflict.Timer == nil || conflict.Timer.Version != 8 || conflict.Timer.Elapsed != 11*time.Minute {
		t.Fatalf("stale pause: %v %+v", err, conflict)
	}
	// A start may carry a version; a stale one is refused too.
	start := cmd(focusflow.ActionStart, taskB.ID, 3)
	start.HasVersion = true
	if _, err := tm.try(t0.Add(time.Minute), start); focusflow.ErrorCode(err) != focusflow.ECONFLICT {
		t.Fatalf("stale start: %v", err)
	}
	start.Version = 8
	tm.apply(t0.Add(time.Minute), start)
}

func TestStartingACompletedOrMissingTask(t *testing.T) {
	tm := newTimer(t, stopwatch, taskC)
	if _, err := tm.try(t0, cmd(focusflow.ActionStart, taskC.ID, 0)); focusflow.ErrorCode(err) != focusflow.ECONFLICT {
		t.Fatalf("completed task: %v", err)
	}
	if _, err := tm.try(t0, cmd(focusflow.ActionStart, 99, 0)); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
		t.Fatalf("missing task: %v", err)
	}
	for _, bad := range []focusflow.TimerCommand{
		{Action: "dance"}, {Action: focusflow.ActionStart}, {Action: focusflow.ActionStart, TaskID: 1, Mode: "sprint"},
		{Action: focusflow.ActionStart, TaskID: 1, FocusMinutes: 181}, {Action: focusflow.ActionExtend, Minutes: 61},
	} {
		if _, err := Apply(State{}, bad, &taskA, t0, stopwatch); focusflow.ErrorCode(err) != focusflow.EINVALID {
			t.Errorf("%+v: %v, want invalid", bad, err)
		}
	}
}

func TestRapidActionsAreFlaggedOnce(t *testing.T) {
	for recent, flagged := range map[int]bool{AnomalyActions - 1: false, AnomalyActions: true, AnomalyActions + 1: false} {
		c, err := Apply(State{Version: 7, Recent: recent}, cmd(focusflow.ActionStart, taskB.ID, 0), &taskB, t0, stopwatch)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(c.Anomalies) == 1 && c.Anomalies[0] == focusflow.AnomalyRapidActions; got != flagged {
			t.Errorf("recent %d: anomalies %v", recent, c.Anomalies)
		}
	}
}

// --- pomodoro: the server runs the cycle ---

func TestPomodoroCycleRunsByItself(t *testing.T) {
	set := settings(focusflow.ModePomodoro)
	set.Plan.AutoFocus = true
	tm := newTimer(t, set, taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	// focus 25, short 5, ×3, focus 25, long 15, then it waits.
	at := t0
	for i := range 4 {
		tm.expect(at.Add(25*time.Minute-time.Millisecond), focusflow.TimerRunning, focusflow.PhaseFocus, at.Add(25*time.Minute))
		at = at.Add(25 * time.Minute)
		if i == 3 {
			break
		}
		tm.expect(at, focusflow.TimerRunning, focusflow.PhaseShortBreak, at.Add(5*time.Minute))
		at = at.Add(5 * time.Minute)
	}
	v := tm.expect(at, focusflow.TimerRunning, focusflow.PhaseLongBreak, at.Add(15*time.Minute))
	if v.Cycle != 4 || v.Version != 8+7 {
		t.Fatalf("at the long break: cycle %d version %d", v.Cycle, v.Version)
	}
	end := at.Add(15 * time.Minute)
	v = tm.expect(end.Add(3*time.Hour), focusflow.TimerPaused, focusflow.PhaseWaiting, time.Time{})
	if v.NextPhase != focusflow.PhaseFocus || v.Cycle != 0 || v.Elapsed != 100*time.Minute {
		t.Fatalf("after the long break %+v", v)
	}
	// Persisting hours later records every phase at its own instant.
	if _, ok := tm.advance(end.Add(3 * time.Hour)); !ok {
		t.Fatal("nothing to persist")
	}
	if _, ok := tm.advance(end.Add(4 * time.Hour)); ok {
		t.Fatal("a second pass persisted again")
	}
	ph := tm.phases()
	if len(ph) != 8 || ph[7].Kind != focusflow.PhaseLongBreak || !ph[7].End.Equal(end) {
		t.Fatalf("phases %+v", ph)
	}
	for _, p := range ph {
		if p.Outcome != OutcomeCompleted || p.End.Sub(p.Start) != p.Planned {
			t.Fatalf("phase %+v did not run as planned", p)
		}
	}
	entries := tm.entries()
	if len(entries) != 4 || !entries[3].End.Equal(at) {
		t.Fatalf("entries %+v: want the four focus phases only", entries)
	}
}

func TestPomodoroWithoutAutoStartsWaits(t *testing.T) {
	set := settings(focusflow.ModePomodoro)
	set.Plan.AutoBreaks = false
	tm := newTimer(t, set, taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	v := tm.expect(t0.Add(time.Hour), focusflow.TimerPaused, focusflow.PhaseWaiting, time.Time{})
	if v.NextPhase != focusflow.PhaseShortBreak || v.Elapsed != 25*time.Minute {
		t.Fatalf("after focus %+v", v)
	}
	tm.apply(t0.Add(time.Hour), cmd(focusflow.ActionResume, 0, 0)) // starts the break
	tm.expect(t0.Add(time.Hour), focusflow.TimerRunning, focusflow.PhaseShortBreak, t0.Add(65*time.Minute))
	v = tm.expect(t0.Add(65*time.Minute), focusflow.TimerPaused, focusflow.PhaseWaiting, time.Time{})
	if v.NextPhase != focusflow.PhaseFocus {
		t.Fatalf("after the break %+v", v)
	}
	tm.apply(t0.Add(70*time.Minute), cmd(focusflow.ActionResume, 0, 0))
	tm.expect(t0.Add(70*time.Minute), focusflow.TimerRunning, focusflow.PhaseFocus, t0.Add(95*time.Minute))
}

func TestPauseKeepsWhatIsLeftOfAPhase(t *testing.T) {
	tm := newTimer(t, settings(focusflow.ModePomodoro), taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	tm.apply(t0.Add(10*time.Minute), cmd(focusflow.ActionPause, 0, 0))
	v := tm.expect(t0.Add(2*time.Hour), focusflow.TimerPaused, focusflow.PhaseFocus, time.Time{})
	if v.PhaseLeft != 15*time.Minute {
		t.Fatalf("paused with %v left", v.PhaseLeft)
	}
	tm.apply(t0.Add(time.Hour), cmd(focusflow.ActionResume, 0, 0))
	tm.expect(t0.Add(time.Hour), focusflow.TimerRunning, focusflow.PhaseFocus, t0.Add(75*time.Minute))
	// Breaks pause too.
	tm.apply(t0.Add(77*time.Minute), cmd(focusflow.ActionPause, 0, 0))
	v = tm.expect(t0.Add(2*time.Hour), focusflow.TimerPaused, focusflow.PhaseShortBreak, time.Time{})
	if v.PhaseLeft != 3*time.Minute || v.Elapsed != 25*time.Minute {
		t.Fatalf("paused break %+v", v)
	}
}

func TestSkipAndExtend(t *testing.T) {
	tm := newTimer(t, settings(focusflow.ModePomodoro), taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	tm.apply(t0.Add(5*time.Minute), extendBy(10))
	tm.expect(t0.Add(5*time.Minute), focusflow.TimerRunning, focusflow.PhaseFocus, t0.Add(35*time.Minute))
	tm.apply(t0.Add(20*time.Minute), cmd(focusflow.ActionSkip, 0, 0)) // focus → break
	tm.expect(t0.Add(20*time.Minute), focusflow.TimerRunning, focusflow.PhaseShortBreak, t0.Add(25*time.Minute))
	tm.apply(t0.Add(21*time.Minute), cmd(focusflow.ActionSkip, 0, 0)) // break → focus
	tm.expect(t0.Add(21*time.Minute), focusflow.TimerRunning, focusflow.PhaseFocus, t0.Add(46*time.Minute))
	ph := tm.phases()
	if len(ph) != 2 || ph[0].Outcome != OutcomeSkipped || ph[0].Planned != 35*time.Minute || ph[1].Outcome != OutcomeSkipped {
		t.Fatalf("phases %+v", ph)
	}
	// A stopwatch has nothing to skip or extend.
	sw := newTimer(t, stopwatch, taskB)
	sw.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	for _, c := range []focusflow.TimerCommand{cmd(focusflow.ActionSkip, 0, 0), extendBy(5)} {
		if _, err := sw.try(t0.Add(time.Minute), c); focusflow.ErrorCode(err) != focusflow.ECONFLICT {
			t.Errorf("%s on a stopwatch: %v", c.Action, err)
		}
	}
}

func extendBy(m int) focusflow.TimerCommand {
	return focusflow.TimerCommand{Action: focusflow.ActionExtend, Minutes: m}
}

// --- countdown and flowtime ---

func TestCountdownLengths(t *testing.T) {
	est := Task{ID: 5, Title: "Estimated", Status: focusflow.StatusPaused, Spent: 10 * time.Minute, Estimate: 40 * time.Minute}
	done := Task{ID: 6, Title: "Over", Status: focusflow.StatusPaused, Spent: time.Hour, Estimate: 30 * time.Minute}
	for _, tc := range []struct {
		name  string
		task  Task
		given int
		want  time.Duration
	}{
		{"what is left of the estimate", est, 0, 30 * time.Minute},
		{"given wins", est, 15, 15 * time.Minute},
		{"estimate used up: the default", done, 0, 25 * time.Minute},
		{"no estimate: the default", taskB, 0, 25 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := newTimer(t, settings(focusflow.ModeCountdown), tc.task)
			c := cmd(focusflow.ActionStart, tc.task.ID, 0)
			c.FocusMinutes = tc.given
			tm.apply(t0, c)
			tm.expect(t0, focusflow.TimerRunning, focusflow.PhaseFocus, t0.Add(tc.want))
			// One phase, then it waits for another.
			v := tm.expect(t0.Add(tc.want), focusflow.TimerPaused, focusflow.PhaseWaiting, time.Time{})
			if v.NextPhase != focusflow.PhaseFocus {
				t.Fatalf("after the countdown %+v", v)
			}
		})
	}
}

func TestFlowtimeOffersABreakInProportion(t *testing.T) {
	tm := newTimer(t, settings(focusflow.ModeFlowtime), taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	tm.expect(t0.Add(3*time.Hour), focusflow.TimerRunning, focusflow.PhaseFocus, time.Time{}) // counts up, no end
	tm.apply(t0.Add(50*time.Minute), cmd(focusflow.ActionPause, 0, 0))
	tm.expect(t0.Add(50*time.Minute), focusflow.TimerRunning, focusflow.PhaseShortBreak, t0.Add(60*time.Minute))
	v := tm.expect(t0.Add(60*time.Minute), focusflow.TimerPaused, focusflow.PhaseWaiting, time.Time{})
	if v.NextPhase != focusflow.PhaseFocus || v.Elapsed != 50*time.Minute {
		t.Fatalf("after the break %+v", v)
	}
	// Without automatic breaks the break is offered, not started.
	set := settings(focusflow.ModeFlowtime)
	set.Plan.AutoBreaks, set.Plan.FlowRatio = false, 3
	tm = newTimer(t, set, taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	tm.apply(t0.Add(30*time.Minute), cmd(focusflow.ActionPause, 0, 0))
	v = tm.expect(t0.Add(time.Hour), focusflow.TimerPaused, focusflow.PhaseWaiting, time.Time{})
	if v.NextPhase != focusflow.PhaseShortBreak {
		t.Fatalf("offered %+v", v)
	}
	tm.apply(t0.Add(time.Hour), cmd(focusflow.ActionResume, 0, 0))
	tm.expect(t0.Add(time.Hour), focusflow.TimerRunning, focusflow.PhaseShortBreak, t0.Add(70*time.Minute))
}

// --- boundaries ---

func TestBoundariesToTheMillisecond(t *testing.T) {
	tm := newTimer(t, settings(focusflow.ModePomodoro), taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	end := t0.Add(25 * time.Minute)
	before := tm.expect(end.Add(-time.Millisecond), focusflow.TimerRunning, focusflow.PhaseFocus, end)
	at := tm.expect(end, focusflow.TimerRunning, focusflow.PhaseShortBreak, end.Add(5*time.Minute))
	if at.Version != before.Version+1 || at.Elapsed != 25*time.Minute {
		t.Fatalf("at the boundary %+v, before %+v", at, before)
	}
	// An action a millisecond before the end acts on the focus phase; one
	// at the end acts on the break.
	c, err := Apply(tm.state, cmd(focusflow.ActionPause, 0, before.Version), nil, end.Add(-time.Millisecond), tm.set)
	if err != nil || c.State.Phase != focusflow.PhaseFocus || c.State.PhaseLeft != time.Millisecond {
		t.Fatalf("pause before the end: %+v %v", c.State, err)
	}
	c, err = Apply(tm.state, cmd(focusflow.ActionPause, 0, at.Version), nil, end, tm.set)
	if err != nil || c.State.Phase != focusflow.PhaseShortBreak || c.State.PhaseLeft != 5*time.Minute {
		t.Fatalf("pause at the end: %+v %v", c.State, err)
	}
}

// A phase is a span of instants: across a daylight-saving change or
// midnight it lasts exactly its length.
func TestPhasesAcrossDSTAndMidnight(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, start := range []time.Time{
		time.Date(2026, 3, 8, 1, 50, 0, 0, ny),  // clocks jump from 02:00 to 03:00
		time.Date(2026, 11, 1, 1, 50, 0, 0, ny), // 01:00–02:00 happens twice
		time.Date(2026, 3, 10, 23, 50, 0, 0, ny),
	} {
		tm := newTimer(t, settings(focusflow.ModePomodoro), taskB)
		tm.apply(start, cmd(focusflow.ActionStart, taskB.ID, 0))
		tm.advance(start.Add(time.Hour))
		e := tm.entries()
		if len(e) != 1 || e[0].End.Sub(e[0].Start) != 25*time.Minute {
			t.Fatalf("from %s: entries %+v", start, e)
		}
	}
}

func TestForgottenStopwatchIsCapped(t *testing.T) {
	tm := newTimer(t, stopwatch, taskA)
	tm.apply(t0, cmd(focusflow.ActionStart, taskA.ID, 0))
	if _, ok := tm.advance(t0.Add(4 * time.Hour)); ok {
		t.Fatal("capped at exactly the cap")
	}
	before := tm.view(t0.Add(30 * time.Hour))
	c, ok := tm.advance(t0.Add(30 * time.Hour))
	if !ok || c.Capped == nil || !c.Capped.EndedAt.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("capped %+v %v", c.Capped, ok)
	}
	// What a read showed before the cap was recorded is what it records.
	if after := tm.view(t0.Add(31 * time.Hour)); *before != *after {
		t.Fatalf("read before the cap %+v, after %+v", before, after)
	}
	if before.State != focusflow.TimerPaused || before.Elapsed != 4*time.Hour+10*time.Minute {
		t.Fatalf("capped timer %+v", before)
	}
	if c.Lines[0].Message != "Timer stopped automatically after 4 h on: Write. Correct its end if you stopped earlier." {
		t.Fatalf("lines %+v", c.Lines)
	}
	// Resuming goes on with the capped version.
	tm.apply(t0.Add(31*time.Hour), cmd(focusflow.ActionResume, 0, 0))
}

func TestCapZeroMeansNoCap(t *testing.T) {
	tm := newTimer(t, Settings{Plan: stopwatch.Plan}, taskA)
	tm.apply(t0, cmd(focusflow.ActionStart, taskA.ID, 0))
	if _, ok := tm.advance(t0.Add(300 * time.Hour)); ok {
		t.Fatal("a zero cap capped")
	}
}

func TestRelease(t *testing.T) {
	tm := newTimer(t, stopwatch, taskA)
	tm.apply(t0, cmd(focusflow.ActionStart, taskA.ID, 0))
	c := Release(tm.state, taskA.ID, t0.Add(10*time.Minute))
	if len(c.Entries) != 1 || c.Entries[0].Status != "" || c.State.TaskID != 0 || !c.Save {
		t.Fatalf("releasing the running task: %+v", c)
	}
	c = Release(tm.state, taskB.ID, t0.Add(10*time.Minute))
	if len(c.Entries) != 0 || c.Save || c.State.TaskID != taskA.ID {
		t.Fatalf("releasing another task touched the timer: %+v", c)
	}
}

func TestSwitchingTaskKeepsThePhase(t *testing.T) {
	tm := newTimer(t, settings(focusflow.ModePomodoro), taskA, taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	tm.apply(t0.Add(10*time.Minute), cmd(focusflow.ActionStart, taskA.ID, 0))
	v := tm.expect(t0.Add(10*time.Minute), focusflow.TimerRunning, focusflow.PhaseFocus, t0.Add(25*time.Minute))
	if v.TaskID != taskA.ID {
		t.Fatalf("on task %d", v.TaskID)
	}
	// Another mode starts a new session.
	c := cmd(focusflow.ActionStart, taskA.ID, 0)
	c.Mode = focusflow.ModeStopwatch
	tm.apply(t0.Add(12*time.Minute), c)
	v = tm.expect(t0.Add(time.Hour), focusflow.TimerRunning, focusflow.PhaseFocus, time.Time{})
	if v.Mode != focusflow.ModeStopwatch || len(tm.phases()) != 1 || tm.phases()[0].Outcome != OutcomeStopped {
		t.Fatalf("after switching mode %+v, phases %+v", v, tm.phases())
	}
}

func TestCloseNeverEndsBeforeItsStart(t *testing.T) {
	// Another instance's clock may be behind the one that opened the entry.
	tm := newTimer(t, stopwatch, taskA)
	tm.apply(t0.Add(time.Second), cmd(focusflow.ActionStart, taskA.ID, 0))
	c := tm.apply(t0, cmd(focusflow.ActionPause, 0, 0))
	if !c.Entries[0].End.Equal(t0.Add(time.Second)) {
		t.Fatalf("closed at %v, before its start", c.Entries[0].End)
	}
}

func TestActionsInOneMillisecondDropTheEmptyEntry(t *testing.T) {
	tm := newTimer(t, stopwatch, taskA, taskB)
	tm.apply(t0, cmd(focusflow.ActionStart, taskA.ID, 0))
	c := tm.apply(t0, cmd(focusflow.ActionStart, taskB.ID, 0))
	if c.Entries[0] != (EntryOp{Drop: true, Entry: Entry{TaskID: taskA.ID, Start: t0}, End: t0,
		Source: focusflow.SourceTimer, Status: focusflow.StatusPaused}) {
		t.Fatalf("switching in the millisecond A began: %+v", c.Entries)
	}
	tm.apply(t0.Add(time.Second), cmd(focusflow.ActionStop, 0, 0))
	want := []Span{{TaskID: taskB.ID, Start: t0, End: t0.Add(time.Second)}}
	if got := tm.entries(); !reflect.DeepEqual(got, want) {
		t.Fatalf("entries %+v, want %+v", got, want)
	}
}

func kinds(c Change) []string {
	var out []string
	for _, l := range c.Lines {
		out = append(out, l.Kind)
	}
	return out
}
