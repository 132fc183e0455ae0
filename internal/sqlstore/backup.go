package sqlstore

// Backups come in two kinds, told apart by their first bytes:
//
//   - A SQLite database file ("SQLite format 3\x00"), written on SQLite with
//     VACUUM INTO: an exact, compacted copy of everything in the database,
//     restorable into SQLite only.
//   - A FocusFlow dump (gzip, 1f 8b): a logical copy of FocusFlow's tables,
//     written on either engine and restorable into either. Uncompressed it
//     is newline-delimited JSON:
//
//     {"format":"focusflow-dump","version":1,"schema_version":1,"engine":"postgres",
//     "created_at":"…","tables":[{"name":"users","rows":2},…]}
//     {"table":"users","columns":["id","username",…],"types":["bigint","text",…],"rows":2}
//     [1,"alice",…]
//     [2,"bob",…]
//     {"table":"sessions",…}
//     …
//     {"end":true,"rows":N}
//
//     Tables come in foreign-key order (referenced tables first) and rows
//     in primary-key order. Values are JSON numbers (integers exactly, int64
//     safe; floats always with a decimal point or exponent), strings, true
//     or false, and null; the few values JSON cannot hold are one-key
//     objects: {"base64":"…"} for bytes, {"base64_text":"…"} for text that
//     is not valid UTF-8 (SQLite allows it), {"float":"NaN"|"Infinity"|
//     "-Infinity"}.
//
// Tables are discovered from the catalog, never listed here, so tables that
// later migrations add are backed up without changes to this file.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"modernc.org/sqlite"
)

// BackupFormat names a kind of backup file.
type BackupFormat string

const (
	// FormatSQLite is a verified copy of a SQLite database file.
	FormatSQLite BackupFormat = "sqlite"
	// FormatDump is FocusFlow's portable, gzip-compressed logical dump.
	FormatDump BackupFormat = "dump"
)

const (
	dumpFormatName    = "focusflow-dump"
	dumpFormatVersion = 1
	sqliteMagic       = "SQLite format 3\x00"
	// migrationsTable is FocusFlow's own bookkeeping: dumped for the
	// record, but a restore keeps the target's rows (both are at the same
	// version by then) and it does not make a database "non-empty".
	migrationsTable = "schema_migrations"
)

// BackupOptions tune Backup.
type BackupOptions struct {
	// Format is the kind of file to write; "" means the engine's own:
	// FormatSQLite on SQLite, FormatDump on PostgreSQL.
	Format BackupFormat
	// Overwrite replaces an existing file; without it Backup refuses.
	Overwrite bool
	// Progress, when set, is called as the work advances.
	Progress func(Progress)
}

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// Force replaces the contents of a database that already holds data;
	// without it Restore refuses such a database.
	Force bool
	// Progress, when set, is called as the work advances.
	Progress func(Progress)
}

// Progress says how far a backup or restore has got. Row counts are known
// for logical dumps and loads; file copies report bytes instead.
type Progress struct {
	// Phase is "copy" (SQLite file copy), "verify" (reading a backup
	// back), "dump" (writing a dump) or "load" (restoring).
	Phase                 string
	Table                 string
	TableRows, TableTotal int64
	Rows, TotalRows       int64
	Bytes, TotalBytes     int64
}

// TableRows is one table of a backup and its row count.
type TableRows struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// BackupSummary describes a backup file: the one written by Backup or
// loaded by Restore.
type BackupSummary struct {
	Format BackupFormat
	// Engine is the engine the backup was taken from.
	Engine        string
	SchemaVersion int
	CreatedAt     time.Time
	// Tables are in load order: referenced tables first.
	Tables []TableRows
	Rows   int64
	// Bytes is the size of the backup file.
	Bytes int64
}

// InvalidBackupError means a file is not a usable FocusFlow backup: another
// kind of file, or a damaged or truncated backup.
type InvalidBackupError struct{ Reason string }

func (e *InvalidBackupError) Error() string { return "not a valid FocusFlow backup: " + e.Reason }

func invalid(format string, args ...any) error {
	return &InvalidBackupError{Reason: fmt.Sprintf(format, args...)}
}

// NotEmptyError means Restore refused a database that already holds data.
type NotEmptyError struct{ Tables []string }

func (e *NotEmptyError) Error() string {
	return "the database already holds data (in " + strings.Join(e.Tables, ", ") + ")"
}

// BackupVersionError means a backup's schema version is not this binary's.
// A restore loads rows into the schema this binary creates, so the two must
// be the same: restore with the release that wrote the backup, then upgrade.
type BackupVersionError struct{ Backup, Binary int }

func (e *BackupVersionError) Error() string {
	if e.Backup > e.Binary {
		return fmt.Sprintf("the backup has schema version %d, newer than this FocusFlow binary knows (%d): "+
			"restore it with the release that wrote it", e.Backup, e.Binary)
	}
	return fmt.Sprintf("the backup has schema version %d but this FocusFlow binary is at %d: "+
		"restore it with the release that wrote it, then upgrade (serve applies the migrations)", e.Backup, e.Binary)
}

