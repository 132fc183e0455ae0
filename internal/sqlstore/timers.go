package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

// Timer actions.
const (
	ActionStart  = "start"
	ActionPause  = "pause"
	ActionResume = "resume"
	ActionStop   = "stop"
)

// Anomaly thresholds: more timer actions than this within the window are
// flagged (not blocked) as a possible manipulation.
const (
	anomalyActions = 30
	anomalyWindow  = 5 * time.Minute
)

// TimerConflictError answers an action whose version is stale (another tab
// acted first, or a replay): nothing changed, and it carries the current
// timer so the client can adopt it.
type TimerConflictError struct {
	Message string
	Timer   *focusflow.Timer
}

func (e *TimerConflictError) Error() string { return "timer conflict: " + e.Message }

// As presents the conflict as ECONFLICT to the error-code map.
func (e *TimerConflictError) As(target any) bool {
	if t, ok := target.(**focusflow.Error); ok {
		*t = &focusflow.Error{Code: focusflow.ECONFLICT, Message: e.Message}
		return true
	}
	return false
}

// TimerResult is the outcome of a timer action.
type TimerResult struct {
	Timer *focusflow.Timer
	// Anomalies lists unusual patterns this action revealed (for the audit
	// log and metrics); the action itself went through.
	Anomalies []string
	// Capped is set when a forgotten timer was ended at the cap first.
	Capped *CappedTimer
}

// CappedTimer describes a timer the server ended at the user's cap.
type CappedTimer struct {
	UserID  int64
	TaskID  int64
	EntryID int64
	EndedAt time.Time
}

// timerRow is the locked state of a user's timer inside a transaction,
// with what the actions need to know about its task.
type timerRow struct {
	taskID  int64
	state   string
	version int64
	// running entry, if any (entryID -1: opened in this transaction)
	entryID    int64
	entryTask  int64
	entryStart time.Time
	// the timer's task
	taskTitle, taskStatus, taskDate string
	taskSpent                       time.Duration // stored spent time
	// timer actions logged within the anomaly window, counted up to just
	// past the threshold
	recent int
}

// lockTimer locks (creating if needed) the user's timer row and reads, in
// the same round trip on PostgreSQL, the running entry, the timer's task,
// the recent action count and — for a start — the target task, locked.
// The upsert takes the row lock, so concurrent actions of one user queue
// there; every read after it is a statement of its own and so sees what
// the transactions before it committed (a subquery of the upsert would
// use a snapshot from before the wait). SQLite serialises writers anyway.
func (db *DB) lockTimer(ctx context.Context, tx execer, userID int64, now time.Time, target int64) (*timerRow, *focusflow.Task, error) {
	r := &timerRow{}
	var targetTask *focusflow.Task
	queries := []batchQuery{
		{sql: `INSERT INTO timers (user_id, version, updated_at) VALUES ($1, 0, $2)
			ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at
			RETURNING task_id, state, version`, args: []any{userID, now.UnixMilli()}, row: func(row rowScanner) error {
			var task sql.NullInt64
			var state sql.NullString
			err := row.Scan(&task, &state, &r.version)
			r.taskID, r.state = task.Int64, state.String
			return err
		}},
		{sql: `SELECT id, task_id, started_at FROM time_entries WHERE user_id = $1 AND ended_at IS NULL`,
			args: []any{userID}, row: func(row rowScanner) error {
				var start int64
				err := row.Scan(&r.entryID, &r.entryTask, &start)
				r.entryStart = fromMS(start)
				return err
			}},
		// A subquery, not a join: PostgreSQL plans a join on tasks.id by
		// probing the ends of its index, which crawls through the dead
		// tuples that frequent task updates leave there (8 ms per plan
		// seen under load, when statements are not prepared).
		{sql: `SELECT t.title, t.status, t.date, t.spent_ms FROM tasks t
			WHERE t.id = (SELECT task_id FROM timers WHERE user_id = $1)`, args: []any{userID}, row: func(row rowScanner) error {
			var spent int64
			err := row.Scan(&r.taskTitle, &r.taskStatus, &r.taskDate, &spent)
			r.taskSpent = time.Duration(spent) * time.Millisecond
			return err
		}},
		{sql: `SELECT COUNT(*) FROM (SELECT 1 FROM activity a WHERE a.user_id = $1 AND a.at > $2
			AND a.kind IN ('timer_started', 'timer_paused', 'timer_resumed', 'timer_stopped') LIMIT $3) AS recent`,
			args: []any{userID, now.Add(-anomalyWindow).UnixMilli(), anomalyActions + 2},
			row:  func(row rowScanner) error { return row.Scan(&r.recent) }},
	}
	if target != 0 {
		queries = append(queries, batchQuery{sql: `SELECT ` + taskColumns + ` FROM tasks t WHERE t.id = $1 AND t.user_id = $2` +
			db.dialect.forUpdate, args: []any{target, userID}, row: func(row rowScanner) error {
			t, err := scanTask(row)
			targetTask = t
			return err
		}})
	}
	if err := tx.Batch(ctx, queries...); err != nil {
		return nil, nil, err
	}
	if target != 0 && targetTask == nil {
		return nil, nil, notFound("Task")
	}
	return r, targetTask, nil
}

