package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/userdata"
)

// Usage lines for the user command's help.
const (
	userExportUsage = `user export NAME FILE [--force]

Writes everything the account NAME (username or email) owns — settings,
tasks, time entries, focus session phases, notes, activity — to FILE as
the same JSON document
GET /api/v1/export gives ("-" writes to standard output). The file holds
personal data: it is created readable by its owner only.

Flags:`
	userImportUsage = `user import NAME FILE

Loads an export document of any version (FILE, or "-" for standard input)
into the account NAME: every value is checked first and nothing is written
unless all of it is valid. Rows the account already has are skipped, so
importing the same file again changes nothing.

Flags:`
)

// rowCounts words the rows of a document by kind, as the summaries of an
// export and an import say them.
const rowCounts = "%d tasks, %d time entries, %d session phases, %d daily notes, %d notes, %d activity entries\n"

// parseWithArgs parses flags that may come before, between or after the
// positional arguments (focusflow user export alice out.json --force), and
// wants exactly n of those.
func (a *app) parseWithArgs(fs *flag.FlagSet, args []string, n int) (pos []string, done bool, code int) {
	rest := args
	for {
		if done, code := a.parse(fs, rest); done {
			return nil, true, code
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) != n {
		fmt.Fprintf(a.stderr, "focusflow %s: expected %d arguments, got %d\n", fs.Name(), n, len(pos))
		fs.Usage()
		return nil, true, exitConfig
	}
	return pos, false, 0
}

// openForUser loads the configuration, opens the store and finds the user.
func (a *app) openForUser(ctx context.Context, name string) (*sqlstore.DB, *focusflow.User, bool) {
	if !a.loadConfig() {
		return nil, nil, false
	}
	db, ok := a.openStore(ctx, schemaCurrent)
	if !ok {
		return nil, nil, false
	}
	u, _, err := db.UserByLogin(ctx, name)
	if err != nil {
		if focusflow.ErrorCode(err) == focusflow.ENOTFOUND {
			fmt.Fprintf(a.stderr, "focusflow: no user named %q\n", name)
		} else {
			fmt.Fprintln(a.stderr, "focusflow:", sqlstore.SafeError(err))
		}
		db.Close()
		return nil, nil, false
	}
	return db, u, true
}

// cmdUserExport is `focusflow user export NAME FILE`.
func cmdUserExport(ctx context.Context, a *app, args []string) int {
	fs := a.flags("user export", userExportUsage)
	force := fs.Bool("force", false, "replace FILE if it exists")
	pos, done, code := a.parseWithArgs(fs, args, 2)
	if done {
		return code
	}
	name, file := pos[0], pos[1]
	if file != "-" && !*force {
		if _, err := os.Lstat(file); err == nil {
			fmt.Fprintf(a.stderr, "focusflow user export: %s already exists; choose another name or use --force to replace it\n", file)
			return exitFail
		}
	}
	db, u, ok := a.openForUser(ctx, name)
	if !ok {
		return exitFail
	}
	defer db.Close()
	defer a.closeLog()
	doc, err := userdata.New(db, time.Now).Export(ctx, u.ID)
	if err != nil {
		fmt.Fprintln(a.stderr, "focusflow user export:", sqlstore.SafeError(err))
		return exitFail
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		fmt.Fprintln(a.stderr, "focusflow user export:", err)
		return exitFail
	}
	body = append(body, '\n')
	summary := a.stdout
	if file == "-" {
		if _, err := a.stdout.Write(body); err != nil {
			fmt.Fprintln(a.stderr, "focusflow user export:", err)
			return exitFail
		}
		summary = a.stderr // stdout carries the document alone
	} else if err := writeFileAtomic(file, body, 0o600); err != nil {
		fmt.Fprintln(a.stderr, "focusflow user export:", err)
		return exitFail
	}
	adminEvent(ctx, db, "data_export", u, fmt.Sprintf("%d tasks, %d time entries", len(doc.Tasks), len(doc.Entries)))
	fmt.Fprintf(summary, "exported %s to %s: "+rowCounts, u.Username, file, len(doc.Tasks), len(doc.Entries), len(doc.Phases),
		len(doc.DayNotes), len(doc.Notes), len(doc.Activity))
	return exitOK
}

// cmdUserImport is `focusflow user import NAME FILE`.
func cmdUserImport(ctx context.Context, a *app, args []string) int {
	fs := a.flags("user import", userImportUsage)
	pos, done, code := a.parseWithArgs(fs, args, 2)
	if done {
		return code
	}
	name, file := pos[0], pos[1]
	in := a.env.stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			fmt.Fprintln(a.stderr, "focusflow user import:", err)
			return exitFail
		}
		defer f.Close()
		in = f
	}
	db, u, ok := a.openForUser(ctx, name)
	if !ok {
		return exitFail
	}
	defer db.Close()
	defer a.closeLog()
	// The document is read as it is checked, within the server's limits:
	// what the server would refuse, the command refuses too.
	svc := userdata.New(db, time.Now).WithLimits(userdata.Limits{MaxRows: a.cfg.ImportMaxRows,
		MaxBytes: a.cfg.ImportMaxBytes})
	sum, err := svc.Import(ctx, u, in)
	var ie *focusflow.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintf(a.stderr, "focusflow user import: %s was not imported; nothing was written:\n", file)
		for _, p := range ie.Problems {
			if p.Field != "" {
				fmt.Fprintf(a.stderr, "  %s: %s\n", p.Field, p.Message)
			} else {
				fmt.Fprintf(a.stderr, "  %s\n", p.Message)
			}
		}
		if ie.More > 0 {
			fmt.Fprintf(a.stderr, "  … and %d more\n", ie.More)
		}
		return exitFail
	}
	if err != nil {
		fmt.Fprintln(a.stderr, "focusflow user import:", sqlstore.SafeError(err))
		return exitFail
	}
	c, k := sum.Created, sum.Skipped
	adminEvent(ctx, db, "data_import", u, fmt.Sprintf("%d tasks, %d time entries", c.Tasks, c.TimeEntries))
	fmt.Fprintf(a.stdout, "imported into %s: "+rowCounts, u.Username, c.Tasks, c.TimeEntries, c.Phases, c.DayNotes, c.Notes,
		c.Activity)
	if k != (focusflow.ImportCounts{}) {
		fmt.Fprintf(a.stdout, "already there (skipped): "+rowCounts, k.Tasks, k.TimeEntries, k.Phases, k.DayNotes, k.Notes,
			k.Activity)
	}
	if sum.SettingsApplied {
		fmt.Fprintln(a.stdout, "settings (time zone, theme, goal, timer cap, focus mode, and a version 2 file's session "+
			"settings and signals) were taken from the file")
	}
	return exitOK
}

// writeFileAtomic writes a new file beside name and renames it into place,
// so a failed export never leaves half a file.
func writeFileAtomic(name string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
