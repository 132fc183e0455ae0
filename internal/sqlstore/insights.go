package sqlstore

// Insights: statistics over a range of days, all-time streaks, plan versus
// reality, and achievements. Everything here reads the per-day figures
// (daily_stats, hourly_focus) that the writes keep up to date, so the cost
// of a range grows with the number of days asked for, not with the number
// of time entries stored (plan versus reality and two achievements read
// the last 30 days of tasks and entries). The only all-history reads are
// of per-day rows (one per day with figures: 3,660 for ten years).
//
// Why streaks are computed on read rather than kept incrementally: a streak
// depends on every earlier day, and past days change (a task moved to last
// week, a manual entry for yesterday, a new daily goal, a new time zone that
// re-buckets all focus time). Keeping "longest" right under all of those
// would mean a recomputation on each of those writes, in every write path,
// and a table of its own; on read it is one indexed range read of the
// user's per-day rows, folded by the database into one row per month (121
// rows for ten years), and one linear pass here.

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Limits and windows of the insights.
const (
	// MaxStatsDays is the longest range GET /api/v1/stats accepts.
	MaxStatsDays = 3660
	// DefaultStatsDays is the default range: the last 365 days.
	DefaultStatsDays = 365
	// PlanDays is the window of plan versus reality, ending today.
	PlanDays = 30
	// OnTimeWindow: a planned task whose first timer entry starts within
	// this much of its planned start (either side) started on time.
	OnTimeWindow = 5 * time.Minute
	// DeepWorkMin is the shortest uninterrupted timer entry that counts as
	// deep work.
	DeepWorkMin = 25 * time.Minute
)

// Insights are the figures of one range of days for one user.
type Insights struct {
	From, To string // inclusive
	Today    string // the user's today
	Goal     time.Duration
	Totals   InsightTotals
	// Days lists the days of the range that have any figure, oldest first.
	Days     []focusflow.DayStats
	Weekdays [7]WeekdayStats // Monday first
	Hours    [24]time.Duration
	Months   []MonthStats // every calendar month the range touches
	// All-time streaks, whatever the range.
	Streak      StreakStats // days with at least one completed task
	FocusStreak StreakStats // days whose focus time reached the daily goal
	Plan        PlanStats
	GoalToday   focusflow.DayStats   // today, live timer included
	GoalWeek    []focusflow.DayStats // Monday–Sunday of today's week
}

// InsightTotals sum a range.
type InsightTotals struct {
	Tasks, Completed int
	Focus, Manual    time.Duration // Focus includes Manual
	DaysActive       int           // days with focus time or a completed task
	GoalDays         int           // days whose focus time reached the goal
}

// WeekdayStats sum one day of the week over a range.
type WeekdayStats struct {
	Weekday          time.Weekday
	Days             int // how many of these weekdays the range has
	Focus, Manual    time.Duration
	Total, Completed int
}

// MonthStats sum one calendar month (the part inside the range).
type MonthStats struct {
	Month            string // YYYY-MM
	Days, DaysActive int
	Focus, Manual    time.Duration
	Total, Completed int
}

// StreakStats is one kind of streak: the current run ending today (or
// yesterday when today does not count yet) and the longest ever, with the
// dates of the longest (the most recent one on a tie).
type StreakStats struct {
	Current, Longest         int
	LongestStart, LongestEnd string // "" when Longest is 0
}

// PlanStats compare planned tasks (a start time and a duration) with what
// happened, over the last PlanDays days.
type PlanStats struct {
	From, To string
	Planned  int // tasks with a planned start and duration
	Started  int // … of which with a timer entry (lateness is measured)
	OnTime   int // … of which started within OnTimeWindow of the plan
	// Lateness is the average of first timer start minus planned start
	// over Started tasks; negative means early.
	Lateness time.Duration
	// Completed planned tasks: their estimates against their spent time.
	Completed       int
	Estimate, Spent time.Duration
	Days            []PlanDay // every day of the window, oldest first
	onTimeStarts    []time.Time
}

// PlanDay is one day of plan versus reality: all planned tasks of the day.
type PlanDay struct {
	Date            string
	Planned         int
	Estimate, Spent time.Duration
}

// running is the user's running time entry, if any, up to now or the cap.
type running struct {
	taskID     int64
	start, end time.Time
}

func (db *DB) runningEntry(ctx context.Context, user *focusflow.User, now time.Time) (*running, error) {
	b := db.batch()
	finish := queueRunning(b, user, now)
	if err := b.Run(ctx); err != nil {
		return nil, err
	}
	return finish(), nil
}

