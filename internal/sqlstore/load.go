package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/focus"
)

// Rows that come from elsewhere — the original app's database, a file of
// another system — enter the store through a Loader, inside one write
// transaction. An importer decides what the rows are (it cleans and dates
// them, and keeps their own timestamps); the Loader writes them as they are
// and keeps what the store derives from them up to date, exactly as the
// API's writes do: a task's spent time, the per-day task counts, the
// per-day and per-hour focus figures and both kinds of streak run. Where
// each row came from is remembered in legacy_ids, so that running an
// import again skips what is already there.

// SourceURL applies the store's transport rule to the PostgreSQL URL of a
// database an importer reads from: TLS is required unless the URL names an
// sslmode or the host is this machine.
func SourceURL(raw string) string { return withSSLDefault(raw) }

// AccountKey is how an existing account's names are compared: keys ignore
// case, and no two accounts share a username key or an email key.
type AccountKey struct {
	Username, UsernameKey, EmailKey string
}

// AccountKeys lists the names every existing account holds, so that an
// importer can pick names no one holds before it writes anything.
func (db *DB) AccountKeys(ctx context.Context) ([]AccountKey, error) {
	var out []AccountKey
	err := runSQL(ctx, db.read, batchQuery{sql: `SELECT username, username_key, email_key FROM users ORDER BY id`,
		row: func(r rowScanner) error {
			var k AccountKey
			if err := r.Scan(&k.Username, &k.UsernameKey, &k.EmailKey); err != nil {
				return err
			}
			out = append(out, k)
			return nil
		}})
	return out, err
}

// MappedUsers returns the accounts earlier imports made for a mapping kind
// of users, by the id they had where they came from.
func (db *DB) MappedUsers(ctx context.Context, kind string) (map[int64]*focusflow.User, error) {
	out := map[int64]*focusflow.User{}
	err := runSQL(ctx, db.read, batchQuery{sql: `SELECT ` + userColumns + `, l.legacy_id FROM legacy_ids l
		JOIN users u ON u.id = l.new_id WHERE l.kind = $1`, args: []any{kind},
		row: func(r rowScanner) error {
			var from int64
			u, err := scanUser(r, &from)
			if err != nil {
				return err
			}
			out[from] = u
			return nil
		}})
	return out, err
}

// Load runs fn inside one write transaction: everything fn loads is
// committed together when it returns nil, and nothing when it returns an
// error (which Load returns). Rows the Loader writes for bookkeeping only
// (a task's updated_at, an entry's created_at) are dated when Load began.
func (db *DB) Load(ctx context.Context, fn func(*Loader) error) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		return fn(&Loader{db: db, tx: tx, now: now})
	})
}

// Loader writes rows that come from elsewhere; see Load.
type Loader struct {
	db  *DB
	tx  *sql.Tx
	now time.Time
}

// User reads an account inside the transaction.
func (l *Loader) User(ctx context.Context, id int64) (*focusflow.User, error) {
	u, err := scanUser(l.tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("User")
	}
	return u, wrapDBError(err)
}

// CreateUser adds an account with the password hash it had elsewhere,
// joined at u.CreatedAt (now when zero); empty settings get a new account's
// defaults. u.ID is set. A username or email already held is
// ErrAccountTaken.
func (l *Loader) CreateUser(ctx context.Context, u *focusflow.User, passwordHash string) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = l.now
	}
	return insertUser(ctx, l.tx, u, passwordHash)
}

// PasswordHash reads an account's password hash.
func (l *Loader) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var hash string
	err := l.tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&hash)
	return hash, wrapDBError(err)
}

// SetPasswordHash replaces an account's password hash with one it had
// elsewhere.
func (l *Loader) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	_, err := l.tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, hash)
	return wrapDBError(err)
}

// MapTable is where the new ids of a mapping kind point.
type MapTable string

// The tables a mapping can point into. UserTable is for rows that have no
// id of their own (a day's note is its user's and its date's): their
// mapping's new id is the user's id.
const (
	UserTable     MapTable = "users"
	TaskTable     MapTable = "tasks"
	EntryTable    MapTable = "time_entries"
	NoteTable     MapTable = "notes"
	ActivityTable MapTable = "activity"
)

