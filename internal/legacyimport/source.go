package legacyimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // the "sqlite" driver, for the original's SQLite file

	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// Source is the original FocusFlow's database, opened for reading only:
// its PostgreSQL database or the SQLite file of earlier deployments.
type Source struct {
	db   *sql.DB
	kind string // "postgres" or "sqlite"
	name string // the URL without secrets, for the report
}

// Kind is "postgres" or "sqlite".
func (s *Source) Kind() string { return s.kind }

// Name describes the source without secrets.
func (s *Source) Name() string { return s.name }

// Close closes the source.
func (s *Source) Close() error { return s.db.Close() }

// ErrBadURL wraps the errors of a --from URL that cannot be read: a
// mistake to fix, never a database to wait for.
var ErrBadURL = errors.New("not a URL of the original's database")

// urlError is an error of a --from URL: its message is the whole story.
type urlError struct{ msg string }

func (e *urlError) Error() string        { return e.msg }
func (e *urlError) Is(target error) bool { return target == ErrBadURL }

func badURL(format string, args ...any) error { return &urlError{msg: fmt.Sprintf(format, args...)} }

// CheckURL reports whether rawURL is a URL Open can read, without opening
// anything: postgres://… (or postgresql://…), or a sqlite URL in the forms
// FocusFlow's own DATABASE_URL accepts (config.SQLitePathFromURL). Its
// errors wrap ErrBadURL and fit on one line.
func CheckURL(rawURL string) error {
	_, _, err := parseURL(rawURL)
	return err
}

func parseURL(rawURL string) (kind, target string, err error) {
	lower := strings.ToLower(rawURL)
	switch {
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		if _, err := pgx.ParseConfig(sqlstore.SourceURL(rawURL)); err != nil {
			return "", "", badURL("--from is not a valid PostgreSQL URL (percent-encode special characters such as @ : / ? # %% in the user name and password)")
		}
		return "postgres", rawURL, nil
	case strings.HasPrefix(lower, "sqlite:"):
		path, err := config.SQLitePathFromURL(rawURL)
		if err != nil {
			return "", "", badURL("--from: %v", err)
		}
		return "sqlite", path, nil
	}
	return "", "", badURL("--from must be a postgres://… URL or sqlite:///path/to/focusflow.db")
}

// Open opens the original's database: postgres://… (or postgresql://…) or
// a sqlite URL — sqlite:///absolute/path.db (or sqlite:////absolute/path.db,
// as SQLAlchemy writes it), sqlite://relative.db. Nothing is ever written
// to it.
func Open(ctx context.Context, rawURL string) (*Source, error) {
	kind, target, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if kind == "postgres" {
		return openPostgres(ctx, target)
	}
	return openSQLite(ctx, target)
}

func openPostgres(ctx context.Context, rawURL string) (*Source, error) {
	cfg, err := pgx.ParseConfig(sqlstore.SourceURL(rawURL))
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
		return nil, fmt.Errorf("cannot reach the original database: %s", sqlstore.SafeError(err))
	}
	return &Source{db: db, kind: "postgres", name: config.RedactURL(rawURL)}, nil
}

func openSQLite(ctx context.Context, path string) (*Source, error) {
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
	return &Source{db: db, kind: "sqlite", name: "sqlite://" + path}, nil
}

// The original's rows, read as text so that PostgreSQL's typed columns and
// SQLite's text read the same way; parsing happens in Go (parse.go) where
// every odd value can be reported.
type sourceUser struct {
	id                             int64
	username, email, hash, created sql.NullString
}

type sourceTask struct {
	id, userID                                        int64
	date, title, description, start, duration, status sql.NullString
	spent, timerStart, session, lastSync, created     sql.NullString
}

type sourceDayNote struct {
	id, userID  int64
	date, notes sql.NullString
}

type sourceNote struct {
	id, userID                                       int64
	date, title, content, noteType, created, updated sql.NullString
}

type sourceActivity struct {
	id, userID  int64
	message, at sql.NullString
	taskID      sql.NullInt64
}

