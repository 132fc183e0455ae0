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
		return fn(&Loader{tx: tx, now: now})
	})
}

// Loader writes rows that come from elsewhere; see Load.
type Loader struct {
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
// row id here; a mapping of the same kind and from is replaced.
func (l *Loader) Remember(ctx context.Context, kind string, from, id int64) error {
	_, err := l.tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
		ON CONFLICT (kind, legacy_id) DO UPDATE SET new_id = excluded.new_id`, kind, from, id)
	return wrapDBError(err)
}

// AddTask adds a task as it is: its status, completion and creation time
// are kept, and it goes at the end of its day when t.Position is 0. It
// starts with no time (AddEntry adds it); the day's task counts and the
// completed-task runs follow. t.ID is set.
func (l *Loader) AddTask(ctx context.Context, u *focusflow.User, t *focusflow.Task) error {
	var completedAt any
	if t.Status == focusflow.StatusCompleted {
		completedAt = t.CompletedAt.UnixMilli()
	}
	if t.Position == 0 {
		if err := l.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM tasks WHERE user_id = $1 AND date = $2`,
			u.ID, t.Date).Scan(&t.Position); err != nil {
			return wrapDBError(err)
		}
	}
	err := l.tx.QueryRowContext(ctx, `INSERT INTO tasks (user_id, date, title, description, start_time, duration_minutes,
		status, position, spent_ms, completed_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11) RETURNING id`,
		u.ID, t.Date, t.Title, t.Description, nullString(t.StartTime), nullInt(t.DurationMinutes), t.Status, t.Position,
		completedAt, t.CreatedAt.UnixMilli(), l.now.UnixMilli()).Scan(&t.ID)
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
	_, err := l.tx.ExecContext(ctx, `INSERT INTO day_notes (user_id, date, text, updated_at) VALUES ($1, $2, $3, $4)`,
		u.ID, date, n.Text, n.UpdatedAt.UnixMilli())
	return wrapDBError(err)
}

// AddNote adds a typed note with its own creation and update times. n.ID
// is set.
func (l *Loader) AddNote(ctx context.Context, u *focusflow.User, n *focusflow.Note) error {
	err := l.tx.QueryRowContext(ctx, `INSERT INTO notes (user_id, date, type, title, content, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, u.ID, n.Date, n.Type, n.Title, n.Content,
		n.CreatedAt.UnixMilli(), n.UpdatedAt.UnixMilli()).Scan(&n.ID)
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
	s := tl.set.place(end.UnixMilli(), d.Milliseconds())
	return fromMS(s.start), fromMS(s.end)
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

// place finds the latest interval of length ms that ends at or before end
// and overlaps nothing, and takes it.
func (tl *spanSet) place(end, ms int64) entrySpan {
	// Intervals are disjoint and sorted, so their ends are sorted too:
	// walk back from the last one that starts before end.
	i := sort.Search(len(tl.spans), func(i int) bool { return tl.spans[i].start >= end }) - 1
	for ; i >= 0 && tl.spans[i].end > end-ms; i-- {
		end = min(end, tl.spans[i].start)
	}
	s := entrySpan{start: end - ms, end: end}
	tl.add(s)
	return s
}
