package sqlstore

import (
	"context"
	"time"

	"github.com/focusflow/focusflow/internal/localdate"
)

// addFocus adds (sign = 1) or removes (sign = -1) the focus time of
// [start, end) to the per-day and per-hour figures, split in the user's
// zone. It runs inside the transaction that writes the entry.
func addFocus(ctx context.Context, tx execer, userID int64, loc *time.Location, start, end time.Time, manual bool, sign int64) error {
	byDate := map[string]int64{}
	var dates []string
	for _, p := range localdate.Portions(start, end, loc) {
		if _, ok := byDate[p.Date]; !ok {
			dates = append(dates, p.Date)
		}
		byDate[p.Date] += p.MS
		if err := tx.Exec(ctx, `INSERT INTO hourly_focus (user_id, date, hour, focus_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, date, hour) DO UPDATE SET focus_ms = hourly_focus.focus_ms + excluded.focus_ms`,
			userID, p.Date, p.Hour, sign*p.MS); err != nil {
			return wrapDBError(err)
		}
	}
	if sign > 0 && len(dates) > 0 {
		if err := markAchievementsDue(ctx, tx, userID); err != nil {
			return err
		}
	}
	for _, d := range dates {
		ms := sign * byDate[d]
		var manualMS int64
		if manual {
			manualMS = ms
		}
		// The new total and the goal come back with the upsert: only a day
		// that crosses the goal changes the focus runs.
		var total, goal int64
		if err := tx.QueryRow(ctx, `INSERT INTO daily_stats (user_id, date, focus_ms, manual_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, date) DO UPDATE SET focus_ms = daily_stats.focus_ms + excluded.focus_ms,
			manual_ms = daily_stats.manual_ms + excluded.manual_ms
			RETURNING focus_ms, (SELECT daily_goal_ms FROM users WHERE id = $1)`, userID, d, ms, manualMS).Scan(&total, &goal); err != nil {
			return wrapDBError(err)
		}
		if (total-ms >= goal) != (total >= goal) {
			if err := updateRunsOf(ctx, tx, focusRuns, userID, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// addTaskCounts adjusts a day's task counts.
func addTaskCounts(ctx context.Context, tx execer, userID int64, date string, total, completed int) error {
	if total == 0 && completed == 0 {
		return nil
	}
	err := tx.Exec(ctx, `INSERT INTO daily_stats (user_id, date, total, completed) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, date) DO UPDATE SET total = daily_stats.total + excluded.total,
		completed = daily_stats.completed + excluded.completed`, userID, date, total, completed)
	if err != nil || completed == 0 {
		return wrapDBError(err)
	}
	if completed > 0 {
		if err := markAchievementsDue(ctx, tx, userID); err != nil {
			return err
		}
	}
	return updateRuns(ctx, tx, userID, date)
}

// rebucketFocus recomputes a user's per-day and per-hour focus figures (and
// focus runs) from
// the time entries in a new time zone: task dates stay, focus time moves to
// the local days on which it happened in the new zone.
func (db *DB) rebucketFocus(ctx context.Context, tx execer, userID int64, loc *time.Location) error {
	if err := tx.Exec(ctx, `UPDATE daily_stats SET focus_ms = 0, manual_ms = 0 WHERE user_id = $1`, userID); err != nil {
		return wrapDBError(err)
	}
	if err := tx.Exec(ctx, `DELETE FROM hourly_focus WHERE user_id = $1`, userID); err != nil {
		return wrapDBError(err)
	}
	type key struct {
		date string
		hour int
	}
	hours := map[key]int64{}
	days := map[string][2]int64{}
	err := tx.Query(ctx, `SELECT started_at, ended_at, source FROM time_entries
		WHERE user_id = $1 AND ended_at IS NOT NULL`, []any{userID}, func(row rowScanner) error {
		var start, end int64
		var source string
		if err := row.Scan(&start, &end, &source); err != nil {
			return err
		}
		for _, p := range localdate.Portions(fromMS(start), fromMS(end), loc) {
			hours[key{p.Date, p.Hour}] += p.MS
			d := days[p.Date]
			d[0] += p.MS
			if source == "manual" {
				d[1] += p.MS
			}
			days[p.Date] = d
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, ms := range hours {
		if err := tx.Exec(ctx, `INSERT INTO hourly_focus (user_id, date, hour, focus_ms) VALUES ($1, $2, $3, $4)`,
			userID, k.date, k.hour, ms); err != nil {
			return wrapDBError(err)
		}
	}
	for d, v := range days {
		if err := tx.Exec(ctx, `INSERT INTO daily_stats (user_id, date, focus_ms, manual_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, date) DO UPDATE SET focus_ms = excluded.focus_ms, manual_ms = excluded.manual_ms`,
			userID, d, v[0], v[1]); err != nil {
			return wrapDBError(err)
		}
	}
	// Which days reached the goal follows the new buckets (and so may
	// what is earned: recomputeFocusRuns marks the user for the award pass).
	return db.recomputeFocusRuns(ctx, tx, userID)
}
