package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// An import of a user's document writes up to a million rows. On SQLite,
// whose one writer every other user's write queues for, it is written in
// short transactions that give the writer back between them; the import
// journal keeps it all or nothing: every row it writes carries its id, and
// what a failed import (or one cut short by a crash: its journal row
// stops being renewed) wrote is removed again, in short transactions too.
// On PostgreSQL it is one transaction that takes row locks on the user's
// own rows only, so other users never wait for it.

const (
	// importChunk is how long one short transaction writes rows before it
	// commits: with its figures and commit well under the 250 ms another
	// user's write may wait.
	importChunk = 25 * time.Millisecond
	// importChunkRows bounds the rows (and so the figures) of one chunk.
	importChunkRows = 1000
	// staleImport is how long a journal row may go unrenewed before its
	// import counts as cut short (each chunk renews it).
	staleImport = 30 * time.Second
	// undoChunkRows is how many rows one short transaction removes.
	undoChunkRows = 500
)

// errImportRunning refuses a second import into one account.
var errImportRunning = focusflow.Errorf(focusflow.ECONFLICT,
	"An import into this account is already running; wait until it has finished, then try again.")

// importWriter is the transaction, or the short transactions, of one
// import, and the figures its rows change.
type importWriter struct {
	db      *DB
	userID  int64
	loc     *time.Location
	id      int64 // its journal row
	tx      *sql.Tx
	began   time.Time // of the current chunk
	rows    int       // written in the current chunk
	chunks  int       // committed
	figures figureDelta
}

// beginImport claims the right to import into the user's account (one
// import per user, on every instance: the journal's row per user, or a
// transaction-level advisory lock) and opens the first transaction.
func (db *DB) beginImport(ctx context.Context, userID int64, loc *time.Location) (*importWriter, error) {
	w := &importWriter{db: db, userID: userID, loc: loc, figures: newFigureDelta()}
	for {
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			return nil, wrapDBError(err)
		}
		stale, err := w.claim(ctx, tx)
		if err == nil && stale == 0 {
			w.tx = tx
			break
		}
		tx.Rollback()
		if err != nil {
			return nil, err
		}
		if err := db.undoImport(ctx, stale, userID, loc); err != nil {
			return nil, err
		}
	}
	if !db.dialect.chunkedImports {
		return w, nil
	}
	// The claim is committed at once: it is what other instances see.
	if err := wrapDBError(w.tx.Commit()); err != nil {
		return nil, err
	}
	return w, w.next(ctx)
}