// queueRunning queues the running-entry lookup on b.
func queueRunning(b *readBatch, user *focusflow.User, now time.Time) func() *running {
	var r *running
	b.Query(`SELECT task_id, started_at FROM time_entries WHERE user_id = $1 AND ended_at IS NULL`, []any{user.ID},
		func(row rowScanner) error {
			var taskID, start int64
			if err := row.Scan(&taskID, &start); err != nil {
				return err
			}
			r = &running{taskID: taskID, start: fromMS(start)}
			// A forgotten timer counts up to the cap, as it will once capped.
			r.end, _ = focus.Cap(r.start, now, user.TimerCap)
			if r.end.Before(r.start) {
				r.end = r.start
			}
			return nil
		})
	return func() *running { return r }
}

// portions splits the running entry's time so far by local day and hour.
func (r *running) portions(loc *time.Location) []localdate.Portion {
	if r == nil {
		return nil
	}
	return localdate.Portions(r.start, r.end, loc)
}

// Insights returns the figures of [from, to] (inclusive dates) and the
// all-time streaks, plan versus reality and goal progress. The running
// timer's time so far counts, as on the dashboard.
func (db *DB) Insights(ctx context.Context, user *focusflow.User, from, to string) (*Insights, error) {
	f, errF := localdate.ParseDate(from)
	t, errT := localdate.ParseDate(to)
	switch {
	case errF != nil:
		return nil, focusflow.Invalid("from", "%q is not a valid date; use YYYY-MM-DD.", from)
	case errT != nil:
		return nil, focusflow.Invalid("to", "%q is not a valid date; use YYYY-MM-DD.", to)
	case f.After(t):
		return nil, focusflow.Invalid("from", "from must not be after to.")
	case daysBetween(f, t)+1 > MaxStatsDays:
		return nil, focusflow.Invalid("from", "The range can be at most %d days.", MaxStatsDays)
	}
	now := db.now()
	loc := user.Location()
	today := localdate.Today(now, loc)
	st := &Insights{From: from, To: to, Today: today, Goal: user.DailyGoal}
	// This week's rows (for goal progress) come with the range's when
	// they are close to it, as they are for the default range.
	week := localdate.WeekOf(today)
	qFrom, qTo := from, to
	together := week[0] <= localdate.AddDays(to, 7) && week[6] >= localdate.AddDays(from, -7)
	if together {
		qFrom, qTo = min(from, week[0]), max(to, week[6])
	}
	// Every read in one batch: one round trip on PostgreSQL.
	b := db.batch()
	runningOf := queueRunning(b, user, now)
	var rows, weekRows []focusflow.DayStats
	collect := func(dst *[]focusflow.DayStats) func(rowScanner) error {
		return func(row rowScanner) error {
			s, err := scanDayStats(row)
			*dst = append(*dst, s)
			return err
		}
	}
	const dayStatsSQL = `SELECT date, focus_ms, manual_ms, total, completed FROM daily_stats
		WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date`
	b.Query(dayStatsSQL, []any{user.ID, qFrom, qTo}, collect(&rows))
	if !together {
		b.Query(dayStatsSQL, []any{user.ID, week[0], week[6]}, collect(&weekRows))
	}
	b.Query(`SELECT hour, SUM(focus_ms) FROM hourly_focus
		WHERE user_id = $1 AND date >= $2 AND date <= $3 GROUP BY hour`, []any{user.ID, from, to}, func(row rowScanner) error {
		var h int
		var ms int64
		if err := row.Scan(&h, &ms); err != nil {
			return err
		}
		if h >= 0 && h < 24 {
			st.Hours[h] += time.Duration(ms) * time.Millisecond
		}
		return nil
	})
	streaksOfLive := db.queueStreaks(b, user.ID, today, user.DailyGoal.Milliseconds())
	planOf := db.queuePlan(b, user, today)
	if err := b.Run(ctx); err != nil {
		return nil, err
	}
	run := runningOf()
	live := run.portions(loc)
	liveDay := map[string]int64{}
	for _, p := range live {
		liveDay[p.Date] += p.MS
	}

	all := mergeLive(rows, liveDay, qFrom, qTo)
	st.Days = slices.DeleteFunc(slices.Clone(all), func(r focusflow.DayStats) bool { return r.Date < from || r.Date > to })
	st.summarise(f, t)
	coverFrom, coverTo := qFrom, qTo // the days `all` has
	if !together {
		all = mergeLive(weekRows, liveDay, week[0], week[6])
		coverFrom, coverTo = week[0], week[6]
	}
	st.goalProgress(week, all)
	for _, p := range live {
		if p.Date >= from && p.Date <= to {
			st.Hours[p.Hour] += time.Duration(p.MS) * time.Millisecond
		}
	}

	// The days the running timer touches, with their stored figures and
	// its time: it may lift them to the goal.
	liveFigures := map[string]focusflow.DayStats{}
	for d := range liveDay {
		if d > today {
			continue
		}
		i, found := slices.BinarySearchFunc(all, d, func(r focusflow.DayStats, d string) int { return strings.Compare(r.Date, d) })
		switch {
		case found:
			liveFigures[d] = all[i]
		case d >= coverFrom && d <= coverTo: // no stored figures that day
			liveFigures[d] = focusflow.DayStats{Date: d, Focus: time.Duration(liveDay[d]) * time.Millisecond}
		default:
			rows, err := db.DayStats(ctx, user.ID, d, d)
			if err != nil {
				return nil, err
			}
			fig := focusflow.DayStats{Date: d}
			if len(rows) == 1 {
				fig = rows[0]
			}
			fig.Focus += time.Duration(liveDay[d]) * time.Millisecond
			liveFigures[d] = fig
		}
	}
	st.Streak, st.FocusStreak = streaksOfLive(liveFigures)
	st.Plan = planOf(run)
	return st, nil
}

