package insights

import (
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// def defines an achievement. metric gives the current progress and when
// the threshold was crossed (zero if not); reads are the facts it uses.
type def struct {
	id, name, description, category, unit string
	target                                int
	metric                                func(e *eval, target int) (current int, crossed time.Time)
	reads                                 Needs
}

var (
	fromHistory  = Needs{History: true}
	fromDeepWork = Needs{DeepWork: true}
	fromPlan     = Needs{Plan: true}
	fromSessions = Needs{Sessions: true}
)

// defs is the list, in the order shown. IDs are stable: they are stored.
var defs = []def{
	{"first_task", "First step", "Complete your first task.", "tasks", "tasks", 1, completedTasks, fromHistory},
	{"tasks_10", "Getting things done", "Complete 10 tasks.", "tasks", "tasks", 10, completedTasks, fromHistory},
	{"tasks_50", "Productive", "Complete 50 tasks.", "tasks", "tasks", 50, completedTasks, fromHistory},
	{"tasks_100", "Centurion", "Complete 100 tasks.", "tasks", "tasks", 100, completedTasks, fromHistory},
	{"focus_1h", "First hour", "Record 1 hour of focus time.", "focus", "minutes", 60, focusMinutes, fromHistory},
	{"focus_10h", "Ten hours in", "Record 10 hours of focus time.", "focus", "minutes", 600, focusMinutes, fromHistory},
	{"focus_100h", "Hundred-hour club", "Record 100 hours of focus time.", "focus", "minutes", 6000, focusMinutes, fromHistory},
	{"streak_3", "On a roll", "Complete a task 3 days in a row.", "streak", "days", 3, taskStreak, fromHistory},
	{"streak_7", "Week streak", "Complete a task 7 days in a row.", "streak", "days", 7, taskStreak, fromHistory},
	{"streak_30", "Unstoppable", "Complete a task 30 days in a row.", "streak", "days", 30, taskStreak, fromHistory},
	{"goal_first", "On target", "Reach your daily focus goal for the first time.", "steady", "days", 1, goalDays, fromHistory},
	{"goal_streak_5", "Five in a row", "Reach your daily focus goal 5 days in a row.", "steady", "days", 5, focusStreak, fromHistory},
	{"goal_week", "Perfect week", "Reach your daily focus goal on every day of a Monday–Sunday week.", "steady", "days", 7, perfectWeek, fromHistory},
	{"goal_days_20", "Steady hand", "Reach your daily focus goal on 20 days.", "steady", "days", 20, goalDays, fromHistory},
	{"goal_streak_30", "Habit formed", "Reach your daily focus goal 30 days in a row.", "steady", "days", 30, focusStreak, fromHistory},
	{"deep_work_10", "Deep work", "Focus for 25 minutes or more without pausing, 10 times within 30 days (timer sessions).", "steady", "sessions", 10, deepWork, fromDeepWork},
	{"punctual_10", "Right on time", "Start 10 planned tasks within 5 minutes of their planned time, within 30 days.", "steady", "tasks", 10, punctual, fromPlan},
	{"phase_first", "In the zone", "Finish a planned focus phase (countdown or pomodoro) without cutting it short.", "sessions", "phases", 1, phasesDone, fromSessions},
	{"phases_25", "Tomato farmer", "Finish 25 planned focus phases without cutting them short.", "sessions", "phases", MaxPhasesDone, phasesDone, fromSessions},
	{"cycle_first", "Full circle", "Complete a full pomodoro cycle: focus phases and short breaks up to a long break.", "sessions", "cycles", MaxCycles, cycles, fromSessions},
	{"breaks_20", "Well rested", "Take 20 breaks between focus phases.", "sessions", "breaks", MaxBreaks, breaksTaken, fromSessions},
}

func phasesDone(e *eval, target int) (int, time.Time)  { return nth(e.PhasesDone, target) }
func cycles(e *eval, target int) (int, time.Time)      { return nth(e.Cycles, target) }
func breaksTaken(e *eval, target int) (int, time.Time) { return nth(e.Breaks, target) }

func completedTasks(e *eval, target int) (int, time.Time) {
	n, at := e.cumulative(int64(target), func(d focusflow.DayStats) int64 { return int64(d.Completed) },
		func(date string, missing int64) time.Time { return e.dayInstant(date, need{completed: int(missing)}) })
	return int(n), at
}

func focusMinutes(e *eval, target int) (int, time.Time) {
	total, at := e.cumulative(int64(time.Duration(target)*time.Minute), func(d focusflow.DayStats) int64 { return int64(d.Focus) },
		func(date string, missing int64) time.Time {
			return e.dayInstant(date, need{focus: time.Duration(missing)})
		})
	return int(time.Duration(total) / time.Minute), at
}

// Streak progress is the current streak: a locked N-day streak can only be
// reached by making the current run N days long.
func taskStreak(e *eval, target int) (int, time.Time) {
	return e.completed.current, e.reached(e.cRuns, target, need{completed: 1})
}

func focusStreak(e *eval, target int) (int, time.Time) {
	return e.focused.current, e.reached(e.fRuns, target, e.goalDay())
}

func goalDays(e *eval, target int) (int, time.Time) {
	n, at := e.cumulative(int64(target), func(d focusflow.DayStats) int64 {
		if e.isGoalDay(d) {
			return 1
		}
		return 0
	}, func(date string, _ int64) time.Time { return e.dayCounted(date, e.goalDay()) })
	return int(n), at
}

// perfectWeek: a Monday–Sunday week with the goal met every day. Progress
// is this week's goal days so far.
func perfectWeek(e *eval, _ int) (int, time.Time) {
	var crossed time.Time
	for _, r := range e.fRuns {
		monday := r.first + (7-(r.first+3)%7)%7 // day 0, 1970-01-01, was a Thursday
		if sunday := monday + 6; sunday <= r.last {
			crossed = e.dayCounted(epochDate(sunday), e.goalDay())
			break
		}
	}
	week := localdate.WeekOf(e.today)
	n := 0
	for _, d := range e.History {
		if d.Date >= week[0] && e.isGoalDay(d) {
			n++
		}
	}
	return n, crossed
}

func deepWork(e *eval, target int) (int, time.Time) {
	return nth(e.DeepWork, target)
}

func punctual(e *eval, target int) (int, time.Time) {
	return nth(e.onTime, target)
}

// nth is progress over a list of instants (oldest first): how many, and
// the target-th when there are enough.
func nth(list []time.Time, target int) (int, time.Time) {
	if len(list) >= target {
		return len(list), list[target-1]
	}
	return len(list), time.Time{}
}