// Backup writes a consistent backup of the database to path while the
// database stays in use. The file appears at path only once it is complete
// and verified: it is written beside path, synced, read back, and renamed.
//
// On SQLite the default is a copy made with VACUUM INTO (a read transaction,
// so writers carry on), then checked with PRAGMA integrity_check. A dump is
// read in one transaction (REPEATABLE READ on PostgreSQL), so it is one
// consistent snapshot too.
func (db *DB) Backup(ctx context.Context, path string, opts BackupOptions) (_ *BackupSummary, err error) {
	format := opts.Format
	if format == "" {
		format = FormatDump
		if db.dialect.name == "sqlite" {
			format = FormatSQLite
		}
	}
	switch {
	case format == FormatSQLite && db.dialect.name != "sqlite":
		return nil, fmt.Errorf("a %s backup can only be taken of a SQLite database; use the %s format", FormatSQLite, FormatDump)
	case format != FormatSQLite && format != FormatDump:
		return nil, fmt.Errorf("unknown backup format %q (use %s or %s)", format, FormatSQLite, FormatDump)
	}
	// Absolute, so that VACUUM INTO can never read the name as a URI.
	if path, err = filepath.Abs(path); err != nil {
		return nil, err
	}
	if !opts.Overwrite {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	tmpName := tmp.Name()
	defer func() {
		tmp.Close()
		if err != nil {
			os.Remove(tmpName)
		}
	}()

	var sum *BackupSummary
	if format == FormatSQLite {
		if sum, err = db.copySQLite(ctx, tmp, opts.Progress); err != nil {
			return nil, err
		}
	} else {
		if sum, err = db.dumpToFile(ctx, tmp, opts.Progress); err != nil {
			return nil, err
		}
	}
	if err := placeFile(tmpName, path, opts.Overwrite); err != nil {
		return nil, err
	}
	return sum, nil
}

// copySQLite fills tmp (created empty) with VACUUM INTO and verifies it.
func (db *DB) copySQLite(ctx context.Context, tmp *os.File, progress func(Progress)) (*BackupSummary, error) {
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	version, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if err := db.vacuumInto(ctx, tmp.Name(), progress); err != nil {
		return nil, err
	}
	if err := syncFile(tmp.Name()); err != nil {
		return nil, err
	}
	report(progress, Progress{Phase: "verify"})
	src, sum, err := openSQLiteBackup(ctx, tmp.Name())
	if err != nil {
		return nil, fmt.Errorf("the new backup failed verification: %w", err)
	}
	src.Close()
	if sum.SchemaVersion != version {
		return nil, fmt.Errorf("the new backup has schema version %d, the database %d (was it migrated during the backup? try again)",
			sum.SchemaVersion, version)
	}
	sum.CreatedAt = db.now().UTC()
	return sum, nil
}

// vacuumInto copies the live database into dst with VACUUM INTO. It runs on
// a connection of its own, read-only on the source, so it never holds the
// store's single write connection; in WAL mode it is a plain read
// transaction and writers are not blocked.
func (db *DB) vacuumInto(ctx context.Context, dst string, progress func(Progress)) error {
	var file string
	var total int64
	err := db.read.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file)
	if err == nil {
		err = db.read.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&total)
	}
	if err != nil {
		return wrapDBError(err)
	}
	if file == "" {
		return errors.New("an in-memory database has no file to back up")
	}
	src, err := sql.Open("sqlite", sqliteURI(file)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer src.Close()
	src.SetMaxOpenConns(1)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	if progress != nil {
		// VACUUM INTO reports nothing while it runs; the growing output
		// file is the best measure (it ends no larger than the source).
		wg.Go(func() {
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			for {
				if fi, err := os.Stat(dst); err == nil {
					progress(Progress{Phase: "copy", Bytes: fi.Size(), TotalBytes: total})
				}
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		})
	}
	// The file name is bound as a parameter, never spliced into the SQL.
	_, err = src.ExecContext(ctx, `VACUUM INTO $1`, dst)
	close(stop)
	wg.Wait()
	if err != nil {
		return fmt.Errorf("VACUUM INTO: %w", err)
	}
	if fi, err := os.Stat(dst); err == nil {
		report(progress, Progress{Phase: "copy", Bytes: fi.Size(), TotalBytes: fi.Size()})
	}
	return nil
}

// dumpToFile writes a dump into tmp, syncs and closes it, then reads it
// back in full (gzip checksum, structure, row counts).
func (db *DB) dumpToFile(ctx context.Context, tmp *os.File, progress func(Progress)) (*BackupSummary, error) {
	bw := bufio.NewWriterSize(tmp, 256<<10)
	sum, err := db.Dump(ctx, bw, progress)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	check, err := verifyDumpFile(ctx, tmp.Name(), progress)
	if err != nil {
		return nil, fmt.Errorf("the new backup failed verification: %w", err)
	}
	sum.Bytes = check.Bytes
	return sum, nil
}

// Dump writes FocusFlow's portable dump of the database to w, read in one
// consistent snapshot and streamed: no table is held in memory.
func (db *DB) Dump(ctx context.Context, w io.Writer, progress func(Progress)) (*BackupSummary, error) {
	cw := &countingWriter{w: w}
	gz, _ := gzip.NewWriterLevel(cw, gzip.DefaultCompression)
	out := &dumpWriter{w: bufio.NewWriterSize(gz, 64<<10)}
	var s sink = out
	if progress != nil {
		s = &progressSink{next: out, phase: "dump", fn: progress, bytes: func() int64 { return cw.n }}
	}
	h, err := db.export(ctx, s)
	if err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	sum := h.summary(FormatDump)
	sum.Bytes = cw.n
	return sum, nil
}

// Restore loads the backup in path into the database. The kind of file is
// told by its first bytes. The backup must have this binary's schema
// version; the database is migrated to it first when it is new.
//
// A database that already holds data (any row outside schema_migrations) is
// refused unless opts.Force, which replaces its contents. Every path is
// all-or-nothing: a dump is verified in full before anything is touched and
// loaded in one transaction; a SQLite backup restored into SQLite is checked
// with PRAGMA integrity_check and copied in with SQLite's backup API, which
// commits only when the whole copy is in place.
func (db *DB) Restore(ctx context.Context, path string, opts RestoreOptions) (*BackupSummary, error) {
	format, size, err := backupKind(path)
	if err != nil {
		return nil, err
	}
	_, binary, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if format == FormatSQLite {
		report(opts.Progress, Progress{Phase: "verify"})
		src, sum, err := openSQLiteBackup(ctx, path)
		if err != nil {
			return nil, err
		}
		defer src.Close()
		if sum.SchemaVersion != binary {
			return nil, &BackupVersionError{Backup: sum.SchemaVersion, Binary: binary}
		}
		if db.dialect.name == "sqlite" {
			if err := db.restoreSQLiteFile(ctx, path, opts); err != nil {
				return nil, err
			}
			return sum, nil
		}
		// A SQLite backup into PostgreSQL: stream its rows like a dump.
		ld := &loader{db: db, ctx: ctx, force: opts.Force}
		var s sink = ld
		if opts.Progress != nil {
			s = &progressSink{next: ld, phase: "load", fn: opts.Progress}
		}
		if _, err := src.export(ctx, s); err != nil {
			ld.abort()
			return nil, err
		}
		return sum, nil
	}

	sum, err := verifyDumpFile(ctx, path, opts.Progress)
	if err != nil {
		return nil, err
	}
	if sum.SchemaVersion != binary {
		return nil, &BackupVersionError{Backup: sum.SchemaVersion, Binary: binary}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := &countingReader{r: bufio.NewReaderSize(f, 256<<10)}
	ld := &loader{db: db, ctx: ctx, force: opts.Force}
	var s sink = ld
	if opts.Progress != nil {
		s = &progressSink{next: ld, phase: "load", fn: opts.Progress, bytes: func() int64 { return cr.n }, totalBytes: size}
	}
	if _, err := readDump(ctx, cr, s); err != nil {
		ld.abort()
		return nil, err
	}
	return sum, nil
}

// backupKind tells a SQLite file from a dump by its first bytes.
func backupKind(path string) (BackupFormat, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, invalid("%s is not a regular file", path)
	}
	head := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case string(head) == sqliteMagic:
		return FormatSQLite, fi.Size(), nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return FormatDump, fi.Size(), nil
	case n == 0:
		return "", 0, invalid("the file is empty")
	}
	return "", 0, invalid("the file is neither a SQLite database nor a FocusFlow dump")
}

