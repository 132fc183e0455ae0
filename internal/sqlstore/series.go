package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/recur"
)

// Recurring tasks: series and the occurrences created from them.

const seriesColumns = `s.id, s.user_id, s.kind, s.interval_weeks, s.weekdays, s.month_day, s.start_date, s.end_date,
	s.open_end, s.title, s.description, s.start_time, s.duration_minutes, s.created_at, s.updated_at`

func scanSeries(row rowScanner, extra ...any) (*focusflow.Series, error) {
	var s focusflow.Series
	var weekdays string
	var openEnd bool
	var start sql.NullString
	var dur sql.NullInt64
	var created, updated int64
	dest := append([]any{&s.ID, &s.UserID, &s.Rule.Kind, &s.Rule.Interval, &weekdays, &s.Rule.MonthDay,
		&s.Rule.Start, &s.Rule.End, &openEnd, &s.Title, &s.Description, &start, &dur, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if weekdays != "" {
		s.Rule.Weekdays = strings.Split(weekdays, ",")
	}
	if openEnd {
		s.Rule.End = ""
	}
	s.StartTime, s.DurationMinutes = start.String, int(dur.Int64)
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	return &s, nil
}

// seriesArgs are the rule and template columns of s, in seriesColumns order
// from kind to duration_minutes.
func seriesArgs(s *focusflow.Series) []any {
	return []any{s.Rule.Kind, s.Rule.Interval, strings.Join(s.Rule.Weekdays, ","), s.Rule.MonthDay, s.Rule.Start,
		s.Rule.LastDate(), s.Rule.End == "", s.Title, s.Description, nullString(s.StartTime), nullInt(s.DurationMinutes)}
}

// CreateSeries adds a recurring task. Its occurrences are created as their
// days are viewed (MaterialiseDays).
func (db *DB) CreateSeries(ctx context.Context, user *focusflow.User, s *focusflow.Series) error {
	now := db.now()
	return db.txExec(ctx, func(tx execer) error {
		if err := insertSeries(ctx, tx, user.ID, s, now.UnixMilli()); err != nil {
			return err
		}
		if err := setSeriesTags(ctx, tx, user.ID, s); err != nil {
			return err
		}
		return logActivity(ctx, tx, user, now, focusflow.ActSeriesAdded,
			"Added repeating task: "+s.Title+" ("+recur.Summary(s.Rule)+")", 0)
	})
}

func insertSeries(ctx context.Context, tx execer, userID int64, s *focusflow.Series, nowMS int64) error {
	args := append([]any{userID}, seriesArgs(s)...)
	args = append(args, nowMS)
	err := tx.QueryRow(ctx, `INSERT INTO task_series (user_id, kind, interval_weeks, weekdays, month_day, start_date,
		end_date, open_end, title, description, start_time, duration_minutes, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`, args...).Scan(&s.ID)
	if err != nil {
		return wrapDBError(err)
	}
	s.UserID, s.CreatedAt, s.UpdatedAt = userID, fromMS(nowMS), fromMS(nowMS)
	return nil
}

// setSeriesTags gives a new series the tags s.Tags names by id, each of
// which must be one of the user's; s.Tags then holds them by name.
func setSeriesTags(ctx context.Context, tx execer, userID int64, s *focusflow.Series) error {
	for _, g := range s.Tags {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO series_tags (series_id, tag_id) SELECT $1, id FROM tags
			WHERE id = $2 AND user_id = $3 RETURNING tag_id`, s.ID, g.ID, userID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return &focusflow.Error{Code: focusflow.ENOTFOUND, Field: "tag_ids", Message: fmt.Sprintf("Tag %d not found.", g.ID)}
		}
		if err != nil {
			return wrapDBError(err)
		}
	}
	c := tagCollector{}
	err := tx.Query(ctx, seriesTagsQuery+` AND s.id = $2`+seriesTagsOrder, []any{userID, s.ID}, c.scan)
	s.Tags = tagsOf(c, s.ID)
	return err
}

// tagsOf returns the tags collected for one id (an empty list for none).
func tagsOf(c tagCollector, id int64) []focusflow.Tag {
	if c[id] == nil {
		return []focusflow.Tag{}
	}
	return c[id]
}

// seriesTagsQuery reads the tags of the user's series ($1), by series.
const seriesTagsQuery = `SELECT st.series_id, g.id, g.name, g.color FROM series_tags st
	JOIN task_series s ON s.id = st.series_id JOIN tags g ON g.id = st.tag_id WHERE s.user_id = $1`

const seriesTagsOrder = ` ORDER BY st.series_id, g.name_fold, g.id`

// Series returns one of the user's series.
func (db *DB) Series(ctx context.Context, userID, seriesID int64) (*focusflow.Series, error) {
	list, err := db.seriesWhere(ctx, userID, ` AND s.id = $2`, seriesID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound("Series")
	}
	return &list[0], nil
}

// SeriesList returns the user's series, newest start first.
func (db *DB) SeriesList(ctx context.Context, userID int64) ([]focusflow.Series, error) {
	return db.seriesWhere(ctx, userID, "")
}

// seriesWhere reads the user's series matching cond (on s, from $2 on)
// with their tags.
func (db *DB) seriesWhere(ctx context.Context, userID int64, cond string, args ...any) ([]focusflow.Series, error) {
	out := []focusflow.Series{}
	c := tagCollector{}
	b := db.batch()
	all := append([]any{userID}, args...)
	b.Query(`SELECT `+seriesColumns+` FROM task_series s WHERE s.user_id = $1`+cond+`
		ORDER BY s.start_date DESC, s.id DESC`, all, func(row rowScanner) error {
		s, err := scanSeries(row)
		if err == nil {
			out = append(out, *s)
		}
		return err
	})
	b.Query(seriesTagsQuery+cond+seriesTagsOrder, all, c.scan)
	if err := b.Run(ctx); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Tags = tagsOf(c, out[i].ID)
	}
	return out, nil
}

func (db *DB) seriesForUpdate(ctx context.Context, tx execer, userID, seriesID int64) (*focusflow.Series, error) {
	s, err := scanSeries(tx.QueryRow(ctx, `SELECT `+seriesColumns+` FROM task_series s WHERE s.id = $1 AND s.user_id = $2`+
		db.dialect.forUpdate, seriesID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Series")
	}
	return s, wrapDBError(err)
}

// DeleteSeries deletes a recurring task. Its occurrences of earlier days,
// finished ones, ones with time spent and ones edited on their own stay as
// ordinary tasks; the untouched occurrences of today and later, which the
// rule alone put there, go with it.
func (db *DB) DeleteSeries(ctx context.Context, user *focusflow.User, seriesID int64) error {
	now := db.now()
	today := localdate.Today(now, user.Location())
	return db.txExec(ctx, func(tx execer) error {
		s, err := db.seriesForUpdate(ctx, tx, user.ID, seriesID)
		if err != nil {
			return err
		}
		if err := db.deleteUntouched(ctx, tx, user, seriesID, today); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM task_series WHERE id = $1 AND user_id = $2`, seriesID, user.ID); err != nil {
			return err
		}
		return logActivity(ctx, tx, user, now, focusflow.ActSeriesEnded, "Deleted repeating task: "+s.Title, 0)
	})
}

