package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/insights"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

var insightsUsers int

// insightsUser adds a fresh user to the fixture's store and returns a
// fixture for it, so that table cases share one database per engine.
func insightsUser(t *testing.T, f *fixture, tz string) *fixture {
	t.Helper()
	insightsUsers++
	u := &focusflow.User{Username: fmt.Sprintf("ins%d", insightsUsers), Email: fmt.Sprintf("ins%d@example.test", insightsUsers), Timezone: tz}
	if err := f.db.CreateUser(f.ctx, u, "hash"); err != nil {
		t.Fatal(err)
	}
	u, err := f.db.User(f.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	g := *f
	g.user = u
	return &g
}

func insightsLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// manual records [start, end) as a manual entry on a new task of date.
func (f *fixture) manual(t *testing.T, date string, start, end time.Time) *focusflow.Task {
	t.Helper()
	task := f.task(t, date, "manual work")
	if _, err := f.db.AddManualEntry(f.ctx, f.user, task.ID, start, end); err != nil {
		t.Fatalf("manual entry %s–%s: %v", start, end, err)
	}
	return task
}

// timed runs the timer on task from start to end (the clock is moved).
func (f *fixture) timed(t *testing.T, taskID int64, start, end time.Time) {
	t.Helper()
	f.clock.Set(start)
	tm := f.act(t, focusflow.ActionStart, taskID, 0)
	f.clock.Set(end)
	f.act(t, focusflow.ActionPause, 0, tm.Version)
}

func (f *fixture) complete(t *testing.T, taskID int64) {
	t.Helper()
	done := focusflow.StatusCompleted
	if _, err := f.db.UpdateTask(f.ctx, f.user, taskID, focusflow.TaskPatch{Status: &done}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) insights(t *testing.T, from, to string) *focusflow.Insights {
	t.Helper()
	st, err := f.db.Insights(f.ctx, f.user, from, to)
	if err != nil {
		t.Fatalf("insights %s..%s: %v", from, to, err)
	}
	return st
}

func focusByDate(st *focusflow.Insights) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, d := range st.Days {
		if d.Focus > 0 {
			out[d.Date] = d.Focus
		}
	}
	return out
}

func hoursOf(st *focusflow.Insights) map[int]time.Duration {
	out := map[int]time.Duration{}
	for h, d := range st.Hours {
		if d > 0 {
			out[h] = d
		}
	}
	return out
}

func equalMaps[K comparable](a, b map[K]time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Focus time counts on the local day and hour it happened, in every kind of
// zone: local midnight, 23- and 25-hour days, a 30-minute shift, +5:30, a
// leap day.
func TestInsightsDayBoundaries(t *testing.T) {
	type span struct{ start, end string } // local wall times "2006-01-02 15:04" (offset resolved by Go)
	cases := []struct {
		name, tz string
		spans    []span
		// utc lists spans given in UTC instead (for wall times that repeat)
		utc        []span
		now        string // UTC
		from, to   string
		wantDays   map[string]time.Duration
		wantHours  map[int]time.Duration
		wantMonths map[string]int // month → days in range
	}{
		{name: "local midnight", tz: "Europe/Berlin",
			spans: []span{{"2026-01-14 23:30", "2026-01-15 00:30"}}, now: "2026-01-20 12:00",
			from: "2026-01-10", to: "2026-01-20",
			wantDays:  map[string]time.Duration{"2026-01-14": 30 * time.Minute, "2026-01-15": 30 * time.Minute},
			wantHours: map[int]time.Duration{23: 30 * time.Minute, 0: 30 * time.Minute}},
		{name: "New York spring forward: a 23-hour day", tz: "America/New_York",
			spans: []span{{"2026-03-08 00:00", "2026-03-09 00:00"}}, now: "2026-03-10 12:00",
			from: "2026-03-07", to: "2026-03-09",
			wantDays: map[string]time.Duration{"2026-03-08": 23 * time.Hour},
			wantHours: func() map[int]time.Duration {
				m := map[int]time.Duration{}
				for h := range 24 {
					if h != 2 { // 02:00–03:00 does not exist that day
						m[h] = time.Hour
					}
				}
				return m
			}()},
		{name: "New York fall back: a 25-hour day", tz: "America/New_York",
			// 00:00 EDT (04:00Z) to 12:00 EST (17:00Z), then to midnight (05:00Z next day).
			utc: []span{{"2025-11-02 04:00", "2025-11-02 17:00"}, {"2025-11-02 17:00", "2025-11-03 05:00"}}, now: "2025-11-05 12:00",
			from: "2025-11-01", to: "2025-11-03",
			wantDays: map[string]time.Duration{"2025-11-02": 25 * time.Hour},
			wantHours: func() map[int]time.Duration {
				m := map[int]time.Duration{}
				for h := range 24 {
					m[h] = time.Hour
				}
				m[1] = 2 * time.Hour // 01:00–02:00 happens twice
				return m
			}()},
		{name: "Berlin spring forward", tz: "Europe/Berlin",
			spans: []span{{"2026-03-29 01:30", "2026-03-29 03:30"}}, now: "2026-03-30 12:00",
			from: "2026-03-29", to: "2026-03-29",
			wantDays:  map[string]time.Duration{"2026-03-29": time.Hour},
			wantHours: map[int]time.Duration{1: 30 * time.Minute, 3: 30 * time.Minute}},
		{name: "Berlin fall back: a 25-hour day", tz: "Europe/Berlin",
			// 00:00 CEST (22:00Z the day before) to 00:00 CET (23:00Z).
			utc: []span{{"2025-10-25 22:00", "2025-10-26 10:00"}, {"2025-10-26 10:00", "2025-10-26 23:00"}}, now: "2025-10-28 12:00",
			from: "2025-10-25", to: "2025-10-27",
			wantDays: map[string]time.Duration{"2025-10-26": 25 * time.Hour},
			wantHours: func() map[int]time.Duration {
				m := map[int]time.Duration{}
				for h := range 24 {
					m[h] = time.Hour
				}
				m[2] = 2 * time.Hour
				return m
			}()},
		{name: "Lord Howe: 30-minute shift forward", tz: "Australia/Lord_Howe",
			// 01:45 +10:30 (15:15Z) to 02:45 +11 (15:45Z): half an hour of real time.
			utc: []span{{"2025-10-04 15:15", "2025-10-04 15:45"}}, now: "2025-10-06 00:00",
			from: "2025-10-05", to: "2025-10-05",
			wantDays:  map[string]time.Duration{"2025-10-05": 30 * time.Minute},
			wantHours: map[int]time.Duration{1: 15 * time.Minute, 2: 15 * time.Minute}},
		{name: "Lord Howe: a 24.5-hour day", tz: "Australia/Lord_Howe",
			// 00:00 +11 (13:00Z) to 00:00 +10:30 next day (13:30Z).
			utc: []span{{"2026-04-04 13:00", "2026-04-05 01:00"}, {"2026-04-05 01:00", "2026-04-05 13:30"}}, now: "2026-04-07 00:00",
			from: "2026-04-04", to: "2026-04-06",
			wantDays: map[string]time.Duration{"2026-04-05": 24*time.Hour + 30*time.Minute}},
		{name: "Kolkata +5:30 across midnight", tz: "Asia/Kolkata",
			utc: []span{{"2026-03-08 18:00", "2026-03-08 19:00"}}, now: "2026-03-10 09:00",
			from: "2026-03-08", to: "2026-03-09",
			wantDays:  map[string]time.Duration{"2026-03-08": 30 * time.Minute, "2026-03-09": 30 * time.Minute},
			wantHours: map[int]time.Duration{23: 30 * time.Minute, 0: 30 * time.Minute}},
		{name: "leap day", tz: "UTC",
			spans: []span{{"2024-02-29 23:00", "2024-03-01 01:00"}}, now: "2024-03-05 00:00",
			from: "2024-02-01", to: "2024-03-31",
			wantDays:   map[string]time.Duration{"2024-02-29": time.Hour, "2024-03-01": time.Hour},
			wantHours:  map[int]time.Duration{23: time.Hour, 0: time.Hour},
			wantMonths: map[string]int{"2024-02": 29, "2024-03": 31}},
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			base := newFixture(t, e, "UTC")
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					f := insightsUser(t, base, tc.tz)
					loc := insightsLoc(t, tc.tz)
					now, _ := time.Parse("2006-01-02 15:04", tc.now)
					f.clock.Set(now)
					add := func(sp span, in *time.Location) {
						s, err1 := time.ParseInLocation("2006-01-02 15:04", sp.start, in)
						en, err2 := time.ParseInLocation("2006-01-02 15:04", sp.end, in)
						if err1 != nil || err2 != nil {
							t.Fatal(err1, err2)
						}
						f.manual(t, localdate.Today(s, loc), s, en)
					}
					for _, sp := range tc.spans {
						add(sp, loc)
					}
					for _, sp := range tc.utc {
						add(sp, time.UTC)
					}
					st := f.insights(t, tc.from, tc.to)
					if got := focusByDate(st); !equalMaps(got, tc.wantDays) {
						t.Errorf("days: got %v, want %v", got, tc.wantDays)
					}
					if tc.wantHours != nil {
						if got := hoursOf(st); !equalMaps(got, tc.wantHours) {
							t.Errorf("hours: got %v, want %v", got, tc.wantHours)
						}
					}
					var total time.Duration
					for _, d := range tc.wantDays {
						total += d
					}
					if st.Totals.Focus != total || st.Totals.Manual != total {
						t.Errorf("totals %+v, want focus = manual = %v", st.Totals, total)
					}
					for m, n := range tc.wantMonths {
						found := false
						for _, ms := range st.Months {
							if ms.Month == m {
								found = true
								if ms.Days != n {
									t.Errorf("month %s has %d days in range, want %d", m, ms.Days, n)
								}
							}
						}
						if !found {
							t.Errorf("month %s missing from %+v", m, st.Months)
						}
					}
				})
			}
		})
	}
}

