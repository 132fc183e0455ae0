package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/focusflow/focusflow"
)

// placeTask returns the position a task with start time start ("" for
// none) takes on the user's date, making room for it: before the first
// task whose start time is later, else (and for an untimed task) at the
// end. After that the day is in the user's order: a later reorder or a
// changed start time does not move other tasks.
func (db *DB) placeTask(ctx context.Context, tx execer, userID int64, date, start string) (int, error) {
	if err := db.lockDay(ctx, tx, userID, date); err != nil {
		return 0, err
	}
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

// lockDay locks the rows of a user's day inside a write transaction, so
// that placing a new task and reordering the day take turns (SQLite's
// single writer already makes them).
func (db *DB) lockDay(ctx context.Context, tx execer, userID int64, date string) error {
	if db.dialect.forUpdate == "" {
		return nil
	}
	err := tx.Query(ctx, `SELECT id FROM tasks WHERE user_id = $1 AND date = $2`+db.dialect.forUpdate,
		[]any{userID, date}, func(rowScanner) error { return nil })
	return wrapDBError(err)
}

// ReorderDay puts the tasks of the user's date in the order of ids, which
// must hold every task of that day exactly once: a list made from a stale
// view (a task added, moved or deleted since) is refused with a conflict,
// so two tabs reordering at once end in one of their orders, never in a
// mix. It returns the day's tasks in their new order.
func (db *DB) ReorderDay(ctx context.Context, user *focusflow.User, date string, ids []int64) ([]focusflow.Task, error) {
	if err := focusflow.ValidateOrder("task_ids", ids); err != nil {
		return nil, err
	}
	now := db.now()
	err := db.txExec(ctx, func(tx execer) error {
		if err := db.lockDay(ctx, tx, user.ID, date); err != nil {
			return err
		}
		var old []int64
		titles := map[int64]string{}
		err := tx.Query(ctx, `SELECT id, title FROM tasks WHERE user_id = $1 AND date = $2 ORDER BY position, id`,
			[]any{user.ID, date}, func(row rowScanner) error {
				var id int64
				var title string
				err := row.Scan(&id, &title)
				old, titles[id] = append(old, id), title
				return err
			})
		if err != nil {
			return wrapDBError(err)
		}
		if err := sameTasks(date, old, ids, titles); err != nil {
			return err
		}
		if slices.Equal(old, ids) {
			return nil
		}
		for i, id := range ids {
			if err := tx.Exec(ctx, `UPDATE tasks SET position = $3, updated_at = $4 WHERE id = $1 AND user_id = $2`,
				id, user.ID, i+1, now.UnixMilli()); err != nil {
				return wrapDBError(err)
			}
		}
		moved, msg := describeMove(old, ids, titles)
		return logActivity(ctx, tx, user, now, focusflow.ActTaskMoved, msg, moved)
	})
	if err != nil {
		return nil, err
	}
	d, err := db.Day(ctx, user, date, focusflow.Recheck{})
	if err != nil {
		return nil, err
	}
	return d.Tasks, nil
}

// sameTasks refuses an order that does not hold exactly the day's tasks.
func sameTasks(date string, day, order []int64, titles map[int64]string) error {
	for _, id := range order {
		if _, ok := titles[id]; !ok {
			return &focusflow.Error{Code: focusflow.ECONFLICT, Field: "task_ids", Message: fmt.Sprintf(
				"Task %d is not on %s (it was moved or deleted, or is not yours): reload the day and try again.", id, date)}
		}
	}
	if len(order) != len(day) {
		return &focusflow.Error{Code: focusflow.ECONFLICT, Field: "task_ids", Message: fmt.Sprintf(
			"%s has %d tasks but the order lists %d: reload the day and send all of its tasks.", date, len(day), len(order))}
	}
	return nil
}

// describeMove names what a reorder did for the activity log: the one
// task that moved, when only one did (returned with its id), else how
// many tasks changed place.
func describeMove(old, order []int64, titles map[int64]string) (int64, string) {
	for i, id := range old {
		rest := slices.Delete(slices.Clone(old), i, i+1)
		j := slices.Index(order, id)
		if slices.Equal(rest, slices.Delete(slices.Clone(order), j, j+1)) {
			dir := "down"
			if j < i {
				dir = "up"
			}
			return id, fmt.Sprintf("Moved %s %s to place %d of %d", focusflow.Shorten(titles[id], activityTitle), dir, j+1, len(order))
		}
	}
	changed := 0
	for i := range old {
		if old[i] != order[i] {
			changed++
		}
	}
	return 0, fmt.Sprintf("Reordered the day: %d tasks changed place", changed)
}
