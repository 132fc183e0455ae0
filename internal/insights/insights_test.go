package insights

import (
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

func TestCheckRange(t *testing.T) {
	for _, c := range []struct {
		from, to, field string
	}{
		{"2026-01-01", "2026-01-01", ""},
		{"2016-01-05", "2026-01-01", ""}, // 3,650 days
		{"2015-12-01", "2026-01-01", "from"},
		{"2026-01-02", "2026-01-01", "from"},
		{"2026-02-30", "2026-03-01", "from"},
		{"2026-01-01", "tomorrow", "to"},
	} {
		_, _, err := CheckRange(c.from, c.to)
		if focusflow.ErrorField(err) != c.field || (err == nil) != (c.field == "") {
			t.Errorf("%s..%s: %v, want an error about %q", c.from, c.to, err, c.field)
		}
	}
}

// The live time of a timer: a forgotten one counts up to its cap, a
// pomodoro's focus up to the end of its phase.
func TestLiveOf(t *testing.T) {
	start := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	running := focus.State{TaskID: 7, Status: focusflow.TimerRunning, Phase: focusflow.PhaseFocus,
		Entry: &focus.Entry{TaskID: 7, Start: start}, Task: focus.Task{ID: 7}}
	one := func(l *Live) focus.Span {
		t.Helper()
		if l == nil || len(l.Spans) != 1 {
			t.Fatalf("live %+v, want one span", l)
		}
		return l.Spans[0]
	}
	if sp := one(LiveOf(running, start.Add(time.Hour), focus.Settings{Cap: 4 * time.Hour})); sp.End != start.Add(time.Hour) || sp.TaskID != 7 {
		t.Fatalf("running: %+v", sp)
	}
	if sp := one(LiveOf(running, start.Add(9*time.Hour), focus.Settings{Cap: 4 * time.Hour})); sp.End != start.Add(4*time.Hour) {
		t.Fatalf("forgotten: %+v", sp)
	}
	pomodoro := running
	pomodoro.PhaseStart, pomodoro.PhaseLen, pomodoro.PhaseEnd = start, 25*time.Minute, start.Add(25*time.Minute)
	pomodoro.Plan = focusflow.DefaultSessionPlan()
	pomodoro.Plan.Mode = focusflow.ModePomodoro
	if sp := one(LiveOf(pomodoro, start.Add(time.Hour), focus.Settings{Cap: 4 * time.Hour})); sp.End != start.Add(25*time.Minute) {
		t.Fatalf("pomodoro: %+v", sp)
	}
	if LiveOf(focus.State{}, start, focus.Settings{}) != nil {
		t.Fatal("no entry: no span")
	}
}

// The figures of a range, with a timer running across midnight into today.
func TestStats(t *testing.T) {
	const today = "2026-03-10" // a Tuesday
	live := &Live{Spans: []focus.Span{{TaskID: 1, Start: time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC), End: time.Date(2026, 3, 10, 0, 45, 0, 0, time.UTC)}}}
	rows := []focusflow.DayStats{
		{Date: "2026-02-28", Focus: time.Hour, Total: 2, Completed: 1},
		{Date: "2026-03-02", Manual: 0, Total: 1},
		{Date: "2026-03-09", Focus: 90 * time.Minute, Manual: 30 * time.Minute, Total: 1, Completed: 1},
	}
	in := RangeInput{From: "2026-02-27", To: today, Today: today, Goal: 2 * time.Hour, Loc: time.UTC,
		Days: rows, Week: rows, Live: live,
		Runs: KeptRuns{Longest: Top{"2026-03-09", 1}, Recent: map[string]RecentDay{"2026-03-09": {Focus: 90 * time.Minute, Run: 1}}}}
	in.Hours[9] = 2*time.Hour + 30*time.Minute
	st, err := Stats(in)
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]focusflow.DayStats{}
	for _, d := range st.Days {
		days[d.Date] = d
	}
	if len(st.Days) != 4 || days["2026-03-09"].Focus != 2*time.Hour || days[today].Focus != 45*time.Minute {
		t.Fatalf("days %+v", st.Days)
	}
	if tot := st.Totals; tot.Tasks != 4 || tot.Completed != 2 || tot.Focus != 3*time.Hour+45*time.Minute ||
		tot.Manual != 30*time.Minute || tot.DaysActive != 3 || tot.GoalDays != 1 {
		t.Fatalf("totals %+v", tot)
	}
	if st.Hours[9] != 150*time.Minute || st.Hours[23] != 30*time.Minute || st.Hours[0] != 45*time.Minute {
		t.Fatalf("hours %v", st.Hours)
	}
	if len(st.Months) != 2 || st.Months[0].Month != "2026-02" || st.Months[0].Days != 2 || st.Months[1].Days != 10 ||
		st.Months[1].DaysActive != 2 || st.Months[1].Total != 2 {
		t.Fatalf("months %+v", st.Months)
	}
	if mon := st.Weekdays[0]; mon.Weekday != time.Monday || mon.Days != 2 || mon.Focus != 2*time.Hour || mon.Total != 2 {
		t.Fatalf("Mondays %+v", mon)
	}
	if sun := st.Weekdays[6]; sun.Weekday != time.Sunday || sun.Days != 2 {
		t.Fatalf("Sundays %+v", sun)
	}
	if len(st.GoalWeek) != 7 || st.GoalWeek[0].Date != "2026-03-09" || st.GoalWeek[0].Focus != 2*time.Hour ||
		st.GoalToday.Date != today || st.GoalToday.Focus != 45*time.Minute || st.GoalWeek[6].Date != "2026-03-15" {
		t.Fatalf("goal week %+v, today %+v", st.GoalWeek, st.GoalToday)
	}
	// Yesterday reaches the 2 h goal with the live half hour.
	if st.FocusStreak != (focusflow.StreakStats{Current: 1, Longest: 1, LongestStart: "2026-03-09", LongestEnd: "2026-03-09"}) {
		t.Fatalf("focus streak %+v", st.FocusStreak)
	}
	if st.Streak.Current != 1 || st.Plan.To != today {
		t.Fatalf("streak %+v, plan %+v", st.Streak, st.Plan)
	}
	if _, err := Stats(RangeInput{From: "2026-03-10", To: "2026-03-01"}); focusflow.ErrorCode(err) != focusflow.EINVALID {
		t.Fatalf("a reversed range: %v", err)
	}
}

