package sqlstore

import (
	"context"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Carry forward: unfinished tasks of earlier days move to today. A moved
// task keeps its time entries, so its focus time stays on the days it was
// spent; only the task and its count move.

// unfinishedWhere selects the tasks offered to move to today: unfinished,
// of the CarryForwardDays before today, and not occurrences of repeating
// tasks (the next day brings its own). $1 user, $2 today, $3 the first day.
const unfinishedWhere = ` FROM tasks t WHERE t.user_id = $1 AND t.date < $2 AND t.date >= $3
	AND t.status <> 'completed' AND t.series_date IS NULL`

func carryWindow(now time.Time, loc *time.Location) (today, first string) {
	today = localdate.Today(now, loc)
	return today, localdate.AddDays(today, -focusflow.CarryForwardDays)
}

// Unfinished lists the tasks offered to move to today, oldest day first.
func (db *DB) Unfinished(ctx context.Context, user *focusflow.User) ([]focusflow.Task, error) {
	today, first := carryWindow(db.now(), user.Location())
	out := []focusflow.Task{}
	err := db.batchQuery(ctx, `SELECT `+taskColumns+unfinishedWhere+` ORDER BY t.date, t.position, t.id`,
		[]any{user.ID, today, first}, func(row rowScanner) error {
			t, err := scanTask(row)
			if err == nil {
				out = append(out, *t)
			}
			return err
		})
	return out, err
}

func (db *DB) batchQuery(ctx context.Context, query string, args []any, row func(rowScanner) error) error {
	b := db.batch()
	b.Query(query, args, row)
	return b.Run(ctx)
}

// MoveToToday moves one unfinished task of an earlier day to today.
func (db *DB) MoveToToday(ctx context.Context, user *focusflow.User, taskID int64) (*focusflow.Task, error) {
	now := db.now()
	today, _ := carryWindow(now, user.Location())
	var out *focusflow.Task
	err := db.txExec(ctx, func(tx execer) error {
		t, err := db.taskForUpdate(ctx, tx, user.ID, taskID)
		if err != nil {
			return err
		}
		if t.Date >= today || t.Status == focusflow.StatusCompleted {
			return focusflow.Invalid("id", "Only an unfinished task of an earlier day can move to today.")
		}
		out = t
		return db.moveTask(ctx, tx, user, t, today, now)
	})
	if err != nil {
		return nil, err
	}
	return db.Task(ctx, user.ID, out.ID)
}

// MoveAllToToday moves every task Unfinished offers to today and returns
// how many moved. Run twice, or by two instances at once, each task moves
// once: the rows are locked and their dates checked again.
func (db *DB) MoveAllToToday(ctx context.Context, user *focusflow.User) (int, error) {
	now := db.now()
	today, first := carryWindow(now, user.Location())
	moved := 0
	err := db.txExec(ctx, func(tx execer) error {
		moved = 0
		var tasks []*focusflow.Task
		err := tx.Query(ctx, `SELECT `+taskColumns+unfinishedWhere+` ORDER BY t.date, t.position, t.id`+db.dialect.forUpdate,
			[]any{user.ID, today, first}, func(row rowScanner) error {
				t, err := scanTask(row)
				tasks = append(tasks, t)
				return err
			})
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if err := db.moveTask(ctx, tx, user, t, today, now); err != nil {
				return err
			}
			moved++
		}
		return nil
	})
	return moved, err
}

// moveTask moves t to today, where its start time places it, with its day counts and an
// activity line.
func (db *DB) moveTask(ctx context.Context, tx execer, user *focusflow.User, t *focusflow.Task, today string, now time.Time) error {
	from, done := t.Date, t.Status == focusflow.StatusCompleted
	t.Date = today
	pos, err := db.placeTask(ctx, tx, user.ID, today, t.StartTime)
	if err != nil {
		return err
	}
	t.Position = pos
	if err := writeTaskFields(ctx, tx, user.ID, from, done, t, now); err != nil {
		return err
	}
	return logActivity(ctx, tx, user, now, focusflow.ActTaskCarried, "Moved to today from "+from+": "+t.Title, t.ID)
}

// CarryForwardSweep moves, for every user who asked for it, the unfinished
// tasks of earlier days to their today: run every minute or so, it moves
// them shortly after each user's local midnight. It is idempotent and safe
// to run on every instance at once. It returns how many tasks moved.
func (db *DB) CarryForwardSweep(ctx context.Context) (int, error) {
	var users []*focusflow.User
	err := db.batchQuery(ctx, `SELECT `+userColumns+` FROM users u WHERE u.carry_forward_auto AND u.locked_at IS NULL
		AND EXISTS (SELECT 1 FROM tasks t WHERE t.user_id = u.id AND t.status <> 'completed' AND t.series_date IS NULL
		  AND t.date < $1 AND t.date >= $2)`,
		// Any user's today is within a day of UTC's: $1..$2 is wide
		// enough for every zone; MoveAllToToday applies the user's own.
		[]any{localdate.AddDays(localdate.Today(db.now(), time.UTC), 1),
			localdate.AddDays(localdate.Today(db.now(), time.UTC), -focusflow.CarryForwardDays-1)},
		func(row rowScanner) error {
			u, err := scanUser(row)
			users = append(users, u)
			return err
		})
	if err != nil {
		return 0, err
	}
	total := 0
	for _, u := range users {
		n, err := db.MoveAllToToday(ctx, u)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
