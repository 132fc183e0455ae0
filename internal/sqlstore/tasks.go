package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/focusflow/focusflow"
)

const taskColumns = `t.id, t.user_id, t.date, t.title, t.description, t.start_time, t.duration_minutes, t.status,
	t.position, t.spent_ms, t.completed_at, t.created_at, t.series_id, t.series_date, t.series_detached`

func scanTask(row rowScanner, extra ...any) (*focusflow.Task, error) {
	var t focusflow.Task
	var start sql.NullString
	var dur sql.NullInt64
	var spent, created int64
	var completed, seriesID sql.NullInt64
	var seriesDate sql.NullString
	dest := []any{&t.ID, &t.UserID, &t.Date, &t.Title, &t.Description, &start, &dur, &t.Status,
		&t.Position, &spent, &completed, &created, &seriesID, &seriesDate, &t.SeriesDetached}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	t.SeriesID, t.SeriesDate = seriesID.Int64, seriesDate.String
	t.StartTime, t.DurationMinutes = start.String, int(dur.Int64)
	t.Spent = time.Duration(spent) * time.Millisecond
	t.CompletedAt, t.CreatedAt = fromNullMS(completed), fromMS(created)
	return &t, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// taskForUpdate reads one of the user's tasks inside a write transaction.
func (db *DB) taskForUpdate(ctx context.Context, tx execer, userID, taskID int64) (*focusflow.Task, error) {
	t, err := scanTask(tx.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks t WHERE t.id = $1 AND t.user_id = $2`+
		db.dialect.forUpdate, taskID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Task")
	}
	return t, wrapDBError(err)
}

// CreateTask adds a task at the position its start time implies (see
// placeTask), with the tags t.Tags names by id.
func (db *DB) CreateTask(ctx context.Context, user *focusflow.User, t *focusflow.Task) error {
	now := db.now()
	return db.txExec(ctx, func(tx execer) error {
		pos, err := db.placeTask(ctx, tx, user.ID, t.Date, t.StartTime)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO tasks (user_id, date, title, description, start_time, duration_minutes,
			status, position, created_at, updated_at, search_words)
			VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8, $9)
			RETURNING id`, user.ID, t.Date, t.Title, t.Description, nullString(t.StartTime),
			nullInt(t.DurationMinutes), pos, now.UnixMilli(), taskSearchWords(t)).Scan(&t.ID)
		if err != nil {
			return wrapDBError(err)
		}
		t.UserID, t.Status, t.Position, t.CreatedAt = user.ID, focusflow.StatusPending, pos, fromMS(now.UnixMilli())
		if err := addTaskCounts(ctx, tx, user.ID, t.Date, 1, 0); err != nil {
			return err
		}
		if err := logActivity(ctx, tx, user, now, focusflow.ActTaskAdded, "Added task: "+t.Title, t.ID); err != nil {
			return err
		}
		if len(t.Tags) == 0 {
			t.Tags = []focusflow.Tag{}
			return nil
		}
		if err := setTaskTags(ctx, tx, user, t, focusflow.TagIDs(t.Tags), "tag_ids", now); err != nil {
			return err
		}
		c := tagCollector{}
		err = tx.Query(ctx, taskTagsQuery+`t.id = $2`+taskTagsOrder, []any{user.ID, t.ID}, c.scan)
		tasks := []focusflow.Task{*t}
		c.attach(tasks)
		t.Tags = tasks[0].Tags
		return wrapDBError(err)
	})
}

