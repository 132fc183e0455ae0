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

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/legacyimport"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

const importLegacyUsage = `import-legacy --from URL [--source-timezone Area/City] [--database-timezone Area/City]
              [--timezone Area/City] [--dry-run] [--delete-removed]

Imports the original FocusFlow's users and everything they kept — tasks,
recorded time, a timer still running, daily notes, typed notes, activity —
into the database this FocusFlow is configured with (DATABASE_URL or
DATA_DIR).

URL is the original's PostgreSQL database (postgres://user:password@host/db)
or the SQLite file of its earlier deployments: sqlite:///abs/path.db (or
sqlite:////abs/path.db, as SQLAlchemy writes it) for an absolute path,
sqlite://rel/path.db for one relative to the working directory. It is only
read. Passwords keep working: the original's hashes are kept and upgraded at
each user's first sign-in.

The original wrote naive timestamps with three clocks: its server's
(--source-timezone: timers, last syncs, the activity log, note edits), its
database's CURRENT_TIMESTAMP (--database-timezone: every created_at; UTC in
SQLite, the session's TimeZone in PostgreSQL) and its users' days
(--timezone: dates their days and becomes their zone here).

Each user is imported in one transaction. Running the command again applies
what changed in the original since: rows changed there are updated unless
they were changed here too (FocusFlow's version is kept and the conflict
reported); rows deleted there are listed, and deleted here only with
--delete-removed. So an interrupted run is simply run again, and a cutover
can be staged: import, keep the old app running, import again, switch.
Values the original allowed and FocusFlow does not are reported per user
with what was done about them; the summary accounts for every millisecond
of recorded time. --dry-run prints the same report and writes nothing.

Flags:`

func cmdImportLegacy(ctx context.Context, a *app, args []string) int {
	fs := a.flags("import-legacy", importLegacyUsage)
	from := fs.String("from", "", "the original's database `URL`: postgres://… or sqlite:///path/to/focusflow.db (required)")
	srcTZ := fs.String("source-timezone", "UTC", "the `zone` (Area/City) of the original server's clock")
	dbTZ := fs.String("database-timezone", "UTC", "the `zone` (Area/City) of the original database's CURRENT_TIMESTAMP")
	tz := fs.String("timezone", "", "the users' `zone` (Area/City): dates their days and becomes their zone (default: --source-timezone)")
	dryRun := fs.Bool("dry-run", false, "check everything and print the whole report, writing nothing")
	deleteRemoved := fs.Bool("delete-removed", false, "delete rows an earlier import brought over that the original has deleted since")
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
	// A URL that cannot be read is refused now, before anything waits for
	// a database that no retry would reach.
	if err := legacyimport.CheckURL(*from); err != nil {
		fmt.Fprintln(a.stderr, "focusflow import-legacy:", err)
		return exitConfig
	}
	if *tz == "" {
		*tz = *srcTZ
	}
	var zones [3]*time.Location
	for i, z := range []struct{ flag, name string }{{"source-timezone", *srcTZ}, {"database-timezone", *dbTZ}, {"timezone", *tz}} {
		if err := focusflow.ValidateTimezone(z.name); err != nil {
			fmt.Fprintf(a.stderr, "focusflow import-legacy: --%s %q is not a time zone; use an IANA name like Europe/Paris\n", z.flag, z.name)
			return exitConfig
		}
		zones[i], _ = time.LoadLocation(z.name)
	}
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
	rep, err := legacyimport.Import(ctx, db, src, legacyimport.Options{SourceLocation: zones[0], DatabaseLocation: zones[1],
		Location: zones[2], DryRun: *dryRun, DeleteRemoved: *deleteRemoved, Progress: bar.update})
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
	return &importBar{w: a.stderr, tty: a.env.onTerminal(a.stderr)}
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
