package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Day returns everything the dashboard shows for one of the user's dates,
// reading it in one batch (one round trip on PostgreSQL). A forgotten
// timer reads as capped, with the numbers the sweep or the next write will
// record. The one write it may do: when the date is today or ahead in the
// user's zone and an occurrence of a repeating task is missing there, it
// creates it (as MaterialiseDays, exactly once) and reads the day again;
// the same batch tells, so a complete day costs no extra round trip.
//
// When recheck names a session or API token (the caller used a cached
// one), the batch also checks it and reads the user's current settings, so
// a revocation anywhere takes effect at once: focusflow.ErrSessionGone.
func (db *DB) Day(ctx context.Context, user *focusflow.User, date string, recheck focusflow.Recheck) (*focusflow.Day, error) {
	d, s, err := db.readDay(ctx, user, date, recheck, true)
	if err != nil {
		return nil, err
	}
	now := db.now()
	set := db.focusSettings(user)
	if s.TaskID != 0 {
		if s.Task, err = db.timerTask(ctx, user.ID, s.TaskID, d.Tasks); err != nil {
			return nil, err
		}
	}
	timer, spans := focus.Live(s, now, set)
	d.Timer = timer
	// Focus time not recorded yet (the running entry, entries a passed
	// phase end has closed) counts on the days it covers.
	live := map[string]time.Duration{}
	for _, sp := range spans {
		for _, p := range localdate.Portions(sp.Start, sp.End, user.Location()) {
			live[p.Date] += time.Duration(p.MS) * time.Millisecond
		}
		for i := range d.Tasks {
			if d.Tasks[i].ID == sp.TaskID {
				d.Tasks[i].Spent += sp.End.Sub(sp.Start)
			}
		}
	}
	for i := range d.Week {
		d.Week[i].Focus += live[d.Week[i].Date]
		if d.Week[i].Date == date {
			d.Stats = d.Week[i]
		}
	}
	return d, nil
}

// timerTask is the timer's task with its stored spent time: from the day's
// tasks when it is on this day, else from one more query.
func (db *DB) timerTask(ctx context.Context, userID, taskID int64, tasks []focusflow.Task) (focus.Task, error) {
	for _, t := range tasks {
		if t.ID == taskID {
			return focus.Task{ID: t.ID, Title: t.Title, Status: t.Status, Date: t.Date, Spent: t.Spent,
				Estimate: time.Duration(t.DurationMinutes) * time.Minute}, nil
		}
	}
	var t focus.Task
	err := scanFocusTask(db.read.QueryRowContext(ctx, `SELECT `+focusTaskColumns+` FROM tasks t
		WHERE t.id = $1 AND t.user_id = $2`, taskID, userID), &t)
	return t, wrapDBError(err)
}

// readDay reads the stored state of a day. Task spent times and figures
// are as stored (without the live part of a running entry). With a
// credential to recheck it checks it too and refreshes user's settings
// from the database (reading again if the time zone changed).
//
// The common day (no tags, no repeating task) costs one batch of six
// statements, as before tags and series existed: the user's statement also
// tells whether the user has any tag and any series covering the date, and
// only then does a second batch read the day's task tags, the series of
// its occurrences and (with fill, on a date that is today or ahead) the
// occurrences missing there, which are then created first (see Day).
func (db *DB) readDay(ctx context.Context, user *focusflow.User, date string, recheck focusflow.Recheck, fill bool) (*focusflow.Day, focus.State, error) {
	rd := &dayRead{day: &focusflow.Day{Date: date, Tasks: []focusflow.Task{}, Notes: []focusflow.Note{},
		Activity: []focusflow.ActivityRow{}}, byDate: map[string]focusflow.DayStats{}, tags: tagCollector{}}
	b := db.batch()
	rd.queueUser(b, db, user.ID, date, recheck)
	today := localdate.Today(db.now(), user.Location())
	rd.queueContent(b, user.ID, date)
	rd.queueFigures(b, user.ID, date, today)
	if err := b.Run(ctx); err != nil {
		return nil, rd.timer, err
	}
	p := focusflow.PageOf(rd.day.Activity, focusflow.DayActivityShown)
	rd.day.Activity, rd.day.ActivityNext = p.Lines, p.Next
	if rd.fresh == nil {
		if recheck != (focusflow.Recheck{}) {
			return nil, rd.timer, focusflow.ErrSessionGone
		}
		return nil, rd.timer, notFound("User")
	}
	tzChanged := rd.fresh.Timezone != user.Timezone
	*user = *db.adjust(rd.fresh)
	if tzChanged { // "today" and the streak depend on the zone
		return db.readDay(ctx, user, date, focusflow.Recheck{}, fill)
	}
	// A zone the user changed to since may make the date today: days up
	// to two behind today here are checked.
	fill = fill && rd.hasSeries && date >= localdate.AddDays(today, -2)
	again, err := db.readDayPlanner(ctx, rd, user, date, fill)
	if err != nil {
		return nil, rd.timer, err
	}
	if again { // occurrences were created, or appeared meanwhile
		return db.readDay(ctx, user, date, focusflow.Recheck{}, false)
	}
	rd.tags.attach(rd.day.Tasks)
	for _, wd := range localdate.WeekOf(date) {
		s := rd.byDate[wd]
		s.Date = wd
		rd.day.Week = append(rd.day.Week, s)
	}
	rd.day.Streak = rd.streak.streak()
	return rd.day, rd.timer, nil
}

