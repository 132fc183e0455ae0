package sqlstore

// Insights: statistics over a range of days, all-time streaks, plan versus
// reality, and achievements. This file and achievements.go only read rows;
// the figures are computed by internal/insights. Everything here reads the
// per-day figures (daily_stats, hourly_focus) that the writes keep up to
// date, so the cost of a range grows with the number of days asked for,
// not with the number of time entries stored (plan versus reality and two
// achievements read the last 30 days of tasks and entries). The only
// all-history reads are of per-day rows (one per day with figures: 3,660
// for ten years), and every read of one request goes in one batch: one
// round trip on PostgreSQL.
//
// The all-time streaks come from the runs kept in daily_stats (run,
// focus_run, see streak.go): the longest is the top of an index, the
// current one the runs of today and the two days before, so their cost
// does not grow with history either.

import (
	"context"
	"database/sql"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
	"github.com/focusflow/focusflow/internal/insights"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Insights returns the figures of [from, to] (inclusive dates) and the
// all-time streaks, plan versus reality and goal progress. The running
// timer's time so far counts, as on the dashboard.
func (db *DB) Insights(ctx context.Context, user *focusflow.User, from, to string) (*focusflow.Insights, error) {
	if _, _, err := insights.CheckRange(from, to); err != nil {
		return nil, err
	}
	now := db.now()
	today := localdate.Today(now, user.Location())
	in := insights.RangeInput{From: from, To: to, Today: today, Goal: user.DailyGoal, Loc: user.Location()}
	// This week's rows (for goal progress) come with the range's when
	// they are close to it, as they are for the default range.
	week := localdate.WeekOf(today)
	qFrom, qTo := from, to
	together := week[0] <= localdate.AddDays(to, 7) && week[6] >= localdate.AddDays(from, -7)
	if together {
		qFrom, qTo = min(from, week[0]), max(to, week[6])
	}
	b := db.batch()
	entry := queueRunning(b, user.ID)
	queueDayStats(b, user.ID, qFrom, qTo, &in.Days)
	if !together {
		queueDayStats(b, user.ID, week[0], week[6], &in.Week)
	}
	b.Query(`SELECT hour, SUM(focus_ms) FROM hourly_focus
		WHERE user_id = $1 AND date >= $2 AND date <= $3 GROUP BY hour`, []any{user.ID, from, to}, func(row rowScanner) error {
		var h int
		var ms int64
		if err := row.Scan(&h, &ms); err != nil {
			return err
		}
		if h >= 0 && h < 24 {
			in.Hours[h] += time.Duration(ms) * time.Millisecond
		}
		return nil
	})
	queueKeptRuns(b, user.ID, today, &in.Runs)
	queuePlanned(b, user.ID, today, &in.Planned)
	b.Query(`SELECT kind, outcome, COUNT(*), SUM(CASE WHEN planned_ms > 0 THEN 1 ELSE 0 END), SUM(ended_at - started_at)
		FROM timer_phases WHERE user_id = $1 AND started_at >= $2 AND started_at < $3 GROUP BY kind, outcome`,
		[]any{user.ID, localdate.DayStart(from, user.Location()).UnixMilli(), localdate.DayEnd(to, user.Location()).UnixMilli()},
		func(row rowScanner) error {
			var c focusflow.PhaseCount
			var total int64
			err := row.Scan(&c.Kind, &c.Outcome, &c.Count, &c.Planned, &total)
			c.Time = ms(total)
			in.Phases = append(in.Phases, c)
			return err
		})
	if err := b.Run(ctx); err != nil {
		return nil, err
	}
	if together {
		in.Week = in.Days
	}
	in.Live = insights.LiveOf(entry(), now, db.focusSettings(user))
	return insights.Stats(in)
}

// queueRunning queues the read of the user's timer state on b (the live
// focus comes from it); the returned function gives it once b has run.
func queueRunning(b *readBatch, userID int64) func() focus.State {
	var s timerState
	b.Query(`SELECT `+timerColumns+` FROM timers WHERE user_id = $1`, []any{userID}, s.scanTimerRow)
	for _, q := range s.entryAndTask(userID) {
		b.Query(q.sql, q.args, q.row)
	}
	return func() focus.State { return s.State }
}

// queueDayStats queues the read of the stored per-day figures of
// [from, to], oldest first, into dst.
func queueDayStats(b *readBatch, userID int64, from, to string, dst *[]focusflow.DayStats) {
	b.Query(`SELECT date, focus_ms, manual_ms, total, completed FROM daily_stats
		WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date`, []any{userID, from, to}, func(row rowScanner) error {
		s, err := scanDayStats(row)
		*dst = append(*dst, s)
		return err
	})
}

// queueKeptRuns queues the reads of the kept runs both streaks come from:
// the longest run of each kind (the top of its index) and the runs of the
// days next to today.
func queueKeptRuns(b *readBatch, userID int64, today string, dst *insights.KeptRuns) {
	for _, q := range []struct {
		col string
		dst *insights.Top
	}{{"run", &dst.Longest}, {"focus_run", &dst.LongestFocus}} {
		b.Query(`SELECT date, `+q.col+` FROM daily_stats WHERE user_id = $1 AND date <= $2 AND `+q.col+` > 0
			ORDER BY `+q.col+` DESC, date DESC LIMIT 1`, []any{userID, today}, func(row rowScanner) error {
			return row.Scan(&q.dst.Date, &q.dst.Run)
		})
	}
	days := insights.RecentDates(today)
	dst.Recent = map[string]insights.RecentDay{}
	b.Query(`SELECT date, focus_ms, run, focus_run FROM daily_stats WHERE user_id = $1 AND date IN ($2, $3, $4)`,
		[]any{userID, days[0], days[1], days[2]}, func(row rowScanner) error {
			var d string
			var r insights.RecentDay
			var focusMS int64
			err := row.Scan(&d, &focusMS, &r.Run, &r.FocusRun)
			r.Focus = time.Duration(focusMS) * time.Millisecond
			dst.Recent[d] = r
			return err
		})
}

// queuePlanned queues the read of the planned tasks of the plan window
// ending today, each with the first entry the server's clock started
// (the index on time_entries(task_id, started_at) makes that one lookup).
func queuePlanned(b *readBatch, userID int64, today string, dst *[]insights.PlannedTask) {
	from, to := insights.PlanWindow(today)
	b.Query(`SELECT t.id, t.date, t.start_time, t.duration_minutes, t.spent_ms, t.status,
		(SELECT MIN(e.started_at) FROM time_entries e WHERE e.task_id = t.id AND e.user_id = $1
		   AND e.source IN ('timer', 'capped'))
		FROM tasks t WHERE t.user_id = $1 AND t.date >= $2 AND t.date <= $3
		AND t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL`, []any{userID, from, to},
		func(row rowScanner) error {
			var t insights.PlannedTask
			var minutes int
			var spent int64
			var first sql.NullInt64
			err := row.Scan(&t.ID, &t.Date, &t.Start, &minutes, &spent, &t.Status, &first)
			t.Estimate, t.Spent = time.Duration(minutes)*time.Minute, time.Duration(spent)*time.Millisecond
			t.FirstStart = fromNullMS(first)
			*dst = append(*dst, t)
			return err
		})
}
