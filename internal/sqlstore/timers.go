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
func (db *DB) focusSettings(user *focusflow.User) focus.Settings {
	return focus.Settings{Cap: user.TimerCap, Plan: user.Session, Minute: db.testMinute}
}

// timerColumns are the timer row's columns in the order timerDest reads.
const timerColumns = `task_id, state, version, phase_ends_at, session, updated_at`

// joinedTimerColumns are timerColumns of a timers row t that a LEFT JOIN
// may not find (an idle user who never started one): they scan as NULL.
const joinedTimerColumns = `t.task_id, t.state, t.version, t.phase_ends_at, t.session, t.updated_at`

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
			RETURNING ` + timerColumns, args: []any{userID, now.UnixMilli()}, row: s.scanTimerRow},
		{sql: `SELECT COUNT(*) FROM (SELECT 1 FROM activity a WHERE a.user_id = $1 AND a.at > $2
			AND a.kind IN ('timer_started', 'timer_paused', 'timer_resumed', 'timer_stopped') LIMIT $3) AS recent`,
			args: []any{userID, now.Add(-focus.AnomalyWindow).UnixMilli(), focus.AnomalyActions + 2},
			row:  func(row rowScanner) error { return row.Scan(&s.Recent) }},
	}
	queries = append(queries, s.entryAndTask(userID)...)
	if target != 0 {
		queries = append(queries, batchQuery{sql: `SELECT ` + focusTaskColumns + ` FROM tasks t
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

// lockTimerRow takes the user's timer row lock (creating the row) as a
// deferred statement: it travels with the transaction's next query. A
// write that may end the timer (completing or deleting a task) takes it
// before any other lock and reads the clock after, as a timer action does:
// both then lock in the same order, and an entry it closes never ends
// before one a concurrent action started.
func lockTimerRow(ctx context.Context, tx execer, userID int64, now time.Time) error {
	return tx.Exec(ctx, `INSERT INTO timers (user_id, version, updated_at) VALUES ($1, 0, $2)
		ON CONFLICT (user_id) DO UPDATE SET updated_at = timers.updated_at`, userID, now.UnixMilli())
}

// timerState reads a timer's state: its row, then (entryAndTask) its
// running entry and its task.
type timerState struct{ focus.State }

func (s *timerState) scanTimerRow(row rowScanner) error {
	dest, finish := s.timerDest()
	if err := row.Scan(dest...); err != nil {
		return err
	}
	finish()
	return nil
}

// timerDest is where a scan of timerColumns goes, and what turns it into
// the state once scanned.
func (s *timerState) timerDest() ([]any, func()) {
	var task, version, ends, updated sql.NullInt64
	var state, session sql.NullString
	return []any{&task, &state, &version, &ends, &session, &updated}, func() {
		s.TaskID, s.Status, s.Version = task.Int64, state.String, version.Int64
		s.PhaseEnd = fromNullMS(ends)
		readSession(session, &s.State, fromNullMS(updated))
	}
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
		{sql: `SELECT ` + focusTaskColumns + ` FROM tasks t
			WHERE t.id = (SELECT task_id FROM timers WHERE user_id = $1)`, args: []any{userID},
			row: func(row rowScanner) error { return scanFocusTask(row, &s.Task) }},
	}
}

const focusTaskColumns = `t.id, t.title, t.status, t.date, t.spent_ms, t.duration_minutes`

func scanFocusTask(row rowScanner, t *focus.Task) error {
	var spent int64
	var estimate sql.NullInt64
	err := row.Scan(&t.ID, &t.Title, &t.Status, &t.Date, &spent, &estimate)
	t.Spent, t.Estimate = ms(spent), time.Duration(estimate.Int64)*time.Minute
	return err
}