// Changing time zone keeps task dates and re-buckets focus time.
func TestInsightsTimezoneChange(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Asia/Kolkata")
			start := time.Date(2026, 3, 8, 18, 0, 0, 0, time.UTC) // 23:30 in Kolkata
			task := f.manual(t, "2026-03-08", start, start.Add(time.Hour))
			f.complete(t, task.ID)
			st := f.insights(t, "2026-03-01", "2026-03-10")
			if got := focusByDate(st); got["2026-03-08"] != 30*time.Minute || got["2026-03-09"] != 30*time.Minute {
				t.Fatalf("Kolkata: %v", got)
			}
			utc := "UTC"
			if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{Timezone: &utc}); err != nil {
				t.Fatal(err)
			}
			f.user, _ = f.db.User(f.ctx, f.user.ID)
			st = f.insights(t, "2026-03-01", "2026-03-10")
			if got := focusByDate(st); len(got) != 1 || got["2026-03-08"] != time.Hour {
				t.Fatalf("after switching to UTC: %v", got)
			}
			if got := hoursOf(st); len(got) != 1 || got[18] != time.Hour {
				t.Fatalf("hours after switching to UTC: %v", got)
			}
			var taskDay focusflow.DayStats
			for _, d := range st.Days {
				if d.Date == "2026-03-08" {
					taskDay = d
				}
			}
			if taskDay.Total != 1 || taskDay.Completed != 1 {
				t.Fatalf("the task's date must stay: %+v", st.Days)
			}
		})
	}
}