// sourceData is the whole of the original's five tables, in id order.
type sourceData struct {
	users    []sourceUser
	tasks    []sourceTask
	dayNotes []sourceDayNote
	notes    []sourceNote
	activity []sourceActivity
}

// sourceTable is how one of the original's tables is read.
type sourceTable struct {
	name  string
	query string
	scan  func(*sql.Rows) error
}

// read loads the five tables in one read-only snapshot.
func (s *Source) read(ctx context.Context) (*sourceData, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.kind == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	} else {
		opts = nil // the SQLite file is opened read-only already
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("read the original database: %s", sqlstore.SafeError(err))
	}
	defer tx.Rollback()
	d := &sourceData{}
	for _, t := range d.tables() {
		if err := readTable(ctx, tx, t); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func readTable(ctx context.Context, tx *sql.Tx, t sourceTable) error {
	rows, err := tx.QueryContext(ctx, t.query)
	if err != nil {
		return fmt.Errorf("read the original's %s table: %s (is this the original FocusFlow's database?)", t.name, sqlstore.SafeError(err))
	}
	defer rows.Close()
	for rows.Next() {
		if err := t.scan(rows); err != nil {
			return fmt.Errorf("read the original's %s table: %w", t.name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the original's %s table: %s", t.name, sqlstore.SafeError(err))
	}
	return nil
}

// tables reads every column as text (CAST), whatever type the original's
// schema gave it, into d.
func (d *sourceData) tables() []sourceTable {
	return []sourceTable{
		{"users", `SELECT id, CAST(username AS TEXT), CAST(email AS TEXT), CAST(password_hash AS TEXT),
			CAST(created_at AS TEXT) FROM users ORDER BY id`, func(r *sql.Rows) error {
			var u sourceUser
			err := r.Scan(&u.id, &u.username, &u.email, &u.hash, &u.created)
			d.users = append(d.users, u)
			return err
		}},
		{"user_tasks", `SELECT id, user_id, CAST(entry_date AS TEXT), CAST(title AS TEXT), CAST(description AS TEXT),
			CAST(start_time AS TEXT), CAST(duration_minutes AS TEXT), CAST(status AS TEXT), CAST(time_spent AS TEXT),
			CAST(timer_start_time AS TEXT), CAST(timer_session_id AS TEXT), CAST(last_sync_time AS TEXT),
			CAST(created_at AS TEXT) FROM user_tasks ORDER BY id`, func(r *sql.Rows) error {
			var t sourceTask
			err := r.Scan(&t.id, &t.userID, &t.date, &t.title, &t.description, &t.start, &t.duration, &t.status,
				&t.spent, &t.timerStart, &t.session, &t.lastSync, &t.created)
			d.tasks = append(d.tasks, t)
			return err
		}},
		{"daily_entries", `SELECT id, user_id, CAST(entry_date AS TEXT), CAST(notes AS TEXT) FROM daily_entries ORDER BY id`,
			func(r *sql.Rows) error {
				var n sourceDayNote
				err := r.Scan(&n.id, &n.userID, &n.date, &n.notes)
				d.dayNotes = append(d.dayNotes, n)
				return err
			}},
		{"user_notes", `SELECT id, user_id, CAST(entry_date AS TEXT), CAST(title AS TEXT), CAST(content AS TEXT),
			CAST(note_type AS TEXT), CAST(created_at AS TEXT), CAST(updated_at AS TEXT) FROM user_notes ORDER BY id`,
			func(r *sql.Rows) error {
				var n sourceNote
				err := r.Scan(&n.id, &n.userID, &n.date, &n.title, &n.content, &n.noteType, &n.created, &n.updated)
				d.notes = append(d.notes, n)
				return err
			}},
		{"activity_log", `SELECT id, user_id, CAST(message AS TEXT), CAST("timestamp" AS TEXT), task_db_id
			FROM activity_log ORDER BY id`, func(r *sql.Rows) error {
			var a sourceActivity
			err := r.Scan(&a.id, &a.userID, &a.message, &a.at, &a.taskID)
			d.activity = append(d.activity, a)
			return err
		}},
	}
}
