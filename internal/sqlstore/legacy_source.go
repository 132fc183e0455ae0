package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/focusflow/focusflow/internal/localdate"
)

// LegacySource is the original FocusFlow's database, opened for reading
// only: its PostgreSQL database or the SQLite file of earlier deployments.
type LegacySource struct {
	db   *sql.DB
	kind string // "postgres" or "sqlite"
	name string // the URL without secrets, for the report
}

// Kind is "postgres" or "sqlite".
func (s *LegacySource) Kind() string { return s.kind }

// Name describes the source without secrets.
func (s *LegacySource) Name() string { return s.name }

// Close closes the source.
func (s *LegacySource) Close() error { return s.db.Close() }

// OpenLegacy opens the original's database: postgres://… (or
// postgresql://…) or sqlite:///absolute/path.db (sqlite://relative.db).
// Nothing is ever written to it.
func OpenLegacy(ctx context.Context, rawURL string) (*LegacySource, error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openLegacyPostgres(ctx, rawURL)
	case strings.HasPrefix(rawURL, "sqlite://"):
		return openLegacySQLite(ctx, strings.TrimPrefix(rawURL, "sqlite://"))
	}
	return nil, errors.New("--from must be a postgres://… URL or sqlite:///path/to/focusflow.db")
}

func openLegacyPostgres(ctx context.Context, rawURL string) (*LegacySource, error) {
	cfg, err := pgx.ParseConfig(withSSLDefault(rawURL))
	if err != nil {
		return nil, errors.New("--from is not a valid PostgreSQL URL")
	}
	// As for our own database: unnamed statements only (safe through a
	// transaction-mode pooler). ISO dates and UTC make CAST(… AS TEXT) of
	// DATE, TIME and TIMESTAMP columns read the same on every server.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	cfg.RuntimeParams["datestyle"] = "ISO, YMD"
	cfg.RuntimeParams["timezone"] = "UTC"
	cfg.RuntimeParams["application_name"] = "focusflow-import-legacy"
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(2)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the original database: %s", SafeError(err))
	}
	return &LegacySource{db: db, kind: "postgres", name: redactURL(rawURL)}, nil
}

func openLegacySQLite(ctx context.Context, path string) (*LegacySource, error) {
	if path == "" {
		return nil, errors.New("--from sqlite:// needs a file: sqlite:///path/to/focusflow.db")
	}
	if st, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("the original database %s: %w", path, err)
	} else if st.IsDir() {
		return nil, fmt.Errorf("the original database %s is a directory", path)
	}
	// mode=ro: never create or change the file, not even its journal mode.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot open the original database %s: %w", path, err)
	}
	return &LegacySource{db: db, kind: "sqlite", name: "sqlite://" + path}, nil
}

// redactURL drops the password from a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	return u.String()
}

// The original's rows, read as text so that PostgreSQL's typed columns and
// SQLite's text read the same way; parsing happens in Go where every odd
// value can be reported.
type legacyUser struct {
	id                             int64
	username, email, hash, created sql.NullString
}

type legacyTask struct {
	id, userID                                        int64
	date, title, description, start, duration, status sql.NullString
	spent, timerStart, session, lastSync, created     sql.NullString
}

type legacyDayNote struct {
	id, userID  int64
	date, notes sql.NullString
}

type legacyNote struct {
	id, userID                                       int64
	date, title, content, noteType, created, updated sql.NullString
}

type legacyActivity struct {
	id, userID  int64
	message, at sql.NullString
	taskID      sql.NullInt64
}

type legacyData struct {
	users    []legacyUser
	tasks    []legacyTask
	dayNotes []legacyDayNote
	notes    []legacyNote
	activity []legacyActivity
}

