package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/focusflow/focusflow"
)

// maxManualEntry bounds one manual entry: a day of work at most.
const maxManualEntry = 24 * time.Hour

func scanEntry(row rowScanner) (*focusflow.TimeEntry, error) {
	var e focusflow.TimeEntry
	var start int64
	var end sql.NullInt64
	if err := row.Scan(&e.ID, &e.TaskID, &start, &end, &e.Source); err != nil {
		return nil, err
	}
	e.StartedAt, e.EndedAt = fromMS(start), fromNullMS(end)
	return &e, nil
}

// Entries lists a task's time entries, oldest first.
func (db *DB) Entries(ctx context.Context, userID, taskID int64) ([]focusflow.TimeEntry, error) {
	var exists int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks WHERE id = $1 AND user_id = $2`, taskID, userID).Scan(&exists); err != nil {
		return nil, wrapDBError(err)
	}
	if exists == 0 {
		return nil, notFound("Task")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, task_id, started_at, ended_at, source FROM time_entries
		WHERE task_id = $1 AND user_id = $2 ORDER BY started_at, id`, taskID, userID)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	out := []focusflow.TimeEntry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, wrapDBError(rows.Err())
}

// checkSpan validates a manual span: in the past, start before end, not
// longer than a day, overlapping none of the user's other entries (a
// running one counts up to now).
func checkSpan(ctx context.Context, tx execer, userID, exceptID int64, start, end, now time.Time) error {
	switch {
	case !start.Before(end):
		return focusflow.Invalid("ended_at", "The end must be after the start.")
	case end.After(now):
		return focusflow.Invalid("ended_at", "Time entries must be in the past.")
	case end.Sub(start) > maxManualEntry:
		return focusflow.Invalid("ended_at", "A time entry can be at most 24 hours long.")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM time_entries WHERE user_id = $1 AND id <> $2
		AND started_at < $3 AND COALESCE(ended_at, $5) > $4`,
		userID, exceptID, end.UnixMilli(), start.UnixMilli(), now.UnixMilli()).Scan(&n); err != nil {
		return wrapDBError(err)
	}
	if n > 0 {
		return &focusflow.Error{Code: focusflow.ECONFLICT, Field: "started_at",
			Message: "This time overlaps another time entry."}
	}
	return nil
}

// AddManualEntry records work done without the timer.
func (db *DB) AddManualEntry(ctx context.Context, user *focusflow.User, taskID int64, start, end time.Time) (*focusflow.TimeEntry, error) {
	now := db.now()
	e := &focusflow.TimeEntry{TaskID: taskID, StartedAt: start, EndedAt: end, Source: focusflow.SourceManual}
	err := db.txExec(ctx, func(tx execer) error {
		t, err := db.taskForUpdate(ctx, tx, user.ID, taskID)
		if err != nil {
			return err
		}
		if err := checkSpan(ctx, tx, user.ID, 0, start, end, now); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, ended_at, source, created_at)
			VALUES ($1, $2, $3, $4, 'manual', $5) RETURNING id`, user.ID, taskID, start.UnixMilli(), end.UnixMilli(),
			now.UnixMilli()).Scan(&e.ID); err != nil {
			return wrapDBError(err)
		}
		if err := adjustSpent(ctx, tx, user, taskID, start, end, true, 1); err != nil {
			return err
		}
		return logEntry(ctx, tx, user, now, focusflow.ActEntryAdded, t, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// adjustSpent adds or removes a closed span from the task and the figures.
func adjustSpent(ctx context.Context, tx execer, user *focusflow.User, taskID int64, start, end time.Time, manual bool, sign int64) error {
	if err := tx.Exec(ctx, `UPDATE tasks SET spent_ms = spent_ms + $2 WHERE id = $1`,
		taskID, sign*end.Sub(start).Milliseconds()); err != nil {
		return wrapDBError(err)
	}
	return addFocus(ctx, tx, user.ID, user.Location(), start, end, manual, sign)
}

func (db *DB) entryForUpdate(ctx context.Context, tx execer, userID, entryID int64) (*focusflow.TimeEntry, error) {
	e, err := scanEntry(tx.QueryRow(ctx, `SELECT id, task_id, started_at, ended_at, source FROM time_entries
		WHERE id = $1 AND user_id = $2`+db.dialect.forUpdate, entryID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Time entry")
	}
	return e, wrapDBError(err)
}

// UpdateEntry edits a manual entry, or corrects the end of a capped entry
// (earlier only). Timer and imported entries come from the server's clock
// and are never edited.
func (db *DB) UpdateEntry(ctx context.Context, user *focusflow.User, entryID int64, start, end *time.Time) (*focusflow.TimeEntry, error) {
	now := db.now()
	var out *focusflow.TimeEntry
	err := db.txExec(ctx, func(tx execer) error {
		e, err := db.entryForUpdate(ctx, tx, user.ID, entryID)
		if err != nil {
			return err
		}
		newStart, newEnd := e.StartedAt, e.EndedAt
		switch e.Source {
		case focusflow.SourceManual:
			if start != nil {
				newStart = *start
			}
			if end != nil {
				newEnd = *end
			}
			if err := checkSpan(ctx, tx, user.ID, e.ID, newStart, newEnd, now); err != nil {
				return err
			}
		case focusflow.SourceCapped:
			if start != nil {
				return focusflow.Invalid("started_at", "The start of a timer entry cannot be changed.")
			}
			if end == nil {
				return focusflow.Invalid("ended_at", "Give the corrected end time.")
			}
			if end.After(e.EndedAt) || !end.After(e.StartedAt) {
				return focusflow.Invalid("ended_at", "The corrected end must be after the start and no later than the capped end.")
			}
			newEnd = *end
		default:
			return focusflow.Errorf(focusflow.ECONFLICT, "Timer entries are recorded by the server and cannot be edited.")
		}
		manual := e.Source == focusflow.SourceManual
		if err := adjustSpent(ctx, tx, user, e.TaskID, e.StartedAt, e.EndedAt, manual, -1); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `UPDATE time_entries SET started_at = $2, ended_at = $3 WHERE id = $1`,
			e.ID, newStart.UnixMilli(), newEnd.UnixMilli()); err != nil {
			return wrapDBError(err)
		}
		if err := adjustSpent(ctx, tx, user, e.TaskID, newStart, newEnd, manual, 1); err != nil {
			return err
		}
		before := *e
		e.StartedAt, e.EndedAt = newStart, newEnd
		out = e
		if before.StartedAt.Equal(e.StartedAt) && before.EndedAt.Equal(e.EndedAt) {
			return nil
		}
		t, err := db.taskForUpdate(ctx, tx, user.ID, e.TaskID)
		if err != nil {
			return err
		}
		return logEntryEdit(ctx, tx, user, now, t, &before, e)
	})
	return out, err
}

// DeleteEntry deletes a manual entry.
func (db *DB) DeleteEntry(ctx context.Context, user *focusflow.User, entryID int64) error {
	return db.txExec(ctx, func(tx execer) error {
		e, err := db.entryForUpdate(ctx, tx, user.ID, entryID)
		if err != nil {
			return err
		}
		if e.Source != focusflow.SourceManual {
			return focusflow.Errorf(focusflow.ECONFLICT, "Only manual entries can be deleted.")
		}
		if err := adjustSpent(ctx, tx, user, e.TaskID, e.StartedAt, e.EndedAt, true, -1); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM time_entries WHERE id = $1 AND user_id = $2`, e.ID, user.ID); err != nil {
			return wrapDBError(err)
		}
		t, err := db.taskForUpdate(ctx, tx, user.ID, e.TaskID)
		if err != nil {
			return err
		}
		return logEntry(ctx, tx, user, db.now(), focusflow.ActEntryDeleted, t, e)
	})
}
