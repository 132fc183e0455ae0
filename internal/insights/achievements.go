package insights

import (
	"sort"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Achievements are judged on recorded figures: the running timer's time
// counts once it is stopped. Each has an unlock instant that follows from
// the figures alone, never from the time of the evaluation, so a read
// shows the instant that the award pass later stores:
//
//   - a day-based figure (tasks, focus hours, streaks, goal days) that
//     first reached its threshold on a day that has ended: the end of that
//     local day;
//   - on a day that has not ended (today, or a later date a task is dated
//     on): the instant of the recorded change that took it there (the
//     task's completion, the end of the entry), as the Completions and
//     Entries of the Facts tell;
//   - deep work: the end of the 10th qualifying entry; punctuality: the
//     10th on-time start.
//
// A threshold crossed today counts at its recorded instant until midnight
// and at the end of the day after it: an award pass that runs across that
// midnight stores the latter.

// Span is a closed time entry.
type Span struct{ Start, End time.Time }

// Completion is a completed task: its date and when it was completed.
type Completion struct {
	Date string
	At   time.Time
}

// Facts are what the achievements are judged on. NeedsOf says which of
// them an evaluation uses.
type Facts struct {
	Now  time.Time
	Loc  *time.Location
	Goal time.Duration
	// Stored are the unlocked achievements as stored: id → unlocked_at.
	// They stay unlocked whatever the figures say now.
	Stored map[string]time.Time
	// History is every stored per-day row of the user, oldest first.
	History []focusflow.DayStats
	// Completions are the completed tasks dated today or later, and
	// Entries the closed entries that end after today begins: they date
	// the thresholds crossed on days that have not ended.
	Completions []Completion
	Entries     []Span
	// DeepWork are the ends of the timer entries of at least DeepWorkMin
	// that started within PlanWindow, oldest first; ten are enough.
	DeepWork []time.Time
	// Planned are the planned tasks of PlanWindow (punctuality).
	Planned []PlannedTask
	// Of focus sessions, oldest first and no more than the largest
	// target: the ends of focus phases completed as planned, the ends of
	// breaks, the starts of long breaks (full cycles).
	PhasesDone, Breaks, Cycles []time.Time
}

// SessionFacts are how many of each session fact the achievements need
// at most.
const (
	MaxPhasesDone = 25
	MaxBreaks     = 20
	MaxCycles     = 1
)

// Needs says which facts are read.
type Needs struct {
	History  bool // History, Completions and Entries
	DeepWork bool
	Plan     bool
	Sessions bool // PhasesDone, Breaks and Cycles
}

// NeedsOf says which facts the locked achievements need: none when every
// achievement is stored.
func NeedsOf(stored map[string]time.Time) Needs {
	var n Needs
	for _, d := range defs {
		if _, ok := stored[d.id]; !ok {
			n.History = n.History || d.reads.History
			n.DeepWork = n.DeepWork || d.reads.DeepWork
			n.Plan = n.Plan || d.reads.Plan
			n.Sessions = n.Sessions || d.reads.Sessions
		}
	}
	return n
}

// Count is how many achievements there are.
func Count() int { return len(defs) }

// Achievements evaluates every achievement, in the order shown: stored
// ones keep their instant; locked ones whose threshold the facts reach are
// unlocked with the instant the figures give (see above).
func Achievements(f Facts) []focusflow.Achievement {
	out := make([]focusflow.Achievement, len(defs))
	var e *eval
	for i, d := range defs {
		a := focusflow.Achievement{ID: d.id, Name: d.name, Description: d.description, Category: d.category,
			Target: d.target, Unit: d.unit}
		if at, ok := f.Stored[d.id]; ok {
			a.Unlocked, a.UnlockedAt, a.Current = true, at, d.target
			out[i] = a
			continue
		}
		if e == nil {
			e = newEval(f)
		}
		cur, crossed := d.metric(e, d.target)
		a.Current = min(cur, d.target)
		// Streak progress is the current run, which may be short of a
		// target an earlier run reached: crossed says so.
		if cur >= d.target || !crossed.IsZero() {
			if crossed.IsZero() || crossed.After(e.now) {
				crossed = e.now
			}
			a.Unlocked, a.UnlockedAt, a.Current = true, crossed.UTC().Truncate(time.Millisecond), d.target
		}
		out[i] = a
	}
	return out
}

// Earned lists the achievements of list that are unlocked but not stored.
func Earned(list []focusflow.Achievement, stored map[string]time.Time) []focusflow.Achievement {
	var out []focusflow.Achievement
	for _, a := range list {
		if _, ok := stored[a.ID]; a.Unlocked && !ok {
			out = append(out, a)
		}
	}
	return out
}

// NextCheck is when achievements may next be earned without any change to
// the figures: the start of tomorrow while a later day already has some (a
// task completed ahead of its date counts towards a streak once its day
// comes); zero otherwise.
func NextCheck(history []focusflow.DayStats, now time.Time, loc *time.Location) time.Time {
	today := localdate.Today(now, loc)
	for i := len(history) - 1; i >= 0 && history[i].Date > today; i-- {
		if history[i].Completed > 0 || history[i].Focus > 0 {
			return localdate.DayEnd(today, loc)
		}
	}
	return time.Time{}
}

// need is what a day's figures must reach for a threshold: completed
// tasks and focus time recorded on that day.
type need struct {
	completed int
	focus     time.Duration
}

// change is one recorded change to a day that has not ended.
type change struct {
	at        time.Time
	completed int
	focus     time.Duration
}

// eval is the evaluation state: the facts and what follows from them.
type eval struct {
	Facts
	today     string
	now       time.Time
	dns       []int64
	cRuns     []run // completed-task runs, oldest first
	fRuns     []run // focus-goal runs
	completed islands
	focused   islands
	changes   map[string][]change // by date, in recorded order
	onTime    []time.Time
}

func newEval(f Facts) *eval {
	e := &eval{Facts: f, now: f.Now.UTC().Truncate(time.Millisecond), today: localdate.Today(f.Now, f.Loc)}
	todayDN := epochDay(e.today)
	e.dns = dayNumbers(f.History)
	e.cRuns = runsOf(f.History, e.dns, todayDN, isDone)
	e.fRuns = runsOf(f.History, e.dns, todayDN, atGoal(f.Goal))
	e.completed, e.focused = islandsOf(e.cRuns, todayDN), islandsOf(e.fRuns, todayDN)
	e.changes = map[string][]change{}
	for _, c := range f.Completions {
		if c.Date >= e.today {
			e.changes[c.Date] = append(e.changes[c.Date], change{at: c.At, completed: 1})
		}
	}
	for _, s := range f.Entries {
		for _, p := range localdate.Portions(s.Start, s.End, f.Loc) {
			if p.Date >= e.today {
				e.changes[p.Date] = append(e.changes[p.Date], change{at: s.End, focus: time.Duration(p.MS) * time.Millisecond})
			}
		}
	}
	for _, cs := range e.changes {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].at.Before(cs[j].at) })
	}
	_, e.onTime = foldPlan(f.Planned, nil, e.today, f.Loc)
	return e
}

