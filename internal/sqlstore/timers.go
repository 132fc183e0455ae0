package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/timer"
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

// timerRow is the locked state of a user's timer inside a transaction.
type timerRow struct {
	taskID  int64
	state   string
	version int64
	// running entry, if any
	entryID    int64
	entryTask  int64
	entryStart time.Time
}

// lockTimer creates or locks the user's timer row. The upsert takes a row
// lock on PostgreSQL, so concurrent actions of one user queue here; SQLite
// serialises writers anyway.
func (db *DB) lockTimer(ctx context.Context, tx execer, userID int64, now time.Time) (*timerRow, error) {
	var r timerRow
	var task sql.NullInt64
	var state sql.NullString
	err := tx.QueryRow(ctx, `INSERT INTO timers (user_id, version, updated_at) VALUES ($1, 0, $2)
		ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at
		RETURNING task_id, state, version`, userID, now.UnixMilli()).Scan(&task, &state, &r.version)
	if err != nil {
		return nil, wrapDBError(err)
	}
	r.taskID, r.state = task.Int64, state.String
	var start int64
	err = tx.QueryRow(ctx, `SELECT id, task_id, started_at FROM time_entries WHERE user_id = $1 AND ended_at IS NULL`,
		userID).Scan(&r.entryID, &r.entryTask, &start)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, wrapDBError(err)
	default:
		r.entryStart = fromMS(start)
	}
	return &r, nil
}

// closeEntry ends the running entry at end and, in one statement for the
// task, adds the time to it and sets its status (unless it is completed;
// "" keeps it). The per-day figures get the time too. It returns the
// task's title for the activity log.
func closeEntry(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, end time.Time, source, status string) (string, error) {
	if r.entryID == 0 {
		return "", nil
	}
	if end.Before(r.entryStart) {
		end = r.entryStart
	}
	if err := tx.Exec(ctx, `UPDATE time_entries SET ended_at = $2, source = $3 WHERE id = $1`,
		r.entryID, end.UnixMilli(), source); err != nil {
		return "", wrapDBError(err)
	}
	var title string
	if err := tx.QueryRow(ctx, `UPDATE tasks SET spent_ms = spent_ms + $2,
		status = CASE WHEN $3 = '' OR status = 'completed' THEN status ELSE $3 END, updated_at = $4
		WHERE id = $1 RETURNING title`, r.entryTask, end.Sub(r.entryStart).Milliseconds(), status,
		end.UnixMilli()).Scan(&title); err != nil {
		return "", wrapDBError(err)
	}
	if err := addFocus(ctx, tx, user.ID, user.Location(), r.entryStart, end, false, 1); err != nil {
		return "", err
	}
	r.entryID = 0
	return title, nil
}

// setTaskStatus sets the status of a task that is not completed and
// returns its title.
func setTaskStatus(ctx context.Context, tx execer, userID, taskID int64, status string, now time.Time) (string, error) {
	var title string
	err := tx.QueryRow(ctx, `UPDATE tasks SET status = CASE WHEN status = 'completed' THEN status ELSE $3 END,
		updated_at = $4 WHERE id = $1 AND user_id = $2 RETURNING title`, taskID, userID, status, now.UnixMilli()).Scan(&title)
	return title, wrapDBError(err)
}

// savedTimer is what saveTimer reads back in the same statement: the
// timer actions of the anomaly window and the timer task's stored time.
type savedTimer struct {
	recentActions int
	spent         time.Duration
}

// saveTimer writes the timer row and, in the same round trip, counts the
// recent timer actions and reads the task's stored spent time.
func saveTimer(ctx context.Context, tx execer, userID, taskID int64, state string, version int64, now time.Time) (savedTimer, error) {
	var st any
	if state != "" {
		st = state
	}
	var out savedTimer
	var spent sql.NullInt64
	err := tx.QueryRow(ctx, `UPDATE timers SET task_id = $2, state = $3, version = $4, updated_at = $5 WHERE user_id = $1
		RETURNING (SELECT COUNT(*) FROM (SELECT 1 FROM activity a WHERE a.user_id = $1 AND a.at > $6
		             AND a.kind IN ('timer_started', 'timer_paused', 'timer_resumed', 'timer_stopped') LIMIT $7) AS recent),
		          (SELECT spent_ms FROM tasks t WHERE t.id = $2)`,
		userID, nullID(taskID), st, version, now.UnixMilli(), now.Add(-anomalyWindow).UnixMilli(),
		// Counting stops just past the threshold: the flag only needs to
		// know when the count crosses it, and a busy user must not make
		// every action scan thousands of rows.
		anomalyActions+2).Scan(&out.recentActions, &spent)
	out.spent = time.Duration(spent.Int64) * time.Millisecond
	return out, wrapDBError(err)
}

