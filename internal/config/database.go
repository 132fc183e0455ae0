package config

// Reading and checking DATABASE_URL: PostgreSQL through the driver's own
// parser, SQLite as a file path.

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
)

// loadDatabaseURL reads DATABASE_URL (or DATABASE_URL_FILE) and checks its
// scheme. Error lines show the URL only in redacted form.
func (l *loader) loadDatabaseURL(production bool) string {
	raw, name, ok := l.secret("DATABASE_URL")
	if !ok {
		return ""
	}
	if raw == "" {
		if production {
			l.problem(name, "is required in production (a PostgreSQL URL such as postgresql://USER:PASSWORD@HOST:5432/DBNAME; a single-instance SQLite deployment may set DATABASE_URL=sqlite:///path/to/focusflow.db)")
		}
		return ""
	}
	if isSQLiteURL(raw) {
		if _, err := SQLitePathFromURL(raw); err != nil {
			l.problem(name, "%v", err)
			return ""
		}
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || RedactURL(raw) == unparsable {
		l.problem(name, "is not a valid URL (percent-encode special characters such as @ : / ? # %% in the user name and password)")
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "postgres", "postgresql":
	default:
		l.problem(name, "unsupported scheme %q in %s (use postgres://, postgresql:// or sqlite:///path/to/focusflow.db)", u.Scheme, RedactURL(raw))
		return ""
	}
	// The driver's own parser: a typo in a parameter (sslmode=requir, a
	// port out of range) stops the start here instead of being retried as
	// an outage.
	if _, err := pgx.ParseConfig(raw); err != nil {
		l.problem(name, "is not a valid PostgreSQL URL: %s", driverReason(err))
		return ""
	}
	if production && strings.EqualFold(u.Query().Get("sslmode"), "disable") {
		l.warn("DATABASE_URL has sslmode=disable in production: database traffic, including the password, is not encrypted")
	}
	return raw
}

// driverReason is what the driver found wrong, without the URL it quotes
// (masked as it is, it is not needed twice).
func driverReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "`: "); i >= 0 {
		return msg[i+3:]
	}
	return msg
}

// isSQLiteURL reports whether raw uses the sqlite: scheme (any case).
func isSQLiteURL(raw string) bool {
	return len(raw) >= len("sqlite:") && strings.EqualFold(raw[:len("sqlite:")], "sqlite:")
}

// SQLitePathFromURL extracts the file path from a sqlite URL (the scheme
// in any case). Accepted:
//
//	sqlite:///abs/path/focusflow.db   -> /abs/path/focusflow.db
//	sqlite:////abs/path/focusflow.db  -> /abs/path/focusflow.db (SQLAlchemy's spelling of an absolute path)
//	sqlite://rel/focusflow.db         -> rel/focusflow.db (relative to the working directory)
//	sqlite:rel/focusflow.db           -> rel/focusflow.db
//
// Query parameters, fragments and percent signs are refused: pragmas are
// the store's business, and the path is written as it is, never
// percent-encoded (SQLite would decode it in a file: URI). ":memory:" is
// refused too: an in-memory database would lose everything on restart.
// The error is a sentence fit to show as it is: a URL refused here is a
// mistake to fix, not an outage to wait for.
func SQLitePathFromURL(raw string) (string, error) {
	if !isSQLiteURL(raw) {
		return "", fmt.Errorf("%q is not a sqlite: URL (use sqlite:///path/to/focusflow.db)", RedactURL(raw))
	}
	p := raw[len("sqlite:"):]
	if strings.HasPrefix(p, "//") {
		p = p[2:]
		if strings.HasPrefix(p, "/") {
			p = "/" + strings.TrimLeft(p, "/")
		}
	}
	switch {
	case p == "" || p == "/":
		return "", errors.New("sqlite URL has no file path (use sqlite:///path/to/focusflow.db)")
	case strings.ContainsAny(p, "?#"):
		return "", fmt.Errorf("sqlite URL %q must not have query parameters or a fragment", raw)
	case strings.Contains(p, "%"):
		return "", fmt.Errorf("sqlite URL %q has a %%: write the file's path as it is, without percent-encoding", raw)
	case strings.Contains(p, ":memory:"):
		return "", errors.New("an in-memory SQLite database would lose all data on restart; use a file path")
	}
	return p, nil
}

// SQLitePath returns the SQLite file to use and true, or "" and false when
// DatabaseURL names PostgreSQL. With no DatabaseURL it is the default
// DATA_DIR/focusflow.db.
func (c *Config) SQLitePath() (string, bool) {
	if c.DatabaseURL == "" {
		return filepath.Join(c.DataDir, DefaultSQLiteFile), true
	}
	if !isSQLiteURL(c.DatabaseURL) {
		return "", false
	}
	p, err := SQLitePathFromURL(c.DatabaseURL)
	if err != nil {
		// Load refused such a URL; a hand-built Config gets no database.
		return "", false
	}
	return p, true
}

// DatabaseURLRedacted is DatabaseURL with any password masked, safe to log.
func (c *Config) DatabaseURLRedacted() string {
	if c.DatabaseURL == "" {
		return ""
	}
	return RedactURL(c.DatabaseURL)
}
