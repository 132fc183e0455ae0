package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/legacyimport"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

const importLegacyUsage = `import-legacy --from URL [--timezone Area/City] [--dry-run]

Imports the original FocusFlow's users and everything they kept — tasks,
recorded time, daily notes, typed notes, activity — into the database this
FocusFlow is configured with (DATABASE_URL or DATA_DIR).

URL is the original's PostgreSQL database (postgres://user:password@host/db)
or the SQLite file of its earlier deployments (sqlite:///path/to/focusflow.db).
It is only read. Passwords keep working: the original's hashes are kept and
upgraded at each user's first sign-in.

Each user is imported in one transaction, and running the command again
imports only what is not there yet, so an interrupted run is simply run
again. Values the original allowed and FocusFlow does not are reported per
user with what was done about them; the summary accounts for every
millisecond of recorded time. --dry-run prints the same report and writes
nothing.

Flags:`

func cmdImportLegacy(ctx context.Context, a *app, args []string) int {
	fs := a.flags("import-legacy", importLegacyUsage)
	from := fs.String("from", "", "the original's database `URL`: postgres://… or sqlite:///path/to/focusflow.db (required)")
	tz := fs.String("timezone", "UTC", "the time `zone` (Area/City) of the original's naive timestamps; it becomes the imported users' zone")
	dryRun := fs.Bool("dry-run", false, "check everything and print the whole report, writing nothing")
	if done, code := a.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.stderr, "focusflow import-legacy: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitConfig
	}
	if *from == "" {
		fmt.Fprintln(a.stderr, "focusflow import-legacy: --from is required: the original's postgres://… URL or sqlite:///path/to/focusflow.db")
		return exitConfig
	}
	if err := focusflow.ValidateTimezone(*tz); err != nil {
		fmt.Fprintf(a.stderr, "focusflow import-legacy: --timezone %q is not a time zone; use an IANA name like Europe/Paris\n", *tz)
		return exitConfig
	}
	loc, _ := time.LoadLocation(*tz)
	if !a.loadConfig() {
		return exitConfig
	}
	defer a.closeLog()

	// The source first: a wrong --from must not touch the target at all.
	src, err := legacyimport.Open(ctx, *from)
	if err != nil {
		fmt.Fprintln(a.stderr, "focusflow import-legacy:", sqlstore.SafeError(err))
		return exitFail
	}
	defer src.Close()
	db, note, closeDB, ok := a.importTarget(ctx, *dryRun)
	if !ok {
		return exitFail
	}
	defer closeDB()
	if note != "" {
		fmt.Fprintln(a.stdout, note)
	}

	bar := a.importBar()
	bar.start("reading the original database…")
	rep, err := legacyimport.Import(ctx, db, src, legacyimport.Options{Location: loc, DryRun: *dryRun, Progress: bar.update})
	bar.clear()
	if rep != nil {
		if werr := rep.WriteText(a.stdout); werr != nil {
			fmt.Fprintln(a.stderr, "focusflow import-legacy:", werr)
			return exitFail
		}
	}
	if err != nil {
		fmt.Fprintln(a.stderr, "focusflow import-legacy:", sqlstore.SafeError(err))
		if rep != nil && len(rep.Users) > 0 && !*dryRun {
			fmt.Fprintln(a.stderr, "The users listed above were imported; run the same command again to finish.")
		}
		return exitFail
	}
	return exitOK
}

// importTarget opens the configured database. A dry run must write
// nothing — not even migrations or a new SQLite file — so when that
// database does not exist yet (or is empty), it checks against a temporary
// one instead, which is what the real run would start from.
func (a *app) importTarget(ctx context.Context, dryRun bool) (db *sqlstore.DB, note string, closeDB func(), ok bool) {
	if !dryRun {
		db, ok := a.openStore(ctx, schemaCreate)
		if !ok {
			return nil, "", nil, false
		}
		return db, "", func() { db.Close() }, true
	}
	empty := "The configured database does not exist yet: the dry run checks against an empty FocusFlow database."
	if p, isSQLite := a.cfg.SQLitePath(); isSQLite {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return a.scratchStore(ctx, empty)
		}
	}
	db, ok = a.openStore(ctx, schemaPreview)
	if !ok {
		return nil, "", nil, false
	}
	have, want, err := db.SchemaVersion(ctx)
	switch {
	case err != nil:
		db.Close()
		fmt.Fprintln(a.stderr, "focusflow import-legacy:", sqlstore.SafeError(err))
		return nil, "", nil, false
	case have == 0:
		db.Close()
		return a.scratchStore(ctx, strings.Replace(empty, "does not exist yet", "is empty", 1))
	case have < want:
		db.Close()
		fmt.Fprintf(a.stderr, "focusflow import-legacy: the database schema is at version %d and needs version %d; "+
			"run 'focusflow migrate' first (a dry run writes nothing, not even migrations)\n", have, want)
		return nil, "", nil, false
	}
	return db, "", func() { db.Close() }, true
}

// scratchStore is a migrated SQLite database in a temporary directory that
// closeDB removes.
func (a *app) scratchStore(ctx context.Context, note string) (*sqlstore.DB, string, func(), bool) {
	dir, err := os.MkdirTemp("", "focusflow-dry-run-")
	if err != nil {
		fmt.Fprintln(a.stderr, "focusflow import-legacy:", err)
		return nil, "", nil, false
	}
	db, err := sqlstore.Open(ctx, sqlstore.Options{SQLitePath: filepath.Join(dir, "dry-run.db"), Logger: a.logger})
	if err == nil {
		if _, err = db.Migrate(ctx); err != nil {
			db.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		fmt.Fprintln(a.stderr, "focusflow import-legacy:", err)
		return nil, "", nil, false
	}
	return db, note, func() { db.Close(); os.RemoveAll(dir) }, true
}

// importBar draws a progress bar on a terminal; logs and pipes get only
// the report.
type importBar struct {
	w     io.Writer
	tty   bool
	width int
	last  time.Time
}

func (a *app) importBar() *importBar {
	f, ok := a.stderr.(*os.File)
	return &importBar{w: a.stderr, tty: ok && term.IsTerminal(int(f.Fd()))}
}

func (b *importBar) draw(line string) {
	pad := max(0, b.width-len([]rune(line)))
	fmt.Fprintf(b.w, "\r%s%s", line, strings.Repeat(" ", pad))
	b.width = len([]rune(line))
}

func (b *importBar) start(msg string) {
	if b.tty {
		b.draw(msg)
	}
}

func (b *importBar) update(done, total int) {
	if !b.tty || total == 0 {
		return
	}
	now := time.Now()
	if now.Sub(b.last) < 50*time.Millisecond && done < total {
		return
	}
	b.last = now
	const cells = 30
	filled := done * cells / total
	b.draw(fmt.Sprintf("importing users [%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat("-", cells-filled), done, total))
}

func (b *importBar) clear() {
	if b.tty && b.width > 0 {
		fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", b.width))
		b.width = 0
	}
}