// read loads the five tables in one read-only snapshot.
func (s *LegacySource) read(ctx context.Context) (*legacyData, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.kind == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	} else {
		opts = nil // the SQLite file is opened read-only already
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("read the original database: %s", SafeError(err))
	}
	defer tx.Rollback()
	d := &legacyData{}
	type table struct {
		name  string
		query string
		scan  func(*sql.Rows) error
	}
	tables := []table{
		{"users", `SELECT id, CAST(username AS TEXT), CAST(email AS TEXT), CAST(password_hash AS TEXT),
			CAST(created_at AS TEXT) FROM users ORDER BY id`, func(r *sql.Rows) error {
			var u legacyUser
			err := r.Scan(&u.id, &u.username, &u.email, &u.hash, &u.created)
			d.users = append(d.users, u)
			return err
		}},
		{"user_tasks", `SELECT id, user_id, CAST(entry_date AS TEXT), CAST(title AS TEXT), CAST(description AS TEXT),
			CAST(start_time AS TEXT), CAST(duration_minutes AS TEXT), CAST(status AS TEXT), CAST(time_spent AS TEXT),
			CAST(timer_start_time AS TEXT), CAST(timer_session_id AS TEXT), CAST(last_sync_time AS TEXT),
			CAST(created_at AS TEXT) FROM user_tasks ORDER BY id`, func(r *sql.Rows) error {
			var t legacyTask
			err := r.Scan(&t.id, &t.userID, &t.date, &t.title, &t.description, &t.start, &t.duration, &t.status,
				&t.spent, &t.timerStart, &t.session, &t.lastSync, &t.created)
			d.tasks = append(d.tasks, t)
			return err
		}},
		{"daily_entries", `SELECT id, user_id, CAST(entry_date AS TEXT), CAST(notes AS TEXT) FROM daily_entries ORDER BY id`,
			func(r *sql.Rows) error {
				var n legacyDayNote
				err := r.Scan(&n.id, &n.userID, &n.date, &n.notes)
				d.dayNotes = append(d.dayNotes, n)
				return err
			}},
		{"user_notes", `SELECT id, user_id, CAST(entry_date AS TEXT), CAST(title AS TEXT), CAST(content AS TEXT),
			CAST(note_type AS TEXT), CAST(created_at AS TEXT), CAST(updated_at AS TEXT) FROM user_notes ORDER BY id`,
			func(r *sql.Rows) error {
				var n legacyNote
				err := r.Scan(&n.id, &n.userID, &n.date, &n.title, &n.content, &n.noteType, &n.created, &n.updated)
				d.notes = append(d.notes, n)
				return err
			}},
		{"activity_log", `SELECT id, user_id, CAST(message AS TEXT), CAST("timestamp" AS TEXT), task_db_id
			FROM activity_log ORDER BY id`, func(r *sql.Rows) error {
			var a legacyActivity
			err := r.Scan(&a.id, &a.userID, &a.message, &a.at, &a.taskID)
			d.activity = append(d.activity, a)
			return err
		}},
	}
	for _, t := range tables {
		rows, err := tx.QueryContext(ctx, t.query)
		if err != nil {
			return nil, fmt.Errorf("read the original's %s table: %s (is this the original FocusFlow's database?)", t.name, SafeError(err))
		}
		for rows.Next() {
			if err := t.scan(rows); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read the original's %s table: %w", t.name, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read the original's %s table: %s", t.name, SafeError(err))
		}
	}
	return d, nil
}

// --- parsing the original's values ---

// naiveLayouts are the spellings of a timestamp the original wrote:
// PostgreSQL's ISO output, Python's str(datetime) and isoformat().
var naiveLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseLegacyTime reads a timestamp: naive ones are wall-clock times in
// loc; ones with an offset (a TIMESTAMPTZ column) are taken as they say;
// bare numbers are Unix seconds or milliseconds.
func parseLegacyTime(v sql.NullString, loc *time.Location) (time.Time, bool) {
	s := strings.TrimSpace(v.String)
	if !v.Valid || s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "-:") {
		if n > 1e11 { // milliseconds
			return time.UnixMilli(int64(math.Round(n))).UTC(), true
		}
		return time.UnixMilli(int64(math.Round(n * 1000))).UTC(), true
	}
	for _, l := range naiveLayouts {
		for _, zone := range []string{"Z07:00", "Z07"} {
			if t, err := time.Parse(l+zone, s); err == nil {
				return t.UTC(), true
			}
		}
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseLegacyMS reads a millisecond count (time_spent, timer instants),
// tolerating SQLite's REAL spelling.
func parseLegacyMS(v sql.NullString) (int64, bool) {
	s := strings.TrimSpace(v.String)
	if !v.Valid || s == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) < 1e15 {
		return int64(math.Round(f)), true
	}
	return 0, false
}

// parseLegacyDate reads a calendar date; a midnight time after it (SQLite
// files sometimes hold datetimes) is accepted.
func parseLegacyDate(v sql.NullString) (string, bool) {
	s := strings.TrimSpace(v.String)
	if !v.Valid {
		return "", false
	}
	if len(s) > 10 {
		rest := strings.TrimLeft(s[10:], " T")
		if rest != "00:00:00" && rest != "00:00" && rest != "00:00:00.000" {
			return "", false
		}
		s = s[:10]
	}
	if _, err := localdate.ParseDate(s); err != nil {
		return "", false
	}
	return s, true
}

// parseLegacyClock reads a time of day as HH:MM. exact is false when the
// value had to be read leniently (9:5, 09:00:30).
func parseLegacyClock(v sql.NullString) (hhmm string, exact, ok bool) {
	s := strings.TrimSpace(v.String)
	if !v.Valid || s == "" {
		return "", true, false
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return "", false, false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return "", false, false
	}
	hhmm = fmt.Sprintf("%02d:%02d", h, m)
	exact = len(parts[0]) == 2 && len(parts[1]) == 2
	if len(parts) == 3 {
		sec, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || sec < 0 || sec >= 60 {
			return "", false, false
		}
		exact = exact && sec == 0 // seconds were never entered; a non-zero value is dropped
	}
	return hhmm, exact, true
}