// capIfExpired ends a forgotten running entry at the user's cap.
func (db *DB) capIfExpired(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, now time.Time) (*CappedTimer, error) {
	if r.entryID == 0 {
		return nil, nil
	}
	end, capped := timer.Cap(r.entryStart, now, user.TimerCap)
	if !capped {
		return nil, nil
	}
	entryID, taskID := r.entryID, r.entryTask
	title, err := closeEntry(ctx, tx, user, r, end, focusflow.SourceCapped, focusflow.StatusPaused)
	if err != nil {
		return nil, err
	}
	r.version++
	if _, err := saveTimer(ctx, tx, user.ID, taskID, focusflow.TimerPaused, r.version, now); err != nil {
		return nil, err
	}
	r.taskID, r.state = taskID, focusflow.TimerPaused
	msg := fmt.Sprintf("Timer stopped automatically after %s on: %s. Correct its end if you stopped earlier.",
		formatHours(user.TimerCap), title)
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
func (db *DB) TimerAction(ctx context.Context, user *focusflow.User, action string, taskID, version int64) (*TimerResult, error) {
	now := db.now()
	res := &TimerResult{}
	err := db.txExec(ctx, func(tx execer) error {
		r, err := db.lockTimer(ctx, tx, user.ID, now)
		if err != nil {
			return err
		}
		if action != ActionStart && version != r.version {
			cur, err := db.timerState(ctx, tx, user.ID, r, now)
			if err != nil {
				return err
			}
			return &TimerConflictError{Message: "The timer was changed elsewhere (another tab or device). Showing its current state.", Timer: cur}
		}
		if res.Capped, err = db.capIfExpired(ctx, tx, user, r, now); err != nil {
			return err
		}
		switch action {
		case ActionStart:
			err = db.start(ctx, tx, user, r, taskID, now)
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
		saved, err := saveTimer(ctx, tx, user.ID, r.taskID, r.state, r.version, now)
		if err != nil {
			return err
		}
		if res.Anomalies, err = flagActionRate(ctx, tx, user, saved.recentActions, now); err != nil {
			return err
		}
		res.Timer = timerOf(r, saved.spent, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (db *DB) start(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, taskID int64, now time.Time) error {
	t, err := db.taskForUpdate(ctx, tx, user.ID, taskID)
	if err != nil {
		return err
	}
	if t.Status == focusflow.StatusCompleted {
		return focusflow.Errorf(focusflow.ECONFLICT, "This task is completed. Reopen it to track more time.")
	}
	if r.entryID != 0 && r.entryTask == taskID {
		return nil // already running on this task: nothing to do but count the action
	}
	if r.entryID != 0 || (r.taskID != 0 && r.taskID != taskID) {
		// Starting one task pauses whatever the timer was on.
		prev := r.taskID
		if r.entryID != 0 {
			prev = r.entryTask
		}
		if r.entryID != 0 {
			if _, err := closeEntry(ctx, tx, user, r, now, focusflow.SourceTimer, focusflow.StatusPaused); err != nil {
				return err
			}
		} else if _, err := setTaskStatus(ctx, tx, user.ID, prev, focusflow.StatusPaused, now); err != nil {
			return err
		}
	}
	if _, err := db.openEntry(ctx, tx, user, r, taskID, now); err != nil {
		return err
	}
	kind, verb := focusflow.ActTimerStarted, "Started"
	if t.Status == focusflow.StatusPaused {
		kind, verb = focusflow.ActTimerResumed, "Resumed"
	}
	return logActivity(ctx, tx, user, now, kind, verb+" timer: "+t.Title, taskID)
}

// openEntry starts a running entry on the task and marks it in progress;
// it returns the task's title.
func (db *DB) openEntry(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, taskID int64, now time.Time) (string, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, source, created_at)
		VALUES ($1, $2, $3, 'timer', $3) RETURNING id`, user.ID, taskID, now.UnixMilli()).Scan(&id)
	if isUniqueViolation(err) {
		// Only reachable if the row lock was bypassed; the index keeps the
		// invariant regardless.
		return "", focusflow.Errorf(focusflow.ECONFLICT, "Another timer is already running. Reload and try again.")
	}
	if err != nil {
		return "", wrapDBError(err)
	}
	r.entryID, r.entryTask, r.entryStart = id, taskID, now
	r.taskID, r.state = taskID, focusflow.TimerRunning
	return setTaskStatus(ctx, tx, user.ID, taskID, focusflow.StatusInProgress, now)
}

func (db *DB) pause(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, now time.Time) error {
	if r.state != focusflow.TimerRunning || r.entryID == 0 {
		return focusflow.Errorf(focusflow.ECONFLICT, "The timer is not running.")
	}
	taskID := r.entryTask
	title, err := closeEntry(ctx, tx, user, r, now, focusflow.SourceTimer, focusflow.StatusPaused)
	if err != nil {
		return err
	}
	r.state = focusflow.TimerPaused
	return logActivity(ctx, tx, user, now, focusflow.ActTimerPaused, "Paused timer: "+title, taskID)
}

func (db *DB) resume(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, now time.Time) error {
	if r.state != focusflow.TimerPaused || r.taskID == 0 {
		return focusflow.Errorf(focusflow.ECONFLICT, "The timer is not paused.")
	}
	taskID := r.taskID
	title, err := db.openEntry(ctx, tx, user, r, taskID, now)
	if err != nil {
		return err
	}
	return logActivity(ctx, tx, user, now, focusflow.ActTimerResumed, "Resumed timer: "+title, taskID)
}

func (db *DB) stop(ctx context.Context, tx execer, user *focusflow.User, r *timerRow, now time.Time) error {
	if r.state == "" || r.taskID == 0 {
		return focusflow.Errorf(focusflow.ECONFLICT, "No timer is running.")
	}
	taskID := r.taskID
	if _, err := closeEntry(ctx, tx, user, r, now, focusflow.SourceTimer, ""); err != nil {
		return err
	}
	title, err := db.completeTask(ctx, tx, user, taskID, now)
	if err != nil {
		return err
	}
	r.taskID, r.state = 0, ""
	return logActivity(ctx, tx, user, now, focusflow.ActTimerStopped, "Stopped timer: "+title, taskID)
}

// completeTask marks a task completed (if it is not yet) with its counts
// and activity.
func (db *DB) completeTask(ctx context.Context, tx execer, user *focusflow.User, taskID int64, now time.Time) (string, error) {
	var date, title string
	var wasDone bool
	err := tx.QueryRow(ctx, `UPDATE tasks SET completed_at = CASE WHEN status = 'completed' THEN completed_at ELSE $3 END,
		status = 'completed', updated_at = $3 WHERE id = $1 AND user_id = $2
		RETURNING date, title, completed_at <> $3`, taskID, user.ID, now.UnixMilli()).Scan(&date, &title, &wasDone)
	if err != nil || wasDone {
		return title, wrapDBError(err)
	}
	if err := addTaskCounts(ctx, tx, user.ID, date, 0, 1); err != nil {
		return "", err
	}
	return title, logActivity(ctx, tx, user, now, focusflow.ActTaskCompleted, "Completed task: "+title, taskID)
}

// releaseTimer ends a running entry on taskID and makes the timer idle if
// it was on that task (a task completed or deleted from outside the timer).
func (db *DB) releaseTimer(ctx context.Context, tx execer, user *focusflow.User, now time.Time, taskID int64) error {
	r, err := db.lockTimer(ctx, tx, user.ID, now)
	if err != nil {
		return err
	}
	if r.entryID != 0 && r.entryTask == taskID {
		if _, err := closeEntry(ctx, tx, user, r, now, focusflow.SourceTimer, ""); err != nil {
			return err
		}
	}
	if r.taskID == taskID {
		_, err := saveTimer(ctx, tx, user.ID, 0, "", r.version+1, now)
		return err
	}
	return nil
}

// flagActionRate flags more than anomalyActions timer actions within
// anomalyWindow (counted by saveTimer), once per crossing.
func flagActionRate(ctx context.Context, tx execer, user *focusflow.User, recent int, now time.Time) ([]string, error) {
	if recent != anomalyActions+1 {
		return nil, nil
	}
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
		if _, capped := timer.Cap(r.entryStart, now, user.TimerCap); capped {
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
		r, err := db.lockTimer(ctx, tx, user.ID, now)
		if err != nil {
			return err
		}
		c, err = db.capIfExpired(ctx, tx, user, r, now)
		return err
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