func TestSummarise(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	history := []focusflow.DayStats{
		{Date: "2026-03-08", Focus: 2 * time.Hour, Manual: time.Hour, Total: 2, Completed: 1},
		{Date: "2026-03-09", Total: 1, Completed: 1},
		{Date: "2026-03-12", Focus: 3 * time.Hour, Total: 1}, // ahead of today: not a goal day yet
	}
	live := &Live{Spans: []focus.Span{{Start: now.Add(-2 * time.Hour), End: now}}}
	list := []focusflow.Achievement{{ID: "a", Unlocked: true}, {ID: "b"}}
	s := Summarise(history, live, list, now, time.UTC, 2*time.Hour)
	want := focusflow.Summary{Tasks: 4, Completed: 2, Focus: 7 * time.Hour, Manual: time.Hour, DaysActive: 4, GoalDays: 2,
		Streak:            focusflow.StreakStats{Current: 2, Longest: 2, LongestStart: "2026-03-08", LongestEnd: "2026-03-09"},
		FocusStreak:       focusflow.StreakStats{Current: 1, Longest: 1, LongestStart: "2026-03-10", LongestEnd: "2026-03-10"},
		Achievements:      1,
		AchievementsTotal: 2}
	if *s != want {
		t.Fatalf("got  %+v\nwant %+v", *s, want)
	}
	if len(history) != 3 || history[1].Focus != 0 {
		t.Fatal("the live time must not change the caller's history")
	}
}