// verifyDumpFile reads a dump to the end without loading it: header,
// every row, row counts, and the gzip checksum.
func verifyDumpFile(ctx context.Context, path string, progress func(Progress)) (*BackupSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	cr := &countingReader{r: bufio.NewReaderSize(f, 256<<10)}
	var s sink = discardSink{}
	if progress != nil {
		s = &progressSink{next: s, phase: "verify", fn: progress, bytes: func() int64 { return cr.n }, totalBytes: fi.Size()}
	}
	h, err := readDump(ctx, cr, s)
	if err != nil {
		return nil, err
	}
	sum := h.summary(FormatDump)
	sum.Bytes = fi.Size()
	return sum, nil
}

// openSQLiteBackup opens a SQLite backup read-only and checks it: PRAGMA
// integrity_check must say "ok" and it must be a FocusFlow database. The
// returned store reads the file; the caller closes it.
func openSQLiteBackup(ctx context.Context, path string) (*DB, *BackupSummary, error) {
	conn, err := sql.Open("sqlite", sqliteURI(path)+"?mode=ro")
	if err != nil {
		return nil, nil, err
	}
	conn.SetMaxOpenConns(1)
	src := &DB{read: conn, write: conn, dialect: sqliteDialect, now: time.Now}
	sum, err := src.checkSQLiteBackup(ctx)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	if fi, err := os.Stat(path); err == nil {
		sum.Bytes = fi.Size()
		sum.CreatedAt = fi.ModTime().UTC()
	}
	return src, sum, nil
}

func (db *DB) checkSQLiteBackup(ctx context.Context) (*BackupSummary, error) {
	rows, err := db.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, invalid("the SQLite file cannot be read: %v", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return nil, invalid("the SQLite file cannot be read: %v", err)
		}
		if line != "ok" && len(problems) < 3 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, invalid("the SQLite file cannot be read: %v", err)
	}
	rows.Close()
	if len(problems) > 0 {
		return nil, invalid("the SQLite integrity check failed: %s", strings.Join(problems, "; "))
	}
	tables, err := db.catalog(ctx, db.read)
	if err != nil {
		return nil, invalid("the SQLite file cannot be read: %v", err)
	}
	if !slices.ContainsFunc(tables, func(t *tableMeta) bool { return t.name == migrationsTable }) {
		return nil, invalid("the SQLite file is not a FocusFlow database (it has no %s table)", migrationsTable)
	}
	version, err := schemaVersion(ctx, db.read)
	if err != nil {
		return nil, invalid("the SQLite file cannot be read: %v", err)
	}
	sum := &BackupSummary{Format: FormatSQLite, Engine: "sqlite", SchemaVersion: version}
	for _, t := range tables {
		var n int64
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(t.name)).Scan(&n); err != nil {
			return nil, invalid("the SQLite file cannot be read: %v", err)
		}
		sum.Tables = append(sum.Tables, TableRows{Name: t.name, Rows: n})
		sum.Rows += n
	}
	return sum, nil
}

