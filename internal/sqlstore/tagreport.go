package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/insights"
	"github.com/focusflow/focusflow/internal/localdate"
)

// The figures of tasks, per tag (tag_id NULL: untagged) or in total.
const tagTaskFigures = `COUNT(*),
	SUM(CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END),
	SUM(CASE WHEN t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL THEN 1 ELSE 0 END),
	SUM(CASE WHEN t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL THEN t.duration_minutes * 60000 ELSE 0 END),
	SUM(CASE WHEN t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL THEN t.spent_ms ELSE 0 END),
	SUM(CASE WHEN t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL AND t.status = 'completed' THEN 1 ELSE 0 END),
	SUM(CASE WHEN t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL AND t.status = 'completed'
	    THEN t.duration_minutes * 60000 ELSE 0 END),
	SUM(CASE WHEN t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL AND t.status = 'completed'
	    THEN t.spent_ms ELSE 0 END)`

// The time of closed entries inside [$2, $3) (Unix ms). An entry lasts at
// most a day, so entries starting before $4 ($2 less a day) cannot reach
// into the range: the lower bound keeps the read on the index of the
// range instead of the user's whole history.
const tagEntryTime = `SUM(CASE WHEN e.ended_at > $3 THEN $3 ELSE e.ended_at END
	- CASE WHEN e.started_at < $2 THEN $2 ELSE e.started_at END)`

const tagEntryRange = ` WHERE e.user_id = $1 AND e.ended_at IS NOT NULL
	AND e.started_at >= $4 AND e.started_at < $3 AND e.ended_at > $2`

// TagReport breaks the figures of [from, to] (inclusive dates in the
// user's zone) down by tag, in one batch of reads.
func (db *DB) TagReport(ctx context.Context, user *focusflow.User, from, to string) (*focusflow.TagReport, error) {
	if _, _, err := insights.CheckRange(from, to); err != nil {
		return nil, err
	}
	rep := &focusflow.TagReport{}
	b := db.batch()
	queueTagReport(b, user, from, to, rep)
	if err := b.Run(ctx); err != nil {
		return nil, err
	}
	return rep, nil
}

// queueTagReport queues the reads of a TagReport on b; rep is complete
// once b has run.
func queueTagReport(b *readBatch, user *focusflow.User, from, to string, rep *focusflow.TagReport) {
	rep.From, rep.To, rep.Tags = from, to, []focusflow.TagRow{}
	index := map[int64]int{}
	row := func(tag sql.NullInt64) *focusflow.TagFigures {
		if !tag.Valid {
			return &rep.Untagged
		}
		if i, ok := index[tag.Int64]; ok {
			return &rep.Tags[i].TagFigures
		}
		return &focusflow.TagFigures{} // a tag deleted meanwhile
	}
	b.Query(`SELECT id, name, color FROM tags WHERE user_id = $1 ORDER BY name_fold, id`, []any{user.ID},
		func(r rowScanner) error {
			var g focusflow.Tag
			err := r.Scan(&g.ID, &g.Name, &g.Color)
			index[g.ID] = len(rep.Tags)
			rep.Tags = append(rep.Tags, focusflow.TagRow{Tag: g})
			return err
		})
	taskArgs := []any{user.ID, from, to}
	b.Query(`SELECT tt.tag_id, `+tagTaskFigures+` FROM tasks t LEFT JOIN task_tags tt ON tt.task_id = t.id
		WHERE t.user_id = $1 AND t.date >= $2 AND t.date <= $3 GROUP BY tt.tag_id`, taskArgs,
		func(r rowScanner) error {
			var tag sql.NullInt64
			var f focusflow.TagFigures
			err := scanTagFigures(r, &tag, &f)
			*row(tag) = f // focus comes from the entries, read next
			return err
		})
	b.Query(`SELECT NULL, `+tagTaskFigures+` FROM tasks t WHERE t.user_id = $1 AND t.date >= $2 AND t.date <= $3`,
		taskArgs, func(r rowScanner) error {
			var none sql.NullInt64
			return scanTagFigures(r, &none, &rep.Total)
		})
	b.Query(`SELECT COUNT(*) FROM (SELECT tt.task_id FROM task_tags tt JOIN tasks t ON t.id = tt.task_id
		WHERE t.user_id = $1 AND t.date >= $2 AND t.date <= $3 GROUP BY tt.task_id HAVING COUNT(*) > 1) multi`,
		taskArgs, func(r rowScanner) error { return r.Scan(&rep.MultiTagged) })

	start := localdate.DayStart(from, user.Location()).UnixMilli()
	end := localdate.DayEnd(to, user.Location()).UnixMilli()
	entryArgs := []any{user.ID, start, end, start - focusflow.MaxManualEntry.Milliseconds()}
	b.Query(`SELECT tt.tag_id, `+tagEntryTime+` FROM time_entries e LEFT JOIN task_tags tt ON tt.task_id = e.task_id`+
		tagEntryRange+` GROUP BY tt.tag_id`, entryArgs, func(r rowScanner) error {
		var tag sql.NullInt64
		var ms sql.NullInt64
		if err := r.Scan(&tag, &ms); err != nil {
			return err
		}
		row(tag).Focus = time.Duration(ms.Int64) * time.Millisecond
		return nil
	})
	b.Query(`SELECT `+tagEntryTime+` FROM time_entries e`+tagEntryRange, entryArgs, func(r rowScanner) error {
		var ms sql.NullInt64
		err := r.Scan(&ms)
		rep.Total.Focus = time.Duration(ms.Int64) * time.Millisecond
		return err
	})
}

// scanTagFigures scans a tag id and the columns of tagTaskFigures.
func scanTagFigures(r rowScanner, tag *sql.NullInt64, f *focusflow.TagFigures) error {
	var tasks int
	var completed, planned, est, spent, plannedDone, doneEst, doneSpent sql.NullInt64
	if err := r.Scan(tag, &tasks, &completed, &planned, &est, &spent, &plannedDone, &doneEst, &doneSpent); err != nil {
		return err
	}
	ms := func(v sql.NullInt64) time.Duration { return time.Duration(v.Int64) * time.Millisecond }
	f.Tasks, f.Completed, f.Planned, f.PlannedCompleted = tasks, int(completed.Int64), int(planned.Int64), int(plannedDone.Int64)
	f.PlannedEstimate, f.PlannedSpent, f.CompletedEstimate, f.CompletedSpent = ms(est), ms(spent), ms(doneEst), ms(doneSpent)
	return nil
}
