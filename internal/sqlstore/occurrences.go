package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/recur"
)

// maxMaterialiseDays bounds the days one MaterialiseDays call fills.
const maxMaterialiseDays = 62

type occurrenceKey struct {
	seriesID int64
	date     string
}

// occurrence is one to create: its series, day and planned start (which
// places it in the day as a new task's would).
type occurrence struct {
	occurrenceKey
	start string
}

// MaterialiseDays creates the missing occurrences of the user's series on
// the days from..to that are today or later in the user's zone, read from
// the database so that a zone changed a moment ago counts. Days before
// today are never filled: a day that passed while the user was away keeps
// what it had. Each occurrence is created exactly once, however many
// instances try at the same time (a unique (series_id, series_date)), and
// days whose occurrences are complete cost one read and no write. It
// returns how many occurrences it created. The day view does the same
// within its own read (Day).
func (db *DB) MaterialiseDays(ctx context.Context, user *focusflow.User, from, to string) (int, error) {
	var zone string
	sr := &seriesRead{}
	b := db.batch()
	b.Query(`SELECT timezone FROM users WHERE id = $1`, []any{user.ID}, func(row rowScanner) error {
		return row.Scan(&zone)
	})
	sr.queue(b, user.ID, from, to)
	if err := b.Run(ctx); err != nil {
		return 0, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = user.Location()
	}
	missing, err := sr.missing(from, to, localdate.Today(db.now(), loc))
	if err != nil || len(missing) == 0 {
		return 0, err
	}
	return db.createOccurrences(ctx, user.ID, missing)
}

// seriesRead collects what deciding the missing occurrences of a range of
// days needs: the series that may occur then, and the occurrences that
// exist or were deleted.
type seriesRead struct {
	series []*focusflow.Series
	have   map[occurrenceKey]bool   // created or skipped
	placed map[occurrenceKey]string // the date a created one is on now
}

// queue adds the reads for the days from..to to a batch.
func (sr *seriesRead) queue(b *readBatch, userID int64, from, to string) {
	sr.have, sr.placed = map[occurrenceKey]bool{}, map[occurrenceKey]string{}
	b.Query(`SELECT `+seriesColumns+` FROM task_series s WHERE s.user_id = $1 AND s.start_date <= $3 AND s.end_date >= $2`,
		[]any{userID, from, to}, func(row rowScanner) error {
			s, err := scanSeries(row)
			sr.series = append(sr.series, s)
			return err
		})
	b.Query(`SELECT t.series_id, t.series_date, t.date FROM task_series s JOIN tasks t ON t.series_id = s.id
		WHERE s.user_id = $1 AND s.start_date <= $3 AND s.end_date >= $2 AND t.series_date >= $2 AND t.series_date <= $3
		UNION ALL
		SELECT k.series_id, k.date, '' FROM task_series s JOIN series_skips k ON k.series_id = s.id
		WHERE s.user_id = $1 AND s.start_date <= $3 AND s.end_date >= $2 AND k.date >= $2 AND k.date <= $3`,
		[]any{userID, from, to}, func(row rowScanner) error {
			var k occurrenceKey
			var on string
			err := row.Scan(&k.seriesID, &k.date, &on)
			sr.have[k] = true
			if on != "" {
				sr.placed[k] = on
			}
			return err
		})
}

// queueDay adds the reads for one date to a batch: one statement, each
// series covering the date with its occurrence's date (if created) and
// whether the date is skipped.
func (sr *seriesRead) queueDay(b *readBatch, userID int64, date string) {
	sr.have, sr.placed = map[occurrenceKey]bool{}, map[occurrenceKey]string{}
	b.Query(`SELECT `+seriesColumns+`,
		(SELECT t.date FROM tasks t WHERE t.series_id = s.id AND t.series_date = $2),
		EXISTS (SELECT 1 FROM series_skips k WHERE k.series_id = s.id AND k.date = $2)
		FROM task_series s WHERE s.user_id = $1 AND s.start_date <= $2 AND s.end_date >= $2`,
		[]any{userID, date}, func(row rowScanner) error {
			var on sql.NullString
			var skipped bool
			s, err := scanSeries(row, &on, &skipped)
			if err != nil {
				return err
			}
			sr.series = append(sr.series, s)
			k := occurrenceKey{s.ID, date}
			sr.have[k] = on.Valid || skipped
			if on.Valid {
				sr.placed[k] = on.String
			}
			return nil
		})
}

// missing lists the occurrences of the read days from today on that do
// not exist yet (at most maxMaterialiseDays days of them).
func (sr *seriesRead) missing(from, to, today string) ([]occurrence, error) {
	if len(sr.series) == 0 {
		return nil, nil
	}
	from = max(from, today)
	to = min(to, localdate.AddDays(from, maxMaterialiseDays-1))
	var out []occurrence
	for _, s := range sr.series {
		rule, err := recur.New(s.Rule)
		if err != nil {
			return nil, err
		}
		for _, d := range rule.Between(from, to) {
			if k := (occurrenceKey{s.ID, d}); !sr.have[k] {
				out = append(out, occurrence{k, s.StartTime})
			}
		}
	}
	return out, nil
}

// createOccurrences copies each missing occurrence from its series; one
// another instance created first, or whose day the user deleted, is left.
func (db *DB) createOccurrences(ctx context.Context, userID int64, missing []occurrence) (int, error) {
	created := 0
	err := db.txExec(ctx, func(tx execer) error {
		created = 0
		now := db.ms()
		for _, k := range missing {
			// Making room first leaves a gap in the day's positions when
			// another instance created the occurrence: harmless.
			pos, err := db.placeTask(ctx, tx, userID, k.date, k.start)
			if err != nil {
				return err
			}
			var id int64
			err = tx.QueryRow(ctx, `INSERT INTO tasks (user_id, date, title, description, start_time, duration_minutes,
				status, position, created_at, updated_at, series_id, series_date)
				SELECT s.user_id, $3, s.title, s.description, s.start_time, s.duration_minutes, 'pending', $5, $4, $4, s.id, $3
				FROM task_series s WHERE s.id = $2 AND s.user_id = $1 AND s.start_date <= $3 AND s.end_date >= $3
				  AND NOT EXISTS (SELECT 1 FROM series_skips k WHERE k.series_id = s.id AND k.date = $3)
				ON CONFLICT (series_id, series_date) DO NOTHING
				RETURNING id`, userID, k.seriesID, k.date, now, pos).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return wrapDBError(err)
			}
			created++
			if err := tx.Exec(ctx, `INSERT INTO task_tags (task_id, tag_id) SELECT $1, tag_id FROM series_tags WHERE series_id = $2`,
				id, k.seriesID); err != nil {
				return err
			}
			if err := reindexTasks(ctx, tx, `t.id = $1`, []any{id}, 0); err != nil {
				return err
			}
			if err := addTaskCounts(ctx, tx, userID, k.date, 1, 0); err != nil {
				return err
			}
		}
		return nil
	})
	return created, err
}