// restoreSQLiteFile replaces the SQLite database's contents with the backup
// file's through SQLite's backup API: page by page into one write
// transaction on the store's write connection, committed only at the end.
func (db *DB) restoreSQLiteFile(ctx context.Context, path string, opts RestoreOptions) error {
	tables, err := db.catalog(ctx, db.read)
	if err != nil {
		return wrapDBError(err)
	}
	if busy, err := nonEmptyTables(ctx, db.read, tables); err != nil {
		return err
	} else if len(busy) > 0 && !opts.Force {
		return &NotEmptyError{Tables: busy}
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return wrapDBError(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver offers no backup API")
		}
		b, err := r.NewRestore(sqliteURI(path) + "?mode=ro")
		if err != nil {
			return err
		}
		for {
			more, err := b.Step(1024)
			if err == nil && more {
				err = ctx.Err()
			}
			if err != nil {
				b.Finish() // rolls the destination back
				return err
			}
			if opts.Progress != nil {
				total, left := int64(b.PageCount()), int64(b.Remaining())
				opts.Progress(Progress{Phase: "load", Bytes: total - left, TotalBytes: total})
			}
			if !more {
				return b.Finish()
			}
		}
	})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// The destination stays in WAL mode: the backup API keeps the
	// destination's journal mode (the tests check it).
	return nil
}

// dumpHeader is a dump's first line.
type dumpHeader struct {
	Format        string      `json:"format"`
	Version       int         `json:"version"`
	SchemaVersion int         `json:"schema_version"`
	Engine        string      `json:"engine"`
	CreatedAt     time.Time   `json:"created_at"`
	Tables        []TableRows `json:"tables"`
}

func (h *dumpHeader) summary(f BackupFormat) *BackupSummary {
	s := &BackupSummary{Format: f, Engine: h.Engine, SchemaVersion: h.SchemaVersion, CreatedAt: h.CreatedAt,
		Tables: slices.Clone(h.Tables)}
	for _, t := range h.Tables {
		s.Rows += t.Rows
	}
	return s
}

// tableHeader starts a table's rows; the trailer line ends the dump.
type tableHeader struct {
	Table   string   `json:"table,omitempty"`
	Columns []string `json:"columns,omitempty"`
	Types   []string `json:"types,omitempty"`
	Rows    int64    `json:"rows"`
	End     bool     `json:"end,omitempty"`
}

// sink receives a backup as it streams: from a database (export) or a dump
// file (readDump), into a dump file (dumpWriter) or a database (loader).
type sink interface {
	begin(h *dumpHeader) error
	table(t *tableHeader) error
	row(values []any) error
	end() error
}

type discardSink struct{}

func (discardSink) begin(*dumpHeader) error  { return nil }
func (discardSink) table(*tableHeader) error { return nil }
func (discardSink) row([]any) error          { return nil }
func (discardSink) end() error               { return nil }

// progressSink counts rows on their way to the next sink.
type progressSink struct {
	next       sink
	phase      string
	fn         func(Progress)
	bytes      func() int64
	totalBytes int64
	p          Progress
}

func (s *progressSink) emit() {
	s.p.Phase = s.phase
	s.p.TotalBytes = s.totalBytes
	if s.bytes != nil {
		s.p.Bytes = s.bytes()
	}
	s.fn(s.p)
}

func (s *progressSink) begin(h *dumpHeader) error {
	for _, t := range h.Tables {
		s.p.TotalRows += t.Rows
	}
	s.emit()
	return s.next.begin(h)
}

func (s *progressSink) table(t *tableHeader) error {
	s.p.Table, s.p.TableRows, s.p.TableTotal = t.Table, 0, t.Rows
	s.emit()
	return s.next.table(t)
}

func (s *progressSink) row(v []any) error {
	if err := s.next.row(v); err != nil {
		return err
	}
	s.p.TableRows++
	s.p.Rows++
	if s.p.Rows%2048 == 0 || s.p.TableRows == s.p.TableTotal {
		s.emit()
	}
	return nil
}

func (s *progressSink) end() error {
	if err := s.next.end(); err != nil {
		return err
	}
	s.emit()
	return nil
}

func report(fn func(Progress), p Progress) {
	if fn != nil {
		fn(p)
	}
}

// export reads the whole database in one read-only transaction (REPEATABLE
// READ on PostgreSQL; a WAL snapshot on SQLite) and streams it to s.
func (db *DB) export(ctx context.Context, s sink) (*dumpHeader, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect.name == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer tx.Rollback()
	tables, err := db.catalog(ctx, tx)
	if err != nil {
		return nil, wrapDBError(err)
	}
	h := &dumpHeader{Format: dumpFormatName, Version: dumpFormatVersion, Engine: db.dialect.name,
		CreatedAt: db.now().UTC().Truncate(time.Millisecond)}
	if slices.ContainsFunc(tables, func(t *tableMeta) bool { return t.name == migrationsTable }) {
		if h.SchemaVersion, err = schemaVersion(ctx, tx); err != nil {
			return nil, err
		}
	}
	for _, t := range tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(t.name)).Scan(&n); err != nil {
			return nil, wrapDBError(err)
		}
		h.Tables = append(h.Tables, TableRows{Name: t.name, Rows: n})
	}
	if err := s.begin(h); err != nil {
		return nil, err
	}
	for i, t := range tables {
		th := &tableHeader{Table: t.name, Rows: h.Tables[i].Rows}
		exprs := make([]string, len(t.columns))
		for j, c := range t.columns {
			th.Columns = append(th.Columns, c.name)
			th.Types = append(th.Types, c.typ)
			exprs[j] = db.selectExpr(c)
		}
		if err := s.table(th); err != nil {
			return nil, err
		}
		q := `SELECT ` + strings.Join(exprs, ", ") + ` FROM ` + quoteIdent(t.name)
		if len(t.pk) > 0 {
			q += ` ORDER BY ` + joinIdents(t.pk)
		}
		n, err := streamRows(ctx, tx, q, len(t.columns), s)
		if err != nil {
			return nil, err
		}
		if n != th.Rows {
			return nil, fmt.Errorf("table %s gave %d rows after counting %d: the read was not one snapshot", t.name, n, th.Rows)
		}
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return h, nil
}

