package sqlstore

import (
	"context"
	"database/sql"

	"github.com/focusflow/focusflow/internal/timer"
)

// recomputeRunsSQL fills daily_stats.run for every row from scratch with
// the gaps-and-islands trick: within a user's days that have a completed
// task, date minus row number is constant along a consecutive run.
var recomputeRunsSQL = map[string]string{
	"sqlite":   runsUpdate(`CAST(julianday(date) AS INTEGER)`),
	"postgres": runsUpdate(`date::date`),
}

func runsUpdate(dayNumber string) string {
	return `UPDATE daily_stats SET run = r.run FROM (
    SELECT user_id, date,
           CASE WHEN completed > 0 THEN ROW_NUMBER() OVER (PARTITION BY user_id, completed > 0, grp ORDER BY date) ELSE 0 END AS run
    FROM (SELECT user_id, date, completed,
                 ` + dayNumber + ` - CAST(ROW_NUMBER() OVER (PARTITION BY user_id, completed > 0 ORDER BY date) AS INTEGER) AS grp
          FROM daily_stats) AS x
) AS r
WHERE daily_stats.user_id = r.user_id AND daily_stats.date = r.date AND daily_stats.run <> r.run`
}

// RecomputeStreakRuns rebuilds every user's streak runs; for tools that
// write daily_stats directly (seeding, imports).
func (db *DB) RecomputeStreakRuns(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, recomputeRunsSQL[db.dialect.name])
	return wrapDBError(err)
}

// updateRuns brings the streak runs up to date after the completed count of
// date changed: the date's run follows from the day before, and a change
// ripples forward through the consecutive days after it. Completing a task
// today touches one row; a change in the past touches the run after it.
func updateRuns(ctx context.Context, tx execer, userID int64, date string) error {
	prev := 0
	if err := tx.QueryRow(ctx, `SELECT run FROM daily_stats WHERE user_id = $1 AND date = $2`,
		userID, timer.AddDays(date, -1)).Scan(&prev); err != nil && err != sql.ErrNoRows {
		return wrapDBError(err)
	}
	for {
		var completed, run int
		err := tx.QueryRow(ctx, `SELECT completed, run FROM daily_stats WHERE user_id = $1 AND date = $2`,
			userID, date).Scan(&completed, &run)
		if err == sql.ErrNoRows {
			return nil // no row: no run, and nothing after it can change
		}
		if err != nil {
			return wrapDBError(err)
		}
		want := 0
		if completed > 0 {
			want = prev + 1
		}
		if want == run {
			return nil // unchanged here, so unchanged after
		}
		if err := tx.Exec(ctx, `UPDATE daily_stats SET run = $3 WHERE user_id = $1 AND date = $2`,
			userID, date, want); err != nil {
			return wrapDBError(err)
		}
		prev, date = want, timer.AddDays(date, 1)
	}
}