// A timer running across local midnight counts on both days, live and once
// stopped; a forgotten one counts up to the cap.
func TestInsightsTimerAcrossMidnightAndCap(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Europe/Berlin")
			berlin := insightsLoc(t, "Europe/Berlin")
			task := f.task(t, "2026-03-09", "late night")
			f.clock.Set(time.Date(2026, 3, 9, 23, 20, 0, 0, berlin))
			tm := f.act(t, focusflow.ActionStart, task.ID, 0)
			f.clock.Advance(time.Hour) // 00:20 on the 10th
			want := map[string]time.Duration{"2026-03-09": 40 * time.Minute, "2026-03-10": 20 * time.Minute}
			st := f.insights(t, "2026-03-01", "2026-03-10")
			if got := focusByDate(st); !equalMaps(got, want) {
				t.Fatalf("live: %v, want %v", got, want)
			}
			if st.GoalToday.Date != "2026-03-10" || st.GoalToday.Focus != 20*time.Minute {
				t.Fatalf("goal today %+v", st.GoalToday)
			}
			f.act(t, focusflow.ActionPause, 0, tm.Version)
			st = f.insights(t, "2026-03-01", "2026-03-10")
			if got := focusByDate(st); !equalMaps(got, want) {
				t.Fatalf("stopped: %v, want %v", got, want)
			}
			if h := hoursOf(st); h[23] != 40*time.Minute || h[0] != 20*time.Minute {
				t.Fatalf("hours %v", h)
			}

			// Forgotten: 10 hours later it counts 4 hours (the default cap).
			g := insightsUser(t, f, "UTC")
			task2 := g.task(t, "2026-03-10", "forgotten")
			g.clock.Set(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC))
			g.act(t, focusflow.ActionStart, task2.ID, 0)
			g.clock.Advance(10 * time.Hour)
			st = g.insights(t, "2026-03-10", "2026-03-10")
			if st.Totals.Focus != focusflow.DefaultTimerCap {
				t.Fatalf("live forgotten timer counts %v, want the cap", st.Totals.Focus)
			}
			if _, err := g.db.CapExpiredTimers(g.ctx); err != nil { // caps it for good
				t.Fatal(err)
			}
			st = g.insights(t, "2026-03-10", "2026-03-10")
			if st.Totals.Focus != focusflow.DefaultTimerCap {
				t.Fatalf("capped timer counts %v, want the cap", st.Totals.Focus)
			}
		})
	}
}