// selectExpr reads a column so that its value survives the trip: on SQLite
// the unary plus hides the declared type, which would otherwise make the
// driver turn text in DATE/DATETIME/TIMESTAMP columns into time.Time; on
// PostgreSQL types without a plain JSON form travel as their text.
func (db *DB) selectExpr(c columnMeta) string {
	if db.dialect.name == "sqlite" {
		return "+" + quoteIdent(c.name)
	}
	if c.kind == kindOther {
		return quoteIdent(c.name) + "::text"
	}
	return quoteIdent(c.name)
}

func streamRows(ctx context.Context, tx *sql.Tx, q string, ncols int, s sink) (int64, error) {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return 0, wrapDBError(err)
	}
	defer rows.Close()
	vals := make([]any, ncols)
	ptrs := make([]any, ncols)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if err := s.row(vals); err != nil {
			return n, err
		}
		n++
	}
	return n, wrapDBError(rows.Err())
}

// dumpWriter encodes the dump's lines.
type dumpWriter struct {
	w    *bufio.Writer
	buf  []byte
	rows int64
}

func (d *dumpWriter) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	d.w.Write(b)
	return d.w.WriteByte('\n')
}

func (d *dumpWriter) begin(h *dumpHeader) error  { return d.line(h) }
func (d *dumpWriter) table(t *tableHeader) error { return d.line(t) }

func (d *dumpWriter) row(values []any) error {
	b := append(d.buf[:0], '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendValue(b, v); err != nil {
			return err
		}
	}
	b = append(b, ']', '\n')
	d.buf = b
	d.rows++
	_, err := d.w.Write(b)
	return err
}

// end writes the trailer, which repeats the row count as a last check
// that nothing was lost at the end.
func (d *dumpWriter) end() error {
	if err := d.line(&tableHeader{End: true, Rows: d.rows}); err != nil {
		return err
	}
	return d.w.Flush()
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		switch {
		case math.IsNaN(x):
			return append(b, `{"float":"NaN"}`...), nil
		case math.IsInf(x, 1):
			return append(b, `{"float":"Infinity"}`...), nil
		case math.IsInf(x, -1):
			return append(b, `{"float":"-Infinity"}`...), nil
		}
		n := len(b)
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
		if !bytes.ContainsAny(b[n:], ".e") {
			b = append(b, ".0"...) // so that it reads back as a float
		}
		return b, nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		if !utf8.ValidString(x) {
			b = append(b, `{"base64_text":"`...)
			b = base64.StdEncoding.AppendEncode(b, []byte(x))
			return append(b, `"}`...), nil
		}
		return appendString(b, x), nil
	case []byte:
		b = append(b, `{"base64":"`...)
		b = base64.StdEncoding.AppendEncode(b, x)
		return append(b, `"}`...), nil
	case time.Time:
		return appendString(b, x.UTC().Format(time.RFC3339Nano)), nil
	}
	return b, fmt.Errorf("cannot dump a value of type %T", v)
}

// appendString appends s (valid UTF-8) as a JSON string.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// readDump decodes a dump from r into s, checking its structure as it goes:
// the header, each table against the header's list, row lengths, row
// counts, the trailer, and (by reading to the end) the gzip checksum.
func readDump(ctx context.Context, r io.Reader, s sink) (*dumpHeader, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, invalid("the dump is not readable gzip: %v", err)
	}
	gz.Multistream(false)
	dec := json.NewDecoder(gz)
	dec.UseNumber()
	var h dumpHeader
	if err := dec.Decode(&h); err != nil {
		return nil, invalid("the dump has no readable header: %v", err)
	}
	switch {
	case h.Format != dumpFormatName:
		return nil, invalid("the file is a gzip file but not a FocusFlow dump")
	case h.Version > dumpFormatVersion:
		return nil, invalid("the dump has format version %d; this FocusFlow binary reads version %d (use a newer release)",
			h.Version, dumpFormatVersion)
	case h.Version != dumpFormatVersion:
		return nil, invalid("unknown dump format version %d", h.Version)
	}
	if err := s.begin(&h); err != nil {
		return nil, err
	}
	var total int64
	var row []any
	for _, want := range h.Tables {
		var th tableHeader
		if err := dec.Decode(&th); err != nil {
			return nil, invalid("the dump is damaged or truncated before table %s: %v", want.Name, err)
		}
		if th.Table != want.Name || th.Rows != want.Rows || len(th.Columns) == 0 || len(th.Types) != len(th.Columns) {
			return nil, invalid("the dump's table %q does not match its header (expected %s with %d rows)", th.Table, want.Name, want.Rows)
		}
		if err := s.table(&th); err != nil {
			return nil, err
		}
		for i := int64(0); i < th.Rows; i++ {
			if i%1024 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			row = row[:0]
			if err := dec.Decode(&row); err != nil {
				return nil, invalid("the dump is damaged or truncated in table %s, row %d of %d: %v", th.Table, i+1, th.Rows, err)
			}
			if len(row) != len(th.Columns) {
				return nil, invalid("table %s, row %d has %d values for %d columns", th.Table, i+1, len(row), len(th.Columns))
			}
			for j, v := range row {
				if row[j], err = decodeValue(v); err != nil {
					return nil, invalid("table %s, row %d, column %s: %v", th.Table, i+1, th.Columns[j], err)
				}
			}
			if err := s.row(row); err != nil {
				return nil, err
			}
		}
		total += th.Rows
	}
	var tr tableHeader
	if err := dec.Decode(&tr); err != nil || !tr.End || tr.Rows != total {
		return nil, invalid("the dump is truncated or damaged: its end marker is missing or wrong")
	}
	// Read to the end: only then does gzip check its CRC and length.
	rest, err := io.ReadAll(io.MultiReader(dec.Buffered(), gz))
	if err != nil {
		return nil, invalid("the dump is damaged: %v", err)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, invalid("the dump has unexpected data after its end marker")
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return &h, nil
}

func decodeValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool:
		return x, nil
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, nil
		}
		if strings.ContainsAny(string(x), ".eE") {
			if f, err := strconv.ParseFloat(string(x), 64); err == nil {
				return f, nil
			}
		}
		return nil, fmt.Errorf("number %s is out of range", x)
	case map[string]any:
		if len(x) == 1 {
			for k, raw := range x {
				s, ok := raw.(string)
				if !ok {
					break
				}
				switch k {
				case "base64", "base64_text":
					b, err := base64.StdEncoding.DecodeString(s)
					if err != nil {
						return nil, err
					}
					if k == "base64_text" {
						return string(b), nil
					}
					return b, nil
				case "float":
					switch s {
					case "NaN":
						return math.NaN(), nil
					case "Infinity":
						return math.Inf(1), nil
					case "-Infinity":
						return math.Inf(-1), nil
					}
				}
			}
		}
	}
	return nil, fmt.Errorf("unexpected value %v", v)
}

// loader is the sink that writes a backup into the database: it migrates
// the database to the backup's version, checks that it is empty (or with
// force, empties it), and inserts every row in one transaction, in batches.
type loader struct {
	db    *DB
	ctx   context.Context
	force bool

	tx      *sql.Tx
	targets map[string]*tableMeta
	order   []*tableMeta

	// The table being loaded: nil cols means its rows are skipped.
	cur       *tableMeta
	cols      []columnMeta
	prefix    string // INSERT INTO t (…) VALUES
	insertSQL string // the statement for a full batch
	batchRows int
	args      []any
	pending   int
	loaded    []*tableMeta
}

func (l *loader) begin(h *dumpHeader) error {
	ctx, db := l.ctx, l.db
	if _, binary, err := db.SchemaVersion(ctx); err != nil {
		return err
	} else if h.SchemaVersion != binary {
		return &BackupVersionError{Backup: h.SchemaVersion, Binary: binary}
	}
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return wrapDBError(err)
	}
	l.tx = tx
	if db.dialect.name == "sqlite" {
		// Check foreign keys at commit, so that row order within and
		// between tables does not matter.
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return wrapDBError(err)
		}
	}
	if l.order, err = db.catalog(ctx, tx); err != nil {
		return wrapDBError(err)
	}
	l.targets = make(map[string]*tableMeta, len(l.order))
	for _, t := range l.order {
		l.targets[t.name] = t
	}
	busy, err := nonEmptyTables(ctx, tx, l.order)
	if err != nil {
		return err
	}
	if len(busy) > 0 && !l.force {
		return &NotEmptyError{Tables: busy}
	}
	if len(busy) > 0 {
		for _, t := range slices.Backward(l.order) {
			if t.name == migrationsTable {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(t.name)); err != nil {
				return fmt.Errorf("empty table %s: %w", t.name, wrapDBError(err))
			}
		}
	}
	return nil
}

func (l *loader) table(th *tableHeader) error {
	if err := l.flush(); err != nil {
		return err
	}
	l.cur, l.cols = nil, nil
	if th.Table == migrationsTable {
		return nil // the target's own record stays; versions match
	}
	t, ok := l.targets[th.Table]
	if !ok {
		return fmt.Errorf("the backup has a table %s that this database does not have", th.Table)
	}
	byName := make(map[string]columnMeta, len(t.columns))
	for _, c := range t.columns {
		byName[c.name] = c
	}
	overriding := ""
	l.cols = make([]columnMeta, len(th.Columns))
	for i, name := range th.Columns {
		c, ok := byName[name]
		if !ok {
			return fmt.Errorf("the backup's table %s has a column %s that this database does not have", th.Table, name)
		}
		l.cols[i] = c
		if c.identityAlways {
			overriding = " OVERRIDING SYSTEM VALUE"
		}
	}
	l.cur = t
	l.loaded = append(l.loaded, t)
	maxParams := 32766 // SQLite's SQLITE_MAX_VARIABLE_NUMBER
	if l.db.dialect.name == "postgres" {
		maxParams = 65535 // the protocol's limit
	}
	l.batchRows = max(1, min(1000, maxParams/len(l.cols)))
	l.prefix = `INSERT INTO ` + quoteIdent(t.name) + ` (` + joinIdents(th.Columns) + `)` + overriding + ` VALUES `
	l.insertSQL = l.prefix + l.valuesSQL(l.batchRows)
	l.args = l.args[:0]
	l.pending = 0
	return nil
}

