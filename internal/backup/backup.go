// Package backup writes and restores backups of FocusFlow's database. It
// owns the backup file formats and works over the store through the
// store's whole-database seam (catalog, snapshot reads, bulk loads), so it
// holds no knowledge of either engine of its own.
//
// Backups come in two kinds, told apart by their first bytes:
//
//   - A SQLite database file ("SQLite format 3\x00"), written on SQLite with
//     VACUUM INTO: an exact, compacted copy of everything in the database,
//     restorable into SQLite only.
//   - A FocusFlow dump (gzip, 1f 8b): a logical copy of FocusFlow's tables,
//     written on either engine and restorable into either.
//
// Uncompressed, a dump is newline-delimited JSON:
//
//	{"format":"focusflow-dump","version":1,"schema_version":1,"engine":"postgres",
//	"created_at":"…","tables":[{"name":"users","rows":2},…]}
//	{"table":"users","columns":["id","username",…],"types":["bigint","text",…],"rows":2}
//	[1,"alice",…]
//	[2,"bob",…]
//	{"table":"sessions",…}
//	…
//	{"end":true,"rows":N}
//
// Tables come in foreign-key order (referenced tables first) and rows in
// primary-key order. Values are JSON numbers (integers exactly, int64 safe;
// floats always with a decimal point or exponent), strings, true or false,
// and null; the few values JSON cannot hold are one-key objects:
// {"base64":"…"} for bytes, {"base64_text":"…"} for text that is not valid
// UTF-8 (SQLite allows it), {"float":"NaN"|"Infinity"|"-Infinity"}.
//
// Tables are discovered from the catalog, never listed here, so tables that
// later migrations add are backed up without changes to this package.
package backup

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore"
)

// Format names a kind of backup file.
type Format string

const (
	// FormatSQLite is a verified copy of a SQLite database file.
	FormatSQLite Format = "sqlite"
	// FormatDump is FocusFlow's portable, gzip-compressed logical dump.
	FormatDump Format = "dump"
)

// Options tune Write.
type Options struct {
	// Format is the kind of file to write; "" means the engine's own:
	// FormatSQLite on SQLite, FormatDump on PostgreSQL.
	Format Format
	// Overwrite replaces an existing file; without it Write refuses.
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

func report(fn func(Progress), p Progress) {
	if fn != nil {
		fn(p)
	}
}

// TableRows is one table of a backup and its row count.
type TableRows struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// Summary describes a backup file: the one written by Write or loaded by
// Restore.
type Summary struct {
	Format Format
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

// InvalidError means a file is not a usable FocusFlow backup: another kind
// of file, or a damaged or truncated backup.
type InvalidError struct{ Reason string }

func (e *InvalidError) Error() string { return "not a valid FocusFlow backup: " + e.Reason }

func invalid(format string, args ...any) error {
	return &InvalidError{Reason: fmt.Sprintf(format, args...)}
}

// NotEmptyError means Restore refused a database that already holds data.
type NotEmptyError struct{ Tables []string }

func (e *NotEmptyError) Error() string {
	return "the database already holds data (in " + strings.Join(e.Tables, ", ") + ")"
}

// VersionError means a backup's schema version is not this binary's. A
// restore loads rows into the schema this binary creates, so the two must
// be the same: restore with the release that wrote the backup, then
// upgrade.
type VersionError struct{ Backup, Binary int }

func (e *VersionError) Error() string {
	if e.Backup > e.Binary {
		return fmt.Sprintf("the backup has schema version %d, newer than this FocusFlow binary knows (%d): "+
			"restore it with the release that wrote it", e.Backup, e.Binary)
	}
	return fmt.Sprintf("the backup has schema version %d but this FocusFlow binary is at %d: "+
		"restore it with the release that wrote it, then upgrade (serve applies the migrations)", e.Backup, e.Binary)
}

// Write writes a consistent backup of the database to path while the
// database stays in use. The file appears at path only once it is complete
// and verified: it is written beside path, synced, read back, and renamed.
//
// On SQLite the default is a copy made with VACUUM INTO (a read transaction,
// so writers carry on), then checked with PRAGMA integrity_check. A dump is
// read in one snapshot transaction, so it is one consistent state too.
func Write(ctx context.Context, db *sqlstore.DB, path string, opts Options) (_ *Summary, err error) {
	file, isFile, err := db.File(ctx)
	if err != nil {
		return nil, err
	}
	format := opts.Format
	if format == "" {
		format = FormatDump
		if isFile {
			format = FormatSQLite
		}
	}
	switch {
	case format == FormatSQLite && !isFile:
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

	var sum *Summary
	if format == FormatSQLite {
		sum, err = copySQLite(ctx, db, file, tmp, opts.Progress)
	} else {
		sum, err = dumpToFile(ctx, db, tmp, opts.Progress)
	}
	if err != nil {
		return nil, err
	}
	if err := placeFile(tmpName, path, opts.Overwrite); err != nil {
		return nil, err
	}
	return sum, nil
}

// Restore loads the backup in path into the database. The kind of file is
// told by its first bytes. The backup must have this binary's schema
// version; an empty database is given the schema first.
//
// A database that already holds data (any row outside schema_migrations) is
// refused unless opts.Force, which replaces its contents. Every path is
// all-or-nothing: a dump is verified in full before anything is touched and
// loaded in one transaction; a SQLite backup restored into SQLite is checked
// with PRAGMA integrity_check and copied in with SQLite's backup API, which
// commits only when the whole copy is in place.
func Restore(ctx context.Context, db *sqlstore.DB, path string, opts RestoreOptions) (*Summary, error) {
	format, size, err := backupKind(path)
	if err != nil {
		return nil, err
	}
	_, binary, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if format == FormatSQLite {
		return restoreSQLite(ctx, db, path, binary, opts)
	}

	sum, err := verifyDumpFile(ctx, path, opts.Progress)
	if err != nil {
		return nil, err
	}
	if sum.SchemaVersion != binary {
		return nil, &VersionError{Backup: sum.SchemaVersion, Binary: binary}
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