// writeChange writes what the timer's rules decided, in the order Change
// documents. All deferred: nothing here waits for the database.
func writeChange(ctx context.Context, tx execer, user *focusflow.User, c focus.Change, now time.Time) error {
	for _, op := range c.Entries {
		if err := writeEntryOp(ctx, tx, user, op); err != nil {
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
	for _, p := range c.Phases {
		if err := tx.Exec(ctx, `INSERT INTO timer_phases (user_id, task_id, kind, started_at, ended_at, planned_ms, outcome)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, user.ID, nullID(p.TaskID), p.Kind, p.Start.UnixMilli(), p.End.UnixMilli(),
			p.Planned.Milliseconds(), p.Outcome); err != nil {
			return err
		}
	}
	if earnsSomething(c.Phases) {
		if err := markAchievementsDue(ctx, tx, user.ID); err != nil {
			return err
		}
	}
	if c.Save {
		if err := saveTimer(ctx, tx, user.ID, c.State, now); err != nil {
			return err
		}
	}
	for _, l := range c.Lines {
		at := l.At
		if at.IsZero() {
			at = now
		}
		if err := logActivity(ctx, tx, user, at, l.Kind, l.Message, l.TaskID); err != nil {
			return err
		}
	}
	return nil
}

// earnsSomething reports whether recorded phases count towards an
// achievement: a focus phase completed as planned, or a break.
func earnsSomething(phases []focus.PhaseRecord) bool {
	for _, p := range phases {
		if focusflow.IsBreak(p.Kind) || p.Kind == focusflow.PhaseFocus && p.Outcome == focus.OutcomeCompleted {
			return true
		}
	}
	return false
}

// saveTimer writes the timer row.
func saveTimer(ctx context.Context, tx execer, userID int64, s focus.State, now time.Time) error {
	var state, ends any
	if s.Status != "" {
		state = s.Status
	}
	if !s.PhaseEnd.IsZero() {
		ends = s.PhaseEnd.UnixMilli()
	}
	return tx.Exec(ctx, `UPDATE timers SET task_id = $2, state = $3, version = $4, updated_at = $5, phase_ends_at = $6,
		session = $7 WHERE user_id = $1`,
		userID, nullID(s.TaskID), state, s.Version, now.UnixMilli(), ends, sessionJSON(s))
}

// writeEntryOp opens, closes, drops or writes whole one time entry, keeping its
// task's spent time and status and the per-day figures in step.
func writeEntryOp(ctx context.Context, tx execer, user *focusflow.User, op focus.EntryOp) error {
	e := op.Entry
	switch {
	case op.Drop:
		// Nothing of the entry counted yet: only its task's status moves on.
		if err := tx.Exec(ctx, `DELETE FROM time_entries WHERE user_id = $1 AND ended_at IS NULL AND started_at = $2`,
			user.ID, e.Start.UnixMilli()); err != nil {
			return err
		}
		return tx.Exec(ctx, `UPDATE tasks SET status = CASE WHEN $3 = '' OR status = 'completed' THEN status ELSE $3 END,
			updated_at = $4 WHERE id = $1 AND user_id = $2`, e.TaskID, user.ID, op.Status, op.End.UnixMilli())
	case op.Open && op.End.IsZero():
		if err := tx.Exec(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, source, created_at)
			VALUES ($1, $2, $3, 'timer', $3)`, user.ID, e.TaskID, e.Start.UnixMilli()); err != nil {
			return err
		}
		return tx.Exec(ctx, `UPDATE tasks SET status = CASE WHEN status = 'completed' THEN status ELSE $3 END,
			updated_at = $4 WHERE id = $1 AND user_id = $2`, e.TaskID, user.ID, op.Status, e.Start.UnixMilli())
	case op.Open:
		if err := tx.Exec(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, ended_at, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $3)`, user.ID, e.TaskID, e.Start.UnixMilli(), op.End.UnixMilli(), op.Source); err != nil {
			return err
		}
	default:
		if err := tx.Exec(ctx, `UPDATE time_entries SET ended_at = $2, source = $3 WHERE user_id = $1 AND ended_at IS NULL`,
			user.ID, op.End.UnixMilli(), op.Source); err != nil {
			return err
		}
	}
	if err := tx.Exec(ctx, `UPDATE tasks SET spent_ms = spent_ms + $2,
		status = CASE WHEN $3 = '' OR status = 'completed' THEN status ELSE $3 END, updated_at = $4
		WHERE id = $1`, e.TaskID, op.End.Sub(e.Start).Milliseconds(), op.Status, op.End.UnixMilli()); err != nil {
		return err
	}
	return addFocus(ctx, tx, user.ID, user.Location(), e.Start, op.End, false, 1)
}

// TimerAction performs one timer action in one transaction: the only place
// timer state changes (besides phase ends, capping and task
// completion/deletion, which go through the same rules).
//
// On PostgreSQL an action is two round trips: the lock with every read it
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
		c, err := focus.Apply(s, cmd, t, now, db.focusSettings(user))
		if err != nil {
			return err
		}
		if err := writeChange(ctx, tx, user, c, now); err != nil {
			return err
		}
		res.Anomalies, res.Capped = c.Anomalies, capped(user, c)
		res.Timer = focus.View(c.State, now, db.focusSettings(user))
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

// releaseTimer ends the session on taskID, if the timer is on it (a task
// completed or deleted from outside the timer).
func (db *DB) releaseTimer(ctx context.Context, tx execer, user *focusflow.User, now time.Time, taskID int64) error {
	s, _, err := db.lockTimer(ctx, tx, user.ID, now, 0)
	if err != nil {
		return err
	}
	c, _ := focus.Advance(s, now, db.focusSettings(user))
	r := focus.Release(c.State, taskID, now)
	if err := writeChange(ctx, tx, user, c, now); err != nil {
		return err
	}
	return writeChange(ctx, tx, user, r, now)
}

// timerState reads the user's timer state without locking.
func (db *DB) timerState(ctx context.Context, userID int64) (focus.State, error) {
	var s timerState
	b := db.batch()
	b.Query(`SELECT `+timerColumns+` FROM timers WHERE user_id = $1`, []any{userID}, s.scanTimerRow)
	for _, q := range s.entryAndTask(userID) {
		b.Query(q.sql, q.args, q.row)
	}
	err := b.Run(ctx)
	return s.State, err
}

// Timer returns the user's timer (nil when idle) without writing: a
// forgotten timer reads as capped, a finished phase as the next one.
func (db *DB) Timer(ctx context.Context, user *focusflow.User) (*focusflow.Timer, error) {
	s, err := db.timerState(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	return focus.View(s, db.now(), db.focusSettings(user)), nil
}

// AdvanceTimer records the boundaries the user's timer has passed (phase
// ends, the cap of a forgotten timer), each at its own instant. It
// returns the change written, nil when there was nothing to record — also
// when another instance recorded it first: the row lock and the state read
// under it make the transition happen once.
func (db *DB) AdvanceTimer(ctx context.Context, user *focusflow.User) (*focus.Change, error) {
	var out *focus.Change
	err := db.txExec(ctx, func(tx execer) error {
		s, _, err := db.lockTimer(ctx, tx, user.ID, db.now(), 0)
		if err != nil {
			return err
		}
		now := db.now()
		c, ok := focus.Advance(s, now, db.focusSettings(user))
		if !ok {
			return nil
		}
		out = &c
		return writeChange(ctx, tx, user, c, now)
	})
	return out, err
}

// DueTimers lists the users whose timer passes a boundary by before: a
// phase ends, or a running entry reaches its cap.
func (db *DB) DueTimers(ctx context.Context, before time.Time) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT user_id FROM timers WHERE phase_ends_at IS NOT NULL AND phase_ends_at <= $1
		UNION SELECT e.user_id FROM time_entries e JOIN users u ON u.id = e.user_id
		WHERE e.ended_at IS NULL AND e.started_at + CASE WHEN $2 > 0 THEN $2 ELSE u.timer_cap_ms END < $1`,
		before.UnixMilli(), db.capOverride.Milliseconds())
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, wrapDBError(rows.Err())
}

// NextBoundaries lists the boundaries due before until — phase ends and
// the caps of running entries — earliest first: what a scheduler should
// wake up for.
func (db *DB) NextBoundaries(ctx context.Context, until time.Time) ([]focusflow.Boundary, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT user_id, phase_ends_at AS at FROM timers
		WHERE phase_ends_at IS NOT NULL AND phase_ends_at <= $1
		UNION ALL SELECT e.user_id, e.started_at + CASE WHEN $2 > 0 THEN $2 ELSE u.timer_cap_ms END + 1 AS at
		FROM time_entries e JOIN users u ON u.id = e.user_id
		WHERE e.ended_at IS NULL AND e.started_at + CASE WHEN $2 > 0 THEN $2 ELSE u.timer_cap_ms END < $1
		ORDER BY at`, until.UnixMilli(), db.capOverride.Milliseconds())
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var out []focusflow.Boundary
	for rows.Next() {
		var b focusflow.Boundary
		var at int64
		if err := rows.Scan(&b.UserID, &at); err != nil {
			return nil, err
		}
		b.At = fromMS(at)
		out = append(out, b)
	}
	return out, wrapDBError(rows.Err())
}

// CapExpiredTimers is the periodic sweep: it records every boundary that
// has passed, the caps of forgotten timers among them, even when nobody is
// looking, and returns the timers it capped.
func (db *DB) CapExpiredTimers(ctx context.Context) ([]focusflow.CappedTimer, error) {
	ids, err := db.DueTimers(ctx, db.now())
	if err != nil {
		return nil, err
	}
	var out []focusflow.CappedTimer
	for _, id := range ids {
		u, err := db.User(ctx, id)
		if err != nil {
			continue
		}
		c, err := db.AdvanceTimer(ctx, u)
		if err != nil {
			return out, err
		}
		if c != nil && c.Capped != nil {
			out = append(out, *capped(u, *c))
		}
	}
	return out, nil
}

// AdvanceTimerOf is AdvanceTimer for a user known by id. It returns the
// timer as it reads afterwards and when it next changes by itself; changed
// is false when nothing was recorded.
func (db *DB) AdvanceTimerOf(ctx context.Context, userID int64) (t *focusflow.Timer, next time.Time, changed bool, err error) {
	u, err := db.User(ctx, userID)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	c, err := db.AdvanceTimer(ctx, u)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	if c != nil {
		t = focus.View(c.State, db.now(), db.focusSettings(u))
	} else if t, err = db.Timer(ctx, u); err != nil {
		return nil, time.Time{}, false, err
	}
	return t, focus.NextBoundary(t, u.TimerCap), c != nil, nil
}
