package insights

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

// now is a Friday noon in UTC; the facts below are of earlier days.
var now = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

func endOf(date string) time.Time {
	d, _ := time.Parse("2006-01-02", date)
	return d.AddDate(0, 0, 1).Add(-time.Millisecond)
}

func byID(list []focusflow.Achievement) map[string]focusflow.Achievement {
	m := map[string]focusflow.Achievement{}
	for _, a := range list {
		m[a.ID] = a
	}
	return m
}

// instants gives n instants a minute apart from 2026-03-19 09:00.
func instants(n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = time.Date(2026, 3, 19, 9, i, 0, 0, time.UTC)
	}
	return out
}

// onTime gives n planned tasks, each started at its planned time.
func onTime(n int) []PlannedTask {
	out := make([]PlannedTask, n)
	for i := range out {
		out[i] = PlannedTask{ID: int64(i + 1), Date: "2026-03-19", Start: fmt.Sprintf("%02d:00", i+8), Estimate: time.Hour,
			FirstStart: time.Date(2026, 3, 19, i+8, 0, 0, 0, time.UTC)}
	}
	return out
}

// Each metric at its threshold and one short of it.
func TestAchievementThresholds(t *testing.T) {
	const goal = time.Hour
	many := func(n int, s focusflow.DayStats) []focusflow.DayStats {
		out := make([]focusflow.DayStats, n)
		for i, d := range span("2026-01-01", n) {
			s.Date = d
			out[i] = s
		}
		return out
	}
	every2 := func(n int, s focusflow.DayStats) []focusflow.DayStats { // never two days in a row
		out := make([]focusflow.DayStats, n)
		for i := range out {
			s.Date = span("2025-06-01", 2*n)[2*i]
			out[i] = s
		}
		return out
	}
	oneDay := func(s focusflow.DayStats) []focusflow.DayStats { s.Date = "2026-02-02"; return []focusflow.DayStats{s} }
	cases := []struct {
		id         string
		at, short  Facts
		want       time.Time
		shortCount int // progress one short of the threshold
	}{
		{"first_task", Facts{History: oneDay(focusflow.DayStats{Completed: 1})}, Facts{}, endOf("2026-02-02"), 0},
		{"tasks_10", Facts{History: many(10, focusflow.DayStats{Completed: 1})}, Facts{History: many(9, focusflow.DayStats{Completed: 1})},
			endOf("2026-01-10"), 9},
		{"tasks_50", Facts{History: oneDay(focusflow.DayStats{Completed: 50})}, Facts{History: oneDay(focusflow.DayStats{Completed: 49})},
			endOf("2026-02-02"), 49},
		{"tasks_100", Facts{History: every2(100, focusflow.DayStats{Completed: 1})}, Facts{History: every2(99, focusflow.DayStats{Completed: 1})},
			endOf(span("2025-06-01", 200)[198]), 99},
		{"focus_1h", Facts{History: oneDay(focusflow.DayStats{Focus: time.Hour})}, Facts{History: oneDay(focusflow.DayStats{Focus: time.Hour - time.Millisecond})},
			endOf("2026-02-02"), 59},
		{"focus_10h", Facts{History: many(10, focusflow.DayStats{Focus: time.Hour})}, Facts{History: many(10, focusflow.DayStats{Focus: 59*time.Minute + 54*time.Second})},
			endOf("2026-01-10"), 599},
		{"focus_100h", Facts{History: many(50, focusflow.DayStats{Focus: 2 * time.Hour})}, Facts{History: many(50, focusflow.DayStats{Focus: 2*time.Hour - time.Second})},
			endOf("2026-02-19"), 5999},
		{"streak_3", Facts{History: many(3, focusflow.DayStats{Completed: 1})}, Facts{History: every2(3, focusflow.DayStats{Completed: 1})},
			endOf("2026-01-03"), 0},
		{"streak_7", Facts{History: many(7, focusflow.DayStats{Completed: 1})}, Facts{History: many(6, focusflow.DayStats{Completed: 1})},
			endOf("2026-01-07"), 0},
		{"streak_30", Facts{History: many(30, focusflow.DayStats{Completed: 1})}, Facts{History: many(29, focusflow.DayStats{Completed: 1})},
			endOf("2026-01-30"), 0},
		{"goal_first", Facts{History: oneDay(focusflow.DayStats{Focus: goal})}, Facts{History: oneDay(focusflow.DayStats{Focus: goal - time.Millisecond})},
			endOf("2026-02-02"), 0},
		{"goal_streak_5", Facts{History: many(5, focusflow.DayStats{Focus: goal})}, Facts{History: many(4, focusflow.DayStats{Focus: goal})},
			endOf("2026-01-05"), 0},
		{"goal_days_20", Facts{History: every2(20, focusflow.DayStats{Focus: goal})}, Facts{History: every2(19, focusflow.DayStats{Focus: goal})},
			endOf(span("2025-06-01", 40)[38]), 19},
		{"goal_streak_30", Facts{History: many(30, focusflow.DayStats{Focus: goal})}, Facts{History: many(29, focusflow.DayStats{Focus: goal})},
			endOf("2026-01-30"), 0},
		// 2026-01-05 is a Monday: Monday to Sunday, and Tuesday to Monday.
		{"goal_week", Facts{History: focused(goal, span("2026-01-05", 7)...)}, Facts{History: focused(goal, span("2026-01-06", 7)...)},
			endOf("2026-01-11"), 0},
		{"deep_work_10", Facts{DeepWork: instants(10)}, Facts{DeepWork: instants(9)}, instants(10)[9], 9},
		{"punctual_10", Facts{Planned: onTime(10)}, Facts{Planned: onTime(9)}, time.Date(2026, 3, 19, 17, 0, 0, 0, time.UTC), 9},
		{"phase_first", Facts{PhasesDone: instants(1)}, Facts{}, instants(1)[0], 0},
		{"phases_25", Facts{PhasesDone: instants(25)}, Facts{PhasesDone: instants(24)}, instants(25)[24], 24},
		{"cycle_first", Facts{Cycles: instants(1)}, Facts{}, instants(1)[0], 0},
		{"breaks_20", Facts{Breaks: instants(20)}, Facts{Breaks: instants(19)}, instants(20)[19], 19},
	}
	if len(cases) != Count() {
		t.Fatalf("%d cases for %d achievements", len(cases), Count())
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			for _, f := range []*Facts{&c.at, &c.short} {
				f.Now, f.Loc, f.Goal = now, time.UTC, goal
			}
			a := byID(Achievements(c.at))[c.id]
			if !a.Unlocked || !a.UnlockedAt.Equal(c.want) || a.Current != a.Target {
				t.Errorf("at the threshold: %+v, want unlocked at %v", a, c.want)
			}
			s := byID(Achievements(c.short))[c.id]
			if s.Unlocked || !s.UnlockedAt.IsZero() || s.Current != c.shortCount {
				t.Errorf("one short: %+v, want progress %d", s, c.shortCount)
			}
		})
	}
}

