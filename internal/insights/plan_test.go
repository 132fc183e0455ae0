package insights

import (
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestPlannedStart(t *testing.T) {
	berlin, ny := mustLoc(t, "Europe/Berlin"), mustLoc(t, "America/New_York")
	cases := []struct {
		date, hhmm string
		loc        *time.Location
		want       time.Time
		ok         bool
	}{
		{"2026-03-10", "09:00", berlin, time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC), true},
		{"2026-07-10", "09:00", berlin, time.Date(2026, 7, 10, 7, 0, 0, 0, time.UTC), true},
		// 02:30 does not exist on the day clocks go forward: it moves
		// forward with them, to 03:30 summer time.
		{"2026-03-29", "02:30", berlin, time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), true},
		{"2026-03-29", "03:00", berlin, time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), true},
		{"2026-03-08", "02:15", ny, time.Date(2026, 3, 8, 7, 15, 0, 0, time.UTC), true},
		{"2026-09-27", "02:30", mustLoc(t, "Pacific/Auckland"), time.Date(2026, 9, 26, 14, 30, 0, 0, time.UTC), true},
		{"2026-11-01", "09:00", ny, time.Date(2026, 11, 1, 14, 0, 0, 0, time.UTC), true},
		{"2026-03-10", "9am", berlin, time.Time{}, false},
		{"2026-02-30", "09:00", berlin, time.Time{}, false},
	}
	for _, c := range cases {
		got, ok := PlannedStart(c.date, c.hhmm, c.loc)
		if ok != c.ok || !got.Equal(c.want) {
			t.Errorf("%s %s %s: %v %v, want %v %v", c.date, c.hhmm, c.loc, got.UTC(), ok, c.want, c.ok)
		}
	}
}

// Lateness and on-time starts at the edges of the window: exactly five
// minutes either side is on time, a millisecond more is not.
func TestPlanOnTimeBoundaries(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	planned := time.Date(2026, 3, 10, 9, 0, 0, 0, berlin)
	cases := []struct {
		offset time.Duration
		onTime bool
	}{
		{-focusflow.OnTimeWindow - time.Millisecond, false},
		{-focusflow.OnTimeWindow, true},
		{0, true},
		{focusflow.OnTimeWindow, true},
		{focusflow.OnTimeWindow + time.Millisecond, false},
		{time.Hour, false},
	}
	for _, c := range cases {
		task := PlannedTask{ID: 1, Date: "2026-03-10", Start: "09:00", Estimate: time.Hour, FirstStart: planned.Add(c.offset)}
		p, onTime := foldPlan([]PlannedTask{task}, nil, "2026-03-10", berlin)
		if p.Started != 1 || p.Lateness != c.offset || (p.OnTime == 1) != c.onTime || (len(onTime) == 1) != c.onTime {
			t.Errorf("offset %v: %+v, on-time starts %v", c.offset, p, onTime)
		}
	}
}

func TestPlan(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	at := func(day, h, m int) time.Time { return time.Date(2026, 3, day, h, m, 0, 0, berlin) }
	tasks := []PlannedTask{
		// Ten minutes late, completed: 50 of 60 minutes.
		{ID: 1, Date: "2026-03-09", Start: "09:00", Estimate: time.Hour, Spent: 50 * time.Minute,
			Status: focusflow.StatusCompleted, FirstStart: at(9, 9, 10)},
		// Four minutes early, running now (the live entry is its first).
		{ID: 2, Date: "2026-03-10", Start: "14:00", Estimate: 30 * time.Minute, Status: focusflow.StatusInProgress},
		// Never started: no lateness.
		{ID: 3, Date: "2026-03-10", Start: "16:00", Estimate: 15 * time.Minute},
		// The first day of the window.
		{ID: 4, Date: "2026-02-09", Start: "08:00", Estimate: 45 * time.Minute, Spent: 45 * time.Minute,
			Status: focusflow.StatusCompleted, FirstStart: time.Date(2026, 2, 9, 8, 0, 0, 0, berlin)},
	}
	live := &Live{Spans: []focus.Span{{TaskID: 2, Start: at(10, 13, 56), End: at(10, 14, 26)}}}
	p := Plan(tasks, live, "2026-03-10", berlin)
	if p.From != "2026-02-09" || p.To != "2026-03-10" || len(p.Days) != focusflow.PlanDays {
		t.Fatalf("window %s..%s, %d days", p.From, p.To, len(p.Days))
	}
	if p.Planned != 4 || p.Started != 3 || p.OnTime != 2 {
		t.Fatalf("planned %d started %d on time %d", p.Planned, p.Started, p.OnTime)
	}
	// 10 min late, 4 min early, and the first day's task exactly on time.
	if want := (10*time.Minute - 4*time.Minute) / 3; p.Lateness != want {
		t.Fatalf("lateness %v, want %v", p.Lateness, want)
	}
	if p.Completed != 2 || p.Estimate != 105*time.Minute || p.Spent != 95*time.Minute {
		t.Fatalf("completed %d: %v of %v", p.Completed, p.Spent, p.Estimate)
	}
	today := p.Days[len(p.Days)-1]
	if today.Date != "2026-03-10" || today.Planned != 2 || today.Estimate != 45*time.Minute || today.Spent != 30*time.Minute {
		t.Fatalf("today %+v", today)
	}
	if first := p.Days[0]; first.Date != "2026-02-09" || first.Planned != 1 {
		t.Fatalf("first day %+v", first)
	}
	if Plan(nil, nil, "2026-03-10", berlin).Lateness != 0 {
		t.Fatal("no started task: no lateness")
	}
}
