package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/insights"
	"github.com/focusflow/focusflow/internal/localdate"
)

// The per-row values the figures of tasks add up: the task, completed,
// and plan versus reality (tasks with a planned start and duration, their
// estimates and spent time; of them the completed ones).
var tagTaskValues = []string{
	`1`,
	`CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END`,
	`CASE WHEN ` + plannedTask + ` THEN 1 ELSE 0 END`,
	`CASE WHEN ` + plannedTask + ` THEN t.duration_minutes * 60000 ELSE 0 END`,
	`CASE WHEN ` + plannedTask + ` THEN t.spent_ms ELSE 0 END`,
	`CASE WHEN ` + plannedTask + ` AND t.status = 'completed' THEN 1 ELSE 0 END`,
	`CASE WHEN ` + plannedTask + ` AND t.status = 'completed' THEN t.duration_minutes * 60000 ELSE 0 END`,
	`CASE WHEN ` + plannedTask + ` AND t.status = 'completed' THEN t.spent_ms ELSE 0 END`,
}

const plannedTask = `t.start_time IS NOT NULL AND t.duration_minutes IS NOT NULL`

// tagTaskFigures sums the values per tag and, in as many more columns,
// over the rows that count towards the total (each task's first row: its
// untagged row or its first tag's); a last column counts the tasks with
// more than one tag. It reads tagTaskRows as t.
func tagTaskFigures() string {
	cols := make([]string, 0, 2*len(tagTaskValues)+1)
	for _, v := range tagTaskValues {
		cols = append(cols, `SUM(`+v+`)`)
	}
	for _, v := range tagTaskValues {
		cols = append(cols, `SUM(CASE WHEN t.k = 1 THEN `+v+` ELSE 0 END)`)
	}
	return strings.Join(append(cols, `SUM(CASE WHEN t.k = 1 AND t.n > 1 THEN 1 ELSE 0 END)`), `,
	`)
}

// tagTaskRows are the range's tasks joined with their tags, each row
// numbered within its task (k) and with the task's number of tags (n):
// computed once per row, where a subquery in each sum would run per sum.
const tagTaskRows = `(SELECT t.status, t.start_time, t.duration_minutes, t.spent_ms, tt.tag_id,
		ROW_NUMBER() OVER (PARTITION BY t.id ORDER BY tt.tag_id) AS k,
		COUNT(tt.tag_id) OVER (PARTITION BY t.id) AS n
	FROM tasks t LEFT JOIN task_tags tt ON tt.task_id = t.id
	WHERE t.user_id = $1 AND t.date >= $2 AND t.date <= $3) t`

// The time of closed entries inside [$2, $3) (Unix ms). An entry lasts at
// most a day, so entries starting before $4 ($2 less a day) cannot reach
// into the range: the lower bound keeps the read on the index of the
// range instead of the user's whole history.
const tagEntryTime = `CASE WHEN e.ended_at > $3 THEN $3 ELSE e.ended_at END
	- CASE WHEN e.started_at < $2 THEN $2 ELSE e.started_at END`

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
	// One scan of the range's tasks and one of its entries, each joined
	// with the tags: a row per tag (and one untagged), each with the
	// total's share of it, which add up to the total.
	b.Query(`SELECT t.tag_id, `+tagTaskFigures()+` FROM `+tagTaskRows+` GROUP BY t.tag_id`, []any{user.ID, from, to},
		func(r rowScanner) error {
			var tag sql.NullInt64
			var f, total focusflow.TagFigures
			var multi int
			err := scanTagFigures(r, &tag, &f, &total, &multi)
			*row(tag) = f // focus comes from the entries, read next
			rep.Total.Add(total)
			rep.MultiTagged += multi
			return err
		})
	start := localdate.DayStart(from, user.Location()).UnixMilli()
	end := localdate.DayEnd(to, user.Location()).UnixMilli()
	b.Query(`SELECT x.tag_id, SUM(x.ms), SUM(CASE WHEN x.k = 1 THEN x.ms ELSE 0 END) FROM (
		SELECT tt.tag_id, `+tagEntryTime+` AS ms, ROW_NUMBER() OVER (PARTITION BY e.id ORDER BY tt.tag_id) AS k
		FROM time_entries e LEFT JOIN task_tags tt ON tt.task_id = e.task_id`+tagEntryRange+`) x GROUP BY x.tag_id`,
		[]any{user.ID, start, end, start - focusflow.MaxManualEntry.Milliseconds()}, func(r rowScanner) error {
			var tag sql.NullInt64
			var ms, total sql.NullInt64
			if err := r.Scan(&tag, &ms, &total); err != nil {
				return err
			}
			row(tag).Focus = time.Duration(ms.Int64) * time.Millisecond
			rep.Total.Focus += time.Duration(total.Int64) * time.Millisecond
			return nil
		})
}

// scanTagFigures scans a tag id, the values of tagTaskFigures for the
// tag and the total's share, and the count of tasks with several tags.
func scanTagFigures(r rowScanner, tag *sql.NullInt64, f, total *focusflow.TagFigures, multi *int) error {
	var v [2 * 8]sql.NullInt64
	var m sql.NullInt64
	dest := []any{tag}
	for i := range v {
		dest = append(dest, &v[i])
	}
	if err := r.Scan(append(dest, &m)...); err != nil {
		return err
	}
	ms := func(v sql.NullInt64) time.Duration { return time.Duration(v.Int64) * time.Millisecond }
	for i, dst := range []*focusflow.TagFigures{f, total} {
		x := v[8*i : 8*i+8]
		dst.Tasks, dst.Completed, dst.Planned, dst.PlannedCompleted = int(x[0].Int64), int(x[1].Int64), int(x[2].Int64), int(x[5].Int64)
		dst.PlannedEstimate, dst.PlannedSpent, dst.CompletedEstimate, dst.CompletedSpent = ms(x[3]), ms(x[4]), ms(x[6]), ms(x[7])
	}
	*multi = int(m.Int64)
	return nil
}