// Streaks that break, resume and run through yesterday and today, for
// completed tasks and for the daily focus goal; the SQL (stats), the Go
// (profile summary) and the dashboard's streak agree.
func TestInsightsStreaks(t *testing.T) {
	const today = "2026-03-10"
	cases := []struct {
		name                 string
		done, goal           []int // days relative to today with a completed task / the goal met
		below                []int // days with some focus below the goal
		current, longest     int
		fCurrent, fLongest   int
		longestStart, lEnd   int // relative, for the completed streak (when longest > 0)
		fLongStart, fLongEnd int
	}{
		{name: "nothing"},
		{name: "through today", done: []int{-2, -1, 0}, goal: []int{-1, 0}, current: 3, longest: 3, fCurrent: 2, fLongest: 2,
			longestStart: -2, lEnd: 0, fLongStart: -1, fLongEnd: 0},
		{name: "through yesterday, today not yet", done: []int{-3, -2, -1}, goal: []int{-2, -1}, below: []int{0},
			current: 3, longest: 3, fCurrent: 2, fLongest: 2, longestStart: -3, lEnd: -1, fLongStart: -2, fLongEnd: -1},
		{name: "broken then resumed", done: []int{-9, -8, -7, -6, -2, -1, 0}, goal: []int{-9, -8, -7, -1}, below: []int{-6, -5, 0},
			current: 3, longest: 4, fCurrent: 1, fLongest: 3, longestStart: -9, lEnd: -6, fLongStart: -9, fLongEnd: -7},
		{name: "broken two days ago", done: []int{-6, -5, -4, -3, -2}, goal: []int{-4, -3, -2},
			current: 0, longest: 5, fCurrent: 0, fLongest: 3, longestStart: -6, lEnd: -2, fLongStart: -4, fLongEnd: -2},
		{name: "resumed longer than before", done: []int{-12, -11, -5, -4, -3, -2, -1}, goal: []int{-12, -11, -3, -2, -1, 0},
			current: 5, longest: 5, fCurrent: 4, fLongest: 4, longestStart: -5, lEnd: -1, fLongStart: -3, fLongEnd: 0},
		{name: "tie: the latest is the longest", done: []int{-8, -7, -3, -2},
			current: 0, longest: 2, longestStart: -3, lEnd: -2},
		{name: "future days do not count", done: []int{0, 1, 2},
			current: 1, longest: 1, longestStart: 0, lEnd: 0},
		{name: "across a month end", done: []int{-12, -11, -10, -9, -8}, // 26 Feb – 2 Mar (no leap day in 2026)
			current: 0, longest: 5, longestStart: -12, lEnd: -8},
	}
	goal := 30 * time.Minute
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			base := newFixture(t, e, "UTC")
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					f := insightsUser(t, base, "America/New_York")
					if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{DailyGoal: &goal}); err != nil {
						t.Fatal(err)
					}
					f.user, _ = f.db.User(f.ctx, f.user.ID)
					ny := insightsLoc(t, "America/New_York")
					// Now: 20:00 in New York on "today".
					f.clock.Set(time.Date(2026, 3, 10, 20, 0, 0, 0, ny))
					for _, d := range tc.done {
						task := f.task(t, localdate.AddDays(today, d), "done")
						f.complete(t, task.ID)
					}
					work := func(d int, length time.Duration) {
						date := localdate.AddDays(today, d)
						start := localdate.DayStart(date, ny).Add(9 * time.Hour)
						f.manual(t, date, start, start.Add(length))
					}
					for _, d := range tc.goal {
						work(d, goal)
					}
					for _, d := range tc.below {
						work(d, goal-time.Minute)
					}
					st := f.insights(t, localdate.AddDays(today, -30), today)
					check := func(what string, got focusflow.StreakStats, cur, long, ls, le int) {
						t.Helper()
						want := focusflow.StreakStats{Current: cur, Longest: long}
						if long > 0 {
							want.LongestStart, want.LongestEnd = localdate.AddDays(today, ls), localdate.AddDays(today, le)
						}
						if got != want {
							t.Errorf("%s: got %+v, want %+v", what, got, want)
						}
					}
					check("stats streak", st.Streak, tc.current, tc.longest, tc.longestStart, tc.lEnd)
					check("stats focus streak", st.FocusStreak, tc.fCurrent, tc.fLongest, tc.fLongStart, tc.fLongEnd)
					sum, err := f.db.Summary(f.ctx, f.user)
					if err != nil {
						t.Fatal(err)
					}
					check("summary streak", sum.Streak, tc.current, tc.longest, tc.longestStart, tc.lEnd)
					check("summary focus streak", sum.FocusStreak, tc.fCurrent, tc.fLongest, tc.fLongStart, tc.fLongEnd)
					if n, err := f.db.Streak(f.ctx, f.user.ID, today); err != nil || n != tc.current {
						t.Errorf("dashboard streak %d (%v), want %d", n, err, tc.current)
					}
					// A streak achievement is earned by the longest run, even a
					// broken one; its progress is the current run.
					for _, a := range mustAchievements(t, f) {
						if a.ID == "streak_3" && (a.Unlocked != (tc.longest >= 3) || (!a.Unlocked && a.Current != tc.current)) {
							t.Errorf("streak_3 with runs %d/%d: %+v", tc.current, tc.longest, a)
						}
					}
				})
			}
		})
	}
}

// The SQL streaks and the Go ones agree on random histories.
func TestInsightsStreaksAgreeOnRandomHistories(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			c := fake.NewClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
			db, raw := insightsOpenRaw(t, e, c.Now)
			f := &fixture{db: db, clock: c, ctx: context.Background()}
			rng := rand.New(rand.NewPCG(7, 11))
			for round := range 6 {
				g := insightsUser(t, f, "Europe/Berlin")
				var rows []string
				for d := -150; d <= 2; d++ {
					date := localdate.AddDays("2026-03-10", d)
					completed := 0
					if rng.IntN(10) < 7 {
						completed = 1
					}
					focus := int64(rng.IntN(3)) * time.Hour.Milliseconds()
					rows = append(rows, fmt.Sprintf("(%d, '%s', %d, 0, 1, %d)", g.user.ID, date, focus, completed))
				}
				if _, err := raw.Exec("INSERT INTO daily_stats (user_id, date, focus_ms, manual_ms, total, completed) VALUES " +
					strings.Join(rows, ", ")); err != nil {
					t.Fatal(err)
				}
				// Rows written around the store: derive the runs it keeps.
				if err := db.RecomputeStreakRuns(f.ctx); err != nil {
					t.Fatal(err)
				}
				st := g.insights(t, "2026-01-01", "2026-03-10")
				sum, err := g.db.Summary(g.ctx, g.user)
				if err != nil {
					t.Fatal(err)
				}
				if st.Streak != sum.Streak || st.FocusStreak != sum.FocusStreak {
					t.Fatalf("round %d: SQL %+v / %+v, Go %+v / %+v", round, st.Streak, st.FocusStreak, sum.Streak, sum.FocusStreak)
				}
				if st.Streak.Longest == 0 || st.FocusStreak.Longest == 0 {
					t.Fatalf("round %d: the data should have streaks: %+v %+v", round, st.Streak, st.FocusStreak)
				}
			}
		})
	}
}