// Mapped returns which rows of a kind earlier imports made for the user:
// the id each had where it came from → its id here. A mapping counts only
// while its row still exists for this user, so that a row deleted since
// (or an account deleted and made anew) is imported again.
func (l *Loader) Mapped(ctx context.Context, kind string, table MapTable, userID int64) (map[int64]int64, error) {
	var query string
	switch table {
	case UserTable:
		query = `SELECT l.legacy_id, l.new_id FROM legacy_ids l WHERE l.kind = $1 AND l.new_id = $2`
	case TaskTable, EntryTable, NoteTable, ActivityTable:
		query = `SELECT l.legacy_id, l.new_id FROM legacy_ids l JOIN ` + string(table) +
			` t ON t.id = l.new_id AND t.user_id = $2 WHERE l.kind = $1`
	default:
		return nil, fmt.Errorf("sqlstore: no mappings into %q", table)
	}
	out := map[int64]int64{}
	err := runSQL(ctx, l.tx, batchQuery{sql: query, args: []any{kind, userID}, row: func(r rowScanner) error {
		var from, id int64
		if err := r.Scan(&from, &id); err != nil {
			return err
		}
		out[from] = id
		return nil
	}})
	return out, err
}

// Remember records that the row from (its id where it came from) is the
// row id here; a mapping of the same kind and from is replaced. SetMark
// records the same with its owner and signatures.
func (l *Loader) Remember(ctx context.Context, kind string, from, id int64) error {
	_, err := l.tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
		ON CONFLICT (kind, legacy_id) DO UPDATE SET new_id = excluded.new_id`, kind, from, id)
	return wrapDBError(err)
}

// Mark is what an import remembers of a row it wrote: the row's id where
// it came from (From) and here (ID), the account it belongs to here, and
// two signatures an importer defines — of the source row as last imported
// and of our row as the import left it — by which the next run tells a
// change at the source from a change made here. Signatures are empty for
// mappings an import made before it kept them.
type Mark struct {
	From, ID             int64
	SourceSig, TargetSig string
	// Exists is false when the row was deleted here since.
	Exists bool
}

// Marks returns the rows of a kind imported for the account owner, by
// their id where they came from, deleted ones included (Exists false).
func (l *Loader) Marks(ctx context.Context, kind string, table MapTable, owner int64) (map[int64]Mark, error) {
	exists := `TRUE`
	switch table {
	case UserTable:
	case TaskTable, EntryTable, NoteTable, ActivityTable:
		exists = `EXISTS (SELECT 1 FROM ` + string(table) + ` t WHERE t.id = l.new_id AND t.user_id = l.owner_id)`
	default:
		return nil, fmt.Errorf("sqlstore: no mappings into %q", table)
	}
	out := map[int64]Mark{}
	err := runSQL(ctx, l.tx, batchQuery{sql: `SELECT l.legacy_id, l.new_id, COALESCE(l.source_sig, ''),
		COALESCE(l.target_sig, ''), ` + exists + ` FROM legacy_ids l WHERE l.owner_id = $1 AND l.kind = $2`,
		args: []any{owner, kind}, row: func(r rowScanner) error {
			var m Mark
			if err := r.Scan(&m.From, &m.ID, &m.SourceSig, &m.TargetSig, &m.Exists); err != nil {
				return err
			}
			out[m.From] = m
			return nil
		}})
	return out, err
}

// SetMark records m as the mapping of kind for the account owner,
// replacing any mapping of the same kind and source id.
func (l *Loader) SetMark(ctx context.Context, kind string, owner int64, m Mark) error {
	_, err := l.tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id, owner_id, source_sig, target_sig)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, legacy_id) DO UPDATE SET new_id = excluded.new_id,
		owner_id = excluded.owner_id, source_sig = excluded.source_sig, target_sig = excluded.target_sig`,
		kind, m.From, m.ID, owner, m.SourceSig, m.TargetSig)
	return wrapDBError(err)
}

// Forget removes the mapping of kind for the row from.
func (l *Loader) Forget(ctx context.Context, kind string, from int64) error {
	_, err := l.tx.ExecContext(ctx, `DELETE FROM legacy_ids WHERE kind = $1 AND legacy_id = $2`, kind, from)
	return wrapDBError(err)
}