// closeEntry ends the running entry at end, adds the time to its task (and
// sets the task's status unless it is completed; "" keeps it) and to the
// per-day figures. All deferred: nothing here waits for the database.
func closeEntry(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, end time.Time, source, status string) error {
	if r.entryID == 0 {
		return nil
	}
	if end.Before(r.entryStart) {
		end = r.entryStart
	}
	if err := tx.Exec(ctx, `UPDATE time_entries SET ended_at = $2, source = $3 WHERE user_id = $1 AND ended_at IS NULL`,
		user.ID, end.UnixMilli(), source); err != nil {
		return err
	}
	d := end.Sub(r.entryStart)
	if err := tx.Exec(ctx, `UPDATE tasks SET spent_ms = spent_ms + $2,
		status = CASE WHEN $3 = '' OR status = 'completed' THEN status ELSE $3 END, updated_at = $4
		WHERE id = $1`, r.entryTask, d.Milliseconds(), status, end.UnixMilli()); err != nil {
		return err
	}
	if err := addFocus(ctx, tx, user.ID, user.Location(), r.entryStart, end, false, 1); err != nil {
		return err
	}
	if r.entryTask == r.taskID {
		r.taskSpent += d
	}
	r.entryID = 0
	return nil
}

// setTaskStatus sets the status of a task that is not completed.
func setTaskStatus(ctx context.Context, tx execer, userID, taskID int64, status string, now time.Time) error {
	return tx.Exec(ctx, `UPDATE tasks SET status = CASE WHEN status = 'completed' THEN status ELSE $3 END,
		updated_at = $4 WHERE id = $1 AND user_id = $2`, taskID, userID, status, now.UnixMilli())
}

// saveTimer writes the timer row.
func saveTimer(ctx context.Context, tx execer, userID, taskID int64, state string, version int64, now time.Time) error {
	var st any
	if state != "" {
		st = state
	}
	return tx.Exec(ctx, `UPDATE timers SET task_id = $2, state = $3, version = $4, updated_at = $5 WHERE user_id = $1`,
		userID, nullID(taskID), st, version, now.UnixMilli())
}

// capIfExpired ends a forgotten running entry at the user's cap; the timer
// stays on its task, paused.
func (db *DB) capIfExpired(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, now time.Time) (*CappedTimer, error) {
	if r.entryID == 0 {
		return nil, nil
	}
	end, capped := focus.Cap(r.entryStart, now, user.TimerCap)
	if !capped {
		return nil, nil
	}
	entryID, taskID := r.entryID, r.entryTask
	if err := closeEntry(ctx, tx, user, r, end, focusflow.SourceCapped, focusflow.StatusPaused); err != nil {
		return nil, err
	}
	r.version++
	r.taskID, r.state = taskID, focusflow.TimerPaused
	msg := fmt.Sprintf("Timer stopped automatically after %s on: %s. Correct its end if you stopped earlier.",
		formatHours(user.TimerCap), r.taskTitle)
	if err := logActivity(ctx, tx, user, now, focusflow.ActTimerCapped, msg, taskID); err != nil {
		return nil, err
	}
	return &CappedTimer{UserID: user.ID, TaskID: taskID, EntryID: entryID, EndedAt: end}, nil
}