func daysBetween(a, b time.Time) int {
	return int(b.Sub(a).Round(time.Hour) / (24 * time.Hour))
}

// mergeLive adds the running timer's time to the stored rows of [from, to]
// and drops rows without any figure.
func mergeLive(rows []focusflow.DayStats, liveDay map[string]int64, from, to string) []focusflow.DayStats {
	out := make([]focusflow.DayStats, 0, len(rows)+len(liveDay))
	seen := map[string]bool{}
	for _, r := range rows {
		r.Focus += time.Duration(liveDay[r.Date]) * time.Millisecond
		seen[r.Date] = true
		out = append(out, r)
	}
	for d, ms := range liveDay {
		if !seen[d] && d >= from && d <= to {
			out = append(out, focusflow.DayStats{Date: d, Focus: time.Duration(ms) * time.Millisecond})
		}
	}
	out = slices.DeleteFunc(out, func(r focusflow.DayStats) bool {
		return r.Focus == 0 && r.Manual == 0 && r.Total == 0 && r.Completed == 0
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// summarise fills totals, weekdays and months from st.Days.
func (st *Insights) summarise(from, to time.Time) {
	for i := range st.Weekdays {
		st.Weekdays[i].Weekday = time.Weekday((i + 1) % 7)
	}
	monthIdx := map[string]int{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		st.Weekdays[localdate.ISOWeekday(d.Weekday())].Days++
		m := d.Format("2006-01")
		i, ok := monthIdx[m]
		if !ok {
			i = len(st.Months)
			monthIdx[m] = i
			st.Months = append(st.Months, MonthStats{Month: m})
		}
		st.Months[i].Days++
	}
	for _, r := range st.Days {
		d, err := localdate.ParseDate(r.Date)
		if err != nil {
			continue
		}
		active := r.Focus > 0 || r.Completed > 0
		tot := &st.Totals
		tot.Tasks += r.Total
		tot.Completed += r.Completed
		tot.Focus += r.Focus
		tot.Manual += r.Manual
		if active {
			tot.DaysActive++
		}
		if st.Goal > 0 && r.Focus >= st.Goal {
			tot.GoalDays++
		}
		w := &st.Weekdays[localdate.ISOWeekday(d.Weekday())]
		w.Focus += r.Focus
		w.Manual += r.Manual
		w.Total += r.Total
		w.Completed += r.Completed
		if i, ok := monthIdx[r.Date[:7]]; ok {
			m := &st.Months[i]
			m.Focus += r.Focus
			m.Manual += r.Manual
			m.Total += r.Total
			m.Completed += r.Completed
			if active {
				m.DaysActive++
			}
		}
	}
}

// goalProgress fills today's and this week's goal progress from rows
// that cover the week.
func (st *Insights) goalProgress(week []string, rows []focusflow.DayStats) {
	byDate := map[string]focusflow.DayStats{}
	for _, r := range rows {
		byDate[r.Date] = r
	}
	st.GoalWeek = make([]focusflow.DayStats, 7)
	for i, d := range week {
		r := byDate[d]
		r.Date = d
		st.GoalWeek[i] = r
		if d == st.Today {
			st.GoalToday = r
		}
	}
}

// epochDay is the number of days from 1970-01-01 to a YYYY-MM-DD date:
// consecutive dates get consecutive numbers, which is what finding runs of
// days needs. It is computed here rather than in SQL because the text to
// date conversion was the largest part of the streak query's cost.
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

// streakDay is what runs of days are judged on.
type streakDay struct {
	dn        int64 // epochDay
	completed int
	focus     int64 // ms
}

// queueStreaks queues on b the reads of both all-time streaks; the returned
// function computes them once b has run. They come from the runs kept in
// daily_stats (run, focus_run): the longest is the top of an index, the
// current one the runs of today and yesterday, so the cost does not grow
// with history. live holds the days the running timer touches with their
// full figures: it may lift today or yesterday to the goal.
func (db *DB) queueStreaks(b *readBatch, userID int64, today string, goal int64) func(live map[string]focusflow.DayStats) (StreakStats, StreakStats) {
	type top struct {
		date string
		run  int
	}
	var longC, longF top
	for _, q := range []struct {
		col string
		dst *top
	}{{"run", &longC}, {"focus_run", &longF}} {
		b.Query(`SELECT date, `+q.col+` FROM daily_stats WHERE user_id = $1 AND date <= $2 AND `+q.col+` > 0
			ORDER BY `+q.col+` DESC, date DESC LIMIT 1`, []any{userID, today}, func(row rowScanner) error {
			return row.Scan(&q.dst.date, &q.dst.run)
		})
	}
	type recentDay struct {
		focus         int64
		run, focusRun int
	}
	yesterday, before := localdate.AddDays(today, -1), localdate.AddDays(today, -2)
	recent := map[string]recentDay{}
	b.Query(`SELECT date, focus_ms, run, focus_run FROM daily_stats WHERE user_id = $1 AND date IN ($2, $3, $4)`,
		[]any{userID, today, yesterday, before}, func(row rowScanner) error {
			var d string
			var r recentDay
			err := row.Scan(&d, &r.focus, &r.run, &r.focusRun)
			recent[d] = r
			return err
		})
	stats := func(current int, longest top) StreakStats {
		if longest.run == 0 {
			return StreakStats{}
		}
		return StreakStats{Current: current, Longest: longest.run,
			LongestStart: localdate.AddDays(longest.date, 1-longest.run), LongestEnd: longest.date}
	}
	return func(live map[string]focusflow.DayStats) (StreakStats, StreakStats) {
		// Completed tasks: the running timer completes nothing.
		current := recent[today].run
		if current == 0 {
			current = recent[yesterday].run
		}
		completed := stats(current, longC)

		// Focus: the running timer's time may lift yesterday or today (a
		// capped timer spans at most two days) to the goal.
		atGoal := func(d string) bool {
			if f, ok := live[d]; ok {
				return f.Focus.Milliseconds() >= goal
			}
			return recent[d].focus >= goal
		}
		runY, runT := 0, 0
		if atGoal(yesterday) {
			runY = recent[before].focusRun + 1
		}
		if atGoal(today) {
			runT = runY + 1
		}
		for _, r := range []top{{yesterday, runY}, {today, runT}} {
			if r.run > longF.run || (r.run > 0 && r.run == longF.run && r.date > longF.date) {
				longF = r
			}
		}
		current = runT
		if current == 0 {
			current = runY
		}
		return completed, stats(current, longF)
	}
}

// islandRun is one run of consecutive days (day numbers, inclusive).
type islandRun struct {
	first, last int64
	n           int
}

// runsOf lists the runs of consecutive days up to today for which keep
// holds, oldest first. days must be sorted.
func runsOf(days []streakDay, today int64, keep func(streakDay) bool) []islandRun {
	var out []islandRun
	for _, d := range days {
		if d.dn > today || !keep(d) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].last+1 == d.dn {
			out[n-1].last = d.dn
			out[n-1].n++
			continue
		}
		out = append(out, islandRun{first: d.dn, last: d.dn, n: 1})
	}
	return out
}

func isDone(d streakDay) bool { return d.completed > 0 }

func atGoal(goal int64) func(streakDay) bool {
	return func(d streakDay) bool { return goal > 0 && d.focus >= goal }
}

// streaksOf computes both streaks: the completed-task streak and the focus
// streak.
func streaksOf(days []streakDay, today, goal int64) (c, f islands) {
	for _, r := range runsOf(days, today, isDone) {
		c.add(r, today)
	}
	for _, r := range runsOf(days, today, atGoal(goal)) {
		f.add(r, today)
	}
	return c, f
}

// islands gathers the runs that matter: the longest (latest on a tie) and
// the current one (ending today, or yesterday when today does not count
// yet).
type islands struct {
	longest islandRun
	current int
}

func (s *islands) add(r islandRun, today int64) {
	if r.n > s.longest.n || (r.n == s.longest.n && r.last > s.longest.last) {
		s.longest = r
	}
	if r.last == today || r.last == today-1 {
		s.current = r.n
	}
}

func (s *islands) stats() StreakStats {
	if s.longest.n == 0 {
		return StreakStats{}
	}
	return StreakStats{Current: s.current, Longest: s.longest.n,
		LongestStart: epochDate(s.longest.first), LongestEnd: epochDate(s.longest.last)}
}

// --- all-time history, read once per evaluation ---

// dayFig is one stored per-day row.
type dayFig struct {
	date             string
	dn               int64
	focus, manual    int64
	total, completed int
}

// history is every per-day row of a user, oldest first.
type history []dayFig

func (db *DB) history(ctx context.Context, userID int64) (history, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT date, focus_ms, manual_ms, total, completed FROM daily_stats
		WHERE user_id = $1 ORDER BY date`, userID)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var h history
	for rows.Next() {
		var d dayFig
		if err := rows.Scan(&d.date, &d.focus, &d.manual, &d.total, &d.completed); err != nil {
			return nil, err
		}
		d.dn = epochDay(d.date)
		h = append(h, d)
	}
	return h, wrapDBError(rows.Err())
}

// addLive adds the running timer's time to the days it covers.
func (h *history) addLive(liveDay map[string]int64) {
	for d, ms := range liveDay {
		i, found := sort.Find(len(*h), func(i int) int { return strings.Compare(d, (*h)[i].date) })
		if found {
			(*h)[i].focus += ms
		} else {
			*h = slices.Insert(*h, i, dayFig{date: d, dn: epochDay(d), focus: ms})
		}
	}
}

func (h history) streakDays() []streakDay {
	out := make([]streakDay, len(h))
	for i, d := range h {
		out[i] = streakDay{dn: d.dn, completed: d.completed, focus: d.focus}
	}
	return out
}

// --- plan versus reality ---

// plan compares planned tasks of the last PlanDays days with their timer
// entries and spent time. Lateness uses the first entry the server's clock
// started (timer or capped): a manual entry says how long, not when work
// began. Planned starts are read in the user's current zone.
func (db *DB) plan(ctx context.Context, user *focusflow.User, today string, run *running) (PlanStats, error) {
	b := db.batch()
	finish := db.queuePlan(b, user, today)
	if err := b.Run(ctx); err != nil {
		return PlanStats{}, err
	}
	return finish(run), nil
}

// planRow is one planned task as the plan query returns it.
type planRow struct {
	id, spent           int64
	date, start, status string
	dur                 int
	first               sql.NullInt64
}

// queuePlan queues the plan-versus-reality query on b; the returned
// function computes the figures once b has run.
func (db *DB) queuePlan(b *readBatch, user *focusflow.User, today string) func(run *running) PlanStats {
	from := localdate.AddDays(today, 1-PlanDays)
	var rows []planRow
	b.Query(`SELECT t.id, t.date, t.start_time, t.duration_minutes, t.spent_ms, t.status,
		(SELECT MIN(e.started_at) FROM time_entries e WHERE e.task_id = t.id AND e.user_id = $1
		   AND e.source IN ('timer', 'capped'))
		FROM tasks t WHERE t.user_id = $1 AND t.date >= $2 AND t.date <= $3
		AND t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL`, []any{user.ID, from, today},
		func(row rowScanner) error {
			var r planRow
			err := row.Scan(&r.id, &r.date, &r.start, &r.dur, &r.spent, &r.status, &r.first)
			rows = append(rows, r)
			return err
		})
	return func(run *running) PlanStats {
		p := PlanStats{From: from, To: today}
		loc := user.Location()
		idx := map[string]int{}
		for i := range PlanDays {
			d := localdate.AddDays(p.From, i)
			idx[d] = i
			p.Days = append(p.Days, PlanDay{Date: d})
		}
		var lateSum time.Duration
		for _, r := range rows {
			id, spent, date, start, status, dur, first := r.id, r.spent, r.date, r.start, r.status, r.dur, r.first
			spentD := time.Duration(spent) * time.Millisecond
			if run != nil && run.taskID == id {
				spentD += run.end.Sub(run.start)
				if !first.Valid || run.start.UnixMilli() < first.Int64 {
					first = sql.NullInt64{Int64: run.start.UnixMilli(), Valid: true}
				}
			}
			estimate := time.Duration(dur) * time.Minute
			p.Planned++
			if i, ok := idx[date]; ok {
				p.Days[i].Planned++
				p.Days[i].Estimate += estimate
				p.Days[i].Spent += spentD
			}
			if first.Valid {
				if planned, ok := plannedStart(date, start, loc); ok {
					late := fromMS(first.Int64).Sub(planned)
					p.Started++
					lateSum += late
					if late >= -OnTimeWindow && late <= OnTimeWindow {
						p.OnTime++
						p.onTimeStarts = append(p.onTimeStarts, fromMS(first.Int64))
					}
				}
			}
			if status == focusflow.StatusCompleted {
				p.Completed++
				p.Estimate += estimate
				p.Spent += spentD
			}
		}
		if p.Started > 0 {
			p.Lateness = (lateSum / time.Duration(p.Started)).Truncate(time.Millisecond)
		}
		return p
	}
}

// plannedStart is the instant of date at HH:MM in loc. A time that does
// not exist (skipped by a daylight-saving change) moves forward with it.
func plannedStart(date, hhmm string, loc *time.Location) (time.Time, bool) {
	d, err := localdate.ParseDate(date)
	if err != nil {
		return time.Time{}, false
	}
	c, err := time.Parse("15:04", hhmm)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, loc), true
}

// --- achievements ---

// Achievement is one achievement as a user sees it.
type Achievement struct {
	ID, Name, Description, Category string
	Unlocked                        bool
	UnlockedAt                      time.Time // zero while locked
	Current, Target                 int       // progress, in Unit
	Unit                            string
}

// achievementDef defines an achievement. metric reads the evaluated facts:
// the current progress, and when the threshold was crossed (zero if not).
type achievementDef struct {
	id, name, description, category, unit string
	target                                int
	metric                                func(f *facts, target int) (current int, crossed time.Time)
}

// facts are what the achievements are judged on: the user's recorded
// (closed) figures. The running timer's time counts once it is stopped.
type facts struct {
	today string
	nowT  time.Time
	loc   *time.Location
	goal  int64
	h     history
	// The streaks (current and longest) and every run, for the day on
	// which a length was first reached.
	completed, focus islands
	cRuns, fRuns     []islandRun
	deepWork         []time.Time // end of each qualifying timer entry of the last 30 days, oldest first (≤ 10)
	plan             PlanStats
}

// dayInstant is when a day-level threshold counts as crossed: the end of
// that local day, or now if the day has not ended yet.
func (f *facts) dayInstant(date string) time.Time {
	end := localdate.DayEnd(date, f.loc).Add(-time.Millisecond)
	if end.After(f.nowT) {
		return f.nowT
	}
	return end.UTC()
}

// cumulative returns the running total of value over the history and the
// first day it reached target.
func (f *facts) cumulative(target int64, value func(dayFig) int64) (int64, time.Time) {
	var sum int64
	var crossed time.Time
	for _, d := range f.h {
		sum += value(d)
		if crossed.IsZero() && sum >= target && target > 0 {
			crossed = f.dayInstant(d.date)
		}
	}
	return sum, crossed
}

// reached returns when a run of at least n days was first completed.
func (f *facts) reached(runs []islandRun, n int) time.Time {
	for _, r := range runs {
		if r.n >= n {
			return f.dayInstant(epochDate(r.first + int64(n) - 1))
		}
	}
	return time.Time{}
}

func completedTasks(f *facts, target int) (int, time.Time) {
	n, at := f.cumulative(int64(target), func(d dayFig) int64 { return int64(d.completed) })
	return int(n), at
}

func focusMinutes(f *facts, target int) (int, time.Time) {
	ms, at := f.cumulative(int64(target)*time.Minute.Milliseconds(), func(d dayFig) int64 { return d.focus })
	return int(ms / time.Minute.Milliseconds()), at
}

// Streak progress is the current streak: a locked N-day streak can only be
// reached by making the current run N days long.
func taskStreak(f *facts, target int) (int, time.Time) {
	return f.completed.current, f.reached(f.cRuns, target)
}

func focusStreak(f *facts, target int) (int, time.Time) {
	return f.focus.current, f.reached(f.fRuns, target)
}

func goalDays(f *facts, target int) (int, time.Time) {
	n, at := f.cumulative(int64(target), func(d dayFig) int64 {
		if f.goal > 0 && d.focus >= f.goal && d.date <= f.today {
			return 1
		}
		return 0
	})
	return int(n), at
}

// perfectWeek: a Monday–Sunday week with the goal met every day. Progress
// is this week's goal days so far.
func perfectWeek(f *facts, _ int) (int, time.Time) {
	var crossed time.Time
	for _, r := range f.fRuns {
		monday := r.first + int64(7-(r.first+3)%7)%7 // day 0, 1970-01-01, was a Thursday
		if sunday := monday + 6; sunday <= r.last {
			crossed = f.dayInstant(epochDate(sunday))
			break
		}
	}
	week := localdate.WeekOf(f.today)
	n := 0
	for _, d := range f.h {
		if d.date >= week[0] && d.date <= f.today && f.goal > 0 && d.focus >= f.goal {
			n++
		}
	}
	return n, crossed
}

func deepWork(f *facts, target int) (int, time.Time) {
	n := len(f.deepWork)
	if n >= target {
		return n, f.deepWork[target-1]
	}
	return n, time.Time{}
}

func punctual(f *facts, target int) (int, time.Time) {
	starts := slices.Clone(f.plan.onTimeStarts)
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	if len(starts) >= target {
		return len(starts), starts[target-1]
	}
	return len(starts), time.Time{}
}

// AchievementDefs is the list, in the order shown. IDs are stable: they
// are stored.
var achievementDefs = []achievementDef{
	{"first_task", "First step", "Complete your first task.", "tasks", "tasks", 1, completedTasks},
	{"tasks_10", "Getting things done", "Complete 10 tasks.", "tasks", "tasks", 10, completedTasks},
	{"tasks_50", "Productive", "Complete 50 tasks.", "tasks", "tasks", 50, completedTasks},
	{"tasks_100", "Centurion", "Complete 100 tasks.", "tasks", "tasks", 100, completedTasks},
	{"focus_1h", "First hour", "Record 1 hour of focus time.", "focus", "minutes", 60, focusMinutes},
	{"focus_10h", "Ten hours in", "Record 10 hours of focus time.", "focus", "minutes", 600, focusMinutes},
	{"focus_100h", "Hundred-hour club", "Record 100 hours of focus time.", "focus", "minutes", 6000, focusMinutes},
	{"streak_3", "On a roll", "Complete a task 3 days in a row.", "streak", "days", 3, taskStreak},
	{"streak_7", "Week streak", "Complete a task 7 days in a row.", "streak", "days", 7, taskStreak},
	{"streak_30", "Unstoppable", "Complete a task 30 days in a row.", "streak", "days", 30, taskStreak},
	{"goal_first", "On target", "Reach your daily focus goal for the first time.", "steady", "days", 1, goalDays},
	{"goal_streak_5", "Five in a row", "Reach your daily focus goal 5 days in a row.", "steady", "days", 5, focusStreak},
	{"goal_week", "Perfect week", "Reach your daily focus goal on every day of a Monday–Sunday week.", "steady", "days", 7, perfectWeek},
	{"goal_days_20", "Steady hand", "Reach your daily focus goal on 20 days.", "steady", "days", 20, goalDays},
	{"goal_streak_30", "Habit formed", "Reach your daily focus goal 30 days in a row.", "steady", "days", 30, focusStreak},
	{"deep_work_10", "Deep work", "Focus for 25 minutes or more without pausing, 10 times within 30 days (timer sessions).", "steady", "sessions", 10, deepWork},
	{"punctual_10", "Right on time", "Start 10 planned tasks within 5 minutes of their planned time, within 30 days.", "steady", "tasks", 10, punctual},
}

// AchievementCount is how many achievements there are.
func AchievementCount() int { return len(achievementDefs) }

// storedAchievements reads the user's unlocked achievements.
func (db *DB) storedAchievements(ctx context.Context, q sqlQueryer, userID int64) (map[string]time.Time, error) {
	rows, err := q.QueryContext(ctx, `SELECT achievement_id, unlocked_at FROM achievements WHERE user_id = $1`, userID)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = fromMS(at)
	}
	return out, wrapDBError(rows.Err())
}

// Achievements evaluates the user's achievements and records newly earned
// ones. Once stored, an achievement stays with its first unlocked_at, even
// if the data behind it is deleted later. unlocked_at is when the
// threshold was crossed as far as the figures tell: the end of the local
// day on which a day-based figure (tasks, focus hours, streaks, goal days)
// first reached it, capped at now; the end of the 10th qualifying entry for
// deep work; the 10th on-time start for punctuality.
func (db *DB) Achievements(ctx context.Context, user *focusflow.User) ([]Achievement, error) {
	list, _, err := db.achievements(ctx, user, nil)
	return list, err
}

// achievements evaluates with the user's history when h is non-nil (read
// here otherwise, and only if something is still locked).
func (db *DB) achievements(ctx context.Context, user *focusflow.User, h history) ([]Achievement, history, error) {
	stored, err := db.storedAchievements(ctx, db.read, user.ID)
	if err != nil {
		return nil, h, err
	}
	out := make([]Achievement, len(achievementDefs))
	locked := false
	for i, d := range achievementDefs {
		out[i] = Achievement{ID: d.id, Name: d.name, Description: d.description, Category: d.category,
			Target: d.target, Unit: d.unit}
		if at, ok := stored[d.id]; ok {
			out[i].Unlocked, out[i].UnlockedAt, out[i].Current = true, at, d.target
		} else {
			locked = true
		}
	}
	if !locked {
		return out, h, nil
	}
	f, err := db.facts(ctx, user, h, stored)
	if err != nil {
		return nil, h, err
	}
	var earned []int
	for i, d := range achievementDefs {
		if out[i].Unlocked {
			continue
		}
		cur, crossed := d.metric(f, d.target)
		out[i].Current = min(cur, d.target)
		// Streak progress is the current run, which may be short of a
		// target an earlier run reached: crossed says so.
		if cur >= d.target || !crossed.IsZero() {
			if crossed.IsZero() || crossed.After(f.nowT) {
				crossed = f.nowT
			}
			out[i].UnlockedAt = crossed.Truncate(time.Millisecond)
			earned = append(earned, i)
		}
	}
	if len(earned) == 0 {
		return out, f.h, nil
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		for _, i := range earned {
			if _, err := tx.ExecContext(ctx, `INSERT INTO achievements (user_id, achievement_id, unlocked_at)
				VALUES ($1, $2, $3) ON CONFLICT (user_id, achievement_id) DO NOTHING`,
				user.ID, out[i].ID, out[i].UnlockedAt.UnixMilli()); err != nil {
				return wrapDBError(err)
			}
		}
		// Another request may have stored some first: theirs stand.
		now, err := db.storedAchievements(ctx, tx, user.ID)
		if err != nil {
			return err
		}
		for _, i := range earned {
			if at, ok := now[out[i].ID]; ok {
				out[i].Unlocked, out[i].UnlockedAt, out[i].Current = true, at, out[i].Target
			}
		}
		return nil
	})
	if err != nil {
		return nil, f.h, err
	}
	return out, f.h, nil
}

// facts gathers what the locked achievements need.
func (db *DB) facts(ctx context.Context, user *focusflow.User, h history, stored map[string]time.Time) (*facts, error) {
	now := db.now()
	loc := user.Location()
	f := &facts{nowT: now.UTC().Truncate(time.Millisecond), loc: loc, today: localdate.Today(now, loc),
		goal: user.DailyGoal.Milliseconds()}
	var err error
	if h == nil {
		if h, err = db.history(ctx, user.ID); err != nil {
			return nil, err
		}
	}
	f.h = h
	days, todayDN := h.streakDays(), epochDay(f.today)
	f.cRuns = runsOf(days, todayDN, isDone)
	f.fRuns = runsOf(days, todayDN, atGoal(f.goal))
	for _, r := range f.cRuns {
		f.completed.add(r, todayDN)
	}
	for _, r := range f.fRuns {
		f.focus.add(r, todayDN)
	}
	if _, ok := stored["deep_work_10"]; !ok {
		// The last 30 days only, so the cost does not grow with history.
		// Entries are read in start order and the scan stops at the tenth:
		// one user's entries never overlap, so that is also end order.
		since := localdate.DayStart(localdate.AddDays(f.today, 1-PlanDays), loc).UnixMilli()
		rows, err := db.read.QueryContext(ctx, `SELECT ended_at FROM time_entries WHERE user_id = $1 AND started_at >= $2
			AND source = 'timer' AND ended_at IS NOT NULL AND ended_at - started_at >= $3 ORDER BY started_at LIMIT 10`,
			user.ID, since, DeepWorkMin.Milliseconds())
		if err != nil {
			return nil, wrapDBError(err)
		}
		for rows.Next() {
			var end int64
			if err := rows.Scan(&end); err != nil {
				rows.Close()
				return nil, err
			}
			f.deepWork = append(f.deepWork, fromMS(end))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, wrapDBError(err)
		}
	}
	if _, ok := stored["punctual_10"]; !ok {
		if f.plan, err = db.plan(ctx, user, f.today, nil); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Summary is the profile's statistics: all-time totals and streaks, and
// how many achievements are unlocked.
type Summary struct {
	Tasks, Completed  int
	Focus, Manual     time.Duration // Focus includes Manual
	DaysActive        int
	GoalDays          int
	Streak            StreakStats
	FocusStreak       StreakStats
	Achievements      int // unlocked
	AchievementsTotal int
}

// Summary returns the all-time summary, evaluating achievements on the way
// (the profile is one of the places they are awarded). Like the stats, its
// totals and streaks count the running timer's time so far; achievements
// judge recorded time only.
func (db *DB) Summary(ctx context.Context, user *focusflow.User) (*Summary, error) {
	h, err := db.history(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	list, _, err := db.achievements(ctx, user, h)
	if err != nil {
		return nil, err
	}
	now := db.now()
	loc := user.Location()
	today := localdate.Today(now, loc)
	goal := user.DailyGoal.Milliseconds()
	s := &Summary{AchievementsTotal: len(list)}
	for _, a := range list {
		if a.Unlocked {
			s.Achievements++
		}
	}
	run, err := db.runningEntry(ctx, user, now)
	if err != nil {
		return nil, err
	}
	if run != nil {
		liveDay := map[string]int64{}
		for _, p := range run.portions(loc) {
			liveDay[p.Date] += p.MS
		}
		h = slices.Clone(h)
		h.addLive(liveDay)
	}
	for _, d := range h {
		s.Tasks += d.total
		s.Completed += d.completed
		s.Focus += time.Duration(d.focus) * time.Millisecond
		s.Manual += time.Duration(d.manual) * time.Millisecond
		if d.focus > 0 || d.completed > 0 {
			s.DaysActive++
		}
		if goal > 0 && d.focus >= goal && d.date <= today {
			s.GoalDays++
		}
	}
	c, f := streaksOf(h.streakDays(), epochDay(today), goal)
	s.Streak, s.FocusStreak = c.stats(), f.stats()
	return s, nil
}