// AddTask adds a task as it is: its status, completion and creation time
// are kept, and when t.Position is 0 it takes the place its start time
// had in the original's schedule. It starts with no time (AddEntry adds
// it); the day's task counts and the completed-task runs follow. t.ID is
// set.
func (l *Loader) AddTask(ctx context.Context, u *focusflow.User, t *focusflow.Task) error {
	var completedAt any
	if t.Status == focusflow.StatusCompleted {
		completedAt = t.CompletedAt.UnixMilli()
	}
	if t.Position == 0 {
		var err error
		if t.Position, err = placeLegacyTask(ctx, sqlExec{l.tx}, u.ID, t.Date, t.StartTime); err != nil {
			return err
		}
	}
	err := l.tx.QueryRowContext(ctx, `INSERT INTO tasks (user_id, date, title, description, start_time, duration_minutes,
		status, position, spent_ms, completed_at, created_at, updated_at, search_words)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12) RETURNING id`,
		u.ID, t.Date, t.Title, t.Description, nullString(t.StartTime), nullInt(t.DurationMinutes), t.Status, t.Position,
		completedAt, t.CreatedAt.UnixMilli(), l.now.UnixMilli(), taskSearchWords(t)).Scan(&t.ID)
	if err != nil {
		return wrapDBError(err)
	}
	t.UserID, t.Spent = u.ID, 0
	return addTaskCounts(ctx, sqlExec{l.tx}, u.ID, t.Date, 1, b2i(t.Status == focusflow.StatusCompleted))
}

// AddEntry adds a closed time entry to one of the user's tasks, with its
// source kept. Its time is added to the task and to the focus figures of
// the days and hours it covers in the user's zone. e.ID is set.
func (l *Loader) AddEntry(ctx context.Context, u *focusflow.User, e *focusflow.TimeEntry) error {
	if !e.EndedAt.After(e.StartedAt) {
		return fmt.Errorf("sqlstore: a loaded time entry must end after it starts (%s–%s)", e.StartedAt, e.EndedAt)
	}
	err := l.tx.QueryRowContext(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, ended_at, source, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.ID, e.TaskID, e.StartedAt.UnixMilli(), e.EndedAt.UnixMilli(),
		e.Source, l.now.UnixMilli()).Scan(&e.ID)
	if err != nil {
		return wrapDBError(err)
	}
	return adjustSpent(ctx, sqlExec{l.tx}, u, e.TaskID, e.StartedAt, e.EndedAt, e.Source == focusflow.SourceManual, 1)
}

// HasDayNote reports whether the user's date has a daily note (even an
// empty one).
func (l *Loader) HasDayNote(ctx context.Context, userID int64, date string) (bool, error) {
	var n int
	err := l.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM day_notes WHERE user_id = $1 AND date = $2`, userID, date).Scan(&n)
	return n > 0, wrapDBError(err)
}

// AddDayNote adds the daily note of a date that has none.
func (l *Loader) AddDayNote(ctx context.Context, u *focusflow.User, date string, n focusflow.DayNote) error {
	_, err := l.tx.ExecContext(ctx, `INSERT INTO day_notes (user_id, date, text, updated_at, search_words)
		VALUES ($1, $2, $3, $4, $5)`, u.ID, date, n.Text, n.UpdatedAt.UnixMilli(), focusflow.SearchWords(n.Text))
	return wrapDBError(err)
}

// AddNote adds a typed note with its own creation and update times. n.ID
// is set.
func (l *Loader) AddNote(ctx context.Context, u *focusflow.User, n *focusflow.Note) error {
	err := l.tx.QueryRowContext(ctx, `INSERT INTO notes (user_id, date, type, title, content, created_at, updated_at,
		search_words) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, u.ID, n.Date, n.Type, n.Title, n.Content,
		n.CreatedAt.UnixMilli(), n.UpdatedAt.UnixMilli(), noteSearchWords(n)).Scan(&n.ID)
	return wrapDBError(err)
}

