package backup

// The SQLite file format: a copy of the live file made with VACUUM INTO,
// checked with PRAGMA integrity_check, and restored with SQLite's backup
// API (into SQLite) or streamed like a dump (into any other database).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore"
)

const sqliteMagic = "SQLite format 3\x00"

// copySQLite fills tmp (created empty) with a copy of the SQLite database
// file and verifies it.
func copySQLite(ctx context.Context, db *sqlstore.DB, file string, tmp *os.File, progress func(Progress)) (*Summary, error) {
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	version, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if err := vacuumInto(ctx, file, tmp.Name(), progress); err != nil {
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
	sum.CreatedAt = db.Now().UTC()
	return sum, nil
}

// vacuumInto copies the live database file into dst with VACUUM INTO. It
// runs on a connection of its own, read-only on the source, so it never
// holds the store's single write connection; in WAL mode it is a plain
// read transaction and writers are not blocked.
func vacuumInto(ctx context.Context, file, dst string, progress func(Progress)) error {
	if file == "" {
		return errors.New("an in-memory database has no file to back up")
	}
	src, err := sqlstore.OpenSQLiteFile(file)
	if err != nil {
		return err
	}
	defer src.Close()
	conn, _ := src.Pools()
	var total int64
	if err := conn.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&total); err != nil {
		return err
	}

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
	_, err = conn.ExecContext(ctx, `VACUUM INTO $1`, dst)
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

// restoreSQLite restores a SQLite backup file: copied in whole when the
// database is a SQLite file too, otherwise its rows loaded like a dump's.
func restoreSQLite(ctx context.Context, db *sqlstore.DB, path string, binary int, opts RestoreOptions) (*Summary, error) {
	report(opts.Progress, Progress{Phase: "verify"})
	src, sum, err := openSQLiteBackup(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if sum.SchemaVersion != binary {
		return nil, &VersionError{Backup: sum.SchemaVersion, Binary: binary}
	}
	_, isFile, err := db.File(ctx)
	if err != nil {
		return nil, err
	}
	if isFile {
		if err := restoreSQLiteFile(ctx, db, path, opts); err != nil {
			return nil, err
		}
		return sum, nil
	}
	ld := &loader{db: db, ctx: ctx, force: opts.Force}
	var s sink = ld
	if opts.Progress != nil {
		s = &progressSink{next: ld, phase: "load", fn: opts.Progress}
	}
	if _, err := export(ctx, src, s); err != nil {
		ld.abort()
		return nil, err
	}
	return sum, nil
}

// openSQLiteBackup opens a SQLite backup read-only and checks it: PRAGMA
// integrity_check must say "ok" and it must be a FocusFlow database. The
// returned store reads the file; the caller closes it.
func openSQLiteBackup(ctx context.Context, path string) (*sqlstore.DB, *Summary, error) {
	src, err := sqlstore.OpenSQLiteFile(path)
	if err != nil {
		return nil, nil, err
	}
	sum, err := checkSQLiteBackup(ctx, src)
	if err != nil {
		src.Close()
		return nil, nil, err
	}
	if fi, err := os.Stat(path); err == nil {
		sum.Bytes = fi.Size()
		sum.CreatedAt = fi.ModTime().UTC()
	}
	return src, sum, nil
}

func checkSQLiteBackup(ctx context.Context, src *sqlstore.DB) (*Summary, error) {
	conn, _ := src.Pools()
	if err := integrityCheck(ctx, src); err != nil {
		return nil, err
	}
	cat, err := src.ReadCatalog(ctx, conn)
	if err != nil {
		return nil, invalid("the SQLite file cannot be read: %v", err)
	}
	if !cat.Has(sqlstore.MigrationsTable) {
		return nil, invalid("the SQLite file is not a FocusFlow database (it has no %s table)", sqlstore.MigrationsTable)
	}
	sum := &Summary{Format: FormatSQLite, Engine: src.Engine(), SchemaVersion: cat.SchemaVersion}
	for _, t := range cat.Tables {
		var n int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+sqlstore.QuoteIdent(t.Name)).Scan(&n); err != nil {
			return nil, invalid("the SQLite file cannot be read: %v", err)
		}
		sum.Tables = append(sum.Tables, TableRows{Name: t.Name, Rows: n})
		sum.Rows += n
	}
	return sum, nil
}

// integrityCheck runs PRAGMA integrity_check and reports the first few
// problems it finds.
func integrityCheck(ctx context.Context, src *sqlstore.DB) error {
	conn, _ := src.Pools()
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return invalid("the SQLite file cannot be read: %v", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return invalid("the SQLite file cannot be read: %v", err)
		}
		if line != "ok" && len(problems) < 3 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return invalid("the SQLite file cannot be read: %v", err)
	}
	if len(problems) > 0 {
		return invalid("the SQLite integrity check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

// restoreSQLiteFile replaces the SQLite database's contents with the backup
// file's, refusing a database that holds data unless forced.
func restoreSQLiteFile(ctx context.Context, db *sqlstore.DB, path string, opts RestoreOptions) error {
	read, _ := db.Pools()
	cat, err := db.ReadCatalog(ctx, read)
	if err != nil {
		return err
	}
	if busy, err := nonEmptyTables(ctx, read, cat.Tables); err != nil {
		return err
	} else if len(busy) > 0 && !opts.Force {
		return &NotEmptyError{Tables: busy}
	}
	var progress func(done, total int64)
	if opts.Progress != nil {
		progress = func(done, total int64) { opts.Progress(Progress{Phase: "load", Bytes: done, TotalBytes: total}) }
	}
	if err := db.RestoreSQLiteFile(ctx, path, progress); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// The destination stays in WAL mode: the backup API keeps the
	// destination's journal mode (the tests check it).
	return nil
}
