package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

// The timer's rules live in internal/focus; this file locks and reads the
// state the rules need, and writes what they decided.

// focusSettings are the settings of user the timer's rules depend on.
func focusSettings(user *focusflow.User) focus.Settings {
	return focus.Settings{Cap: user.TimerCap}
}

// lockTimer locks (creating if needed) the user's timer row and reads, in
// the same round trip on PostgreSQL, the running entry, the timer's task,
// the recent action count and — for a start — the target task, locked.
// The upsert takes the row lock, so concurrent actions of one user queue
// there; every read after it is a statement of its own and so sees what
// the transactions before it committed (a subquery of the upsert would
// use a snapshot from before the wait). SQLite serialises writers anyway.
func (db *DB) lockTimer(ctx context.Context, tx execer, userID int64, now time.Time, target int64) (focus.State, *focus.Task, error) {
	var s timerState
	var targetTask *focus.Task
	queries := []batchQuery{
		{sql: `INSERT INTO timers (user_id, version, updated_at) VALUES ($1, 0, $2)
			ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at
			RETURNING task_id, state, version`, args: []any{userID, now.UnixMilli()}, row: s.scanTimerRow},
		{sql: `SELECT COUNT(*) FROM (SELECT 1 FROM activity a WHERE a.user_id = $1 AND a.at > $2
			AND a.kind IN ('timer_started', 'timer_paused', 'timer_resumed', 'timer_stopped') LIMIT $3) AS recent`,
			args: []any{userID, now.Add(-focus.AnomalyWindow).UnixMilli(), focus.AnomalyActions + 2},
			row:  func(row rowScanner) error { return row.Scan(&s.Recent) }},
	}
	queries = append(queries, s.entryAndTask(userID)...)
	if target != 0 {
		queries = append(queries, batchQuery{sql: `SELECT t.id, t.title, t.status, t.date, t.spent_ms FROM tasks t
			WHERE t.id = $1 AND t.user_id = $2` + db.dialect.forUpdate, args: []any{target, userID},
			row: func(row rowScanner) error {
				targetTask = &focus.Task{}
				return scanFocusTask(row, targetTask)
			}})
	}
	if err := tx.Batch(ctx, queries...); err != nil {
		return focus.State{}, nil, err
	}
	if target != 0 && targetTask == nil {
		return focus.State{}, nil, notFound("Task")
	}
	return s.State, targetTask, nil
}

// timerState reads a timer's state: its row, then (entryAndTask) its
// running entry and its task.
type timerState struct{ focus.State }

func (s *timerState) scanTimerRow(row rowScanner) error {
	var task sql.NullInt64
	var state sql.NullString
	err := row.Scan(&task, &state, &s.Version)
	s.TaskID, s.Status = task.Int64, state.String
	return err
}

// entryAndTask are the queries of the running entry and of the timer's
// task. The task comes by a subquery, not a join: PostgreSQL plans a join
// on tasks.id by probing the ends of its index, which crawls through the
// dead tuples that frequent task updates leave there (8 ms per plan seen
// under load, when statements are not prepared).
func (s *timerState) entryAndTask(userID int64) []batchQuery {
	return []batchQuery{
		{sql: `SELECT task_id, started_at FROM time_entries WHERE user_id = $1 AND ended_at IS NULL`,
			args: []any{userID}, row: func(row rowScanner) error {
				var e focus.Entry
				var start int64
				err := row.Scan(&e.TaskID, &start)
				e.Start, s.Entry = fromMS(start), &e
				return err
			}},
		{sql: `SELECT t.id, t.title, t.status, t.date, t.spent_ms FROM tasks t
			WHERE t.id = (SELECT task_id FROM timers WHERE user_id = $1)`, args: []any{userID},
			row: func(row rowScanner) error { return scanFocusTask(row, &s.Task) }},
	}
}

func scanFocusTask(row rowScanner, t *focus.Task) error {
	var spent int64
	err := row.Scan(&t.ID, &t.Title, &t.Status, &t.Date, &spent)
	t.Spent = time.Duration(spent) * time.Millisecond
	return err
}