// AddActivity adds a line to the activity log of date (usually the day of
// a.At in the user's zone) and returns its id. a.TaskID 0 is no task.
func (l *Loader) AddActivity(ctx context.Context, u *focusflow.User, date string, a focusflow.Activity) (int64, error) {
	var id int64
	err := l.tx.QueryRowContext(ctx, `INSERT INTO activity (user_id, date, at, kind, message, task_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.ID, date, a.At.UnixMilli(), a.Kind, a.Message,
		nullID(a.TaskID)).Scan(&id)
	return id, wrapDBError(err)
}

// Timeline is the time a user's entries take: new entries are placed where
// it is free, so that no two of the user's entries overlap.
type Timeline struct{ set spanSet }

// Timeline reads the time the user's entries already take (a running one
// up to now).
func (l *Loader) Timeline(ctx context.Context, userID int64) (*Timeline, error) {
	tl := &Timeline{}
	err := runSQL(ctx, l.tx, batchQuery{sql: `SELECT started_at, COALESCE(ended_at, $2) FROM time_entries
		WHERE user_id = $1 ORDER BY started_at`, args: []any{userID, l.now.UnixMilli()}, row: func(r rowScanner) error {
		var s entrySpan
		if err := r.Scan(&s.start, &s.end); err != nil {
			return err
		}
		tl.set.add(s)
		return nil
	}})
	return tl, err
}

// Place takes the latest free stretch of length d that ends at end or
// before it, and returns it.
func (tl *Timeline) Place(end time.Time, d time.Duration) (time.Time, time.Time) {
	start, stop := tl.Free(end, d)
	tl.Take(start, stop)
	return start, stop
}

// Free is the latest free stretch of length d that ends at end or before
// it; nothing is taken.
func (tl *Timeline) Free(end time.Time, d time.Duration) (time.Time, time.Time) {
	s := tl.set.free(end.UnixMilli(), d.Milliseconds())
	return fromMS(s.start), fromMS(s.end)
}

// Take marks start–stop as taken.
func (tl *Timeline) Take(start, stop time.Time) {
	if stop.After(start) {
		tl.set.add(entrySpan{start.UnixMilli(), stop.UnixMilli()})
	}
}

// Gaps lists the free stretches between from and to, earliest first.
func (tl *Timeline) Gaps(from, to time.Time) [][2]time.Time {
	var out [][2]time.Time
	at, end := from.UnixMilli(), to.UnixMilli()
	for _, s := range tl.set.spans {
		if s.end <= at {
			continue
		}
		if s.start >= end {
			break
		}
		if s.start > at {
			out = append(out, [2]time.Time{fromMS(at), fromMS(s.start)})
		}
		at = s.end
	}
	if at < end {
		out = append(out, [2]time.Time{fromMS(at), fromMS(end)})
	}
	return out
}

// entrySpan is a stretch of time in Unix milliseconds, [start, end).
type entrySpan struct{ start, end int64 }

// spanSet is a set of disjoint intervals sorted by start.
type spanSet struct{ spans []entrySpan }

// add inserts s, merging it with any interval it touches.
func (tl *spanSet) add(s entrySpan) {
	i := sort.Search(len(tl.spans), func(i int) bool { return tl.spans[i].end >= s.start })
	j := i
	for j < len(tl.spans) && tl.spans[j].start <= s.end {
		s.start = min(s.start, tl.spans[j].start)
		s.end = max(s.end, tl.spans[j].end)
		j++
	}
	tl.spans = slices.Replace(tl.spans, i, j, s)
}

// free finds the latest interval of length ms that ends at or before end
// and overlaps nothing.
func (tl *spanSet) free(end, ms int64) entrySpan {
	// Intervals are disjoint and sorted, so their ends are sorted too:
	// walk back from the last one that starts before end.
	i := sort.Search(len(tl.spans), func(i int) bool { return tl.spans[i].start >= end }) - 1
	for ; i >= 0 && tl.spans[i].end > end-ms; i-- {
		end = min(end, tl.spans[i].start)
	}
	return entrySpan{start: end - ms, end: end}
}

// Rows an import wrote before can be read back, changed and deleted, so
// that a later import can apply what changed where they came from. Each
// write keeps the derived figures in step as the API's writes do.

// Task reads one of the user's tasks (nil when it does not exist) with its
// time entries, oldest first; a running entry has a zero EndedAt.
func (l *Loader) Task(ctx context.Context, userID, id int64) (*focusflow.Task, []focusflow.TimeEntry, error) {
	t, err := scanTask(l.tx.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM tasks t WHERE t.id = $1 AND t.user_id = $2`, id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, wrapDBError(err)
	}
	var entries []focusflow.TimeEntry
	err = runSQL(ctx, l.tx, batchQuery{sql: `SELECT id, task_id, started_at, ended_at, source FROM time_entries
		WHERE task_id = $1 AND user_id = $2 ORDER BY started_at, id`, args: []any{id, userID}, row: func(r rowScanner) error {
		e, err := scanEntry(r)
		if err == nil {
			entries = append(entries, *e)
		}
		return err
	}})
	return t, entries, err
}