// A threshold crossed on a day that has not ended counts at the recorded
// change that took it there, whenever the evaluation runs; once the day
// has ended, at its end.
func TestUnlockInstantOnADayThatHasNotEnded(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	at := func(h, m int) time.Time { return time.Date(2026, 3, 20, h, m, 0, 0, berlin) }
	f := Facts{Loc: berlin, Goal: time.Hour,
		History: []focusflow.DayStats{
			{Date: "2026-03-19", Focus: 30 * time.Minute},
			{Date: "2026-03-20", Focus: 50 * time.Minute, Total: 2, Completed: 2},
			{Date: "2026-03-23", Total: 1, Completed: 1}, // completed ahead of its date
		},
		// 23:50 yesterday to 00:10 today: ten minutes count today.
		Entries: []Span{{at(-1, 50), at(0, 10)}, {at(8, 0), at(8, 25)}, {at(9, 0), at(9, 15)}},
		Completions: []Completion{
			{"2026-03-20", at(11, 0)}, {"2026-03-20", at(10, 0)}, {"2026-03-23", at(11, 30)},
			{"2026-03-18", at(7, 0)}, // an ended day: not a change of today's
		},
	}
	want := map[string]time.Time{
		"focus_1h":   at(8, 25),   // 30 min yesterday, then 10 + 25 today
		"first_task": at(10, 0),   // the earlier of today's two completions
		"goal_first": time.Time{}, // 50 minutes today: under the goal
		"streak_3":   time.Time{}, // 23 March does not count before its day
	}
	for _, evaluated := range []time.Time{at(12, 0), at(18, 0), at(23, 59)} {
		f.Now = evaluated
		got := byID(Achievements(f))
		for id, w := range want {
			if a := got[id]; a.Unlocked != !w.IsZero() || !a.UnlockedAt.Equal(w) {
				t.Errorf("evaluated at %v: %s %+v, want %v", evaluated, id, a, w)
			}
		}
		// 23 March's task counts towards the total at once.
		if a := got["tasks_10"]; a.Unlocked || a.Current != 3 {
			t.Errorf("tasks_10: %+v", a)
		}
	}
	// The next day: today has ended, and counts at its end.
	f.Now = at(24, 5)
	if a := byID(Achievements(f))["focus_1h"]; !a.Unlocked || !a.UnlockedAt.Equal(at(24, 0).Add(-time.Millisecond).UTC()) {
		t.Errorf("after midnight: %+v", a)
	}
}

