package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/focusflow/focusflow/internal/backup"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

const backupUsage = `backup [--format sqlite|dump] [--force] FILE

Writes a consistent backup of the configured database to FILE while the
server keeps running.

  SQLite      a copy of the database file made with VACUUM INTO, checked
              with PRAGMA integrity_check before it is kept (the default).
  PostgreSQL  a gzip-compressed logical dump of FocusFlow's tables, read in
              one REPEATABLE READ snapshot (the only format).

--format dump writes the portable dump on SQLite too; it restores into
either engine (e.g. to move from SQLite to PostgreSQL).

FILE is written beside itself under a temporary name, synced, read back and
only then renamed into place, so FILE is never a partial backup. An existing
FILE is kept unless --force. Progress is shown when stderr is a terminal; a
summary line goes to stdout. Exit status: 0 done, 1 failed, 2 bad usage.

Flags:`

const restoreUsage = `restore [--force] FILE

Loads a backup written by 'focusflow backup' into the configured database.
The kind of backup is recognised from the file itself.

  dump file    (either engine) verified in full first, then loaded in one
               transaction; identity sequences are moved past the loaded ids.
  SQLite file  checked with PRAGMA integrity_check. Into SQLite it is copied
               in with SQLite's backup API (an exact copy, committed only
               when complete); into PostgreSQL its rows are loaded like a dump.

The backup must have this binary's schema version (restore with the release
that wrote it, then upgrade). An empty database is given the schema first;
one at another schema version is refused (run 'focusflow migrate' first).
The database must hold no data (no rows outside schema_migrations) unless
--force, which replaces everything in it. On any error nothing is changed.

Stop the server before restoring: a running server keeps working on the old
data until the restore commits and may be blocked while it runs.
Exit status: 0 done, 1 failed or refused, 2 bad usage.

Flags:`

func cmdBackup(ctx context.Context, a *app, args []string) int {
	flags := a.flags("backup", backupUsage)
	force := flags.Bool("force", false, "replace FILE if it exists")
	format := flags.String("format", "", "`sqlite` or dump (default: sqlite on SQLite, dump on PostgreSQL)")
	file, done, code := a.parseFile(flags, args)
	if done {
		return code
	}
	switch backup.Format(*format) {
	case "", backup.FormatSQLite, backup.FormatDump:
	default:
		fmt.Fprintf(a.stderr, "focusflow backup: unknown --format %q (use sqlite or dump)\n", *format)
		return exitConfig
	}
	if !a.loadConfig() {
		return exitConfig
	}
	defer a.closeLog()
	db, ok := a.openStore(ctx, schemaCurrent)
	if !ok {
		return exitFail
	}
	defer db.Close()

	start := time.Now()
	p := a.progress("backup")
	sum, err := backup.Write(ctx, db, file, backup.Options{
		Format: backup.Format(*format), Overwrite: *force, Progress: p.update})
	p.clear()
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			fmt.Fprintf(a.stderr, "focusflow backup: %s already exists; choose another name or use --force to replace it\n", file)
		} else {
			fmt.Fprintln(a.stderr, "focusflow backup:", sqlstore.SafeError(err))
		}
		return exitFail
	}
	kind := "SQLite database file"
	if sum.Format == backup.FormatDump {
		kind = "dump of " + sum.Engine
	}
	fmt.Fprintf(a.stdout, "backup: wrote %s (%s, schema version %d): %s, %s, %s in %s\n",
		file, kind, sum.SchemaVersion, plural(int64(len(sum.Tables)), "table"), plural(sum.Rows, "row"),
		formatBytes(sum.Bytes), time.Since(start).Round(time.Millisecond))
	return exitOK
}