// UpdateTask writes t's own fields — date, title, description, schedule,
// status and completion — as they are; its time stays (entries are added
// and deleted on their own). A task moved to another day takes the place
// its start time implies there; completing a task ends a session on it first, as the API does.
func (l *Loader) UpdateTask(ctx context.Context, u *focusflow.User, t *focusflow.Task) error {
	tx := sqlExec{l.tx}
	old, err := l.db.taskForUpdate(ctx, tx, u.ID, t.ID)
	if err != nil {
		return err
	}
	wasDone, isDone := old.Status == focusflow.StatusCompleted, t.Status == focusflow.StatusCompleted
	if isDone && !wasDone {
		if err := l.db.releaseTimer(ctx, tx, u, l.now, t.ID); err != nil {
			return err
		}
	}
	t.Position = old.Position
	if t.Date != old.Date {
		if t.Position, err = placeLegacyTask(ctx, tx, u.ID, t.Date, t.StartTime); err != nil {
			return err
		}
	}
	return writeTaskFields(ctx, tx, u.ID, old.Date, wasDone, t, l.now)
}

// DeleteTask deletes one of the user's tasks as the API does: a session on
// it ends, and its time leaves the per-day figures with it.
func (l *Loader) DeleteTask(ctx context.Context, u *focusflow.User, taskID int64) error {
	_, err := l.db.deleteTask(ctx, sqlExec{l.tx}, u, taskID, l.now)
	return err
}

// DeleteEntry deletes one of the user's time entries. A closed one takes
// its time out of its task and the figures, with the phase and the
// activity line a cap recorded for it; a running one simply stops
// existing (its time was never counted): IdleTimer then frees the timer.
func (l *Loader) DeleteEntry(ctx context.Context, u *focusflow.User, e focusflow.TimeEntry) error {
	tx := sqlExec{l.tx}
	if !e.EndedAt.IsZero() {
		if err := adjustSpent(ctx, tx, u, e.TaskID, e.StartedAt, e.EndedAt, e.Source == focusflow.SourceManual, -1); err != nil {
			return err
		}
	}
	if e.Source == focusflow.SourceCapped {
		if err := tx.Exec(ctx, `DELETE FROM timer_phases WHERE user_id = $1 AND task_id = $2 AND started_at = $3
			AND outcome = 'capped'`, u.ID, e.TaskID, e.StartedAt.UnixMilli()); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM activity WHERE user_id = $1 AND task_id = $2 AND at = $3 AND kind = $4`,
			u.ID, e.TaskID, e.EndedAt.UnixMilli(), focusflow.ActTimerCapped); err != nil {
			return err
		}
	}
	return tx.Exec(ctx, `DELETE FROM time_entries WHERE id = $1 AND user_id = $2`, e.ID, u.ID)
}

// IdleTimer frees the user's timer when it holds taskID with no entry
// running (its session's entry was deleted): it becomes idle, as after a
// stop, with a new version so that pages showing it learn of the change.
func (l *Loader) IdleTimer(ctx context.Context, u *focusflow.User, taskID int64) error {
	_, err := l.tx.ExecContext(ctx, `UPDATE timers SET task_id = NULL, state = NULL, session = NULL, phase_ends_at = NULL,
		version = version + 1, updated_at = $3 WHERE user_id = $1 AND task_id = $2
		AND NOT EXISTS (SELECT 1 FROM time_entries WHERE user_id = $1 AND ended_at IS NULL)`, u.ID, taskID, l.now.UnixMilli())
	return wrapDBError(err)
}

// TimerBusy reports whether the user's timer is on a task or runs.
func (l *Loader) TimerBusy(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := l.tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM timers WHERE user_id = $1 AND task_id IS NOT NULL AND state IS NOT NULL)
		+ (SELECT COUNT(*) FROM time_entries WHERE user_id = $1 AND ended_at IS NULL)`, userID).Scan(&n)
	return n > 0, wrapDBError(err)
}

// ErrTimerBusy is StartTimer's answer when the user's timer is not idle.
var ErrTimerBusy = errors.New("sqlstore: the user's timer is in use")

