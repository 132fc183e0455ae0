package sqlstore

import (
	"context"
	"database/sql"

	"github.com/focusflow/focusflow"
)

// Recurring tasks in the user's export document: the series with their
// tags and skipped days (a task says itself which series it is an
// occurrence of).

// readSeries reads the user's series, their tags by id and their skipped
// days.
func readSeries(ctx context.Context, q sqlQueryer, args []any, out *focusflow.UserRows) error {
	at := map[int64]int{}
	err := queryEach(ctx, q, `SELECT `+seriesColumns+` FROM task_series s WHERE s.user_id = $1 ORDER BY s.start_date, s.id`,
		args, func(r *sql.Rows) error {
			s, err := scanSeries(r)
			if err == nil {
				at[s.ID] = len(out.Series)
				out.Series = append(out.Series, *s)
			}
			return err
		})
	if err != nil {
		return err
	}
	err = queryEach(ctx, q, `SELECT st.series_id, st.tag_id FROM series_tags st JOIN task_series s ON s.id = st.series_id
		WHERE s.user_id = $1 ORDER BY st.series_id, st.tag_id`, args, func(r *sql.Rows) error {
		var seriesID, tagID int64
		if err := r.Scan(&seriesID, &tagID); err != nil {
			return err
		}
		if i, ok := at[seriesID]; ok {
			out.Series[i].Tags = append(out.Series[i].Tags, focusflow.Tag{ID: tagID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return queryEach(ctx, q, `SELECT k.series_id, k.date FROM series_skips k JOIN task_series s ON s.id = k.series_id
		WHERE s.user_id = $1 ORDER BY k.series_id, k.date`, args, func(r *sql.Rows) error {
		var k focusflow.SeriesSkip
		err := r.Scan(&k.SeriesID, &k.Date)
		out.Skips = append(out.Skips, k)
		return err
	})
}

// series gives the account the document's series it lacks, with their
// tags and skipped days, and links the occurrences this import created to
// their series. It runs in the last transaction, after the tags: the
// series and every occurrence it has appear together, so that nothing
// creates a second occurrence of a day the document has one for in
// between, and an import that fails leaves no series behind. A series
// the account has already is left as it is.
func (im *rowImport) series(ctx context.Context) error {
	tx, have := im.w.tx, im.have["series"]
	ids := map[int64]int64{} // the document's series id → ours
	for i := range im.plan.Series {
		s := &im.plan.Series[i]
		if id, ok := have[s.ID]; ok {
			ids[s.ID] = id
			im.sum.Skipped.Series++
			continue
		}
		args := append([]any{im.user.ID}, seriesArgs(s)...)
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO task_series (user_id, kind, interval_weeks, weekdays, month_day,
			start_date, end_date, open_end, title, description, start_time, duration_minutes, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			append(args, s.CreatedAt.UnixMilli(), im.now.UnixMilli())...).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		ids[s.ID] = id
		im.sum.Created.Series++
		if err := im.mapRow(ctx, "series", s.ID, id); err != nil {
			return err
		}
		for _, g := range s.Tags {
			if tag := im.tagIDs[g.ID]; tag != 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO series_tags (series_id, tag_id) VALUES ($1, $2)
					ON CONFLICT (series_id, tag_id) DO NOTHING`, id, tag); err != nil {
					return wrapDBError(err)
				}
			}
		}
	}
	for _, k := range im.plan.Skips {
		if _, had := have[k.SeriesID]; had || ids[k.SeriesID] == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO series_skips (series_id, date) VALUES ($1, $2)
			ON CONFLICT (series_id, date) DO NOTHING`, ids[k.SeriesID], k.Date); err != nil {
			return wrapDBError(err)
		}
	}
	return im.occurrences(ctx, ids)
}

// occurrences links the occurrences to their series (ids: the document's
// series id → ours): those this import created, and, of a series it
// created, those the account still has, left by the series' deletion. An
// occurrence whose day its series has one for already (the account's own
// series made it since the export) stays an occurrence of no series, as
// after its series' deletion.
func (im *rowImport) occurrences(ctx context.Context, ids map[int64]int64) error {
	for _, t := range im.plan.Tasks {
		_, hadTask := im.have["task"][t.ID]
		_, hadSeries := im.have["series"][t.SeriesID]
		task, series := im.taskIDs[t.ID], ids[t.SeriesID]
		if hadTask && hadSeries || task == 0 || series == 0 {
			continue
		}
		if _, err := im.w.tx.ExecContext(ctx, `UPDATE tasks SET series_id = $3
			WHERE id = $1 AND user_id = $2 AND series_id IS NULL AND series_date = $4
			AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.series_id = $3 AND o.series_date = $4)`,
			task, im.user.ID, series, t.SeriesDate); err != nil {
			return wrapDBError(err)
		}
	}
	return nil
}