func cmdRestore(ctx context.Context, a *app, args []string) int {
	flags := a.flags("restore", restoreUsage)
	force := flags.Bool("force", false, "replace the data of a database that is not empty")
	file, done, code := a.parseFile(flags, args)
	if done {
		return code
	}
	if _, err := os.Stat(file); err != nil {
		fmt.Fprintln(a.stderr, "focusflow restore:", err)
		return exitFail
	}
	if !a.loadConfig() {
		return exitConfig
	}
	defer a.closeLog()
	db, ok := a.openStore(ctx, schemaCreate)
	if !ok {
		return exitFail
	}
	defer db.Close()

	start := time.Now()
	p := a.progress("restore")
	sum, err := backup.Restore(ctx, db, file, backup.RestoreOptions{Force: *force, Progress: p.update})
	p.clear()
	var notEmpty *backup.NotEmptyError
	var bad *backup.InvalidError
	switch {
	case err == nil:
	case errors.As(err, &notEmpty):
		fmt.Fprintf(a.stderr, "focusflow restore: refused: %v.\nRestore loads into an empty database; "+
			"to replace everything in this one, run it again with --force.\n", err)
		return exitFail
	case errors.As(err, &bad):
		fmt.Fprintf(a.stderr, "focusflow restore: %s: %v\nNothing was changed.\n", file, err)
		return exitFail
	default:
		fmt.Fprintln(a.stderr, "focusflow restore:", sqlstore.SafeError(err))
		fmt.Fprintln(a.stderr, "No data was changed.")
		return exitFail
	}
	kind := "SQLite backup"
	if sum.Format == backup.FormatDump {
		kind = "dump of " + sum.Engine
	}
	fmt.Fprintf(a.stdout, "restore: loaded %s (%s, schema version %d) into %s: %s, %s in %s\n",
		file, kind, sum.SchemaVersion, a.databaseName(), plural(int64(len(sum.Tables)), "table"),
		plural(sum.Rows, "row"), time.Since(start).Round(time.Millisecond))
	return exitOK
}

// parseFile parses flags given before or after the one FILE argument.
func (a *app) parseFile(flags *flag.FlagSet, args []string) (file string, done bool, code int) {
	var pos []string
	for {
		if done, code := a.parse(flags, args); done {
			return "", true, code
		}
		rest := flags.Args()
		if len(rest) == 0 {
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	if len(pos) != 1 || pos[0] == "" {
		if len(pos) == 0 {
			fmt.Fprintln(a.stderr, "focusflow "+flags.Name()+": FILE is required")
		} else {
			fmt.Fprintf(a.stderr, "focusflow %s: expected one FILE, got %d arguments\n", flags.Name(), len(pos))
		}
		flags.Usage()
		return "", true, exitConfig
	}
	return pos[0], false, 0
}

// databaseName says which database a command worked on, without secrets.
func (a *app) databaseName() string {
	if p, ok := a.cfg.SQLitePath(); ok {
		return "SQLite database " + p
	}
	return a.cfg.DatabaseURLRedacted()
}

// progressLine shows progress as one line that rewrites itself, on a
// terminal only: logs and pipes get just the summary line at the end.
type progressLine struct {
	w     io.Writer
	verb  string
	tty   bool
	mu    sync.Mutex
	last  time.Time
	width int
}

func (a *app) progress(verb string) *progressLine {
	return &progressLine{w: a.stderr, verb: verb, tty: a.env.onTerminal(a.stderr)}
}

func (p *progressLine) update(pr backup.Progress) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	final := pr.TotalRows > 0 && pr.Rows == pr.TotalRows
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || final {
		p.last = now
		line := formatProgress(p.verb, pr)
		pad := max(0, p.width-len(line))
		fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
		p.width = len(line)
	}
}

// clear removes the progress line so that what follows starts clean.
func (p *progressLine) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}

func formatProgress(verb string, pr backup.Progress) string {
	var b strings.Builder
	b.WriteString(verb + ": ")
	if pr.Phase != "" {
		b.WriteString(pr.Phase + " ")
	}
	switch {
	case pr.Table != "" || pr.TotalRows > 0:
		if pr.Table != "" {
			fmt.Fprintf(&b, "%s %s/%s rows, ", pr.Table, groupDigits(pr.TableRows), groupDigits(pr.TableTotal))
		}
		fmt.Fprintf(&b, "%s/%s rows in all", groupDigits(pr.Rows), groupDigits(pr.TotalRows))
		if pr.TotalBytes > 0 {
			b.WriteString(", " + formatBytes(pr.Bytes) + " of " + formatBytes(pr.TotalBytes))
		} else if pr.Bytes > 0 {
			b.WriteString(", " + formatBytes(pr.Bytes))
		}
	case pr.TotalBytes > 0:
		fmt.Fprintf(&b, "%s of about %s (%d%%)", formatBytes(pr.Bytes), formatBytes(pr.TotalBytes),
			min(100, pr.Bytes*100/pr.TotalBytes))
	case pr.Bytes > 0:
		b.WriteString(formatBytes(pr.Bytes))
	default:
		b.WriteString("…")
	}
	return b.String()
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n int64) string { return message.NewPrinter(language.English).Sprint(n) }

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return groupDigits(n) + " " + word + "s"
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return plural(n, "byte")
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + suffix
}
