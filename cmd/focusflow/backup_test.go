package main

import (
	"bytes"
	"context"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/backup"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// backupSecret is a password put into the PostgreSQL URL (the test server
// does not ask for one) to prove that no command prints it.
const backupSecret = "n0t-to-be-pr1nted"

// backupSite is one configured FocusFlow: its environment and the store
// options that reach the same database, for seeding and checking.
type backupSite struct {
	env  env
	opts sqlstore.Options
}

// newBackupSite gives a fresh, empty database of engine e: SQLite at the
// default DATA_DIR/focusflow.db, or a PostgreSQL database of its own.
func newBackupSite(t *testing.T, e storetest.Engine) *backupSite {
	t.Helper()
	vars := map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": ""}
	opts := e.Options(t)
	if opts.URL != "" {
		u, err := url.Parse(opts.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(u.User.Username(), backupSecret)
		vars["DATABASE_URL"] = u.String()
	} else {
		opts.SQLitePath = filepath.Join(vars["DATA_DIR"], "focusflow.db")
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	readFile := func(name string) ([]byte, error) {
		if name == ".env" {
			return nil, fs.ErrNotExist // no stray .env from the working directory
		}
		return os.ReadFile(name)
	}
	return &backupSite{env: env{lookup: lookup, stdin: strings.NewReader(""), readFile: readFile}, opts: opts}
}

// run runs focusflow with args against the site.
func (s *backupSite) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, s.env, &out, &errOut)
	if strings.Contains(out.String()+errOut.String(), backupSecret) {
		t.Errorf("focusflow %s printed the database password", strings.Join(args, " "))
	}
	return code, out.String(), errOut.String()
}

func (s *backupSite) store(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), s.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seedSite migrates the site and adds a user with an event.
func (s *backupSite) seed(t *testing.T, name string) {
	t.Helper()
	if code, _, stderr := s.run(t, "migrate"); code != exitOK {
		t.Fatalf("migrate: exit %d: %s", code, stderr)
	}
	ctx := context.Background()
	db := s.store(t)
	u := &focusflow.User{Username: name, Email: name + "@example.com", Timezone: "Europe/Paris"}
	if err := db.CreateUser(ctx, u, "$argon2id$hash"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordEvent(ctx, focusflow.SecurityEvent{Kind: "login", UserID: u.ID, Detail: "première ✓"}); err != nil {
		t.Fatal(err)
	}
}

func (s *backupSite) hasUser(t *testing.T, name string) bool {
	t.Helper()
	_, _, err := s.store(t).UserByLogin(context.Background(), name)
	return err == nil
}

func TestBackupAndRestoreCommands(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := newBackupSite(t, e)
			src.seed(t, "alice")
			file := filepath.Join(t.TempDir(), "focusflow.backup")

			code, stdout, stderr := src.run(t, "backup", file)
			if code != exitOK || !strings.Contains(stdout, "backup: wrote "+file) || !strings.Contains(stdout, "rows") {
				t.Fatalf("backup: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
			}
			// Not a terminal: no progress line, only the summary.
			if strings.Contains(stdout+stderr, "\r") {
				t.Errorf("progress was drawn on a non-terminal: %q", stderr)
			}

			code, _, stderr = src.run(t, "backup", file)
			if code != exitFail || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "--force") {
				t.Errorf("backup over an existing file: exit %d, stderr %s", code, stderr)
			}
			for _, args := range [][]string{{"backup", "--force", file}, {"backup", file, "--force"}} {
				if code, _, stderr := src.run(t, args...); code != exitOK {
					t.Errorf("%v: exit %d, stderr %s", args, code, stderr)
				}
			}

			// The source holds data: restore refuses without --force.
			code, _, stderr = src.run(t, "restore", file)
			if code != exitFail || !strings.Contains(stderr, "already holds data") || !strings.Contains(stderr, "--force") {
				t.Errorf("restore into a non-empty database: exit %d, stderr %s", code, stderr)
			}

			// Into a new, empty database.
			dst := newBackupSite(t, e)
			code, stdout, stderr = dst.run(t, "restore", file)
			if code != exitOK || !strings.Contains(stdout, "restore: loaded "+file) {
				t.Fatalf("restore: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
			}
			if !dst.hasUser(t, "alice") {
				t.Error("alice is missing after restore")
			}

			// --force replaces what is there.
			other := newBackupSite(t, e)
			other.seed(t, "bob")
			if code, _, stderr := other.run(t, "restore", "--force", file); code != exitOK {
				t.Fatalf("restore --force: exit %d, stderr %s", code, stderr)
			}
			if !other.hasUser(t, "alice") || other.hasUser(t, "bob") {
				t.Error("restore --force did not replace the data")
			}
		})
	}
}

