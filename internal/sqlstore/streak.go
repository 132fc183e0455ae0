package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/focusflow/focusflow/internal/localdate"
)

// Two kinds of streak run are kept per day in daily_stats: run counts the
// consecutive days with a completed task ending at that date, focus_run the
// consecutive days whose focus time reached the user's daily goal. Both are
// 0 on a day that does not count. With them the current and the longest
// streak are a few index lookups at any history size.

// runKind describes one kind of run: its column and when a day counts.
type runKind struct {
	column string
	// active is an SQL condition on daily_stats d and users u.
	active string
}

var (
	completedRuns = runKind{column: "run", active: "d.completed > 0"}
	focusRuns     = runKind{column: "focus_run", active: "d.focus_ms >= u.daily_goal_ms"}
)

// recomputeRunsSQL rebuilds a kind of run from scratch with the
// gaps-and-islands trick: along a user's counting days, date minus row
// number is constant within a consecutive run. perUser limits it to user $1.
func recomputeRunsSQL(d dialect, k runKind, perUser bool) string {
	where := ""
	if perUser {
		where = "WHERE d.user_id = $1"
	}
	q := `UPDATE daily_stats SET COL = r.run FROM (
    SELECT user_id, date,
           CASE WHEN active THEN ROW_NUMBER() OVER (PARTITION BY user_id, active, grp ORDER BY date) ELSE 0 END AS run
    FROM (SELECT d.user_id, d.date, (ACTIVE) AS active,
                 DAYNUM - CAST(ROW_NUMBER() OVER (PARTITION BY d.user_id, (ACTIVE) ORDER BY d.date) AS INTEGER) AS grp
          FROM daily_stats d JOIN users u ON u.id = d.user_id WHERE_USER) AS x
) AS r
WHERE daily_stats.user_id = r.user_id AND daily_stats.date = r.date AND daily_stats.COL <> r.run`
	return strings.NewReplacer("COL", k.column, "ACTIVE", k.active, "DAYNUM", d.dayNumber, "WHERE_USER", where).Replace(q)
}

// RecomputeStreakRuns rebuilds every user's streak runs of both kinds, and
// marks every user for the next award pass; for tools that write
// daily_stats directly (seeding, imports).
func (db *DB) RecomputeStreakRuns(ctx context.Context) error {
	for _, k := range []runKind{completedRuns, focusRuns} {
		if _, err := db.write.ExecContext(ctx, recomputeRunsSQL(db.dialect, k, false)); err != nil {
			return wrapDBError(err)
		}
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO achievement_checks (user_id) SELECT id FROM users WHERE TRUE
		ON CONFLICT (user_id) DO UPDATE SET due_at = 0, changes = achievement_checks.changes + 1`)
	return wrapDBError(err)
}

// recomputeFocusRuns rebuilds one user's focus runs (their goal or time
// zone changed, so which days reached the goal, and what is earned, may
// have too).
func (db *DB) recomputeFocusRuns(ctx context.Context, tx execer, userID int64) error {
	if err := tx.Exec(ctx, recomputeRunsSQL(db.dialect, focusRuns, true), userID); err != nil {
		return err
	}
	return markAchievementsDue(ctx, tx, userID)
}

// updateRuns brings the completed-task runs up to date after the completed
// count of date changed.
func updateRuns(ctx context.Context, tx execer, userID int64, date string) error {
	return updateRunsOf(ctx, tx, completedRuns, userID, date)
}

// updateRunsOf brings one kind of run up to date after date's figures
// changed: the date's run follows from the day before, and a change ripples
// forward through the consecutive days after it. Today touches one row; a
// change in the past touches the run after it.
func updateRunsOf(ctx context.Context, tx execer, k runKind, userID int64, date string) error {
	prev := 0
	if err := tx.QueryRow(ctx, `SELECT `+k.column+` FROM daily_stats WHERE user_id = $1 AND date = $2`,
		userID, localdate.AddDays(date, -1)).Scan(&prev); err != nil && err != sql.ErrNoRows {
		return wrapDBError(err)
	}
	for {
		var active bool
		var run int
		err := tx.QueryRow(ctx, `SELECT `+k.active+`, d.`+k.column+` FROM daily_stats d JOIN users u ON u.id = d.user_id
			WHERE d.user_id = $1 AND d.date = $2`, userID, date).Scan(&active, &run)
		if err == sql.ErrNoRows {
			return nil // no row: no run, and nothing after it can change
		}
		if err != nil {
			return wrapDBError(err)
		}
		want := 0
		if active {
			want = prev + 1
		}
		if want == run {
			return nil // unchanged here, so unchanged after
		}
		if err := tx.Exec(ctx, `UPDATE daily_stats SET `+k.column+` = $3 WHERE user_id = $1 AND date = $2`,
			userID, date, want); err != nil {
			return err
		}
		prev, date = want, localdate.AddDays(date, 1)
	}
}
