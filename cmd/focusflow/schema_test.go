package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// schemaVersions returns the site's schema version and the binary's.
func (s *dataSite) schemaVersions(t *testing.T) (have, want int) {
	t.Helper()
	have, want, err := s.store(t).SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return have, want
}

// setSchemaVersion makes schema_migrations claim version v, without
// touching the tables, as if another release had left the database there.
func (s *dataSite) setSchemaVersion(t *testing.T, v int) {
	t.Helper()
	_, w := s.store(t).Pools()
	if _, err := w.Exec(`DELETE FROM schema_migrations WHERE version > $1`, v); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`INSERT INTO schema_migrations (version, name, applied_at) SELECT $1, 'test', 0
		WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, v); err != nil {
		t.Fatal(err)
	}
}

// assertRefused checks that a command failed with exit status 1 and one
// line on stderr that holds every one of want.
func assertRefused(t *testing.T, args []string, code int, stderr string, want ...string) {
	t.Helper()
	if code != exitFail || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("focusflow %s: exit %d, want %d with one line on stderr; stderr:\n%s", strings.Join(args, " "), code, exitFail, stderr)
		return
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("focusflow %s: stderr %q lacks %q", strings.Join(args, " "), stderr, w)
		}
	}
}

// adminCommands are commands that only read or change records: they never
// touch the schema.
func adminCommands(t *testing.T) [][]string {
	dir := t.TempDir()
	return [][]string{
		{"user", "list"},
		{"user", "create", "alice", "alice@example.com"},
		{"user", "events", "alice"},
		{"user", "export", "alice", filepath.Join(dir, "alice.json")},
		{"user", "import", "alice", filepath.Join(dir, "alice.json")},
		{"session", "revoke", "--all"},
		{"backup", filepath.Join(dir, "backup")},
	}
}

func TestAdminCommandsRefuseEmptyDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			site := newDataSite(t, e)
			for _, args := range adminCommands(t) {
				if args[1] == "import" {
					// The file is read before the database is opened.
					os.WriteFile(args[3], []byte(`{}`), 0o600)
				}
				code, _, stderr := site.run(t, args...)
				assertRefused(t, args, code, stderr, "no FocusFlow schema yet", "run 'focusflow migrate' first")
				if args[0] == "backup" {
					if _, err := os.Stat(args[1]); err == nil {
						t.Error("a refused backup wrote its file")
					}
				}
			}
			if have, _ := site.schemaVersions(t); have != 0 {
				t.Errorf("an admin command migrated the database to version %d", have)
			}
		})
	}
}

func TestCommandsRefuseOutdatedSchema(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			site := newDataSite(t, e)
			if code, _, stderr := site.run(t, "migrate"); code != exitOK {
				t.Fatalf("migrate: exit %d: %s", code, stderr)
			}
			_, latest := site.schemaVersions(t)
			site.setSchemaVersion(t, latest-1)
			backupFile := filepath.Join(t.TempDir(), "backup")
			os.WriteFile(backupFile, []byte("never read"), 0o600)
			from := legacySQLiteFixture(t)
			loads := [][]string{
				{"restore", backupFile},
				{"restore", "--force", backupFile},
				{"import-legacy", "--from", from},
				{"import-legacy", "--from", from, "--dry-run"},
			}
			for _, args := range append(adminCommands(t), loads...) {
				if args[0] == "user" && args[1] == "import" {
					os.WriteFile(args[3], []byte(`{}`), 0o600)
				}
				code, _, stderr := site.run(t, args...)
				assertRefused(t, args, code, stderr, "run 'focusflow migrate' first")
			}
			if have, _ := site.schemaVersions(t); have != latest-1 {
				t.Errorf("a command moved the schema from %d to %d", latest-1, have)
			}

			// A database newer than the binary: every command says so.
			site.setSchemaVersion(t, latest+1)
			for _, args := range append(adminCommands(t), loads[0], loads[2]) {
				if args[0] == "user" && args[1] == "import" {
					os.WriteFile(args[3], []byte(`{}`), 0o600)
				}
				code, _, stderr := site.run(t, args...)
				assertRefused(t, args, code, stderr, "only knows up to", "older binary")
			}
		})
	}
}

func TestLoadCommandsCreateSchemaInEmptyDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := newBackupSite(t, e)
			src.seed(t, "alice")
			file := filepath.Join(t.TempDir(), "backup")
			if code, _, stderr := src.run(t, "backup", file); code != exitOK {
				t.Fatalf("backup: exit %d: %s", code, stderr)
			}
			dst := newDataSite(t, e)
			if code, _, stderr := dst.run(t, "restore", file); code != exitOK {
				t.Fatalf("restore into an empty database: exit %d: %s", code, stderr)
			}
			if have, want := dst.schemaVersions(t); have != want {
				t.Errorf("schema at %d after restore, want %d", have, want)
			}
			if code, out, stderr := dst.run(t, "user", "list"); code != exitOK || !strings.Contains(out, "alice") {
				t.Errorf("user list after restore: exit %d\n%s\n%s", code, out, stderr)
			}

			fresh := newDataSite(t, e)
			if code, _, stderr := fresh.run(t, "import-legacy", "--from", legacySQLiteFixture(t)); code != exitOK {
				t.Fatalf("import-legacy into an empty database: exit %d: %s", code, stderr)
			}
			if have, want := fresh.schemaVersions(t); have != want {
				t.Errorf("schema at %d after import-legacy, want %d", have, want)
			}
		})
	}
}

func TestServeMigratesEmptyDatabase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			site := newDataSite(t, e)
			vars := map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": ""}
			if site.opts.URL != "" {
				vars["DATABASE_URL"] = site.opts.URL
			} else {
				vars["DATA_DIR"] = filepath.Dir(site.sqlite)
			}
			_, stop := startServe(t, vars)
			if code := stop(); code != exitOK {
				t.Fatalf("serve exited %d", code)
			}
			if have, want := site.schemaVersions(t); have != want || have == 0 {
				t.Errorf("schema at %d after serve, want %d", have, want)
			}
			if code, out, stderr := site.run(t, "user", "list"); code != exitOK || !strings.Contains(out, "0 users") {
				t.Errorf("user list after serve: exit %d\n%s\n%s", code, out, stderr)
			}
		})
	}
}