// StartTimer starts the user's idle timer on one of their tasks at start,
// an instant in the past where the session really began: a stopwatch in
// focus, as a start from the API makes it (without its activity line: the
// source has its own). The timer's rules then run up to now, so a session
// older than the user's cap is capped here as the sweep would cap it; the
// cap is returned then.
func (l *Loader) StartTimer(ctx context.Context, u *focusflow.User, taskID int64, start time.Time) (*focusflow.CappedTimer, error) {
	tx := sqlExec{l.tx}
	u, err := l.User(ctx, u.ID) // the settings as stored: a new account's defaults included
	if err != nil {
		return nil, err
	}
	s, t, err := l.db.lockTimer(ctx, tx, u.ID, start, taskID)
	if err != nil {
		return nil, err
	}
	if !s.Idle() || s.Entry != nil {
		return nil, ErrTimerBusy
	}
	c, err := focus.Apply(s, focusflow.TimerCommand{Action: focusflow.ActionStart, TaskID: taskID,
		Mode: focusflow.ModeStopwatch}, t, start, l.db.focusSettings(u))
	if err != nil {
		return nil, err
	}
	c.Lines = nil
	if err := writeChange(ctx, tx, u, c, start); err != nil {
		return nil, err
	}
	next, ok := focus.Advance(c.State, l.now, l.db.focusSettings(u))
	if !ok {
		return nil, nil
	}
	if err := writeChange(ctx, tx, u, next, l.now); err != nil {
		return nil, err
	}
	return capped(u, next), nil
}

// Note reads one of the user's notes; nil when it does not exist.
func (l *Loader) Note(ctx context.Context, userID, id int64) (*focusflow.Note, error) {
	var n focusflow.Note
	var created, updated int64
	err := l.tx.QueryRowContext(ctx, `SELECT id, date, type, title, content, created_at, updated_at FROM notes
		WHERE id = $1 AND user_id = $2`, id, userID).Scan(&n.ID, &n.Date, &n.Type, &n.Title, &n.Content, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	n.CreatedAt, n.UpdatedAt = fromMS(created), fromMS(updated)
	return &n, wrapDBError(err)
}

// UpdateNote writes a note's date, type, title, content and update time.
func (l *Loader) UpdateNote(ctx context.Context, userID int64, n *focusflow.Note) error {
	_, err := l.tx.ExecContext(ctx, `UPDATE notes SET date = $3, type = $4, title = $5, content = $6, updated_at = $7,
		search_words = $8 WHERE id = $1 AND user_id = $2`, n.ID, userID, n.Date, n.Type, n.Title, n.Content,
		n.UpdatedAt.UnixMilli(), noteSearchWords(n))
	return wrapDBError(err)
}

// DayNote reads the daily note of a date; ok is false when it has none.
func (l *Loader) DayNote(ctx context.Context, userID int64, date string) (text string, ok bool, err error) {
	err = l.tx.QueryRowContext(ctx, `SELECT text FROM day_notes WHERE user_id = $1 AND date = $2`, userID, date).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return text, err == nil, wrapDBError(err)
}

// SetDayNote writes the daily note of a date, replacing the one it has.
func (l *Loader) SetDayNote(ctx context.Context, userID int64, date string, n focusflow.DayNote) error {
	_, err := l.tx.ExecContext(ctx, `INSERT INTO day_notes (user_id, date, text, updated_at, search_words)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, date) DO UPDATE SET text = excluded.text,
		updated_at = excluded.updated_at, search_words = excluded.search_words`,
		userID, date, n.Text, n.UpdatedAt.UnixMilli(), focusflow.SearchWords(n.Text))
	return wrapDBError(err)
}

// Delete deletes one of the user's rows of a table: a note, an activity
// line, or (UserTable, by its date) a daily note. Tasks and entries have
// figures to keep: DeleteTask and DeleteEntry delete them.
func (l *Loader) Delete(ctx context.Context, table MapTable, userID int64, id any) error {
	var query string
	switch table {
	case NoteTable, ActivityTable:
		query = `DELETE FROM ` + string(table) + ` WHERE user_id = $1 AND id = $2`
	case UserTable:
		query = `DELETE FROM day_notes WHERE user_id = $1 AND date = $2`
	default:
		return fmt.Errorf("sqlstore: Delete does not delete from %q", table)
	}
	_, err := l.tx.ExecContext(ctx, query, userID, id)
	return wrapDBError(err)
}