// A completed task dated ahead counts on its date: first_task unlocks at
// its completion, and the streak it extends waits for its day.
func TestCompletedAheadOfItsDate(t *testing.T) {
	completed := time.Date(2026, 3, 20, 9, 30, 0, 0, time.UTC)
	f := Facts{Now: now, Loc: time.UTC, Goal: time.Hour,
		History:     done("2026-03-18", "2026-03-19", "2026-03-21"),
		Completions: []Completion{{"2026-03-21", completed}}}
	got := byID(Achievements(f))
	if a := got["first_task"]; !a.Unlocked || !a.UnlockedAt.Equal(endOf("2026-03-18")) {
		t.Errorf("first_task: %+v", a)
	}
	if a := got["streak_3"]; a.Unlocked || a.Current != 2 {
		t.Errorf("streak_3 before 21 March (20 March has nothing): %+v", a)
	}
	if next := NextCheck(f.History, now, time.UTC); !next.Equal(time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("next check %v, want the start of tomorrow", next)
	}
	if next := NextCheck(done("2026-03-18", "2026-03-20"), now, time.UTC); !next.IsZero() {
		t.Errorf("nothing ahead: next check %v", next)
	}
}

// Stored achievements keep their instant whatever the facts say now, and
// need no facts once all are stored.
func TestStoredAchievementsStay(t *testing.T) {
	stored := map[string]time.Time{"first_task": time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)}
	f := Facts{Now: now, Loc: time.UTC, Goal: time.Hour, Stored: stored, History: done("2026-03-01")}
	list := Achievements(f)
	if a := byID(list)["first_task"]; !a.Unlocked || !a.UnlockedAt.Equal(stored["first_task"]) || a.Current != 1 {
		t.Fatalf("first_task: %+v", a)
	}
	if earned := Earned(list, stored); len(earned) != 0 {
		t.Fatalf("nothing new: %+v", earned)
	}
	f.History = done("2026-03-01", "2026-03-02", "2026-03-03")
	earned := Earned(Achievements(f), stored)
	if len(earned) != 1 || earned[0].ID != "streak_3" || !earned[0].UnlockedAt.Equal(endOf("2026-03-03")) {
		t.Fatalf("earned %+v", earned)
	}

	all := map[string]time.Time{}
	for _, d := range defs {
		all[d.id] = now
	}
	if n := NeedsOf(all); n != (Needs{}) {
		t.Fatalf("all stored, still needs %+v", n)
	}
	delete(all, "deep_work_10")
	if n := NeedsOf(all); n != (Needs{DeepWork: true}) {
		t.Fatalf("deep work locked: needs %+v", n)
	}
	if n := NeedsOf(nil); n != (Needs{History: true, DeepWork: true, Plan: true, Sessions: true}) {
		t.Fatalf("nothing stored: needs %+v", n)
	}
	list = Achievements(Facts{Now: now, Loc: time.UTC, Stored: all})
	if slices.ContainsFunc(list, func(a focusflow.Achievement) bool { return a.ID != "deep_work_10" && !a.Unlocked }) {
		t.Fatal("a stored achievement shows locked")
	}
}

// Streak progress is the current run: a locked streak shows it.
func TestStreakProgressIsTheCurrentRun(t *testing.T) {
	today := time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC)
	f := Facts{Now: now, Loc: time.UTC, Goal: time.Hour, History: done("2026-03-10", "2026-03-11", "2026-03-18", "2026-03-19", "2026-03-20"),
		Completions: []Completion{{"2026-03-20", today}}}
	got := byID(Achievements(f))
	if a := got["streak_3"]; !a.Unlocked || !a.UnlockedAt.Equal(today) {
		t.Errorf("streak_3: %+v, want unlocked at today's completion", a)
	}
	if a := got["streak_7"]; a.Unlocked || a.Current != 3 {
		t.Errorf("streak_7: %+v", a)
	}
}
