package insights

import (
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Two kinds of streak: days with at least one completed task, and days
// whose focus time reached the daily goal (the current goal, applied to
// every day). The current streak is the run ending today, or yesterday
// when today does not count yet; the longest is the longest run up to
// today, the most recent one on a tie.

// Top is the end of a kept run: its date and its length in days.
type Top struct {
	Date string
	Run  int
}

// RecentDay is a stored day next to today, with the runs ending on it.
type RecentDay struct {
	Focus         time.Duration
	Run, FocusRun int
}

// KeptRuns are the runs the store keeps per day (how many consecutive
// counting days end at each date): the longest of each kind up to today,
// and the days RecentDates names. With them the streaks cost the same at
// any history size.
type KeptRuns struct {
	Longest, LongestFocus Top
	Recent                map[string]RecentDay // by date; a day without a row is absent
}

// RecentDates are the days whose kept runs the current streaks need:
// today, yesterday and the day before.
func RecentDates(today string) [3]string {
	return [3]string{today, localdate.AddDays(today, -1), localdate.AddDays(today, -2)}
}

// StreaksFromRuns computes both streaks from the kept runs. live is the
// running entry's time per local day: it may lift yesterday or today (a
// capped timer spans at most two days) to the goal. The running timer
// completes nothing.
func StreaksFromRuns(k KeptRuns, today string, goal time.Duration, live map[string]time.Duration) (completed, focused focusflow.StreakStats) {
	days := RecentDates(today)
	yesterday, before := days[1], days[2]
	current := k.Recent[today].Run
	if current == 0 {
		current = k.Recent[yesterday].Run
	}
	completed = k.Longest.stats(current)

	atGoal := func(d string) bool { return k.Recent[d].Focus+live[d] >= goal }
	runY, runT := 0, 0
	if atGoal(yesterday) {
		runY = k.Recent[before].FocusRun + 1
	}
	if atGoal(today) {
		runT = runY + 1
	}
	longest := k.LongestFocus
	for _, r := range []Top{{yesterday, runY}, {today, runT}} {
		if r.Run > longest.Run || (r.Run > 0 && r.Run == longest.Run && r.Date > longest.Date) {
			longest = r
		}
	}
	current = runT
	if current == 0 {
		current = runY
	}
	return completed, longest.stats(current)
}

func (t Top) stats(current int) focusflow.StreakStats {
	if t.Run == 0 {
		return focusflow.StreakStats{}
	}
	return focusflow.StreakStats{Current: current, Longest: t.Run,
		LongestStart: localdate.AddDays(t.Date, 1-t.Run), LongestEnd: t.Date}
}

// Streaks computes both streaks from a whole history of per-day figures
// (oldest first), as of today.
func Streaks(days []focusflow.DayStats, today string, goal time.Duration) (completed, focused focusflow.StreakStats) {
	dns, todayDN := dayNumbers(days), epochDay(today)
	c := islandsOf(runsOf(days, dns, todayDN, isDone), todayDN)
	f := islandsOf(runsOf(days, dns, todayDN, atGoal(goal)), todayDN)
	return c.stats(), f.stats()
}

// epochDay is the number of days from 1970-01-01 to a YYYY-MM-DD date:
// consecutive dates get consecutive numbers, which is what finding runs of
// days needs. It does the arithmetic itself because parsing every date of
// a long history was the largest part of the streaks' cost.
func epochDay(date string) int64 {
	if len(date) != 10 || date[4] != '-' || date[7] != '-' {
		return slowEpochDay(date)
	}
	num := func(s string) int64 {
		var n int64
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int64(c-'0')
		}
		return n
	}
	y, m, d := num(date[:4]), num(date[5:7]), num(date[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return slowEpochDay(date)
	}
	// Days from civil (H. Hinnant): March-based years put the leap day last.
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func slowEpochDay(date string) int64 {
	t, err := localdate.ParseDate(date)
	if err != nil {
		return 0
	}
	return t.Unix() / 86400
}

// epochDate is the date of a day number.
func epochDate(n int64) string { return time.Unix(n*86400, 0).UTC().Format(localdate.DateLayout) }

func dayNumbers(days []focusflow.DayStats) []int64 {
	out := make([]int64, len(days))
	for i, d := range days {
		out[i] = epochDay(d.Date)
	}
	return out
}

// run is one run of consecutive days (day numbers, inclusive).
type run struct {
	first, last int64
	n           int
}

// runsOf lists the runs of consecutive days up to today for which keep
// holds, oldest first. days must be sorted; dns are their day numbers.
func runsOf(days []focusflow.DayStats, dns []int64, today int64, keep func(focusflow.DayStats) bool) []run {
	var out []run
	for i, d := range days {
		dn := dns[i]
		if dn > today || !keep(d) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].last+1 == dn {
			out[n-1].last = dn
			out[n-1].n++
			continue
		}
		out = append(out, run{first: dn, last: dn, n: 1})
	}
	return out
}

func isDone(d focusflow.DayStats) bool { return d.Completed > 0 }

func atGoal(goal time.Duration) func(focusflow.DayStats) bool {
	return func(d focusflow.DayStats) bool { return goal > 0 && d.Focus >= goal }
}

// islands are the runs that matter: the longest (latest on a tie) and the
// length of the current one (ending today, or yesterday when today does
// not count yet).
type islands struct {
	longest run
	current int
}

func islandsOf(runs []run, today int64) islands {
	var s islands
	for _, r := range runs {
		if r.n > s.longest.n || (r.n == s.longest.n && r.last > s.longest.last) {
			s.longest = r
		}
		if r.last == today || r.last == today-1 {
			s.current = r.n
		}
	}
	return s
}

func (s islands) stats() focusflow.StreakStats {
	if s.longest.n == 0 {
		return focusflow.StreakStats{}
	}
	return focusflow.StreakStats{Current: s.current, Longest: s.longest.n,
		LongestStart: epochDate(s.longest.first), LongestEnd: epochDate(s.longest.last)}
}