// UpdateTask changes a task. Completing a task whose timer runs stops the
// timer first; reopening clears its completion.
func (db *DB) UpdateTask(ctx context.Context, user *focusflow.User, taskID int64, p focusflow.TaskPatch) (*focusflow.Task, error) {
	var out *focusflow.Task
	err := db.txExec(ctx, func(tx execer) error {
		if p.Status != nil && *p.Status == focusflow.StatusCompleted {
			if err := lockTimerRow(ctx, tx, user.ID, db.now()); err != nil {
				return err
			}
		}
		t, err := db.taskForUpdate(ctx, tx, user.ID, taskID)
		if err != nil {
			return err
		}
		now := db.now() // under the locks: see lockTimerRow
		oldDate, wasDone := t.Date, t.Status == focusflow.StatusCompleted
		moved := p.Date != nil && *p.Date != t.Date
		before := *t
		p.Apply(t)
		if t.SeriesID != 0 && !t.SameContent(&before) {
			t.SeriesDetached = true // "this one": later series changes leave it
		}
		if moved && p.Position == nil {
			if t.Position, err = db.placeTask(ctx, tx, user.ID, t.Date, t.StartTime); err != nil {
				return err
			}
		}
		if p.TagIDs != nil {
			if err := setTaskTags(ctx, tx, user, t, *p.TagIDs, "tag_ids", now); err != nil {
				return err
			}
		}
		if p.Status != nil && *p.Status != t.Status {
			if err := db.changeStatus(ctx, tx, user, t, *p.Status, now); err != nil {
				return err
			}
		}
		if err := writeTaskFields(ctx, tx, user.ID, oldDate, wasDone, t, now); err != nil {
			return err
		}
		out = t
		if msg := describeTaskEdit(&before, t); msg != "" {
			return logActivityOn(ctx, tx, user, t.Date, now, focusflow.ActTaskEdited, msg, t.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.Task(ctx, user.ID, out.ID)
}

// writeTaskFields writes t's own fields, moving the day's task counts out
// of its old (date, done) and into the new.
func writeTaskFields(ctx context.Context, tx execer, userID int64, oldDate string, wasDone bool, t *focusflow.Task, now time.Time) error {
	isDone := t.Status == focusflow.StatusCompleted
	if oldDate != t.Date || wasDone != isDone {
		if err := addTaskCounts(ctx, tx, userID, oldDate, -1, -b2i(wasDone)); err != nil {
			return err
		}
		if err := addTaskCounts(ctx, tx, userID, t.Date, 1, b2i(isDone)); err != nil {
			return err
		}
	}
	var completedAt any
	if isDone {
		completedAt = t.CompletedAt.UnixMilli()
	}
	if err := tx.Exec(ctx, `UPDATE tasks SET date = $3, title = $4, description = $5, start_time = $6,
		duration_minutes = $7, status = $8, position = $9, completed_at = $10, updated_at = $11, series_detached = $12
		WHERE id = $1 AND user_id = $2`, t.ID, userID, t.Date, t.Title, t.Description, nullString(t.StartTime),
		nullInt(t.DurationMinutes), t.Status, t.Position, completedAt, now.UnixMilli(), t.SeriesDetached); err != nil {
		return err
	}
	return reindexTasks(ctx, tx, `t.id = $1`, []any{t.ID}, 0)
}

// changeStatus completes or reopens t. Completing a task whose timer runs
// stops the timer first; only a completed task is reopened (others keep
// their timer state).
func (db *DB) changeStatus(ctx context.Context, tx execer, user *focusflow.User, t *focusflow.Task, status string, now time.Time) error {
	switch {
	case status == focusflow.StatusCompleted:
		if err := db.releaseTimer(ctx, tx, user, now, t.ID); err != nil {
			return err
		}
		t.Status, t.CompletedAt = focusflow.StatusCompleted, now
		return logActivity(ctx, tx, user, now, focusflow.ActTaskCompleted, "Completed task: "+t.Title, t.ID)
	case status == focusflow.StatusPending && t.Status == focusflow.StatusCompleted:
		t.Status, t.CompletedAt = focusflow.StatusPending, time.Time{}
		return logActivity(ctx, tx, user, now, focusflow.ActTaskReopened, "Reopened task: "+t.Title, t.ID)
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// DeleteTask deletes a task with its time entries, taking their focus time
// out of the per-day figures; a timer on the task becomes idle.
func (db *DB) DeleteTask(ctx context.Context, user *focusflow.User, taskID int64) error {
	return db.txExec(ctx, func(tx execer) error {
		if err := lockTimerRow(ctx, tx, user.ID, db.now()); err != nil {
			return err
		}
		t, err := db.deleteTask(ctx, tx, user, taskID, time.Time{})
		if err != nil {
			return err
		}
		return logActivityOn(ctx, tx, user, t.Date, db.now(), focusflow.ActTaskDeleted, "Deleted task "+quoted(t.Title), t.ID)
	})
}

// deleteTask is DeleteTask inside a transaction (an import's too, and a
// series' occurrences) without its activity line; a zero now is read once
// the task is locked. It returns the task as it was.
func (db *DB) deleteTask(ctx context.Context, tx execer, user *focusflow.User, taskID int64, now time.Time) (*focusflow.Task, error) {
	t, err := db.taskForUpdate(ctx, tx, user.ID, taskID)
	if err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = db.now() // under the locks: see lockTimerRow
	}
	// The session on it ends first; its entries' focus, the one just
	// closed included, then leaves the figures with them.
	if err := db.releaseTimer(ctx, tx, user, now, taskID); err != nil {
		return nil, err
	}
	type span struct {
		start, end int64
		manual     bool
	}
	var spans []span
	err = tx.Query(ctx, `SELECT started_at, ended_at, source FROM time_entries
		WHERE task_id = $1 AND user_id = $2 AND ended_at IS NOT NULL`, []any{taskID, user.ID}, func(row rowScanner) error {
		var sp span
		var source string
		if err := row.Scan(&sp.start, &sp.end, &source); err != nil {
			return err
		}
		sp.manual = source == focusflow.SourceManual
		spans = append(spans, sp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, sp := range spans {
		if err := addFocus(ctx, tx, user.ID, user.Location(), fromMS(sp.start), fromMS(sp.end), sp.manual, -1); err != nil {
			return nil, err
		}
	}
	if err := addTaskCounts(ctx, tx, user.ID, t.Date, -1, -b2i(t.Status == focusflow.StatusCompleted)); err != nil {
		return nil, err
	}
	if t.SeriesID != 0 { // a deleted occurrence is not created again
		if err := tx.Exec(ctx, `INSERT INTO series_skips (series_id, date) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			t.SeriesID, t.SeriesDate); err != nil {
			return nil, err
		}
	}
	err = tx.Exec(ctx, `DELETE FROM tasks WHERE id = $1 AND user_id = $2`, taskID, user.ID)
	return t, wrapDBError(err)
}

// Task returns one of the user's tasks with its live spent time.
func (db *DB) Task(ctx context.Context, userID, taskID int64) (*focusflow.Task, error) {
	t, err := scanTask(db.read.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM tasks t WHERE t.id = $1 AND t.user_id = $2`,
		taskID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Task")
	}
	if err != nil {
		return nil, wrapDBError(err)
	}
	var started int64
	err = db.read.QueryRowContext(ctx, `SELECT started_at FROM time_entries WHERE user_id = $1 AND task_id = $2 AND ended_at IS NULL`,
		userID, taskID).Scan(&started)
	if err == nil {
		t.Spent += db.now().Sub(fromMS(started))
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, wrapDBError(err)
	}
	return t, loadTaskTags(ctx, db.read, t)
}