// readDayPlanner is the second batch of readDay, when the first one found
// tagged tasks, occurrences or a series to fill the date from. With fill it
// creates the occurrences missing on the date and reports that the day
// must be read again; so does it when an occurrence another instance
// created after the first batch is there now.
func (db *DB) readDayPlanner(ctx context.Context, rd *dayRead, user *focusflow.User, date string, fill bool) (bool, error) {
	d := rd.day
	withSeries := false
	for _, t := range d.Tasks {
		withSeries = withSeries || t.SeriesID != 0
	}
	tagged := rd.hasTags && len(d.Tasks) > 0
	if !fill && !withSeries && !tagged {
		return false, nil
	}
	b := db.batch()
	var sr *seriesRead
	if fill { // its series are those of the day's occurrences, as a rule
		sr = &seriesRead{}
		sr.queueDay(b, user.ID, date)
	} else if withSeries {
		rd.queueSeries(b, user.ID, date)
	}
	if tagged {
		b.Query(taskTagsQuery+`t.date = $2`+taskTagsOrder, []any{user.ID, date}, rd.tags.scan)
	}
	if err := b.Run(ctx); err != nil {
		return false, err
	}
	if sr == nil {
		return false, nil
	}
	missing, err := sr.missing(date, date, localdate.Today(db.now(), user.Location()))
	if err != nil {
		return false, err
	}
	if len(missing) > 0 {
		_, err := db.createOccurrences(ctx, user.ID, missing)
		return err == nil, err
	}
	shown := map[occurrenceKey]bool{}
	for _, t := range d.Tasks {
		shown[occurrenceKey{t.SeriesID, t.SeriesDate}] = true
	}
	for k, on := range sr.placed {
		if on == date && !shown[k] {
			return true, nil
		}
	}
	return false, db.daySeries(ctx, rd, user.ID, date, sr.series)
}

// daySeries sets the series of the day's occurrences from those read
// (the series covering the date); one no longer covering it (its end
// moved before an occurrence kept on the day) is read on its own.
func (db *DB) daySeries(ctx context.Context, rd *dayRead, userID int64, date string, read []*focusflow.Series) error {
	byID := map[int64]*focusflow.Series{}
	for _, s := range read {
		byID[s.ID] = s
	}
	for _, t := range rd.day.Tasks {
		if t.SeriesID == 0 {
			continue
		}
		s, ok := byID[t.SeriesID]
		if !ok {
			b := db.batch()
			rd.day.Series = nil
			rd.queueSeries(b, userID, date)
			return b.Run(ctx)
		}
		if rd.day.Series == nil {
			rd.day.Series = map[int64]focusflow.Series{}
		}
		rd.day.Series[s.ID] = *s
	}
	return nil
}

