package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/timer"
)

// activityLimit bounds the activity shown for one day.
const activityLimit = 200

// Day returns everything the dashboard shows for one of the user's dates.
// A forgotten timer is capped first (reads see the capped state).
func (db *DB) Day(ctx context.Context, user *focusflow.User, date string) (*focusflow.Day, *CappedTimer, error) {
	t, capped, err := db.Timer(ctx, user)
	if err != nil {
		return nil, nil, err
	}
	now := db.now()
	d := &focusflow.Day{Date: date, Timer: t}
	if d.Tasks, err = db.dayTasks(ctx, user.ID, date); err != nil {
		return nil, nil, err
	}
	var text string
	var updated int64
	err = db.read.QueryRowContext(ctx, `SELECT text, updated_at FROM day_notes WHERE user_id = $1 AND date = $2`,
		user.ID, date).Scan(&text, &updated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, nil, wrapDBError(err)
	default:
		d.Note = focusflow.DayNote{Text: text, UpdatedAt: fromMS(updated)}
	}
	if d.Notes, err = db.notes(ctx, db.read, user.ID, date); err != nil {
		return nil, nil, err
	}
	if d.Activity, err = db.activity(ctx, user.ID, date); err != nil {
		return nil, nil, err
	}
	week := timer.WeekOf(date)
	stats, err := db.DayStats(ctx, user.ID, week[0], week[6])
	if err != nil {
		return nil, nil, err
	}
	// The running entry's live time counts on the days it covers so far.
	var live map[string]int64
	if t != nil && t.State == focusflow.TimerRunning {
		live = map[string]int64{}
		for _, p := range timer.Portions(t.StartedAt, now, user.Location()) {
			live[p.Date] += p.MS
		}
		for i := range d.Tasks {
			if d.Tasks[i].ID == t.TaskID {
				d.Tasks[i].Spent += now.Sub(t.StartedAt)
			}
		}
	}
	byDate := map[string]focusflow.DayStats{}
	for _, s := range stats {
		byDate[s.Date] = s
	}
	for _, wd := range week {
		s := byDate[wd]
		s.Date = wd
		s.Focus += time.Duration(live[wd]) * time.Millisecond
		d.Week = append(d.Week, s)
		if wd == date {
			d.Stats = s
		}
	}
	if d.Streak, err = db.Streak(ctx, user.ID, timer.Today(now, user.Location())); err != nil {
		return nil, nil, err
	}
	return d, capped, nil
}

func (db *DB) dayTasks(ctx context.Context, userID int64, date string) ([]focusflow.Task, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+taskColumns+` FROM tasks t WHERE t.user_id = $1 AND t.date = $2
		ORDER BY CASE WHEN t.start_time IS NULL THEN 1 ELSE 0 END, t.start_time, t.position, t.id`, userID, date)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	out := []focusflow.Task{}
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, wrapDBError(rows.Err())
}

func (db *DB) activity(ctx context.Context, userID int64, date string) ([]focusflow.Activity, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT at, kind, message, task_id FROM activity WHERE user_id = $1 AND date = $2
		ORDER BY at DESC, id DESC LIMIT $3`, userID, date, activityLimit)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	out := []focusflow.Activity{}
	for rows.Next() {
		var a focusflow.Activity
		var at int64
		var task sql.NullInt64
		if err := rows.Scan(&at, &a.Kind, &a.Message, &task); err != nil {
			return nil, err
		}
		a.At, a.TaskID = fromMS(at), task.Int64
		out = append(out, a)
	}
	return out, wrapDBError(rows.Err())
}

// DayStats returns the stored per-day figures between two dates
// (inclusive); days without any are absent.
func (db *DB) DayStats(ctx context.Context, userID int64, from, to string) ([]focusflow.DayStats, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT date, focus_ms, manual_ms, total, completed FROM daily_stats
		WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date`, userID, from, to)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var out []focusflow.DayStats
	for rows.Next() {
		var s focusflow.DayStats
		var focus, manual int64
		if err := rows.Scan(&s.Date, &focus, &manual, &s.Total, &s.Completed); err != nil {
			return nil, err
		}
		s.Focus, s.Manual = time.Duration(focus)*time.Millisecond, time.Duration(manual)*time.Millisecond
		out = append(out, s)
	}
	return out, wrapDBError(rows.Err())
}

// Streak counts consecutive days with a completed task ending today (or
// yesterday when today has none yet). It reads only as many per-day rows as
// the streak is long, so it costs the same at any history size.
func (db *DB) Streak(ctx context.Context, userID int64, today string) (int, error) {
	const page = 64
	active := map[string]bool{}
	before := timer.AddDays(today, 1)
	for {
		rows, err := db.read.QueryContext(ctx, `SELECT date FROM daily_stats WHERE user_id = $1 AND completed > 0
			AND date < $2 ORDER BY date DESC LIMIT $3`, userID, before, page)
		if err != nil {
			return 0, wrapDBError(err)
		}
		n := 0
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return 0, err
			}
			active[d] = true
			before = d
			n++
		}
		rows.Close()
		streak := timer.Streak(today, func(d string) bool { return active[d] })
		// More rows may extend the streak only when this page was full and
		// the streak reaches its oldest row.
		start := today
		if !active[today] {
			start = timer.AddDays(today, -1)
		}
		if n < page || streak == 0 || timer.AddDays(start, 1-streak) != before {
			return streak, nil
		}
	}
}