// dayInstant is when a threshold that date's figures reached by n counts
// as crossed (see the comment at the top of this file).
func (e *eval) dayInstant(date string, n need) time.Time {
	if last := localdate.DayEnd(date, e.Loc).Add(-time.Millisecond); !last.After(e.now) {
		return last.UTC()
	}
	var done int
	var focus time.Duration
	var at time.Time
	for _, c := range e.changes[date] {
		done, focus, at = done+c.completed, focus+c.focus, c.at
		if done >= n.completed && focus >= n.focus {
			return at
		}
	}
	// Figures without recorded changes to match (an entry longer than
	// the store looks back for): the latest change, else now.
	if at.IsZero() {
		return e.now
	}
	return at
}

// dayCounted is dayInstant for thresholds that count a day only once it
// has come (streaks, goal days): a task completed ahead of its date
// counts from the start of that date.
func (e *eval) dayCounted(date string, n need) time.Time {
	at := e.dayInstant(date, n)
	if start := localdate.DayStart(date, e.Loc); at.Before(start) {
		return start.UTC()
	}
	return at
}

// cumulative returns the running total of value over the history and when
// it reached target; instant says when, given the day of the crossing and
// what was still missing before it.
func (e *eval) cumulative(target int64, value func(focusflow.DayStats) int64, instant func(date string, missing int64) time.Time) (int64, time.Time) {
	var sum int64
	var crossed time.Time
	for _, d := range e.History {
		v := value(d)
		if crossed.IsZero() && target > 0 && sum+v >= target {
			crossed = instant(d.Date, target-sum)
		}
		sum += v
	}
	return sum, crossed
}

// reached returns when a run of at least n days was first completed; day
// is what its last day had to reach.
func (e *eval) reached(runs []run, n int, day need) time.Time {
	for _, r := range runs {
		if r.n >= n {
			return e.dayCounted(epochDate(r.first+int64(n)-1), day)
		}
	}
	return time.Time{}
}

// goalDay is what a day needs to reach the goal.
func (e *eval) goalDay() need { return need{focus: e.Goal} }

func (e *eval) isGoalDay(d focusflow.DayStats) bool {
	return e.Goal > 0 && d.Focus >= e.Goal && d.Date <= e.today
}