// dayRead collects the rows of one day read.
type dayRead struct {
	day    *focusflow.Day
	fresh  *focusflow.User // the user as stored now
	timer  focus.State
	byDate map[string]focusflow.DayStats
	streak streakRows
	tags   tagCollector // of the day's tasks
	// Whether the user has any tag, and any series covering the date.
	hasTags, hasSeries bool
}

// queueUser reads the user (fresh settings), the timer and whether the
// user has tags and a series covering date in one statement; with a
// credential to recheck the same statement checks it.
func (rd *dayRead) queueUser(b *readBatch, db *DB, userID int64, date string, recheck focusflow.Recheck) {
	var ts timerState
	timerDest, finish := ts.timerDest()
	scan := func(row rowScanner) error {
		var entryTask, start sql.NullInt64
		var planner int
		u, err := scanUser(row, append(timerDest, &entryTask, &start, &planner)...)
		if err != nil {
			return err
		}
		rd.hasTags, rd.hasSeries = planner&1 != 0, planner&2 != 0
		finish()
		rd.fresh, rd.timer = u, ts.State
		if start.Valid {
			rd.timer.Entry = &focus.Entry{TaskID: entryTask.Int64, Start: fromMS(start.Int64)}
		}
		return nil
	}
	userTimer := func(dateParam string) string {
		return `SELECT ` + userColumns + `, ` + joinedTimerColumns + `, e.task_id, e.started_at, ` +
			fmt.Sprintf(db.dialect.dayPlanner, "u.id", dateParam) + ` `
	}
	const timerJoins = ` LEFT JOIN timers t ON t.user_id = u.id
		LEFT JOIN time_entries e ON e.user_id = u.id AND e.ended_at IS NULL `
	switch {
	case recheck.SessionHash != "":
		b.Query(userTimer("$4")+`FROM sessions s JOIN users u ON u.id = s.user_id`+timerJoins+`
			WHERE s.token_hash = $1 AND s.user_id = $2 AND s.expires_at > $3
			  AND (s.idle_timeout_ms = 0 OR s.last_seen_at + s.idle_timeout_ms > $3) AND u.locked_at IS NULL`,
			[]any{recheck.SessionHash, userID, db.ms(), date}, scan)
	case recheck.TokenHash != "":
		b.Query(userTimer("$4")+`FROM api_tokens k JOIN users u ON u.id = k.user_id`+timerJoins+`
			WHERE k.token_hash = $1 AND k.user_id = $2 AND k.revoked_at IS NULL
			  AND (k.expires_at IS NULL OR k.expires_at > $3) AND u.locked_at IS NULL`,
			[]any{recheck.TokenHash, userID, db.ms(), date}, scan)
	default:
		b.Query(userTimer("$2")+`FROM users u`+timerJoins+`WHERE u.id = $1`, []any{userID, date}, scan)
	}
}

// queueContent reads the day's tasks, notes and activity.
func (rd *dayRead) queueContent(b *readBatch, userID int64, date string) {
	d := rd.day
	b.Query(`SELECT `+taskColumns+` FROM tasks t WHERE t.user_id = $1 AND t.date = $2
		ORDER BY t.position, t.id`,
		[]any{userID, date}, func(row rowScanner) error {
			t, err := scanTask(row)
			if err == nil {
				d.Tasks = append(d.Tasks, *t)
			}
			return err
		})
	b.Query(`SELECT text, updated_at FROM day_notes WHERE user_id = $1 AND date = $2`, []any{userID, date},
		func(row rowScanner) error {
			var updated int64
			err := row.Scan(&d.Note.Text, &updated)
			d.Note.UpdatedAt = fromMS(updated)
			return err
		})
	b.Query(`SELECT `+noteColumns+` FROM notes WHERE user_id = $1 AND date = $2 ORDER BY created_at, id`,
		[]any{userID, date}, func(row rowScanner) error {
			n, err := scanNote(row)
			if err == nil {
				d.Notes = append(d.Notes, *n)
			}
			return err
		})
	// One line more than shown tells whether there is more, without a
	// count: readDay keeps DayActivityShown of them.
	b.Query(`SELECT `+activityLineColumns+` FROM activity WHERE user_id = $1 AND date = $2
		ORDER BY at DESC, id DESC LIMIT $3`, []any{userID, date, focusflow.DayActivityShown + 1}, func(row rowScanner) error {
		l, err := scanActivityLine(row)
		d.Activity = append(d.Activity, l)
		return err
	})
}