// Once earned, an achievement stays with its first unlocked_at, even after
// the tasks behind it are deleted.
func TestAchievementsStayUnlocked(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "America/New_York")
			ny := insightsLoc(t, "America/New_York")
			now := time.Date(2026, 3, 10, 15, 0, 0, 0, ny)
			f.clock.Set(now)
			byID := func(list []focusflow.Achievement) map[string]focusflow.Achievement {
				m := map[string]focusflow.Achievement{}
				for _, a := range list {
					m[a.ID] = a
				}
				return m
			}
			list, err := f.db.Achievements(f.ctx, f.user)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != insights.Count() || len(list) < 17 {
				t.Fatalf("%d achievements", len(list))
			}
			for _, a := range list {
				if a.Unlocked || a.Current != 0 || a.Target <= 0 || a.Name == "" || a.Description == "" {
					t.Fatalf("a new user: %+v", a)
				}
			}
			// A task dated last week, completed now, crossed "first task" on
			// its own date: unlocked at the end of that local day.
			start := time.Date(2026, 3, 10, 8, 0, 0, 0, ny)
			past, task := f.earnSome(t, start)
			f.clock.Set(now)
			got := byID(mustAchievements(t, f))
			first := got["first_task"]
			wantAt := time.Date(2026, 3, 3, 23, 59, 59, 999e6, ny).UTC()
			if !first.Unlocked || !first.UnlockedAt.Equal(wantAt) {
				t.Fatalf("first_task: %+v, want unlocked at %v", first, wantAt)
			}
			deep := got["deep_work_10"]
			wantDeep := start.Add(9*30*time.Minute + DeepWork).UTC()
			if !deep.Unlocked || !deep.UnlockedAt.Equal(wantDeep) {
				t.Fatalf("deep_work_10: %+v, want unlocked at %v", deep, wantDeep)
			}
			// 250 minutes, all today: the hour was reached at the end of the
			// third session, a day that has not ended yet.
			f1h := got["focus_1h"]
			if want := start.Add(2*30*time.Minute + DeepWork).UTC(); !f1h.Unlocked || !f1h.UnlockedAt.Equal(want) {
				t.Fatalf("focus_1h: %+v, want unlocked at %v", f1h, want)
			}
			if g := got["goal_first"]; !g.Unlocked { // 250 min ≥ the 2 h default goal
				t.Fatalf("goal_first: %+v", g)
			}
			if g := got["tasks_10"]; g.Unlocked || g.Current != 1 || g.Target != 10 || g.Unit != "tasks" {
				t.Fatalf("tasks_10: %+v", g)
			}
			if g := got["focus_10h"]; g.Unlocked || g.Current != 250 || g.Target != 600 {
				t.Fatalf("focus_10h progress: %+v", g)
			}

			// The award pass stores what the read showed; then delete
			// everything: an hour later nothing earned is lost.
			if _, err := f.db.AwardAchievements(f.ctx); err != nil {
				t.Fatal(err)
			}
			if err := f.db.DeleteTask(f.ctx, f.user, past.ID); err != nil {
				t.Fatal(err)
			}
			if err := f.db.DeleteTask(f.ctx, f.user, task.ID); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(time.Hour)
			after := byID(mustAchievements(t, f))
			for id, a := range got {
				b := after[id]
				if a.Unlocked != b.Unlocked || !a.UnlockedAt.Equal(b.UnlockedAt) {
					t.Errorf("%s changed after deleting its data: %+v → %+v", id, a, b)
				}
			}
			if g := after["focus_10h"]; g.Unlocked || g.Current != 0 {
				t.Fatalf("focus_10h after deletion: %+v", g)
			}
			sum, err := f.db.Summary(f.ctx, f.user)
			if err != nil {
				t.Fatal(err)
			}
			unlocked := 0
			for _, a := range after {
				if a.Unlocked {
					unlocked++
				}
			}
			if sum.Achievements != unlocked || sum.AchievementsTotal != len(after) || sum.Completed != 0 || sum.Focus != 0 {
				t.Fatalf("summary after deletion: %+v (unlocked %d)", sum, unlocked)
			}
		})
	}
}

// earnSome completes a task dated a week before start, then runs the
// timer 10 times for 25 minutes from start on a task of start's day (deep
// work), and returns both tasks.
func (f *fixture) earnSome(t *testing.T, start time.Time) (past, today *focusflow.Task) {
	t.Helper()
	date := start.In(f.user.Location()).Format(localdate.DateLayout)
	past = f.task(t, localdate.AddDays(date, -7), "old")
	f.complete(t, past.ID)
	today = f.task(t, date, "deep")
	for i := range 10 {
		s := start.Add(time.Duration(i) * 30 * time.Minute)
		f.timed(t, today.ID, s, s.Add(DeepWork))
	}
	return past, today
}

// DeepWork is the deep-work threshold, as the tests use it.
const DeepWork = focusflow.DeepWorkMin

func mustAchievements(t *testing.T, f *fixture) []focusflow.Achievement {
	t.Helper()
	list, err := f.db.Achievements(f.ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// Streak and steady-focus achievements: the day they were crossed.
func TestAchievementsStreaksAndSteadyFocus(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Europe/Berlin")
			berlin := insightsLoc(t, "Europe/Berlin")
			goal := 30 * time.Minute
			if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{DailyGoal: &goal}); err != nil {
				t.Fatal(err)
			}
			f.user, _ = f.db.User(f.ctx, f.user.ID)
			now := time.Date(2026, 3, 10, 18, 0, 0, 0, berlin) // a Tuesday
			f.clock.Set(now)
			// 21 days, 18 Feb (Wed) … 10 Mar (Tue), each with a completed task
			// and the goal met: Mon 23 Feb – Sun 1 Mar is the first full week.
			for d := -20; d <= 0; d++ {
				date := localdate.AddDays("2026-03-10", d)
				start := localdate.DayStart(date, berlin).Add(8 * time.Hour)
				task := f.manual(t, date, start, start.Add(goal))
				f.complete(t, task.ID)
			}
			got := map[string]focusflow.Achievement{}
			for _, a := range mustAchievements(t, f) {
				got[a.ID] = a
			}
			endOf := func(date string) time.Time { return localdate.DayEnd(date, berlin).Add(-time.Millisecond).UTC() }
			want := map[string]time.Time{
				"first_task":    endOf("2026-02-18"),
				"tasks_10":      endOf("2026-02-27"),
				"streak_3":      endOf("2026-02-20"),
				"streak_7":      endOf("2026-02-24"),
				"goal_first":    endOf("2026-02-18"),
				"goal_streak_5": endOf("2026-02-22"),
				"goal_week":     endOf("2026-03-01"),
				"goal_days_20":  endOf("2026-03-09"),
				"focus_10h":     endOf("2026-03-09"), // 20 × 30 min
			}
			for id, at := range want {
				if a := got[id]; !a.Unlocked || !a.UnlockedAt.Equal(at) {
					t.Errorf("%s: %+v, want unlocked at %v", id, a, at)
				}
			}
			if a := got["streak_30"]; a.Unlocked || a.Current != 21 {
				t.Errorf("streak_30: %+v", a)
			}
			if a := got["goal_streak_30"]; a.Unlocked || a.Current != 21 {
				t.Errorf("goal_streak_30: %+v", a)
			}
			if a := got["tasks_50"]; a.Unlocked || a.Current != 21 {
				t.Errorf("tasks_50: %+v", a)
			}
			if a := got["focus_1h"]; !a.Unlocked || !a.UnlockedAt.Equal(endOf("2026-02-19")) {
				t.Errorf("focus_1h: %+v", a)
			}
		})
	}
}