// deleteUntouched deletes the occurrences of a series on or after from
// that nobody touched: pending, no time spent, not edited on their own.
// keep, when set, spares the dates on which it still occurs.
func (db *DB) deleteUntouched(ctx context.Context, tx execer, user *focusflow.User, seriesID int64, from string, keep ...recur.Rule) error {
	var ids []int64
	err := tx.Query(ctx, `SELECT id, series_date FROM tasks WHERE user_id = $1 AND series_id = $2 AND series_date >= $3
		AND status = 'pending' AND spent_ms = 0 AND NOT series_detached
		AND NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.task_id = tasks.id)`,
		[]any{user.ID, seriesID, from}, func(row rowScanner) error {
			var id int64
			var date string
			if err := row.Scan(&id, &date); err != nil {
				return err
			}
			if len(keep) == 0 || !keep[0].Occurs(date) {
				ids = append(ids, id)
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := db.deleteTask(ctx, tx, user, id, db.now()); err != nil {
			return err
		}
	}
	return nil
}

// UpdateSeriesFrom changes the series of one of the user's occurrences
// from that occurrence's day on ("this and following"). Unless the day is
// the series' first, the series is split: the old one ends the day before
// and keeps the earlier occurrences as they are; a new one runs from the
// day. The occurrences from the day on that were not edited one by one
// take the new template (the one edited here included), and untouched
// ones the new rule no longer covers are removed.
func (db *DB) UpdateSeriesFrom(ctx context.Context, user *focusflow.User, taskID int64, p focusflow.SeriesPatch) (*focusflow.Series, error) {
	now := db.now()
	var out *focusflow.Series
	err := db.txExec(ctx, func(tx execer) error {
		t, err := db.taskForUpdate(ctx, tx, user.ID, taskID)
		if err != nil {
			return err
		}
		if t.SeriesID == 0 {
			return focusflow.Invalid("scope", "This task does not repeat: change it on its own.")
		}
		old, err := db.seriesForUpdate(ctx, tx, user.ID, t.SeriesID)
		if err != nil {
			return err
		}
		next := *old
		if err := p.Apply(&next, max(t.SeriesDate, old.Rule.Start)); err != nil {
			return err
		}
		if err := db.splitSeries(ctx, tx, user.ID, old, &next, now.UnixMilli()); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `UPDATE tasks SET title = $4, description = $5, start_time = $6, duration_minutes = $7,
			updated_at = $8, series_detached = (id <> $9 AND series_detached)
			WHERE user_id = $1 AND series_id = $2 AND series_date >= $3 AND (id = $9 OR NOT series_detached)`,
			user.ID, next.ID, next.Rule.Start, next.Title, next.Description, nullString(next.StartTime),
			nullInt(next.DurationMinutes), now.UnixMilli(), taskID); err != nil {
			return err
		}
		if err := reindexTasks(ctx, tx, `t.user_id = $1 AND t.series_id = $2 AND t.series_date >= $3`,
			[]any{user.ID, next.ID, next.Rule.Start}, 0); err != nil {
			return err
		}
		rule, err := recur.New(next.Rule)
		if err != nil {
			return err
		}
		if err := db.deleteUntouched(ctx, tx, user, next.ID, next.Rule.Start, rule); err != nil {
			return err
		}
		out = &next
		return logActivity(ctx, tx, user, now, focusflow.ActSeriesChanged, "Changed repeating task from "+
			next.Rule.Start+": "+next.Title+" ("+recur.Summary(next.Rule)+")", taskID)
	})
	return out, err
}

// splitSeries writes next, the series from next.Rule.Start on: in place
// of old when it starts on old's first day, else as a new series that
// takes over old's occurrences and skipped days from then on, old ending
// the day before.
func (db *DB) splitSeries(ctx context.Context, tx execer, userID int64, old, next *focusflow.Series, nowMS int64) error {
	if next.Rule.Start == old.Rule.Start {
		args := append([]any{old.ID, userID}, seriesArgs(next)...)
		next.UpdatedAt = fromMS(nowMS)
		return tx.Exec(ctx, `UPDATE task_series SET kind = $3, interval_weeks = $4, weekdays = $5, month_day = $6,
			start_date = $7, end_date = $8, open_end = $9, title = $10, description = $11, start_time = $12,
			duration_minutes = $13, updated_at = $14 WHERE id = $1 AND user_id = $2`, append(args, nowMS)...)
	}
	if err := insertSeries(ctx, tx, userID, next, nowMS); err != nil {
		return err
	}
	if err := tx.Exec(ctx, `INSERT INTO series_tags (series_id, tag_id) SELECT $2, tag_id FROM series_tags WHERE series_id = $1`,
		old.ID, next.ID); err != nil {
		return err
	}
	if err := tx.Exec(ctx, `UPDATE task_series SET end_date = $3, open_end = FALSE, updated_at = $4 WHERE id = $1 AND user_id = $2`,
		old.ID, userID, localdate.AddDays(next.Rule.Start, -1), nowMS); err != nil {
		return err
	}
	if err := tx.Exec(ctx, `UPDATE tasks SET series_id = $3 WHERE user_id = $1 AND series_id = $2 AND series_date >= $4`,
		userID, old.ID, next.ID, next.Rule.Start); err != nil {
		return err
	}
	return tx.Exec(ctx, `UPDATE series_skips SET series_id = $2 WHERE series_id = $1 AND date >= $3`,
		old.ID, next.ID, next.Rule.Start)
}