// writeChange writes what the timer's rules decided, in the order Change
// documents. All deferred: nothing here waits for the database.
func writeChange(ctx context.Context, tx execer, user *focusflow.User, c focus.Change, now time.Time) error {
	for _, cl := range c.Closes {
		if err := closeEntry(ctx, tx, user, cl); err != nil {
			return err
		}
	}
	for _, st := range c.Statuses {
		if err := tx.Exec(ctx, `UPDATE tasks SET status = CASE WHEN status = 'completed' THEN status ELSE $3 END,
			updated_at = $4 WHERE id = $1 AND user_id = $2`, st.TaskID, user.ID, st.Status, now.UnixMilli()); err != nil {
			return err
		}
	}
	if t := c.Complete; t != nil {
		if err := tx.Exec(ctx, `UPDATE tasks SET status = 'completed', completed_at = $3, updated_at = $3
			WHERE id = $1 AND user_id = $2`, t.ID, user.ID, now.UnixMilli()); err != nil {
			return err
		}
		if err := addTaskCounts(ctx, tx, user.ID, t.Date, 0, 1); err != nil {
			return err
		}
	}
	if e := c.Open; e != nil {
		if err := tx.Exec(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, source, created_at)
			VALUES ($1, $2, $3, 'timer', $3)`, user.ID, e.TaskID, e.Start.UnixMilli()); err != nil {
			return err
		}
	}
	if c.Save {
		var state any
		if c.State.Status != "" {
			state = c.State.Status
		}
		if err := tx.Exec(ctx, `UPDATE timers SET task_id = $2, state = $3, version = $4, updated_at = $5 WHERE user_id = $1`,
			user.ID, nullID(c.State.TaskID), state, c.State.Version, now.UnixMilli()); err != nil {
			return err
		}
	}
	for _, l := range c.Lines {
		if err := logActivity(ctx, tx, user, now, l.Kind, l.Message, l.TaskID); err != nil {
			return err
		}
	}
	return nil
}

// closeEntry ends the running entry, adds its time to its task (and sets
// the task's status unless it is completed; "" keeps it) and to the
// per-day figures.
func closeEntry(ctx context.Context, tx execer, user *focusflow.User, c focus.Close) error {
	if err := tx.Exec(ctx, `UPDATE time_entries SET ended_at = $2, source = $3 WHERE user_id = $1 AND ended_at IS NULL`,
		user.ID, c.End.UnixMilli(), c.Source); err != nil {
		return err
	}
	if err := tx.Exec(ctx, `UPDATE tasks SET spent_ms = spent_ms + $2,
		status = CASE WHEN $3 = '' OR status = 'completed' THEN status ELSE $3 END, updated_at = $4
		WHERE id = $1`, c.Entry.TaskID, c.End.Sub(c.Entry.Start).Milliseconds(), c.Status, c.End.UnixMilli()); err != nil {
		return err
	}
	return addFocus(ctx, tx, user.ID, user.Location(), c.Entry.Start, c.End, false, 1)
}

// TimerAction performs one timer action in one transaction: the only place
// timer state changes (besides capping and task completion/deletion, which
// go through the same rules), so an event feed can publish from here.
//
// On PostgreSQL a start is two round trips: the lock with every read it
// needs, then all writes with the COMMIT.
func (db *DB) TimerAction(ctx context.Context, user *focusflow.User, cmd focusflow.TimerCommand) (*focusflow.TimerResult, error) {
	if err := cmd.Validate(); err != nil {
		return nil, err
	}
	res := &focusflow.TimerResult{}
	err := db.txExec(ctx, func(tx execer) error {
		var target int64
		if cmd.Action == focusflow.ActionStart {
			target = cmd.TaskID
		}
		s, t, err := db.lockTimer(ctx, tx, user.ID, db.now(), target)
		if err != nil {
			return err
		}
		// The clock is read once the lock is held: an action that waited
		// for another never records an instant before that one's.
		now := db.now()
		c, err := focus.Apply(s, cmd, t, now, focusSettings(user))
		if err != nil {
			return err
		}
		if err := writeChange(ctx, tx, user, c, now); err != nil {
			return err
		}
		res.Anomalies, res.Capped = c.Anomalies, capped(user, c)
		res.Timer = focus.View(c.State, now, focusSettings(user))
		return nil
	})
	if isUniqueViolation(err) {
		// Only reachable if the row lock was bypassed; the index keeps the
		// one-running-entry invariant regardless.
		return nil, focusflow.Errorf(focusflow.ECONFLICT, "Another timer is already running. Reload and try again.")
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func capped(user *focusflow.User, c focus.Change) *focusflow.CappedTimer {
	if c.Capped == nil {
		return nil
	}
	out := *c.Capped
	out.UserID = user.ID
	return &out
}

// releaseTimer ends a running entry on taskID and makes the timer idle if
// it was on that task (a task completed or deleted from outside the timer).
func (db *DB) releaseTimer(ctx context.Context, tx execer, user *focusflow.User, now time.Time, taskID int64) error {
	s, _, err := db.lockTimer(ctx, tx, user.ID, now, 0)
	if err != nil {
		return err
	}
	return writeChange(ctx, tx, user, focus.Release(s, taskID, now), now)
}

// Timer returns the user's timer (nil when idle) without writing: a
// forgotten timer reads as capped.
func (db *DB) Timer(ctx context.Context, user *focusflow.User) (*focusflow.Timer, error) {
	var s timerState
	b := db.batch()
	b.Query(`SELECT task_id, state, version FROM timers WHERE user_id = $1`, []any{user.ID}, s.scanTimerRow)
	for _, q := range s.entryAndTask(user.ID) {
		b.Query(q.sql, q.args, q.row)
	}
	if err := b.Run(ctx); err != nil {
		return nil, err
	}
	return focus.View(s.State, db.now(), focusSettings(user)), nil
}

// CapTimer ends the user's forgotten timer at the cap, if it is one.
func (db *DB) CapTimer(ctx context.Context, user *focusflow.User) (*focusflow.CappedTimer, error) {
	var out *focusflow.CappedTimer
	err := db.txExec(ctx, func(tx execer) error {
		s, _, err := db.lockTimer(ctx, tx, user.ID, db.now(), 0)
		if err != nil {
			return err
		}
		now := db.now()
		c, ok := focus.CapForgotten(s, now, focusSettings(user))
		if !ok {
			return nil
		}
		out = capped(user, c)
		return writeChange(ctx, tx, user, c, now)
	})
	return out, err
}

// CapExpiredTimers is the periodic sweep: it ends every running timer that
// has passed its user's cap, even when nobody is looking.
func (db *DB) CapExpiredTimers(ctx context.Context) ([]focusflow.CappedTimer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.user_id FROM time_entries e JOIN users u ON u.id = e.user_id
		WHERE e.ended_at IS NULL AND e.started_at + CASE WHEN $2 > 0 THEN $2 ELSE u.timer_cap_ms END < $1`,
		db.ms(), db.capOverride.Milliseconds())
	if err != nil {
		return nil, wrapDBError(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []focusflow.CappedTimer
	for _, id := range ids {
		u, err := db.User(ctx, id)
		if err != nil {
			continue
		}
		c, err := db.CapTimer(ctx, u)
		if err != nil {
			return out, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}
