package main

import (
	"bytes"
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// dataSite is a configured FocusFlow on a fresh database of one engine,
// driven through run() as the binary would be.
type dataSite struct {
	env    env
	opts   sqlstore.Options
	sqlite string // the SQLite file, "" on PostgreSQL
	stdin  string
}

func newDataSite(t *testing.T, e storetest.Engine) *dataSite {
	t.Helper()
	vars := map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": "", "LOG_LEVEL": "ERROR"}
	s := &dataSite{opts: e.Options(t)}
	if s.opts.URL != "" {
		vars["DATABASE_URL"] = s.opts.URL
	} else {
		s.sqlite = filepath.Join(vars["DATA_DIR"], "focusflow.db")
		s.opts.SQLitePath = s.sqlite
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	readFile := func(name string) ([]byte, error) {
		if name == ".env" {
			return nil, fs.ErrNotExist
		}
		return os.ReadFile(name)
	}
	s.env = env{lookup: lookup, readFile: readFile}
	return s
}

func (s *dataSite) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := s.env
	e.stdin = strings.NewReader(s.stdin)
	code := run(context.Background(), args, e, &out, &errOut)
	return code, out.String(), errOut.String()
}

func (s *dataSite) store(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), s.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// legacySQLiteFixture writes the original's SQLite file from the
// importer's fixtures and returns its --from URL.
func legacySQLiteFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "original.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, f := range []string{"sqlite_schema.sql", "rows.sql", "sqlite_extra.sql"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "internal", "legacyimport", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range strings.Split(string(b), ";\n") {
			if strings.TrimSpace(st) != "" {
				if _, err := db.Exec(st); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return "sqlite://" + path
}

func TestImportLegacyCommand(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			site := newDataSite(t, e)
			from := legacySQLiteFixture(t)

			code, stdout, _ := site.run(t, "import-legacy", "--help")
			if code != exitOK || !strings.Contains(stdout, "--from") || !strings.Contains(stdout, "--dry-run") {
				t.Errorf("--help: exit %d\n%s", code, stdout)
			}
			for _, bad := range [][]string{
				{"import-legacy"},
				{"import-legacy", "--from", from, "--timezone", "Mars/Base"},
				{"import-legacy", "--from", from, "extra"},
				{"import-legacy", "--from", from, "--source-timezone", "Mars/Base"},
				{"import-legacy", "--from", from, "--database-timezone", "+02:00"},
				// URLs that cannot be read: refused at once, never waited for.
				{"import-legacy", "--from", "sqlite:///srv/my%20data/focus_flow.db"},
				{"import-legacy", "--from", "sqlite://"},
				{"import-legacy", "--from", "mysql://db.invalid/ff"},
				{"import-legacy", "--from", "postgres://u:p@ss@db.invalid:99999/ff"},
			} {
				start := time.Now()
				if code, _, stderr := site.run(t, bad...); code != exitConfig || stderr == "" || time.Since(start) > 5*time.Second {
					t.Errorf("%q: exit %d after %s, stderr %q", bad, code, time.Since(start), stderr)
				} else if len(bad) == 3 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
					t.Errorf("%q: more than one line: %q", bad, stderr)
				}
			}
			if code, _, stderr := site.run(t, "import-legacy", "--from", "sqlite:///no/such/file.db"); code != exitFail ||
				!strings.Contains(stderr, "no such file") {
				t.Errorf("missing source: exit %d, %s", code, stderr)
			}

			// A dry run against a database that does not exist yet: the
			// whole report, and no database created.
			code, stdout, stderr := site.run(t, "import-legacy", "--from", from, "--timezone", "Europe/Paris", "--dry-run")
			if code != exitOK || !strings.Contains(stdout, "DRY RUN") || !strings.Contains(stdout, "Summary (dry run") ||
				!strings.Contains(stdout, `username "bob" differs only by case`) || !strings.Contains(stdout, "✓") {
				t.Fatalf("dry run: exit %d\n%s\n%s", code, stdout, stderr)
			}
			if strings.Contains(stdout+stderr, "\r") {
				t.Error("a progress bar was drawn on a pipe")
			}
			if site.sqlite != "" {
				if _, err := os.Stat(site.sqlite); err == nil {
					t.Error("the dry run created the database file")
				}
			} else if have, _, err := site.store(t).SchemaVersion(context.Background()); err != nil || have != 0 {
				t.Errorf("the dry run migrated the database: version %d, %v", have, err)
			}

			code, stdout, stderr = site.run(t, "import-legacy", "--from", from, "--timezone", "Europe/Paris")
			if code != exitOK || !strings.Contains(stdout, "6 users (6 new, 0 updated, 0 unchanged)") || strings.Contains(stdout, "DRY RUN") {
				t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
			}
			db := site.store(t)
			u, hash, err := db.UserByLogin(context.Background(), "alice")
			if err != nil || u.Timezone != "Europe/Paris" {
				t.Fatalf("alice: %+v %v", u, err)
			}
			h := auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1, time.Second)
			if ok, _, _ := h.Verify(context.Background(), hash, "alice-old-pass-1"); !ok {
				t.Error("alice's old password does not verify")
			}

			// Run again, and dry-run again: nothing new.
			for _, args := range [][]string{{"--dry-run"}, nil} {
				code, stdout, _ = site.run(t, append([]string{"import-legacy", "--from", from, "--timezone", "Europe/Paris"}, args...)...)
				if code != exitOK || !strings.Contains(stdout, "6 users (0 new, 0 updated, 6 unchanged)") {
					t.Errorf("run again %v: exit %d\n%s", args, code, stdout)
				}
			}
		})
	}
}
