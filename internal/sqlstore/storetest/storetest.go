// Package storetest gives tests a fresh, migrated store on every engine:
// SQLite always, and PostgreSQL when FOCUSFLOW_TEST_DATABASE_URL is set.
// Each PostgreSQL store is a database of its own, created for the test and
// dropped after it, so tests never see each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore"
	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for the admin connection
)

// Engine is one database engine a test runs on.
type Engine struct {
	Name string
	// Open returns a fresh migrated store with the given clock (nil: real).
	Open func(t testing.TB, now func() time.Time) *sqlstore.DB
	// Options returns store options for a fresh, empty database (not yet
	// migrated) — for tests that drive the binary or Open themselves.
	Options func(t testing.TB) sqlstore.Options
}

// PostgresURL returns the test PostgreSQL URL, or "" when unset. When
// FOCUSFLOW_REQUIRE_POSTGRES is set (CI) a missing URL fails the test, so
// the PostgreSQL suite can never be skipped silently.
func PostgresURL(t testing.TB) string {
	u := os.Getenv("FOCUSFLOW_TEST_DATABASE_URL")
	if u == "" && os.Getenv("FOCUSFLOW_REQUIRE_POSTGRES") != "" {
		t.Fatal("FOCUSFLOW_REQUIRE_POSTGRES is set but FOCUSFLOW_TEST_DATABASE_URL is not")
	}
	return u
}

var skipOnce sync.Once

// Engines lists the engines to run on.
func Engines(t testing.TB) []Engine {
	engines := []Engine{{Name: "sqlite", Open: openSQLite, Options: sqliteOptions}}
	if PostgresURL(t) != "" {
		engines = append(engines, Engine{Name: "postgres", Open: openPostgres, Options: postgresOptions})
	} else {
		skipOnce.Do(func() {
			t.Log("FOCUSFLOW_TEST_DATABASE_URL not set: PostgreSQL variants of the store tests are skipped")
		})
	}
	return engines
}

// Run runs fn once per engine as subtests, each with a fresh store.
func Run(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.Open(t, nil)) })
	}
}

func sqliteOptions(t testing.TB) sqlstore.Options {
	return sqlstore.Options{SQLitePath: filepath.Join(t.TempDir(), "focusflow.db")}
}

func openSQLite(t testing.TB, now func() time.Time) *sqlstore.DB {
	opts := sqliteOptions(t)
	opts.Now = now
	return openAndMigrate(t, opts)
}

func postgresOptions(t testing.TB) sqlstore.Options {
	return sqlstore.Options{URL: CreateDatabase(t), MaxConns: 10}
}

func openPostgres(t testing.TB, now func() time.Time) *sqlstore.DB {
	opts := postgresOptions(t)
	opts.Now = now
	return openAndMigrate(t, opts)
}

// OpenAndMigrate opens a store with opts (from Options, adjusted) and
// migrates it; it closes when the test ends.
func OpenAndMigrate(t testing.TB, opts sqlstore.Options) *sqlstore.DB { return openAndMigrate(t, opts) }

func openAndMigrate(t testing.TB, opts sqlstore.Options) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// CreateDatabase creates an empty PostgreSQL database for one test, drops
// it when the test ends, and returns its URL (same server, same route —
// through the pooler when the base URL points at one).
func CreateDatabase(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	if base == "" {
		t.Skip("FOCUSFLOW_TEST_DATABASE_URL not set: skipping PostgreSQL test")
	}
	var b [6]byte
	rand.Read(b[:])
	name := "focusflow_t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base+sep(base)+"default_query_exec_mode=exec")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base+sep(base)+"default_query_exec_mode=exec")
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func sep(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.RawQuery != "" {
		return "&"
	}
	return "?"
}

// SameDatabase is base (another route to the same server: the direct one
// behind a pooler, say) pointed at the database of dbURL.
func SameDatabase(t testing.TB, base, dbURL string) string {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	d, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	b.Path = d.Path
	return b.String()
}

// Raw opens a plain database/sql handle on the store's database, for
// checks the store has no query for. On PostgreSQL it uses the exec mode,
// so no prepared statement outlives its transaction and it also works
// through a transaction-mode pooler.
func Raw(tb testing.TB, opts sqlstore.Options) *sql.DB {
	tb.Helper()
	var raw *sql.DB
	var err error
	if opts.URL != "" {
		raw, err = sql.Open("pgx", ExecMode(opts.URL))
	} else {
		raw, err = sql.Open("sqlite", "file:"+opts.SQLitePath+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

// ExecMode is a PostgreSQL URL that makes pgx send every statement
// unprepared, as FocusFlow does by default.
func ExecMode(u string) string {
	return u + sep(u) + "default_query_exec_mode=exec"
}
