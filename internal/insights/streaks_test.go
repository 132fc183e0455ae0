package insights

import (
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// done gives a completed task on each date; focused gives each date focus
// time.
func done(dates ...string) []focusflow.DayStats {
	out := make([]focusflow.DayStats, len(dates))
	for i, d := range dates {
		out[i] = focusflow.DayStats{Date: d, Total: 1, Completed: 1}
	}
	return out
}

func focused(focus time.Duration, dates ...string) []focusflow.DayStats {
	out := make([]focusflow.DayStats, len(dates))
	for i, d := range dates {
		out[i] = focusflow.DayStats{Date: d, Focus: focus}
	}
	return out
}

// span lists the dates from first, n days.
func span(first string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = localdate.AddDays(first, i)
	}
	return out
}

func TestStreaks(t *testing.T) {
	streak := func(cur, longest int, from, to string) focusflow.StreakStats {
		return focusflow.StreakStats{Current: cur, Longest: longest, LongestStart: from, LongestEnd: to}
	}
	cases := []struct {
		name  string
		days  []focusflow.DayStats
		today string
		want  focusflow.StreakStats
	}{
		{"across a month end", done("2026-01-30", "2026-01-31", "2026-02-01"), "2026-02-01", streak(3, 3, "2026-01-30", "2026-02-01")},
		{"across a year end", done("2025-12-31", "2026-01-01"), "2026-01-01", streak(2, 2, "2025-12-31", "2026-01-01")},
		{"through a leap day, current ending yesterday", done("2024-02-28", "2024-02-29", "2024-03-01"), "2024-03-02",
			streak(3, 3, "2024-02-28", "2024-03-01")},
		{"2100 has no 29 February", done("2100-02-28", "2100-03-01"), "2100-03-01", streak(2, 2, "2100-02-28", "2100-03-01")},
		{"2000 has one", done("2000-02-28", "2000-03-01"), "2000-03-01", streak(1, 1, "2000-03-01", "2000-03-01")},
		{"a tie goes to the most recent run", done("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-10", "2026-01-11", "2026-01-12"),
			"2026-01-20", streak(0, 3, "2026-01-10", "2026-01-12")},
		{"a longer earlier run wins", done("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-19", "2026-01-20"),
			"2026-01-20", streak(2, 3, "2026-01-01", "2026-01-03")},
		{"a gap of one day ends a run", done("2026-01-01", "2026-01-03"), "2026-01-03", streak(1, 1, "2026-01-03", "2026-01-03")},
		{"days after today do not count yet", done("2026-01-04", "2026-01-05"), "2026-01-04", streak(1, 1, "2026-01-04", "2026-01-04")},
		{"nothing", nil, "2026-01-04", focusflow.StreakStats{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := Streaks(c.days, c.today, time.Hour)
			if got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestFocusStreaks(t *testing.T) {
	days := append(focused(time.Hour, "2026-02-27", "2026-02-28", "2026-03-01"), focusflow.DayStats{Date: "2026-03-02", Focus: time.Hour - time.Millisecond})
	if _, f := Streaks(days, "2026-03-02", time.Hour); f != (focusflow.StreakStats{Current: 3, Longest: 3, LongestStart: "2026-02-27", LongestEnd: "2026-03-01"}) {
		t.Fatalf("goal met exactly counts, a millisecond short does not: %+v", f)
	}
	if _, f := Streaks(days, "2026-03-02", 0); f != (focusflow.StreakStats{}) {
		t.Fatalf("without a goal there is no focus streak: %+v", f)
	}
}

func TestStreaksFromRuns(t *testing.T) {
	const today, yesterday, before = "2026-03-10", "2026-03-09", "2026-03-08"
	goal := time.Hour
	cases := []struct {
		name         string
		runs         KeptRuns
		live         map[string]time.Duration
		wantC, wantF focusflow.StreakStats
	}{
		{
			name:  "completed: today's run, else yesterday's",
			runs:  KeptRuns{Longest: Top{"2026-03-09", 4}, Recent: map[string]RecentDay{yesterday: {Run: 4}}},
			wantC: focusflow.StreakStats{Current: 4, Longest: 4, LongestStart: "2026-03-06", LongestEnd: yesterday},
		},
		{
			name: "the live timer lifts today to the goal",
			runs: KeptRuns{LongestFocus: Top{yesterday, 2},
				Recent: map[string]RecentDay{today: {Focus: 40 * time.Minute}, yesterday: {Focus: goal, FocusRun: 2}, before: {Focus: goal, FocusRun: 1}}},
			live:  map[string]time.Duration{today: 20 * time.Minute},
			wantF: focusflow.StreakStats{Current: 3, Longest: 3, LongestStart: before, LongestEnd: today},
		},
		{
			name: "a minute short: the current run ends yesterday",
			runs: KeptRuns{LongestFocus: Top{yesterday, 2},
				Recent: map[string]RecentDay{today: {Focus: 40 * time.Minute}, yesterday: {Focus: goal, FocusRun: 2}, before: {Focus: goal, FocusRun: 1}}},
			live:  map[string]time.Duration{today: 19 * time.Minute},
			wantF: focusflow.StreakStats{Current: 2, Longest: 2, LongestStart: before, LongestEnd: yesterday},
		},
		{
			name: "a timer across midnight lifts yesterday and today",
			runs: KeptRuns{LongestFocus: Top{"2026-01-05", 3},
				Recent: map[string]RecentDay{yesterday: {Focus: 50 * time.Minute}, before: {Focus: goal, FocusRun: 2}}},
			live:  map[string]time.Duration{yesterday: 10 * time.Minute, today: goal},
			wantF: focusflow.StreakStats{Current: 4, Longest: 4, LongestStart: "2026-03-07", LongestEnd: today},
		},
		{
			name: "a tie with an older run goes to the live one",
			runs: KeptRuns{LongestFocus: Top{"2026-01-05", 3},
				Recent: map[string]RecentDay{yesterday: {Focus: 50 * time.Minute}, before: {Focus: goal, FocusRun: 2}}},
			live:  map[string]time.Duration{yesterday: 10 * time.Minute},
			wantF: focusflow.StreakStats{Current: 3, Longest: 3, LongestStart: "2026-03-07", LongestEnd: yesterday},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gotC, gotF := StreaksFromRuns(c.runs, today, goal, c.live)
			if gotC != c.wantC || gotF != c.wantF {
				t.Fatalf("got %+v / %+v, want %+v / %+v", gotC, gotF, c.wantC, c.wantF)
			}
		})
	}
}

// The kept runs and the whole history give the same streaks.
func TestStreaksFromRunsAgreeWithHistory(t *testing.T) {
	goal := time.Hour
	var days []focusflow.DayStats
	for i, d := range span("2026-01-25", 45) {
		s := focusflow.DayStats{Date: d}
		if i%7 != 3 {
			s.Completed = 1
		}
		if i%5 != 0 {
			s.Focus = goal
		}
		days = append(days, s)
	}
	for _, today := range span("2026-02-20", 25) {
		var k KeptRuns
		k.Recent = map[string]RecentDay{}
		runC, runF := 0, 0
		prev := ""
		for _, d := range days {
			if d.Date > today {
				break
			}
			if prev != "" && localdate.AddDays(prev, 1) != d.Date {
				runC, runF = 0, 0
			}
			prev = d.Date
			runC, runF = (runC+1)*min(d.Completed, 1), (runF+1)*boolInt(d.Focus >= goal)
			if runC >= k.Longest.Run {
				k.Longest = Top{d.Date, runC}
			}
			if runF >= k.LongestFocus.Run && runF > 0 {
				k.LongestFocus = Top{d.Date, runF}
			}
			k.Recent[d.Date] = RecentDay{Focus: d.Focus, Run: runC, FocusRun: runF}
		}
		c1, f1 := StreaksFromRuns(k, today, goal, nil)
		c2, f2 := Streaks(days, today, goal)
		if c1 != c2 || f1 != f2 {
			t.Fatalf("%s: runs %+v / %+v, history %+v / %+v", today, c1, f1, c2, f2)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestEpochDay(t *testing.T) {
	for _, d := range []string{"1970-01-01", "1970-03-01", "2000-02-29", "2024-03-01", "2100-03-01", "2400-02-29", "9999-12-31"} {
		p, err := localdate.ParseDate(d)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := epochDay(d), p.Unix()/86400; got != want {
			t.Errorf("%s: %d, want %d", d, got, want)
		}
		if epochDate(epochDay(d)) != d {
			t.Errorf("%s does not round-trip", d)
		}
	}
	if epochDay("2026-13-01") != 0 || epochDay("garbage") != 0 {
		t.Error("an invalid date is day 0")
	}
}