func TestRestoreCommandRejectsCorruptBackup(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := newBackupSite(t, e)
			src.seed(t, "alice")
			file := filepath.Join(t.TempDir(), "backup")
			if code, _, stderr := src.run(t, "backup", "--format", "dump", file); code != exitOK {
				t.Fatalf("backup: exit %d: %s", code, stderr)
			}
			data, _ := os.ReadFile(file)
			if err := os.WriteFile(file, data[:len(data)/2], 0o600); err != nil {
				t.Fatal(err)
			}
			dst := newBackupSite(t, e)
			dst.seed(t, "bob")
			code, _, stderr := dst.run(t, "restore", "--force", file)
			if code != exitFail || !strings.Contains(stderr, "not a valid FocusFlow backup") || !strings.Contains(stderr, "Nothing was changed") {
				t.Errorf("restore of a truncated backup: exit %d, stderr %s", code, stderr)
			}
			if !dst.hasUser(t, "bob") || dst.hasUser(t, "alice") {
				t.Error("a failed restore changed the data")
			}
		})
	}
}

// A dump taken on SQLite restores into PostgreSQL: the way to move.
func TestBackupCommandDumpMovesSQLiteToPostgres(t *testing.T) {
	engines := storetest.Engines(t)
	if len(engines) < 2 {
		t.Skip("FOCUSFLOW_TEST_DATABASE_URL not set: this test needs PostgreSQL too")
	}
	src := newBackupSite(t, engines[0])
	src.seed(t, "alice")
	file := filepath.Join(t.TempDir(), "move.dump")
	if code, _, stderr := src.run(t, "backup", "--format", "dump", file); code != exitOK {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	dst := newBackupSite(t, engines[1])
	if code, _, stderr := dst.run(t, "restore", file); code != exitOK {
		t.Fatalf("restore: exit %d: %s", code, stderr)
	}
	if !dst.hasUser(t, "alice") {
		t.Error("alice did not move")
	}
}

func TestBackupCommandUsage(t *testing.T) {
	site := newBackupSite(t, storetest.Engines(t)[0])
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		args       []string
		code       int
		out, errOu string
	}{
		{[]string{"backup", "--help"}, exitOK, "Usage: focusflow backup", ""},
		{[]string{"restore", "--help"}, exitOK, "Usage: focusflow restore", ""},
		{[]string{"backup"}, exitConfig, "", "FILE is required"},
		{[]string{"backup", "a", "b"}, exitConfig, "", "expected one FILE"},
		{[]string{"backup", "--format", "xml", "x"}, exitConfig, "", "unknown --format"},
		{[]string{"backup", "--bogus", "x"}, exitConfig, "", "flag provided but not defined"},
		{[]string{"restore"}, exitConfig, "", "FILE is required"},
		{[]string{"restore", missing}, exitFail, "", "no such file"},
	}
	for _, tt := range tests {
		code, stdout, stderr := site.run(t, tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.out) || !strings.Contains(stderr, tt.errOu) {
			t.Errorf("focusflow %s: exit %d, want %d\nstdout %s\nstderr %s", strings.Join(tt.args, " "), code, tt.code, stdout, stderr)
		}
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progressLine{w: &buf, verb: "backup", tty: true}
	p.update(backup.Progress{Phase: "dump", Table: "users", TableRows: 1234, TableTotal: 5000, Rows: 1234, TotalRows: 1234567})
	p.update(backup.Progress{Phase: "dump", Table: "users", TableRows: 5000, TableTotal: 5000, Rows: 1234567, TotalRows: 1234567})
	p.clear()
	got := buf.String()
	for _, want := range []string{
		"\rbackup: dump users 1,234/5,000 rows, 1,234/1,234,567 rows in all",
		"\rbackup: dump users 5,000/5,000 rows, 1,234,567/1,234,567 rows in all", // the last one is always drawn
	} {
		if !strings.Contains(got, want) {
			t.Errorf("progress output %q lacks %q", got, want)
		}
	}
	if !strings.HasSuffix(got, "\r") || strings.Contains(got, "\n") {
		t.Errorf("progress line is not cleared in place: %q", got)
	}

	buf.Reset()
	quiet := &progressLine{w: &buf, verb: "backup"}
	quiet.update(backup.Progress{Phase: "copy", Bytes: 10, TotalBytes: 100})
	quiet.clear()
	if buf.Len() != 0 {
		t.Errorf("progress drawn on a non-terminal: %q", buf.String())
	}

	for _, tt := range []struct {
		p    backup.Progress
		want string
	}{
		{backup.Progress{Phase: "copy", Bytes: 3 << 20, TotalBytes: 12 << 20}, "backup: copy 3.0 MiB of about 12.0 MiB (25%)"},
		{backup.Progress{Phase: "verify"}, "backup: verify …"},
		{backup.Progress{Phase: "load", Bytes: 512}, "backup: load 512 bytes"},
	} {
		if got := formatProgress("backup", tt.p); got != tt.want {
			t.Errorf("formatProgress(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}