func formatHours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return d.Round(time.Second).String()
}

// TimerAction performs one timer action in one transaction: the only place
// timer state changes (besides capping and task completion/deletion, which
// use the same helpers), so a future event feed can publish from here.
// Pause, resume and stop must carry the version the client last saw.
//
// On PostgreSQL a start is two round trips: the lock with every read it
// needs, then all writes with the COMMIT.
func (db *DB) TimerAction(ctx context.Context, user *focusflow.User, action string, taskID, version int64) (*TimerResult, error) {
	now := db.now()
	res := &TimerResult{}
	err := db.txExec(ctx, func(tx execer) error {
		var target int64
		if action == ActionStart {
			target = taskID
		}
		r, t, err := db.lockTimer(ctx, tx, user.ID, now, target)
		if err != nil {
			return err
		}
		if action != ActionStart && version != r.version {
			return &TimerConflictError{Message: "The timer was changed elsewhere (another tab or device). Showing its current state.",
				Timer: timerOf(r, r.taskSpent, now)}
		}
		if res.Capped, err = db.capIfExpired(ctx, tx, user, r, now); err != nil {
			return err
		}
		logged := true
		switch action {
		case ActionStart:
			logged, err = db.start(ctx, tx, user, r, t, now)
		case ActionPause:
			err = db.pause(ctx, tx, user, r, now)
		case ActionResume:
			err = db.resume(ctx, tx, user, r, now)
		case ActionStop:
			err = db.stop(ctx, tx, user, r, now)
		default:
			err = focusflow.Invalid("action", "Unknown timer action.")
		}
		if err != nil {
			return err
		}
		r.version++
		if err := saveTimer(ctx, tx, user.ID, r.taskID, r.state, r.version, now); err != nil {
			return err
		}
		if logged && r.recent == anomalyActions {
			if res.Anomalies, err = flagActionRate(ctx, tx, user, now); err != nil {
				return err
			}
		}
		res.Timer = timerOf(r, r.taskSpent, now)
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

// start runs the timer on task t, pausing whatever it was on. It reports
// whether it logged an action (starting the running task again does not).
func (db *DB) start(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, t *focusflow.Task, now time.Time) (bool, error) {
	if t.Status == focusflow.StatusCompleted {
		return false, focusflow.Errorf(focusflow.ECONFLICT, "This task is completed. Reopen it to track more time.")
	}
	if r.entryID != 0 && r.entryTask == t.ID {
		return false, nil // already running on this task: nothing to do but count the action
	}
	if r.entryID != 0 {
		if err := closeEntry(ctx, tx, user, r, now, focusflow.SourceTimer, focusflow.StatusPaused); err != nil {
			return false, err
		}
	} else if r.taskID != 0 && r.taskID != t.ID {
		if err := setTaskStatus(ctx, tx, user.ID, r.taskID, focusflow.StatusPaused, now); err != nil {
			return false, err
		}
	}
	if err := openEntry(ctx, tx, user, r, t.ID, now); err != nil {
		return false, err
	}
	r.taskTitle, r.taskStatus, r.taskDate, r.taskSpent = t.Title, focusflow.StatusInProgress, t.Date, t.Spent
	kind, verb := focusflow.ActTimerStarted, "Started"
	if t.Status == focusflow.StatusPaused {
		kind, verb = focusflow.ActTimerResumed, "Resumed"
	}
	return true, logActivity(ctx, tx, user, now, kind, verb+" timer: "+t.Title, t.ID)
}

// openEntry starts a running entry on the task and marks it in progress.
func openEntry(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, taskID int64, now time.Time) error {
	if err := tx.Exec(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, source, created_at)
		VALUES ($1, $2, $3, 'timer', $3)`, user.ID, taskID, now.UnixMilli()); err != nil {
		return err
	}
	r.entryID, r.entryTask, r.entryStart = -1, taskID, now
	r.taskID, r.state = taskID, focusflow.TimerRunning
	return setTaskStatus(ctx, tx, user.ID, taskID, focusflow.StatusInProgress, now)
}

func (db *DB) pause(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, now time.Time) error {
	if r.state != focusflow.TimerRunning || r.entryID == 0 {
		return focusflow.Errorf(focusflow.ECONFLICT, "The timer is not running.")
	}
	taskID := r.entryTask
	if err := closeEntry(ctx, tx, user, r, now, focusflow.SourceTimer, focusflow.StatusPaused); err != nil {
		return err
	}
	r.state = focusflow.TimerPaused
	return logActivity(ctx, tx, user, now, focusflow.ActTimerPaused, "Paused timer: "+r.taskTitle, taskID)
}

func (db *DB) resume(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, now time.Time) error {
	if r.state != focusflow.TimerPaused || r.taskID == 0 {
		return focusflow.Errorf(focusflow.ECONFLICT, "The timer is not paused.")
	}
	taskID := r.taskID
	if err := openEntry(ctx, tx, user, r, taskID, now); err != nil {
		return err
	}
	return logActivity(ctx, tx, user, now, focusflow.ActTimerResumed, "Resumed timer: "+r.taskTitle, taskID)
}

func (db *DB) stop(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, now time.Time) error {
	if r.state == "" || r.taskID == 0 {
		return focusflow.Errorf(focusflow.ECONFLICT, "No timer is running.")
	}
	taskID := r.taskID
	if err := closeEntry(ctx, tx, user, r, now, focusflow.SourceTimer, ""); err != nil {
		return err
	}
	if r.taskStatus != focusflow.StatusCompleted {
		if err := tx.Exec(ctx, `UPDATE tasks SET status = 'completed', completed_at = $3, updated_at = $3
			WHERE id = $1 AND user_id = $2`, taskID, user.ID, now.UnixMilli()); err != nil {
			return err
		}
		if err := addTaskCounts(ctx, tx, user.ID, r.taskDate, 0, 1); err != nil {
			return err
		}
		if err := logActivity(ctx, tx, user, now, focusflow.ActTaskCompleted, "Completed task: "+r.taskTitle, taskID); err != nil {
			return err
		}
	}
	r.taskID, r.state = 0, ""
	return logActivity(ctx, tx, user, now, focusflow.ActTimerStopped, "Stopped timer: "+r.taskTitle, taskID)
}

// releaseTimer ends a running entry on taskID and makes the timer idle if
// it was on that task (a task completed or deleted from outside the timer).
func (db *DB) releaseTimer(ctx context.Context, tx execer, user *focusflow.User, now time.Time, taskID int64) error {
	r, _, err := db.lockTimer(ctx, tx, user.ID, now, 0)
	if err != nil {
		return err
	}
	if r.entryID != 0 && r.entryTask == taskID {
		if err := closeEntry(ctx, tx, user, r, now, focusflow.SourceTimer, ""); err != nil {
			return err
		}
	}
	if r.taskID == taskID {
		return saveTimer(ctx, tx, user.ID, 0, "", r.version+1, now)
	}
	return nil
}

// flagActionRate records that this action was the one past anomalyActions
// timer actions within anomalyWindow (flagged once per crossing).
func flagActionRate(ctx context.Context, tx execer, user *focusflow.User, now time.Time) ([]string, error) {
	msg := fmt.Sprintf("Unusual timer activity: more than %d timer actions in %d minutes.", anomalyActions, int(anomalyWindow/time.Minute))
	if err := logActivity(ctx, tx, user, now, focusflow.ActAnomaly, msg, 0); err != nil {
		return nil, err
	}
	return []string{"rapid_actions"}, nil
}

// timerOf is the timer as clients see it, from its row and the task's
// stored spent time.
func timerOf(r *timerRow, spent time.Duration, now time.Time) *focusflow.Timer {
	if r.state == "" || r.taskID == 0 {
		return nil
	}
	t := &focusflow.Timer{TaskID: r.taskID, State: r.state, Version: r.version, Elapsed: spent}
	if r.entryID != 0 && r.state == focusflow.TimerRunning {
		t.StartedAt = r.entryStart
		t.Elapsed += now.Sub(r.entryStart)
	}
	return t
}

// timerState reads the task's stored time and builds the timer.
func (db *DB) timerState(ctx context.Context, q execer, userID int64, r *timerRow, now time.Time) (*focusflow.Timer, error) {
	if r.state == "" || r.taskID == 0 {
		return nil, nil
	}
	var spent int64
	if err := q.QueryRow(ctx, `SELECT spent_ms FROM tasks WHERE id = $1 AND user_id = $2`, r.taskID, userID).Scan(&spent); err != nil {
		return nil, wrapDBError(err)
	}
	return timerOf(r, time.Duration(spent)*time.Millisecond, now), nil
}

// Timer returns the user's timer (nil when idle), first ending a forgotten
// one at the cap.
func (db *DB) Timer(ctx context.Context, user *focusflow.User) (*focusflow.Timer, *CappedTimer, error) {
	r, err := db.readTimer(ctx, user.ID)
	if err != nil {
		return nil, nil, err
	}
	now := db.now()
	if r.entryID != 0 {
		if _, capped := focus.Cap(r.entryStart, now, user.TimerCap); capped {
			c, err := db.CapTimer(ctx, user)
			if err != nil {
				return nil, nil, err
			}
			if r, err = db.readTimer(ctx, user.ID); err != nil {
				return nil, nil, err
			}
			t, err := db.timerState(ctx, sqlExec{db.read}, user.ID, r, now)
			return t, c, err
		}
	}
	t, err := db.timerState(ctx, sqlExec{db.read}, user.ID, r, now)
	return t, nil, err
}

// readTimer reads the timer without locking (reads never write).
func (db *DB) readTimer(ctx context.Context, userID int64) (*timerRow, error) {
	var r timerRow
	var task sql.NullInt64
	var state sql.NullString
	var entryID, entryTask, start sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT t.task_id, t.state, t.version, e.id, e.task_id, e.started_at
		FROM timers t LEFT JOIN time_entries e ON e.user_id = t.user_id AND e.ended_at IS NULL
		WHERE t.user_id = $1`, userID).Scan(&task, &state, &r.version, &entryID, &entryTask, &start)
	if errors.Is(err, sql.ErrNoRows) {
		return &r, nil
	}
	if err != nil {
		return nil, wrapDBError(err)
	}
	r.taskID, r.state, r.entryID, r.entryTask = task.Int64, state.String, entryID.Int64, entryTask.Int64
	if start.Valid {
		r.entryStart = fromMS(start.Int64)
	}
	return &r, nil
}

// CapTimer ends the user's forgotten timer at the cap, if it is one.
func (db *DB) CapTimer(ctx context.Context, user *focusflow.User) (*CappedTimer, error) {
	var c *CappedTimer
	err := db.txExec(ctx, func(tx execer) error {
		now := db.now()
		r, _, err := db.lockTimer(ctx, tx, user.ID, now, 0)
		if err != nil {
			return err
		}
		if c, err = db.capIfExpired(ctx, tx, user, r, now); err != nil || c == nil {
			return err
		}
		return saveTimer(ctx, tx, user.ID, r.taskID, r.state, r.version, now)
	})
	return c, err
}

// CapExpiredTimers is the periodic sweep: it ends every running timer that
// has passed its user's cap, even when nobody is looking.
func (db *DB) CapExpiredTimers(ctx context.Context) ([]CappedTimer, error) {
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
	var out []CappedTimer
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
