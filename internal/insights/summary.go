package insights

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Summarise is the profile's summary: all-time totals and streaks over the
// stored history (oldest first) with the running entry's time so far, and
// how many of the evaluated achievements are unlocked.
func Summarise(history []focusflow.DayStats, live *Live, list []focusflow.Achievement, now time.Time,
	loc *time.Location, goal time.Duration) *focusflow.Summary {
	today := localdate.Today(now, loc)
	s := &focusflow.Summary{AchievementsTotal: len(list)}
	for _, a := range list {
		if a.Unlocked {
			s.Achievements++
		}
	}
	if live != nil {
		history = withLive(history, live.byDay(loc))
	}
	for _, d := range history {
		s.Tasks += d.Total
		s.Completed += d.Completed
		s.Focus += d.Focus
		s.Manual += d.Manual
		if d.Focus > 0 || d.Completed > 0 {
			s.DaysActive++
		}
		if goal > 0 && d.Focus >= goal && d.Date <= today {
			s.GoalDays++
		}
	}
	s.Streak, s.FocusStreak = Streaks(history, today, goal)
	return s
}

// withLive returns a copy of history with the running entry's time added
// to the days it covers.
func withLive(history []focusflow.DayStats, liveDay map[string]time.Duration) []focusflow.DayStats {
	h := slices.Clone(history)
	for d, live := range liveDay {
		i, found := sort.Find(len(h), func(i int) int { return strings.Compare(d, h[i].Date) })
		if found {
			h[i].Focus += live
		} else {
			h = slices.Insert(h, i, focusflow.DayStats{Date: d, Focus: live})
		}
	}
	return h
}