// Plan versus reality: lateness from the first timer start in the user's
// zone, on-time starts, spent versus estimate of completed planned tasks.
func TestInsightsPlanVersusReality(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Europe/Berlin")
			berlin := insightsLoc(t, "Europe/Berlin")
			mk := func(date, start string, dur int) *focusflow.Task {
				task := &focusflow.Task{Date: date, Title: "planned", StartTime: start, DurationMinutes: dur}
				if err := f.db.CreateTask(f.ctx, f.user, task); err != nil {
					t.Fatal(err)
				}
				return task
			}
			at := func(date, hhmm string) time.Time {
				d, _ := time.ParseInLocation("2006-01-02 15:04", date+" "+hhmm, berlin)
				return d
			}
			// 10 min late, 60 planned, 50 spent, completed.
			a := mk("2026-03-05", "09:00", 60)
			f.timed(t, a.ID, at("2026-03-05", "09:10"), at("2026-03-05", "10:00"))
			f.complete(t, a.ID)
			// 2 min early (on time), 30 planned, 40 spent in two entries, completed.
			b := mk("2026-03-06", "14:00", 30)
			f.timed(t, b.ID, at("2026-03-06", "13:58"), at("2026-03-06", "14:18"))
			f.timed(t, b.ID, at("2026-03-06", "15:00"), at("2026-03-06", "15:20"))
			f.complete(t, b.ID)
			// Manual time only: no lateness; not completed.
			c := mk("2026-03-07", "08:00", 45)
			f.clock.Set(at("2026-03-07", "12:00"))
			if _, err := f.db.AddManualEntry(f.ctx, f.user, c.ID, at("2026-03-07", "06:00"), at("2026-03-07", "06:30")); err != nil {
				t.Fatal(err)
			}
			// Unplanned (no duration) and too old: ignored.
			mk("2026-03-08", "09:00", 0)
			old := mk("2026-01-05", "09:00", 60)
			f.timed(t, old.ID, at("2026-01-05", "12:00"), at("2026-01-05", "12:10"))
			f.clock.Set(at("2026-03-10", "12:00"))
			p := f.insights(t, "2026-03-01", "2026-03-10").Plan
			if p.From != "2026-02-09" || p.To != "2026-03-10" || len(p.Days) != 30 {
				t.Fatalf("window %s..%s (%d days)", p.From, p.To, len(p.Days))
			}
			if p.Planned != 3 || p.Started != 2 || p.OnTime != 1 || p.Completed != 2 {
				t.Fatalf("counts %+v", p)
			}
			if p.Lateness != 4*time.Minute { // (10 − 2) / 2
				t.Fatalf("lateness %v", p.Lateness)
			}
			if p.Estimate != 90*time.Minute || p.Spent != 90*time.Minute {
				t.Fatalf("estimate %v spent %v", p.Estimate, p.Spent)
			}
			for _, d := range p.Days {
				if d.Date == "2026-03-07" && (d.Planned != 1 || d.Estimate != 45*time.Minute || d.Spent != 30*time.Minute) {
					t.Fatalf("day 7: %+v", d)
				}
			}
		})
	}
}