// claim locks the account for this import and writes its journal row; it
// returns the id of a journal row left by an import cut short, which must
// be undone first.
func (w *importWriter) claim(ctx context.Context, tx *sql.Tx) (stale int64, err error) {
	now := w.db.ms()
	if lock := w.db.dialect.importLock; lock != "" {
		var ok bool
		if err := tx.QueryRowContext(ctx, lock, strconv.FormatInt(w.userID, 10)).Scan(&ok); err != nil {
			return 0, wrapDBError(err)
		}
		if !ok {
			return 0, errImportRunning
		}
	}
	var id, heartbeat int64
	err = tx.QueryRowContext(ctx, `SELECT id, heartbeat_at FROM import_journal WHERE user_id = $1`, w.userID).
		Scan(&id, &heartbeat)
	switch {
	case err == nil && now-heartbeat < staleImport.Milliseconds():
		return 0, errImportRunning
	case err == nil:
		return id, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, wrapDBError(err)
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO import_journal (user_id, started_at, heartbeat_at) VALUES ($1, $2, $2)
		ON CONFLICT (user_id) DO NOTHING RETURNING id`, w.userID, now).Scan(&w.id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errImportRunning // another instance claimed it just now
	}
	return 0, wrapDBError(err)
}

// next opens the next short transaction.
func (w *importWriter) next(ctx context.Context) error {
	tx, err := w.db.write.BeginTx(ctx, nil)
	if err != nil {
		return wrapDBError(err)
	}
	w.tx, w.began, w.rows = tx, time.Now(), 0
	return nil
}

// tick counts a row written; on SQLite, once the chunk has run its time,
// it commits it (with its figures) and opens the next, so that other
// writers get their turn.
func (w *importWriter) tick(ctx context.Context) error {
	w.rows++
	if !w.db.dialect.chunkedImports {
		return nil
	}
	// The chunk's figures are written at its end, each upsert costing
	// about what a row did: they count against its time and rows too.
	pending := w.figures.size()
	elapsed := time.Since(w.began)
	if w.rows+pending < importChunkRows && elapsed+elapsed/time.Duration(w.rows)*time.Duration(pending) < importChunk {
		return nil
	}
	if err := w.commit(ctx); err != nil {
		return err
	}
	return w.next(ctx)
}

// commit writes the chunk's figures, renews the journal row and commits.
func (w *importWriter) commit(ctx context.Context) error {
	if err := w.figures.apply(ctx, w.db, sqlExec{w.tx}, w.userID, false); err != nil {
		return err
	}
	w.figures = newFigureDelta()
	if _, err := w.tx.ExecContext(ctx, `UPDATE import_journal SET heartbeat_at = $2 WHERE id = $1`, w.id,
		w.db.ms()); err != nil {
		return wrapDBError(err)
	}
	chunked := w.db.dialect.chunkedImports
	if !chunked {
		if err := w.fault(); err != nil {
			return err
		}
	}
	if err := wrapDBError(w.tx.Commit()); err != nil {
		return err
	}
	if chunked {
		if err := w.fault(); err != nil {
			return err
		}
	}
	w.chunks++
	return nil
}

// fault runs the test hook where an import can still fail: after each
// short transaction, or before the one transaction commits.
func (w *importWriter) fault() error {
	if w.db.importFault == nil {
		return nil
	}
	return w.db.importFault(w.chunks)
}

// finish ends the import: its journal row goes with the last transaction.
func (w *importWriter) finish(ctx context.Context) error {
	if _, err := w.tx.ExecContext(ctx, `DELETE FROM import_journal WHERE id = $1`, w.id); err != nil {
		return wrapDBError(err)
	}
	return w.commit(ctx)
}

// abort undoes a failed import: what its committed chunks wrote is
// removed, even when the request that ran it is gone.
func (w *importWriter) abort(ctx context.Context, cause error) error {
	w.tx.Rollback()
	if !w.db.dialect.chunkedImports || errors.Is(cause, errImportCrash) {
		return cause
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
	defer cancel()
	if err := w.db.undoImport(uctx, w.id, w.userID, w.loc); err != nil {
		// The journal row stays: CleanupImports removes the rest later.
		w.db.logger.Error("undoing a failed import", "import_id", w.id, "user_id", w.userID, "error", err)
	}
	return cause
}

// errImportCrash is what a test's importFault returns to leave an import
// as a crash would: nothing undone.
var errImportCrash = errors.New("sqlstore: the import stops here, as if the process died")

// CleanupImports removes what imports cut short (the process died during
// one) wrote: each journal row not renewed for staleImport, in short
// transactions. It returns how many imports it undid.
func (db *DB) CleanupImports(ctx context.Context) (int, error) {
	type journal struct{ id, userID int64 }
	var stale []journal
	err := queryEach(ctx, db.write, `SELECT id, user_id FROM import_journal WHERE heartbeat_at < $1 ORDER BY id`,
		[]any{db.ms() - staleImport.Milliseconds()}, func(r *sql.Rows) error {
			var j journal
			err := r.Scan(&j.id, &j.userID)
			stale = append(stale, j)
			return err
		})
	if err != nil {
		return 0, err
	}
	for i, j := range stale {
		u, err := db.User(ctx, j.userID)
		if err != nil {
			return i, err
		}
		if err := db.undoImport(ctx, j.id, j.userID, u.Location()); err != nil {
			return i, err
		}
	}
	return len(stale), nil
}

// undoImport removes, in short transactions, every row import id wrote
// into the user's account and what they added to the figures, then its
// journal row.
func (db *DB) undoImport(ctx context.Context, id, userID int64, loc *time.Location) error {
	steps := []func(context.Context, *sql.Tx) (int, error){
		func(ctx context.Context, tx *sql.Tx) (int, error) { return db.undoEntries(ctx, tx, id, userID, loc) },
		db.undoRows("activity", id), db.undoRows("notes", id), db.undoRows("timer_phases", id),
		func(ctx context.Context, tx *sql.Tx) (int, error) {
			return deleteChunk(ctx, tx, `DELETE FROM legacy_ids WHERE import_id = $1 AND (kind, legacy_id) IN
				(SELECT kind, legacy_id FROM legacy_ids WHERE import_id = $1 LIMIT `+strconv.Itoa(undoChunkRows)+`)`, id)
		},
		func(ctx context.Context, tx *sql.Tx) (int, error) { return db.undoTasks(ctx, tx, id, userID) },
	}
	for _, step := range steps {
		for {
			var n int
			err := db.tx(ctx, func(tx *sql.Tx) (err error) {
				n, err = step(ctx, tx)
				return err
			})
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		x := sqlExec{tx}
		if err := db.recomputeRuns(ctx, x, userID); err != nil {
			return err
		}
		if err := x.Exec(ctx, `DELETE FROM hourly_focus WHERE user_id = $1 AND focus_ms = 0`, userID); err != nil {
			return err
		}
		if err := x.Exec(ctx, `DELETE FROM daily_stats WHERE user_id = $1 AND total = 0 AND completed = 0
			AND focus_ms = 0 AND manual_ms = 0`, userID); err != nil {
			return err
		}
		return x.Exec(ctx, `DELETE FROM import_journal WHERE id = $1`, id)
	})
}

func deleteChunk(ctx context.Context, tx *sql.Tx, query string, args ...any) (int, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, wrapDBError(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// undoRows removes a chunk of the rows of table (with an id column and no
// figures of their own) that import id wrote.
func (db *DB) undoRows(table string, id int64) func(context.Context, *sql.Tx) (int, error) {
	return func(ctx context.Context, tx *sql.Tx) (int, error) {
		return deleteChunk(ctx, tx, `DELETE FROM `+table+` WHERE id IN (SELECT id FROM `+table+
			` WHERE import_id = $1 LIMIT `+strconv.Itoa(undoChunkRows)+`)`, id)
	}
}

// undoEntries removes a chunk of the time entries import id wrote, with
// their focus time and their time on tasks the account had before.
func (db *DB) undoEntries(ctx context.Context, tx *sql.Tx, id, userID int64, loc *time.Location) (int, error) {
	return db.undoCounted(ctx, tx, id, userID, "time_entries", `id, task_id, started_at, ended_at, source`,
		func(r *sql.Rows, f *figureDelta) (int64, error) {
			var row, task, start, end int64
			var source string
			err := r.Scan(&row, &task, &start, &end, &source)
			f.addEntry(loc, task, fromMS(start), fromMS(end), source == focusflow.SourceManual, -1)
			return row, err
		})
}

// undoTasks removes a chunk of the tasks import id wrote, with their
// counts in the per-day figures.
func (db *DB) undoTasks(ctx context.Context, tx *sql.Tx, id, userID int64) (int, error) {
	return db.undoCounted(ctx, tx, id, userID, "tasks", `id, date, status`,
		func(r *sql.Rows, f *figureDelta) (int64, error) {
			var row int64
			var date, status string
			err := r.Scan(&row, &date, &status)
			f.addTask(date, status == focusflow.StatusCompleted, -1)
			return row, err
		})
}

// undoCounted removes a chunk of the rows of table that import id wrote,
// taking each (its columns, id first) out of the figures first.
func (db *DB) undoCounted(ctx context.Context, tx *sql.Tx, id, userID int64, table, columns string,
	take func(*sql.Rows, *figureDelta) (int64, error)) (int, error) {
	f := newFigureDelta()
	last, n := int64(0), 0
	err := queryEach(ctx, tx, `SELECT `+columns+` FROM `+table+` WHERE import_id = $1 ORDER BY id LIMIT `+
		strconv.Itoa(undoChunkRows), []any{id}, func(r *sql.Rows) (err error) {
		last, err = take(r, &f)
		n++
		return err
	})
	if err != nil || n == 0 {
		return 0, err
	}
	if err := f.apply(ctx, db, sqlExec{tx}, userID, false); err != nil {
		return 0, err
	}
	return deleteChunk(ctx, tx, `DELETE FROM `+table+` WHERE import_id = $1 AND id <= $2`, id, last)
}

// figureDelta is what rows written (or removed) add to the per-day and
// per-hour figures and to the spent time of tasks the account had.
type figureDelta struct {
	counts map[string][2]int   // date → tasks, completed tasks
	hours  map[dateHour]int64  // focus ms
	days   map[string][2]int64 // date → focus ms, manual ms
	spent  map[int64]int64     // task id → ms
}

type dateHour struct {
	date string
	hour int
}

func newFigureDelta() figureDelta {
	return figureDelta{counts: map[string][2]int{}, hours: map[dateHour]int64{}, days: map[string][2]int64{},
		spent: map[int64]int64{}}
}

// size is how many rows apply writes.
func (f *figureDelta) size() int { return len(f.counts) + len(f.hours) + len(f.days) + len(f.spent) }

// addTask counts a task of date in (sign 1) or out (sign -1).
func (f *figureDelta) addTask(date string, completed bool, sign int) {
	c := f.counts[date]
	c[0] += sign
	if completed {
		c[1] += sign
	}
	f.counts[date] = c
}

// addEntry adds (sign 1) or removes (sign -1) an entry's focus time, split
// in the user's zone, and its time on task (0: none to change).
func (f *figureDelta) addEntry(loc *time.Location, task int64, start, end time.Time, manual bool, sign int64) {
	for _, p := range localdate.Portions(start, end, loc) {
		f.hours[dateHour{p.Date, p.Hour}] += sign * p.MS
		d := f.days[p.Date]
		d[0] += sign * p.MS
		if manual {
			d[1] += sign * p.MS
		}
		f.days[p.Date] = d
	}
	if task != 0 {
		f.spent[task] += sign * end.Sub(start).Milliseconds()
	}
}

// apply writes the changes, in a stable order (so that two transactions
// never wait for each other's rows in a circle). With runs it then brings
// the streak runs up to date and marks the user for the award pass: once,
// at the end of an import, as rebuilding them costs the same for one day
// as for all.
func (f *figureDelta) apply(ctx context.Context, db *DB, x execer, userID int64, runs bool) error {
	for _, d := range slices.Sorted(maps.Keys(f.counts)) {
		c := f.counts[d]
		if err := x.Exec(ctx, `INSERT INTO daily_stats (user_id, date, total, completed) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, date) DO UPDATE SET total = daily_stats.total + excluded.total,
			completed = daily_stats.completed + excluded.completed`, userID, d, c[0], c[1]); err != nil {
			return err
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(f.hours), func(a, b dateHour) int {
		return cmpDateHour(a, b)
	}) {
		if err := x.Exec(ctx, `INSERT INTO hourly_focus (user_id, date, hour, focus_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, date, hour) DO UPDATE SET focus_ms = hourly_focus.focus_ms + excluded.focus_ms`,
			userID, k.date, k.hour, f.hours[k]); err != nil {
			return err
		}
	}
	for _, d := range slices.Sorted(maps.Keys(f.days)) {
		v := f.days[d]
		if err := x.Exec(ctx, `INSERT INTO daily_stats (user_id, date, focus_ms, manual_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, date) DO UPDATE SET focus_ms = daily_stats.focus_ms + excluded.focus_ms,
			manual_ms = daily_stats.manual_ms + excluded.manual_ms`, userID, d, v[0], v[1]); err != nil {
			return err
		}
	}
	for _, t := range slices.Sorted(maps.Keys(f.spent)) {
		if err := x.Exec(ctx, `UPDATE tasks SET spent_ms = spent_ms + $3 WHERE id = $1 AND user_id = $2`,
			t, userID, f.spent[t]); err != nil {
			return err
		}
	}
	if !runs {
		return nil
	}
	return db.recomputeRuns(ctx, x, userID)
}

// recomputeRuns rebuilds both kinds of streak run of a user and marks
// the user for the award pass.
func (db *DB) recomputeRuns(ctx context.Context, x execer, userID int64) error {
	if err := x.Exec(ctx, recomputeRunsSQL(db.dialect, completedRuns, true), userID); err != nil {
		return err
	}
	return db.recomputeFocusRuns(ctx, x, userID)
}

func cmpDateHour(a, b dateHour) int {
	if a.date != b.date {
		if a.date < b.date {
			return -1
		}
		return 1
	}
	return a.hour - b.hour
}
