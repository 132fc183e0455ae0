package sqlstore

import (
	"context"
	"database/sql"
)

// placeTask returns the position a task with start time start ("" for
// none) takes on the user's date, making room for it: before the first
// task whose start time is later, else (and for an untimed task) at the
// end. After that the day is in the user's order: a later reorder or a
// changed start time does not move other tasks.
func (db *DB) placeTask(ctx context.Context, tx execer, userID int64, date, start string) (int, error) {
	return placeTaskBefore(ctx, tx, userID, date, start, `start_time > $3`)
}

// placeLegacyTask is placeTask for a task of the original FocusFlow, whose
// days showed timed tasks by start time and untimed ones last: a timed
// task goes before untimed ones too, so that a day imported task by task
// reads as it did there.
func placeLegacyTask(ctx context.Context, tx execer, userID int64, date, start string) (int, error) {
	return placeTaskBefore(ctx, tx, userID, date, start, `(start_time > $3 OR start_time IS NULL)`)
}

// placeTaskBefore places a task with start time start before the first
// task of the day matching later (a condition on start_time, $3 being
// start), or at the end.
func placeTaskBefore(ctx context.Context, tx execer, userID int64, date, start, later string) (int, error) {
	if start != "" {
		var first sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT MIN(position) FROM tasks
			WHERE user_id = $1 AND date = $2 AND `+later, userID, date, start).Scan(&first)
		if err != nil {
			return 0, wrapDBError(err)
		}
		if first.Valid {
			err := tx.Exec(ctx, `UPDATE tasks SET position = position + 1
				WHERE user_id = $1 AND date = $2 AND position >= $3`, userID, date, first.Int64)
			return int(first.Int64), wrapDBError(err)
		}
	}
	var pos int
	err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM tasks WHERE user_id = $1 AND date = $2`,
		userID, date).Scan(&pos)
	return pos, wrapDBError(err)
}