// Totals, weekdays, months and the range checks.
func TestInsightsRangeFigures(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			f.clock.Set(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
			// Mon 2 Mar: two tasks, one done, 1 h timer; Tue 3 Mar: 30 min manual.
			a := f.task(t, "2026-03-02", "a")
			f.task(t, "2026-03-02", "b")
			f.timed(t, a.ID, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
			f.complete(t, a.ID)
			f.clock.Set(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
			f.manual(t, "2026-03-03", time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC))
			st := f.insights(t, "2026-02-20", "2026-03-10")
			tot := st.Totals
			if tot.Tasks != 3 || tot.Completed != 1 || tot.Focus != 90*time.Minute || tot.Manual != 30*time.Minute || tot.DaysActive != 2 || tot.GoalDays != 0 {
				t.Fatalf("totals %+v", tot)
			}
			mon, tue := st.Weekdays[0], st.Weekdays[1]
			if mon.Weekday != time.Monday || mon.Focus != time.Hour || mon.Completed != 1 || mon.Total != 2 || mon.Days != 3 {
				t.Fatalf("Monday %+v", mon)
			}
			if tue.Weekday != time.Tuesday || tue.Focus != 30*time.Minute || tue.Manual != 30*time.Minute || tue.Days != 3 {
				t.Fatalf("Tuesday %+v", tue)
			}
			if st.Weekdays[6].Weekday != time.Sunday {
				t.Fatalf("Sunday last: %+v", st.Weekdays[6])
			}
			if len(st.Months) != 2 || st.Months[0].Month != "2026-02" || st.Months[0].Days != 9 || st.Months[1].Days != 10 ||
				st.Months[1].Focus != 90*time.Minute || st.Months[1].DaysActive != 2 {
				t.Fatalf("months %+v", st.Months)
			}
			if len(st.GoalWeek) != 7 || st.GoalWeek[0].Date != "2026-03-09" || st.GoalToday.Date != "2026-03-10" {
				t.Fatalf("goal week %+v today %+v", st.GoalWeek, st.GoalToday)
			}
			// A range in another year: the week is read on its own.
			old := f.insights(t, "2020-01-01", "2020-12-31")
			if old.Totals.Focus != 0 || len(old.Days) != 0 || len(old.GoalWeek) != 7 || len(old.Months) != 12 {
				t.Fatalf("old range %+v", old)
			}
			for _, bad := range []struct{ from, to, field string }{
				{"2026-03-11", "2026-03-10", "from"},
				{"2016-01-01", "2026-03-10", "from"},
				{"2026-02-30", "2026-03-10", "from"},
				{"2026-03-01", "2026-13-01", "to"},
			} {
				_, err := f.db.Insights(f.ctx, f.user, bad.from, bad.to)
				if focusflow.ErrorCode(err) != focusflow.EINVALID || focusflow.ErrorField(err) != bad.field {
					t.Errorf("%s..%s: %v, want invalid %s", bad.from, bad.to, err, bad.field)
				}
			}
			if _, err := f.db.Insights(f.ctx, f.user, "2016-03-16", "2026-03-10"); err != nil { // 3,647 days
				t.Errorf("ten years: %v", err)
			}
		})
	}
}

// A running timer that lifts today to the goal extends the focus streak.
func TestInsightsLiveTimerLiftsFocusStreak(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			goal := 30 * time.Minute
			if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{DailyGoal: &goal}); err != nil {
				t.Fatal(err)
			}
			f.user, _ = f.db.User(f.ctx, f.user.ID)
			for d := -2; d <= -1; d++ {
				date := localdate.AddDays("2026-03-10", d)
				start := localdate.DayStart(date, time.UTC).Add(9 * time.Hour)
				f.manual(t, date, start, start.Add(goal))
			}
			task := f.task(t, "2026-03-10", "now")
			f.clock.Set(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			f.act(t, focusflow.ActionStart, task.ID, 0)
			f.clock.Advance(10 * time.Minute)
			if st := f.insights(t, "2026-03-01", "2026-03-10"); st.FocusStreak.Current != 2 || st.FocusStreak.Longest != 2 {
				t.Fatalf("below the goal: %+v", st.FocusStreak)
			}
			f.clock.Advance(25 * time.Minute)
			st := f.insights(t, "2026-03-01", "2026-03-10")
			if st.FocusStreak.Current != 3 || st.FocusStreak.Longest != 3 || st.Totals.GoalDays != 3 {
				t.Fatalf("lifted by the running timer: %+v %+v", st.FocusStreak, st.Totals)
			}
			sum, err := f.db.Summary(f.ctx, f.user)
			if err != nil || sum.FocusStreak != st.FocusStreak {
				t.Fatalf("summary %+v (%v), stats %+v", sum.FocusStreak, err, st.FocusStreak)
			}
		})
	}
}

// A streak runs through a leap day, in SQL and in Go.
func TestInsightsLeapDayStreak(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Pacific/Auckland")
			f.clock.Set(time.Date(2024, 2, 29, 22, 0, 0, 0, time.UTC)) // 1 March, 11:00 in Auckland
			for _, d := range []string{"2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"} {
				task := f.task(t, d, "leap")
				f.complete(t, task.ID)
			}
			st := f.insights(t, "2024-02-01", "2024-03-01")
			want := focusflow.StreakStats{Current: 4, Longest: 4, LongestStart: "2024-02-27", LongestEnd: "2024-03-01"}
			if st.Streak != want || st.Today != "2024-03-01" {
				t.Fatalf("stats streak %+v (today %s), want %+v", st.Streak, st.Today, want)
			}
			sum, err := f.db.Summary(f.ctx, f.user)
			if err != nil || sum.Streak != want {
				t.Fatalf("summary streak %+v (%v)", sum.Streak, err)
			}
			for _, m := range st.Months {
				if m.Month == "2024-02" && (m.Days != 29 || m.Completed != 3) {
					t.Fatalf("February %+v", m)
				}
			}
		})
	}
}

