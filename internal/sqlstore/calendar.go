package sqlstore

import (
	"context"

	"github.com/focusflow/focusflow"
)

// CalendarTasks lists the user's tasks that have a start time, dated from
// from to to (inclusive), by date and time, at most limit of them.
func (db *DB) CalendarTasks(ctx context.Context, userID int64, from, to string, limit int) ([]focusflow.CalendarTask, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+taskColumns+`, t.updated_at FROM tasks t
		WHERE t.user_id = $1 AND t.date >= $2 AND t.date <= $3 AND t.start_time IS NOT NULL
		ORDER BY t.date, t.start_time, t.id LIMIT $4`, userID, from, to, limit)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	var out []focusflow.CalendarTask
	for rows.Next() {
		var updated int64
		t, err := scanTask(rows, &updated)
		if err != nil {
			return nil, wrapDBError(err)
		}
		out = append(out, focusflow.CalendarTask{Task: *t, UpdatedAt: fromMS(updated)})
	}
	return out, wrapDBError(rows.Err())
}