// queueSeries reads the series of the day's occurrences.
func (rd *dayRead) queueSeries(b *readBatch, userID int64, date string) {
	d := rd.day
	b.Query(`SELECT `+seriesColumns+` FROM task_series s WHERE s.user_id = $1
		AND s.id IN (SELECT series_id FROM tasks WHERE user_id = $1 AND date = $2)`, []any{userID, date},
		func(row rowScanner) error {
			s, err := scanSeries(row)
			if err == nil {
				if d.Series == nil {
					d.Series = map[int64]focusflow.Series{}
				}
				d.Series[s.ID] = *s
			}
			return err
		})
}

// queueFigures reads the week's figures and the streak runs of today and
// yesterday in one statement.
func (rd *dayRead) queueFigures(b *readBatch, userID int64, date, today string) {
	week := localdate.WeekOf(date)
	sr := &rd.streak
	sr.today, sr.yesterday = today, localdate.AddDays(today, -1)
	b.Query(`SELECT date, focus_ms, manual_ms, total, completed, run FROM daily_stats
		WHERE user_id = $1 AND (date >= $2 AND date <= $3 OR date IN ($4, $5))`,
		[]any{userID, week[0], week[6], sr.today, sr.yesterday}, func(row rowScanner) error {
			var run int
			s, err := scanDayStats(row, &run)
			rd.byDate[s.Date] = s
			sr.observe(s.Date, run)
			return err
		})
}

func scanDayStats(row rowScanner, extra ...any) (focusflow.DayStats, error) {
	var s focusflow.DayStats
	var focus, manual int64
	err := row.Scan(append([]any{&s.Date, &focus, &manual, &s.Total, &s.Completed}, extra...)...)
	s.Focus, s.Manual = time.Duration(focus)*time.Millisecond, time.Duration(manual)*time.Millisecond
	return s, err
}

// DayStats returns the stored per-day figures between two dates
// (inclusive); days without any are absent.
func (db *DB) DayStats(ctx context.Context, userID int64, from, to string) ([]focusflow.DayStats, error) {
	// Through the batch reader: on PostgreSQL pgx scans the rows directly,
	// which matters for a year of rows (the insights).
	var out []focusflow.DayStats
	b := db.batch()
	b.Query(`SELECT date, focus_ms, manual_ms, total, completed FROM daily_stats
		WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date`, []any{userID, from, to}, func(row rowScanner) error {
		s, err := scanDayStats(row)
		out = append(out, s)
		return err
	})
	if err := b.Run(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// Streak counts consecutive days with a completed task ending today (or
// yesterday when today has none yet). It reads the maintained runs of two
// rows, so it costs the same at any history size.
func (db *DB) Streak(ctx context.Context, userID int64, today string) (int, error) {
	var sr streakRows
	b := db.batch()
	sr.queue(b, userID, today)
	if err := b.Run(ctx); err != nil {
		return 0, err
	}
	return sr.streak(), nil
}

// streakRows reads today's and yesterday's runs.
type streakRows struct {
	today, yesterday string
	todayRun, yRun   int
}

func (sr *streakRows) queue(b *readBatch, userID int64, today string) {
	sr.today, sr.yesterday = today, localdate.AddDays(today, -1)
	b.Query(`SELECT date, run FROM daily_stats WHERE user_id = $1 AND date IN ($2, $3)`,
		[]any{userID, sr.today, sr.yesterday}, func(row rowScanner) error {
			var d string
			var run int
			err := row.Scan(&d, &run)
			sr.observe(d, run)
			return err
		})
}

// observe takes the run of a date, if it is today or yesterday.
func (sr *streakRows) observe(date string, run int) {
	switch date {
	case sr.today:
		sr.todayRun = run
	case sr.yesterday:
		sr.yRun = run
	}
}

// streak is today's run when today has a completed task, else yesterday's.
func (sr *streakRows) streak() int {
	if sr.todayRun > 0 {
		return sr.todayRun
	}
	return sr.yRun
}