// Runs of days across a year end, a leap day (2000) and a century year
// that is not a leap year (2100), on both engines and in both code paths.
func TestInsightsStreakCalendarEdges(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			c := fake.NewClock(time.Date(2100, 3, 2, 12, 0, 0, 0, time.UTC))
			db, raw := insightsOpenRaw(t, e, c.Now)
			f := insightsUser(t, &fixture{db: db, clock: c, ctx: context.Background()}, "UTC")
			var rows []string
			add := func(from, to string) {
				for d := from; d <= to; d = localdate.AddDays(d, 1) {
					rows = append(rows, fmt.Sprintf("(%d, '%s', 7200000, 0, 1, 1)", f.user.ID, d))
				}
			}
			add("1999-12-30", "2000-01-02") // 4
			add("2000-02-25", "2000-03-03") // 8, through 29 February
			add("2100-02-27", "2100-03-02") // 4: 2100 has no 29 February
			if _, err := raw.Exec("INSERT INTO daily_stats (user_id, date, focus_ms, manual_ms, total, completed) VALUES " +
				strings.Join(rows, ", ")); err != nil {
				t.Fatal(err)
			}
			// Rows written around the store: derive the runs it keeps.
			if err := db.RecomputeStreakRuns(f.ctx); err != nil {
				t.Fatal(err)
			}
			want := focusflow.StreakStats{Current: 4, Longest: 8, LongestStart: "2000-02-25", LongestEnd: "2000-03-03"}
			st := f.insights(t, "2100-01-01", "2100-03-02")
			if st.Streak != want || st.FocusStreak != want {
				t.Fatalf("stats: %+v / %+v, want %+v", st.Streak, st.FocusStreak, want)
			}
			sum, err := f.db.Summary(f.ctx, f.user)
			if err != nil || sum.Streak != want || sum.FocusStreak != want {
				t.Fatalf("summary: %+v / %+v (%v)", sum.Streak, sum.FocusStreak, err)
			}
		})
	}
}

// A timer running since Sunday night lifts Sunday (last week) to the goal:
// the streak counts it whatever the range asked for.
func TestInsightsLiveTimerAcrossWeeks(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			goal := 30 * time.Minute
			if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{DailyGoal: &goal}); err != nil {
				t.Fatal(err)
			}
			f.user, _ = f.db.User(f.ctx, f.user.ID)
			f.clock.Set(time.Date(2026, 3, 8, 22, 0, 0, 0, time.UTC))
			for _, d := range []string{"2026-03-06", "2026-03-07"} { // Friday, Saturday: met
				start := localdate.DayStart(d, time.UTC).Add(9 * time.Hour)
				f.manual(t, d, start, start.Add(goal))
			}
			start := localdate.DayStart("2026-03-08", time.UTC).Add(9 * time.Hour) // Sunday: 20 minutes stored
			f.manual(t, "2026-03-08", start, start.Add(20*time.Minute))
			task := f.task(t, "2026-03-08", "late")
			f.clock.Set(time.Date(2026, 3, 8, 23, 40, 0, 0, time.UTC))
			f.act(t, focusflow.ActionStart, task.ID, 0)
			f.clock.Set(time.Date(2026, 3, 9, 0, 5, 0, 0, time.UTC)) // Monday
			want := focusflow.StreakStats{Current: 3, Longest: 3, LongestStart: "2026-03-06", LongestEnd: "2026-03-08"}
			for _, r := range [][2]string{{"2025-03-10", "2026-03-09"}, {"2020-01-01", "2020-12-31"}, {"2026-03-08", "2026-03-08"}} {
				st := f.insights(t, r[0], r[1])
				if st.FocusStreak != want {
					t.Errorf("range %s..%s: focus streak %+v, want %+v", r[0], r[1], st.FocusStreak, want)
				}
			}
		})
	}
}

// The runs kept by the write path agree with the streaks computed from the
// whole history in Go, through entries added and removed out of order and a
// change of the daily goal.
func TestInsightsMaintainedRunsAgreeWithHistory(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			c := fake.NewClock(time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC))
			f := insightsUser(t, &fixture{db: e.Open(t, c.Now), clock: c, ctx: context.Background()}, "UTC")
			rng := rand.New(rand.NewPCG(3, 5))
			check := func(step string) {
				t.Helper()
				st := f.insights(t, "2026-01-01", "2026-03-10")
				sum, err := f.db.Summary(f.ctx, f.user)
				if err != nil {
					t.Fatal(err)
				}
				if st.Streak != sum.Streak || st.FocusStreak != sum.FocusStreak {
					t.Fatalf("%s: runs %+v / %+v, history %+v / %+v", step, st.Streak, st.FocusStreak, sum.Streak, sum.FocusStreak)
				}
			}
			var entries []*focusflow.TimeEntry
			for i := range 60 { // days in random order, some reaching the 2 h goal
				day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -rng.IntN(40))
				start := day.Add(time.Duration(8+rng.IntN(3)*4) * time.Hour)
				task := f.task(t, day.Format(localdate.DateLayout), fmt.Sprintf("work %d", i))
				en, err := f.db.AddManualEntry(f.ctx, f.user, task.ID, start, start.Add(time.Duration(30+rng.IntN(120))*time.Minute))
				if err != nil {
					continue // overlaps an earlier random entry
				}
				entries = append(entries, en)
				if rng.IntN(3) == 0 {
					f.complete(t, task.ID)
				}
			}
			check("after adding")
			for i := 0; i < len(entries); i += 3 {
				if err := f.db.DeleteEntry(f.ctx, f.user, entries[i].ID); err != nil {
					t.Fatal(err)
				}
			}
			check("after deleting")
			goal := time.Hour
			if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{DailyGoal: &goal}); err != nil {
				t.Fatal(err)
			}
			if f.user, _ = f.db.User(f.ctx, f.user.ID); f.user.DailyGoal != goal {
				t.Fatal("goal not saved")
			}
			check("after lowering the goal")
			if st := f.insights(t, "2026-01-01", "2026-03-10"); st.FocusStreak.Longest == 0 {
				t.Fatalf("the data should have a focus streak: %+v", st.FocusStreak)
			}
		})
	}
}