// valuesSQL is the VALUES list for n rows. On PostgreSQL it is "($1::bigint,
// $2::text), …": each parameter is cast to its column's type, so values that
// travel as text (timestamps, numerics, …) are parsed by the server. SQLite
// gets plain "?": it resolves "$n" names one by one against all earlier
// ones, which makes a batch of thousands of parameters quadratic.
func (l *loader) valuesSQL(n int) string {
	pg := l.db.dialect.name == "postgres"
	var b strings.Builder
	p := 1
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i, c := range l.cols {
			if i > 0 {
				b.WriteString(", ")
			}
			if pg {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
				b.WriteString("::")
				b.WriteString(c.typ)
			} else {
				b.WriteByte('?')
			}
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

func (l *loader) row(values []any) error {
	if l.cols == nil {
		return nil
	}
	for i, v := range values {
		l.args = append(l.args, convertValue(l.cols[i].kind, v))
	}
	l.pending++
	if l.pending == l.batchRows {
		return l.flush()
	}
	return nil
}

func (l *loader) flush() error {
	if l.pending == 0 {
		return nil
	}
	q := l.insertSQL
	if l.pending < l.batchRows {
		q = l.prefix + l.valuesSQL(l.pending)
	}
	if _, err := l.tx.ExecContext(l.ctx, q, l.args...); err != nil {
		return fmt.Errorf("load table %s: %w", l.cur.name, wrapDBError(err))
	}
	l.args = l.args[:0]
	l.pending = 0
	return nil
}

// convertValue adapts a value to the target column where the engines
// differ: SQLite keeps booleans as 0 and 1.
func convertValue(kind valueKind, v any) any {
	switch x := v.(type) {
	case int64:
		if kind == kindBool {
			return x != 0
		}
	case bool:
		if kind == kindInt {
			if x {
				return int64(1)
			}
			return int64(0)
		}
	case string:
		if kind == kindBytes {
			return []byte(x)
		}
	}
	return v
}

func (l *loader) end() error {
	if err := l.flush(); err != nil {
		return err
	}
	if l.db.dialect.name == "postgres" {
		for _, t := range l.loaded {
			if err := l.resetSequences(t); err != nil {
				return err
			}
		}
	}
	err := wrapDBError(l.tx.Commit())
	l.tx = nil
	return err
}

// resetSequences moves identity and serial sequences past the loaded ids,
// so that the next insert does not collide with a restored row.
func (l *loader) resetSequences(t *tableMeta) error {
	rows, err := l.tx.QueryContext(l.ctx, `
		SELECT a.attname, pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname)
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped`, t.name)
	if err != nil {
		return wrapDBError(err)
	}
	type seq struct{ col, name string }
	var seqs []seq
	for rows.Next() {
		var col string
		var name sql.NullString
		if err := rows.Scan(&col, &name); err != nil {
			rows.Close()
			return err
		}
		if name.Valid {
			seqs = append(seqs, seq{col, name.String})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrapDBError(err)
	}
	for _, s := range seqs {
		if _, err := l.tx.ExecContext(l.ctx, `SELECT setval($1::regclass, m) FROM (SELECT max(`+quoteIdent(s.col)+
			`) AS m FROM `+quoteIdent(t.name)+`) s WHERE m IS NOT NULL`, s.name); err != nil {
			return fmt.Errorf("reset sequence %s: %w", s.name, wrapDBError(err))
		}
	}
	return nil
}

func (l *loader) abort() {
	if l.tx != nil {
		l.tx.Rollback()
		l.tx = nil
	}
}

// nonEmptyTables names the tables, other than schema_migrations, that hold
// at least one row.
func nonEmptyTables(ctx context.Context, q querier, tables []*tableMeta) ([]string, error) {
	var busy []string
	for _, t := range tables {
		if t.name == migrationsTable {
			continue
		}
		var hasRows bool
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+quoteIdent(t.name)+`)`).Scan(&hasRows); err != nil {
			return nil, wrapDBError(err)
		}
		if hasRows {
			busy = append(busy, t.name)
		}
	}
	return busy, nil
}

// The catalog: which tables FocusFlow has, their columns, primary keys and
// foreign keys, read from the database itself.

type valueKind int

const (
	kindAny valueKind = iota // SQLite without a clear affinity: values pass as they are
	kindInt
	kindFloat
	kindBool
	kindText
	kindBytes
	kindOther // PostgreSQL types that travel as text
)

type tableMeta struct {
	name    string
	columns []columnMeta
	pk      []string
	refs    []string // tables this one references
}

type columnMeta struct {
	name string
	typ  string // as the catalog spells it
	kind valueKind
	// identityAlways marks a PostgreSQL GENERATED ALWAYS AS IDENTITY
	// column: inserting into it needs OVERRIDING SYSTEM VALUE.
	identityAlways bool
}

// querier is what catalog queries run on: the pools, a transaction.
type querier interface {
	queryer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// catalog lists the database's own tables in load order: a table comes
// after the tables it references.
func (db *DB) catalog(ctx context.Context, q querier) ([]*tableMeta, error) {
	var tables []*tableMeta
	var err error
	if db.dialect.name == "postgres" {
		tables, err = postgresCatalog(ctx, q)
	} else {
		tables, err = sqliteCatalog(ctx, q)
	}
	if err != nil {
		return nil, err
	}
	return dependencyOrder(tables), nil
}

// sqliteCatalog lists ordinary tables. Left out are SQLite's internal
// tables (sqlite_*), the shadow tables behind virtual tables, and virtual
// tables themselves (an FTS index has no PostgreSQL counterpart); a SQLite
// file backup keeps all of them.
func sqliteCatalog(ctx context.Context, q querier) ([]*tableMeta, error) {
	names, err := queryStrings(ctx, q, `SELECT name FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var tables []*tableMeta
	for _, name := range names {
		t := &tableMeta{name: name}
		rows, err := q.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid`, name)
		if err != nil {
			return nil, err
		}
		type pkCol struct {
			name string
			pos  int
		}
		var pks []pkCol
		for rows.Next() {
			var c columnMeta
			var pk int
			if err := rows.Scan(&c.name, &c.typ, &pk); err != nil {
				rows.Close()
				return nil, err
			}
			c.kind = sqliteKind(c.typ)
			t.columns = append(t.columns, c)
			if pk > 0 {
				pks = append(pks, pkCol{c.name, pk})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		slices.SortFunc(pks, func(a, b pkCol) int { return a.pos - b.pos })
		for _, p := range pks {
			t.pk = append(t.pk, p.name)
		}
		if t.refs, err = queryStrings(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`, name); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// sqliteKind follows SQLite's type affinity rules, plus BOOL for the
// booleans SQLite stores as integers.
func sqliteKind(typ string) valueKind {
	t := strings.ToUpper(typ)
	switch {
	case strings.Contains(t, "BOOL"):
		return kindBool
	case strings.Contains(t, "INT"):
		return kindInt
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return kindText
	case strings.Contains(t, "BLOB"):
		return kindBytes
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return kindFloat
	}
	return kindAny
}

// postgresCatalog lists the ordinary and partitioned tables of the current
// schema (a partition is read and loaded through its parent).
func postgresCatalog(ctx context.Context, q querier) ([]*tableMeta, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.oid::bigint, c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	var tables []*tableMeta
	var oids []int64
	for rows.Next() {
		var oid int64
		t := &tableMeta{}
		if err := rows.Scan(&oid, &t.name); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
		oids = append(oids, oid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, t := range tables {
		rows, err := q.QueryContext(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname, a.attidentity = 'a'
			FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
			WHERE a.attrelid = $1::bigint::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
			ORDER BY a.attnum`, oids[i])
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c columnMeta
			var typname string
			if err := rows.Scan(&c.name, &c.typ, &typname, &c.identityAlways); err != nil {
				rows.Close()
				return nil, err
			}
			c.kind = postgresKind(typname)
			t.columns = append(t.columns, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if t.pk, err = queryStrings(ctx, q, `SELECT a.attname FROM pg_index i
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
			WHERE i.indrelid = $1::bigint::oid AND i.indisprimary
			ORDER BY array_position(i.indkey::int2[], a.attnum)`, oids[i]); err != nil {
			return nil, err
		}
		if t.refs, err = queryStrings(ctx, q, `SELECT DISTINCT p.relname FROM pg_constraint k
			JOIN pg_class p ON p.oid = k.confrelid
			WHERE k.contype = 'f' AND k.conrelid = $1::bigint::oid`, oids[i]); err != nil {
			return nil, err
		}
	}
	return tables, nil
}

func postgresKind(typname string) valueKind {
	switch typname {
	case "int2", "int4", "int8":
		return kindInt
	case "float4", "float8":
		return kindFloat
	case "bool":
		return kindBool
	case "text", "varchar", "bpchar", "name":
		return kindText
	case "bytea":
		return kindBytes
	}
	return kindOther
}

// dependencyOrder sorts tables so that each comes after the tables it
// references, by name where the foreign keys leave a choice. A table's
// reference to itself is ignored (its rows come in primary-key order, which
// suits the usual parent-before-child ids); tables in a cycle of
// references keep name order at the end.
func dependencyOrder(tables []*tableMeta) []*tableMeta {
	byName := make(map[string]*tableMeta, len(tables))
	for _, t := range tables {
		byName[t.name] = t
	}
	placed := make(map[string]bool, len(tables))
	var out []*tableMeta
	for len(out) < len(tables) {
		progress := false
		for _, t := range tables {
			if placed[t.name] {
				continue
			}
			ready := true
			for _, r := range t.refs {
				if r != t.name && byName[r] != nil && !placed[r] {
					ready = false
					break
				}
			}
			if ready {
				placed[t.name] = true
				out = append(out, t)
				progress = true
				break // restart, so the order is by name among ready tables
			}
		}
		if !progress {
			for _, t := range tables {
				if !placed[t.name] {
					placed[t.name] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// quoteIdent quotes a name from the catalog for SQL; both engines use
// standard double quotes.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func joinIdents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// placeFile renames tmp to path, refusing to replace an existing path
// unless overwrite, and syncs the directory so the rename survives a crash.
func placeFile(tmp, path string, overwrite bool) error {
	if overwrite {
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	} else {
		// A hard link fails when path exists: no window in which another
		// file could be replaced.
		err := os.Link(tmp, path)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
		if err != nil {
			// Some file systems have no hard links.
			if _, serr := os.Lstat(path); serr == nil {
				return fmt.Errorf("%s: %w", path, fs.ErrExist)
			}
			if err := os.Rename(tmp, path); err != nil {
				return err
			}
		} else {
			os.Remove(tmp)
		}
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// sqliteURI makes a file: URI for path, escaping what SQLite's URI parser
// would take for the query, a fragment or an escape.
func sqliteURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
