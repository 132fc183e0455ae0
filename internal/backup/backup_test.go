package backup_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/backup"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for the raw connections
)

// testDB is a store plus a raw connection to the same database, for
// seeding and comparing rows without going through the code under test.
type testDB struct {
	engine string
	store  *sqlstore.DB
	raw    *sql.DB
}

// newTestDB opens a fresh database of engine e; migrated or left empty.
func newTestDB(t testing.TB, e storetest.Engine, migrate bool) *testDB {
	t.Helper()
	ctx := context.Background()
	opts := e.Options(t)
	store, err := sqlstore.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if migrate {
		if _, err := store.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	raw := storetest.Raw(t, opts)
	raw.SetMaxOpenConns(2)
	return &testDB{engine: e.Name, store: store, raw: raw}
}

func (d *testDB) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := d.raw.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// seed inserts realistic rows, with the awkward values a backup must keep:
// non-ASCII text, quotes and control characters, NULLs, booleans, int64
// extremes and large millisecond timestamps. Ids are explicit, so restoring
// them also tests that PostgreSQL's identity sequences are moved on.
func seed(t testing.TB, d *testDB, events int) {
	t.Helper()
	const far = int64(253402300799999) // 9999-12-31T23:59:59.999Z in ms
	users := []struct {
		id                int64
		name, email, zone string
		focus             bool
		goal, limit       int64
		created           int64
		lastLogin, locked any
	}{
		{1, "alice", "alice@example.com", "Europe/Berlin", true, 7200000, 14400000, 1700000000123, int64(1700000100456), nil},
		{2, "Zoë 🍅 \"O'Brien\" \\ 東京", "zoë@例え.jp", "Asia/Tokyo", false, 0, math.MaxInt64, far, nil, int64(-1)},
		{3, "tab\tnew\nline\u2028\x01", "c@example.org", "America/New_York", false, 1, 1, 0, int64(math.MinInt64), far},
	}
	for _, u := range users {
		d.exec(t, `INSERT INTO users (id, username, username_key, email, email_key, password_hash, timezone, theme,
			focus_mode, daily_goal_ms, timer_cap_ms, created_at, last_login_at, locked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'dark', $8, $9, $10, $11, $12, $13)`,
			u.id, u.name, strings.ToLower(u.name), u.email, strings.ToLower(u.email),
			"$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", u.zone, u.focus, u.goal, u.limit, u.created, u.lastLogin, u.locked)
	}
	d.exec(t, `INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, idle_timeout_ms, remember, last_seen_at, ip, user_agent)
		VALUES (10, 'h1', 1, 1700000000000, $1, 7200000, TRUE, 1700000000001, '::1', 'Mozilla/5.0 (X11; Linux) 🦊'),
		       (11, 'h2', 2, 1700000000000, 1700000000002, 0, FALSE, 1700000000000, '203.0.113.7', '')`, far)
	d.exec(t, `INSERT INTO login_failures (login_key, failures, first_failed_at, last_failed_at)
		VALUES ('zoë', 3, 1700000000000, 1700000005000), ('nobody@example.com', 2147483647, 0, $1)`, far)
	for i := range events {
		var userID, aggKey any
		if i%3 != 0 {
			userID = int64(i%3 + 0)
		}
		if i%5 == 0 {
			aggKey = fmt.Sprintf("agg-%d", i)
		}
		d.exec(t, `INSERT INTO security_events (id, at, kind, user_id, user_ref, login, ip, user_agent, detail, count, agg_key)
			VALUES ($1, $2, $3, $4, $5, $6, '198.51.100.1', 'curl/8', $7, $8, $9)`,
			int64(i+1), 1700000000000+int64(i), []string{"login_failed", "login", "password_changed"}[i%3],
			userID, fmt.Sprintf("ref-%d", i), "zoë", fmt.Sprintf("détail №%d — ✓", i), int64(i%7+1), aggKey)
	}
}

// snapshot reads every table of the database (found from the catalog, as
// a later migration may add some) into sorted, printable rows. Booleans
// print as 0/1 so that engines compare; schema_migrations keeps only the
// versions (applied_at is the target's own).
func snapshot(t testing.TB, d *testDB) map[string][]string {
	t.Helper()
	// Ordinary tables: an FTS index (a virtual table and its shadow
	// tables) is derived from them.
	q := `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	if d.engine == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	tables := queryList(t, d.raw, q)
	out := make(map[string][]string, len(tables))
	for _, table := range tables {
		q := `SELECT * FROM "` + table + `"`
		if table == "schema_migrations" {
			q = `SELECT version, name FROM schema_migrations`
		}
		rows, err := d.raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		list := []string{}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if cols[i] == "search_vector" {
					continue // PostgreSQL's generated search vector: derived, and PostgreSQL's alone
				}
				switch x := v.(type) {
				case bool:
					v = map[bool]int64{false: 0, true: 1}[x]
				case []byte:
					v = fmt.Sprintf("bytes:%x", x)
				case time.Time:
					v = x.UTC().Format(time.RFC3339Nano)
				}
				fmt.Fprintf(&b, "%s=%#v ", cols[i], v)
			}
			list = append(list, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(list)
		out[table] = list
	}
	return out
}

func queryList(t testing.TB, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func assertSameRows(t testing.TB, want, got map[string][]string) {
	t.Helper()
	for table, rows := range want {
		g, ok := got[table]
		if !ok {
			t.Errorf("table %s is missing after restore", table)
			continue
		}
		if !slices.Equal(rows, g) {
			t.Errorf("table %s differs after restore:\nwant %d rows %q\n got %d rows %q", table, len(rows), head(rows), len(g), head(g))
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			t.Errorf("restore made an unexpected table %s", table)
		}
	}
}

func head(rows []string) []string { return rows[:min(len(rows), 3)] }

func formatsFor(engine string) []backup.Format {
	if engine == "sqlite" {
		return []backup.Format{backup.FormatSQLite, backup.FormatDump}
	}
	return []backup.Format{backup.FormatDump}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		for _, format := range formatsFor(e.Name) {
			t.Run(e.Name+"/"+string(format), func(t *testing.T) {
				src := newTestDB(t, e, true)
				seed(t, src, 1234) // more than one insert batch
				want := snapshot(t, src)

				var phases sync.Map
				path := filepath.Join(t.TempDir(), "focusflow.backup")
				sum, err := backup.Write(ctx, src.store, path, backup.Options{Format: format,
					Progress: func(p backup.Progress) { phases.Store(p.Phase, true) }})
				if err != nil {
					t.Fatalf("backup: %v", err)
				}
				if sum.Format != format || sum.Engine != e.Name || sum.SchemaVersion == 0 || sum.Bytes == 0 {
					t.Errorf("summary %+v", sum)
				}
				if got := rowsIn(sum, "security_events"); got != 1234 {
					t.Errorf("summary counts %d security events, want 1234", got)
				}
				if _, ok := phases.Load("verify"); !ok {
					t.Error("no verify progress reported")
				}
				if leftovers, _ := filepath.Glob(path + ".tmp-*"); len(leftovers) > 0 {
					t.Errorf("temporary files left: %v", leftovers)
				}

				// Into a brand-new database: restore migrates it first.
				dst := newTestDB(t, e, false)
				var last backup.Progress
				rsum, err := backup.Restore(ctx, dst.store, path, backup.RestoreOptions{
					Progress: func(p backup.Progress) { last = p }})
				if err != nil {
					t.Fatalf("restore: %v", err)
				}
				if rsum.SchemaVersion != sum.SchemaVersion || rsum.Rows != sum.Rows {
					t.Errorf("restore summary %+v, backup summary %+v", rsum, sum)
				}
				if last.Phase != "load" {
					t.Errorf("last progress %+v", last)
				}
				assertSameRows(t, want, snapshot(t, dst))

				// The restored database works: ids continue after the
				// restored ones (PostgreSQL sequences were moved on).
				u := &focusflow.User{Username: "newcomer", Email: "new@example.com"}
				if err := dst.store.CreateUser(ctx, u, "hash"); err != nil {
					t.Fatalf("create user after restore: %v", err)
				}
				if u.ID <= 3 {
					t.Errorf("new user got id %d, colliding with restored ids", u.ID)
				}
				if err := dst.store.RecordEvent(ctx, focusflow.SecurityEvent{Kind: "login", UserID: u.ID}); err != nil {
					t.Fatalf("record event after restore: %v", err)
				}
			})
		}
	}
}

func rowsIn(sum *backup.Summary, table string) int64 {
	for _, tr := range sum.Tables {
		if tr.Name == table {
			return tr.Rows
		}
	}
	return -1
}

// A dump restores into the other engine too: the way from SQLite to
// PostgreSQL (and back).
func TestDumpRestoresAcrossEngines(t *testing.T) {
	engines := storetest.Engines(t)
	if len(engines) < 2 {
		t.Skip("FOCUSFLOW_TEST_DATABASE_URL not set: this test needs PostgreSQL too")
	}
	ctx := context.Background()
	for _, pair := range [][2]storetest.Engine{{engines[0], engines[1]}, {engines[1], engines[0]}} {
		for _, format := range formatsFor(pair[0].Name) {
			t.Run(pair[0].Name+"-to-"+pair[1].Name+"/"+string(format), func(t *testing.T) {
				src := newTestDB(t, pair[0], true)
				seed(t, src, 700)
				path := filepath.Join(t.TempDir(), "backup")
				if _, err := backup.Write(ctx, src.store, path, backup.Options{Format: format}); err != nil {
					t.Fatalf("backup: %v", err)
				}
				dst := newTestDB(t, pair[1], false)
				if _, err := backup.Restore(ctx, dst.store, path, backup.RestoreOptions{}); err != nil {
					t.Fatalf("restore: %v", err)
				}
				assertSameRows(t, snapshot(t, src), snapshot(t, dst))
				u, _, err := dst.store.UserByLogin(ctx, "alice")
				if err != nil || !u.FocusMode || u.TimerCap != 14400000*time.Millisecond {
					t.Errorf("alice after restore: %+v, %v", u, err)
				}
			})
		}
	}
}

func TestRestoreRefusesNonEmptyDatabaseUnlessForced(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		for _, format := range formatsFor(e.Name) {
			t.Run(e.Name+"/"+string(format), func(t *testing.T) {
				src := newTestDB(t, e, true)
				seed(t, src, 50)
				path := filepath.Join(t.TempDir(), "backup")
				if _, err := backup.Write(ctx, src.store, path, backup.Options{Format: format}); err != nil {
					t.Fatalf("backup: %v", err)
				}

				dst := newTestDB(t, e, true)
				dst.exec(t, `INSERT INTO users (id, username, username_key, email, email_key, password_hash, created_at)
					VALUES (7, 'mallory', 'mallory', 'm@example.com', 'm@example.com', 'h', 1)`)
				dst.exec(t, `INSERT INTO login_failures (login_key, failures, first_failed_at, last_failed_at) VALUES ('alice', 1, 1, 1)`)
				before := snapshot(t, dst)
				_, err := backup.Restore(ctx, dst.store, path, backup.RestoreOptions{})
				var ne *backup.NotEmptyError
				if !errors.As(err, &ne) || !slices.Contains(ne.Tables, "users") || !slices.Contains(ne.Tables, "login_failures") {
					t.Fatalf("restore into a non-empty database: %v, want NotEmptyError naming users and login_failures", err)
				}
				assertSameRows(t, before, snapshot(t, dst))

				if _, err := backup.Restore(ctx, dst.store, path, backup.RestoreOptions{Force: true}); err != nil {
					t.Fatalf("forced restore: %v", err)
				}
				assertSameRows(t, snapshot(t, src), snapshot(t, dst))
			})
		}
	}
}

// corruptions turn a good backup file into a bad one.
var corruptions = []struct {
	name    string
	formats []backup.Format
	spoil   func(t *testing.T, data []byte) []byte
}{
	{"truncated", nil, func(t *testing.T, b []byte) []byte { return b[:len(b)*2/3] }},
	{"empty", nil, func(t *testing.T, b []byte) []byte { return nil }},
	{"not a backup", nil, func(t *testing.T, b []byte) []byte { return []byte("id,username\n1,alice\n") }},
	{"flipped bytes in the dump", []backup.Format{backup.FormatDump}, func(t *testing.T, b []byte) []byte {
		b = slices.Clone(b)
		for i := len(b) / 2; i < len(b)/2+8; i++ {
			b[i] ^= 0x55
		}
		return b
	}},
	{"gzip but not a dump", []backup.Format{backup.FormatDump}, func(t *testing.T, b []byte) []byte {
		return gzipBytes(t, []byte(`{"hello":"world"}`+"\n"))
	}},
	{"rows missing", []backup.Format{backup.FormatDump}, func(t *testing.T, b []byte) []byte {
		return editDump(t, b, func(lines []string) []string {
			for i, l := range lines {
				if strings.HasPrefix(l, "[") {
					return slices.Delete(lines, i, i+1)
				}
			}
			t.Fatal("no row in dump")
			return nil
		})
	}},
	{"no end marker", []backup.Format{backup.FormatDump}, func(t *testing.T, b []byte) []byte {
		return editDump(t, b, func(lines []string) []string { return lines[:len(lines)-1] })
	}},
	{"newer dump format", []backup.Format{backup.FormatDump}, func(t *testing.T, b []byte) []byte {
		return editDump(t, b, func(lines []string) []string {
			lines[0] = strings.Replace(lines[0], `"version":1`, `"version":2`, 1)
			return lines
		})
	}},
	{"damaged pages", []backup.Format{backup.FormatSQLite}, func(t *testing.T, b []byte) []byte {
		b = slices.Clone(b)
		// Leave the header page alone and scramble a stretch of b-tree
		// pages behind it.
		for i := 4096; i < min(len(b), 4096*6); i++ {
			b[i] = byte(i * 7)
		}
		return b
	}},
}

func TestRestoreRejectsCorruptBackupAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		for _, format := range formatsFor(e.Name) {
			src := newTestDB(t, e, true)
			seed(t, src, 300)
			good := filepath.Join(t.TempDir(), "good")
			if _, err := backup.Write(ctx, src.store, good, backup.Options{Format: format}); err != nil {
				t.Fatalf("backup: %v", err)
			}
			data, err := os.ReadFile(good)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range corruptions {
				if c.formats != nil && !slices.Contains(c.formats, format) {
					continue
				}
				t.Run(e.Name+"/"+string(format)+"/"+c.name, func(t *testing.T) {
					bad := filepath.Join(t.TempDir(), "bad")
					if err := os.WriteFile(bad, c.spoil(t, data), 0o600); err != nil {
						t.Fatal(err)
					}
					// Even with --force, a bad file must leave the data alone.
					dst := newTestDB(t, e, true)
					dst.exec(t, `INSERT INTO users (id, username, username_key, email, email_key, password_hash, created_at)
						VALUES (7, 'keep', 'keep', 'k@example.com', 'k@example.com', 'h', 1)`)
					before := snapshot(t, dst)
					_, err := backup.Restore(ctx, dst.store, bad, backup.RestoreOptions{Force: true})
					var ib *backup.InvalidError
					if !errors.As(err, &ib) {
						t.Fatalf("restore of a %s backup: %v, want InvalidBackupError", c.name, err)
					}
					assertSameRows(t, before, snapshot(t, dst))

					// A fresh database is not even migrated.
					fresh := newTestDB(t, e, false)
					if _, err := backup.Restore(ctx, fresh.store, bad, backup.RestoreOptions{}); !errors.As(err, &ib) {
						t.Fatalf("restore into a fresh database: %v", err)
					}
					if have, _, err := fresh.store.SchemaVersion(ctx); err != nil || have != 0 {
						t.Errorf("fresh database at schema %d after a refused restore (%v)", have, err)
					}
				})
			}
		}
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// editDump rewrites a dump's lines and compresses it again (a valid gzip
// whose content is wrong).
func editDump(t *testing.T, b []byte, edit func([]string) []string) []byte {
	lines := dumpLines(t, b)
	return gzipBytes(t, []byte(strings.Join(edit(lines), "\n")+"\n"))
}

func dumpLines(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(plain), "\n"), "\n")
}

func TestRestoreRefusesOtherSchemaVersion(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := newTestDB(t, e, true)
			seed(t, src, 5)
			path := filepath.Join(t.TempDir(), "backup")
			sum, err := backup.Write(ctx, src.store, path, backup.Options{Format: backup.FormatDump})
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			for _, v := range []int{sum.SchemaVersion + 1, sum.SchemaVersion - 1} {
				edited := editDump(t, data, func(lines []string) []string {
					lines[0] = strings.Replace(lines[0], fmt.Sprintf(`"schema_version":%d`, sum.SchemaVersion),
						fmt.Sprintf(`"schema_version":%d`, v), 1)
					return lines
				})
				other := filepath.Join(t.TempDir(), "other")
				os.WriteFile(other, edited, 0o600)
				dst := newTestDB(t, e, false)
				_, err := backup.Restore(ctx, dst.store, other, backup.RestoreOptions{})
				var ve *backup.VersionError
				if !errors.As(err, &ve) || ve.Backup != v || ve.Binary != sum.SchemaVersion {
					t.Errorf("restore of a schema-%d dump: %v, want BackupVersionError", v, err)
				}
			}
		})
	}
}

func TestBackupKeepsExistingFileUnlessOverwrite(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := newTestDB(t, e, true)
			dir := t.TempDir()
			path := filepath.Join(dir, "backup")
			os.WriteFile(path, []byte("precious"), 0o600)
			_, err := backup.Write(ctx, src.store, path, backup.Options{})
			if !errors.Is(err, fs.ErrExist) {
				t.Fatalf("backup over an existing file: %v, want ErrExist", err)
			}
			if b, _ := os.ReadFile(path); string(b) != "precious" {
				t.Fatal("existing file was changed")
			}
			if _, err := backup.Write(ctx, src.store, path, backup.Options{Overwrite: true}); err != nil {
				t.Fatalf("backup with overwrite: %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("directory holds %d files, want only the backup", len(entries))
			}
			if e.Name == "postgres" {
				if _, err := backup.Write(ctx, src.store, path+"2", backup.Options{Format: backup.FormatSQLite}); err == nil {
					t.Error("a SQLite-format backup of PostgreSQL succeeded")
				}
			}
		})
	}
}

// A backup taken while another connection keeps writing is one consistent
// snapshot: every write transaction adds a user and a session together, so
// a backup that caught half a transaction would count them differently.
func TestBackupWhileWritingIsConsistent(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		for _, format := range formatsFor(e.Name) {
			t.Run(e.Name+"/"+string(format), func(t *testing.T) {
				src := newTestDB(t, e, true)
				seed(t, src, 2000)
				var written atomic.Int64
				stop := make(chan struct{})
				var wg sync.WaitGroup
				var writeErr error
				wg.Go(func() {
					for i := int64(100); ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						tx, err := src.raw.Begin()
						if err == nil {
							_, err = tx.Exec(`INSERT INTO users (id, username, username_key, email, email_key, password_hash, created_at)
								VALUES ($1, $2, $2, $2, $2, 'h', 1)`, i, fmt.Sprintf("user%d", i))
						}
						if err == nil {
							_, err = tx.Exec(`INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, idle_timeout_ms, last_seen_at)
								VALUES ($1, $2, $3, 1, 2, 3, 4)`, i+1000, fmt.Sprintf("tok%d", i), i)
						}
						if err == nil {
							err = tx.Commit()
						} else {
							tx.Rollback()
						}
						if err != nil {
							writeErr = err
							return
						}
						written.Add(1)
					}
				})
				for written.Load() < 20 && writeErr == nil {
					time.Sleep(time.Millisecond)
				}
				dir := t.TempDir()
				for i := range 3 {
					path := filepath.Join(dir, fmt.Sprint(i))
					if _, err := backup.Write(ctx, src.store, path, backup.Options{Format: format}); err != nil {
						close(stop)
						wg.Wait()
						t.Fatalf("backup %d while writing: %v", i, err)
					}
					dst := newTestDB(t, e, false)
					if _, err := backup.Restore(ctx, dst.store, path, backup.RestoreOptions{}); err != nil {
						close(stop)
						wg.Wait()
						t.Fatalf("restore %d: %v", i, err)
					}
					var users, sessions int
					dst.raw.QueryRow(`SELECT count(*) FROM users`).Scan(&users)
					dst.raw.QueryRow(`SELECT count(*) FROM sessions`).Scan(&sessions)
					if users-3 != sessions-2 {
						t.Errorf("backup %d holds %d new users but %d new sessions", i, users-3, sessions-2)
					}
					if format == backup.FormatSQLite {
						var check string
						if err := dst.raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
							t.Errorf("restored database integrity: %q %v", check, err)
						}
						var mode string
						dst.raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
						if mode != "wal" {
							t.Errorf("restored database journal mode %q, want wal", mode)
						}
					}
				}
				close(stop)
				wg.Wait()
				if writeErr != nil {
					t.Fatalf("writer: %v", writeErr)
				}
				t.Logf("%d write transactions during the backups", written.Load())
			})
		}
	}
}

// The dump is what the package documentation says: gzip, a JSON header,
// per table a header and one JSON array per row, then an end marker; and
// it keeps values JSON itself would lose.
func TestDumpFormat(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := newTestDB(t, e, true)
			seed(t, src, 3)
			var buf bytes.Buffer
			sum, err := backup.Dump(ctx, src.store, &buf, nil)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Bytes != int64(buf.Len()) {
				t.Errorf("summary says %d bytes, wrote %d", sum.Bytes, buf.Len())
			}
			lines := dumpLines(t, buf.Bytes())
			var h struct {
				Format        string    `json:"format"`
				Version       int       `json:"version"`
				SchemaVersion int       `json:"schema_version"`
				Engine        string    `json:"engine"`
				CreatedAt     time.Time `json:"created_at"`
				Tables        []struct {
					Name string
					Rows int64
				}
			}
			if err := json.Unmarshal([]byte(lines[0]), &h); err != nil {
				t.Fatal(err)
			}
			if h.Format != "focusflow-dump" || h.Version != 1 || h.Engine != e.Name || h.SchemaVersion != sum.SchemaVersion || h.CreatedAt.IsZero() {
				t.Errorf("header %s", lines[0])
			}
			var names []string
			for _, tr := range h.Tables {
				names = append(names, tr.Name)
			}
			// Referenced tables come first.
			if i, j := slices.Index(names, "users"), slices.Index(names, "sessions"); i < 0 || j < i {
				t.Errorf("table order %v: users must precede sessions", names)
			}
			if !slices.Contains(names, "schema_migrations") {
				t.Errorf("tables %v lack schema_migrations", names)
			}
			plain := strings.Join(lines, "\n")
			for _, want := range []string{"9223372036854775807", "-9223372036854775808", "253402300799999",
				`"Zoë 🍅 \"O'Brien\" \\ 東京"`, `tab\tnew\nline` + "\u2028" + `\u0001`, "null"} {
				if !strings.Contains(plain, want) {
					t.Errorf("dump lacks %s", want)
				}
			}
			if !strings.HasPrefix(lines[len(lines)-1], `{"rows":`) || !strings.Contains(lines[len(lines)-1], `"end":true`) {
				t.Errorf("last line %s is not the end marker", lines[len(lines)-1])
			}
		})
	}
}

// Tables that later migrations add are found from the catalog, with
// column types this schema does not use yet; the scratch table here has
// floats, bytes, dates and a self-reference.
func TestDumpKeepsValuesOfOtherColumnTypes(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ddl := `CREATE TABLE zz_extra (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES zz_extra(id),
				ratio REAL, data BLOB, day DATE, at TIMESTAMP, note TEXT, flag BOOLEAN, anything)`
			if e.Name == "postgres" {
				ddl = `CREATE TABLE zz_extra (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
					parent_id BIGINT REFERENCES zz_extra(id), ratio DOUBLE PRECISION, data BYTEA, day DATE,
					at TIMESTAMPTZ, note TEXT, flag BOOLEAN, anything JSONB, amount NUMERIC(20, 4),
					twice BIGINT GENERATED ALWAYS AS (parent_id * 2) STORED)`
			}
			src := newTestDB(t, e, true)
			src.exec(t, ddl)
			insert := `INSERT INTO zz_extra (parent_id, ratio, data, day, at, note, flag, anything) VALUES
				(NULL, 0.1, $1, '2024-02-29', '2024-02-29 23:59:59.123+00', $2, TRUE, '{"a": [1, 2.5, "x"]}'),
				(1, $3, $4, '1999-12-31', NULL, '', FALSE, 'null'),
				(2, 1e300, NULL, NULL, NULL, NULL, NULL, NULL)`
			src.exec(t, insert, []byte{0, 1, 2, 0xff, '"'}, "ünïcode", -3.0, []byte{})
			if e.Name == "postgres" {
				src.exec(t, `UPDATE zz_extra SET amount = 12345678901234.5678 WHERE id = 1`)
			} else {
				// SQLite stores what it is given: text that is not UTF-8, an
				// integer in a REAL column, Inf.
				src.exec(t, `UPDATE zz_extra SET note = CAST(X'FF00FE' AS TEXT), anything = 9e999 WHERE id = 2`)
			}
			want := snapshot(t, src)

			path := filepath.Join(t.TempDir(), "dump")
			if _, err := backup.Write(ctx, src.store, path, backup.Options{Format: backup.FormatDump}); err != nil {
				t.Fatalf("backup: %v", err)
			}
			dst := newTestDB(t, e, true)
			dst.exec(t, ddl)
			if _, err := backup.Restore(ctx, dst.store, path, backup.RestoreOptions{}); err != nil {
				t.Fatalf("restore: %v", err)
			}
			assertSameRows(t, want, snapshot(t, dst))
			if e.Name == "postgres" {
				// The identity sequence moved past the restored ids.
				var id int64
				if err := dst.raw.QueryRow(`INSERT INTO zz_extra (note) VALUES ('next') RETURNING id`).Scan(&id); err != nil || id != 4 {
					t.Errorf("next id %d (%v), want 4", id, err)
				}
			}
		})
	}
}

// BenchmarkBackupRestore measures a backup and a restore of 100,000
// security events (plus the rows the test seeded) on each engine and format:
//
//	go test ./internal/backup -run '^$' -bench BackupRestore -benchtime 1x
func BenchmarkBackupRestore(b *testing.B) {
	ctx := context.Background()
	const n = 100_000
	for _, e := range storetest.Engines(b) {
		for _, format := range formatsFor(e.Name) {
			b.Run(e.Name+"/"+string(format), func(b *testing.B) {
				src := newTestDB(b, e, true)
				seed(b, src, 0)
				bulkEvents(b, src, n)
				dir := b.TempDir()
				var backupTime, restoreTime time.Duration
				for i := 0; b.Loop(); i++ {
					path := filepath.Join(dir, fmt.Sprint(i))
					start := time.Now()
					sum, err := backup.Write(ctx, src.store, path, backup.Options{Format: format})
					if err != nil {
						b.Fatal(err)
					}
					backupTime += time.Since(start)
					b.StopTimer()
					dst := newTestDB(b, e, false)
					b.StartTimer()
					start = time.Now()
					if _, err := backup.Restore(ctx, dst.store, path, backup.RestoreOptions{}); err != nil {
						b.Fatal(err)
					}
					restoreTime += time.Since(start)
					b.ReportMetric(float64(sum.Bytes), "file-bytes")
				}
				b.ReportMetric(backupTime.Seconds()/float64(b.N), "backup-s")
				b.ReportMetric(restoreTime.Seconds()/float64(b.N), "restore-s")
			})
		}
	}
}

// bulkEvents adds n security events quickly, in one transaction.
func bulkEvents(b testing.TB, d *testDB, n int) {
	tx, err := d.raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	const batch = 500
	var sb strings.Builder
	args := make([]any, 0, batch*4)
	flush := func() {
		if len(args) == 0 {
			return
		}
		if _, err := tx.Exec(strings.TrimSuffix(sb.String(), ","), args...); err != nil {
			b.Fatal(err)
		}
		sb.Reset()
		args = args[:0]
	}
	for i := range n {
		if len(args) == 0 {
			sb.WriteString(`INSERT INTO security_events (at, kind, user_id, detail) VALUES `)
		}
		k := len(args)
		fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d),", k+1, k+2, k+3, k+4)
		var user any
		if i%2 == 0 {
			user = int64(1)
		}
		args = append(args, int64(1700000000000+i), "login_failed", user, fmt.Sprintf("attempt %d from 198.51.100.%d — ✗", i, i%255))
		if len(args) == batch*4 {
			flush()
		}
	}
	flush()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
