// Package legacyimport brings the original (Python/Flask) FocusFlow's
// database into this one: its users with their password hashes, their
// tasks and recorded time, daily notes, typed notes and activity log. It
// reads the original's PostgreSQL database or SQLite file (source.go,
// parse.go), plans what every row becomes — cleaning what today's rules do
// not allow instead of refusing it — and writes each user in one
// transaction through the store's Loader. The report says what was done
// with every odd value and accounts for every millisecond of time.
package legacyimport

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// Options say how to import.
type Options struct {
	// SourceLocation is the zone of the original server's clock, which
	// wrote timer_start_time, last_sync_time, the activity log and the
	// times notes were edited. Nil means UTC.
	SourceLocation *time.Location
	// DatabaseLocation is the zone of the database's CURRENT_TIMESTAMP,
	// which filled every created_at and a new note's updated_at: UTC in
	// SQLite, the session's TimeZone in PostgreSQL. Nil means UTC.
	DatabaseLocation *time.Location
	// Location is the users' zone: it dates their days and becomes their
	// time zone here. Nil means SourceLocation.
	Location *time.Location
	// DryRun runs every check and builds the whole report, then rolls
	// every transaction back: nothing is written.
	DryRun bool
	// DeleteRemoved deletes the rows an earlier import brought over that
	// the original has deleted since (unless they were changed here);
	// without it they are only listed.
	DeleteRemoved bool
	// Progress, when set, is told after each user (done of total).
	Progress func(done, total int)
}

// zones fills in the defaults.
func (o Options) zones() (source, database, users *time.Location) {
	source, database, users = o.SourceLocation, o.DatabaseLocation, o.Location
	if source == nil {
		source = time.UTC
	}
	if database == nil {
		database = time.UTC
	}
	if users == nil {
		users = source
	}
	return source, database, users
}

// errRollback ends a dry run's transaction without writing.
var errRollback = errors.New("dry run: roll back")

// Import imports the original FocusFlow's users and their data into store.
// Each user is imported in one transaction. Running it again applies what
// changed in the original since (reimport.go), so an interrupted run is
// simply run again, and so is a staged cutover.
func Import(ctx context.Context, store *sqlstore.DB, src *Source, opts Options) (*Report, error) {
	srcLoc, dbLoc, loc := opts.zones()
	data, err := src.read(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{Source: src.Name(), Zones: Zones{Source: srcLoc.String(), Database: dbLoc.String(), Users: loc.String()},
		DryRun: opts.DryRun, DeleteRemoved: opts.DeleteRemoved}
	im := &importer{store: store, srcLoc: srcLoc, dbLoc: dbLoc, loc: loc, now: store.Now().Truncate(time.Millisecond),
		dryRun: opts.DryRun, deleteRemoved: opts.DeleteRemoved, data: data}
	im.index()
	rep.Orphans = im.orphans()
	accounts, err := im.planAccounts(ctx)
	if err != nil {
		return nil, err
	}
	for i, acc := range accounts {
		ur, err := im.importUser(ctx, acc)
		if err != nil {
			return rep, fmt.Errorf("import user %d (%q): %w", acc.source.id, acc.source.username.String, err)
		}
		ur.Counts.Problems = len(ur.Problems)
		rep.Users = append(rep.Users, *ur)
		rep.Totals.add(ur.Counts)
		rep.Time.add(ur.Time)
		if opts.Progress != nil {
			opts.Progress(i+1, len(accounts))
		}
	}
	rep.Totals.Problems += len(rep.Orphans)
	rep.RoundedTimestamps = len(im.rounded)
	if !rep.Time.Balanced() {
		// A bug, not a data problem: the report must account for every ms.
		return rep, fmt.Errorf("internal error: imported time does not add up (%+v)", rep.Time)
	}
	return rep, nil
}

// importer is one run's state.
type importer struct {
	store *sqlstore.DB
	// The zones of the original server's clock, of its database's
	// CURRENT_TIMESTAMP, and of its users.
	srcLoc, dbLoc, loc *time.Location
	now                time.Time
	dryRun             bool
	deleteRemoved      bool
	data               *sourceData
	// rounded holds the timestamps read that had more than milliseconds.
	rounded map[string]bool
	// ownerOf is the original user of each original task.
	ownerOf map[int64]int64

	tasksOf    map[int64][]sourceTask
	dayNotesOf map[int64][]sourceDayNote
	notesOf    map[int64][]sourceNote
	activityOf map[int64][]sourceActivity
	// completedAt: when the activity log says each task was completed.
	completedAt map[int64]time.Time
}

func (im *importer) index() {
	im.tasksOf = map[int64][]sourceTask{}
	im.dayNotesOf = map[int64][]sourceDayNote{}
	im.notesOf = map[int64][]sourceNote{}
	im.activityOf = map[int64][]sourceActivity{}
	im.completedAt = map[int64]time.Time{}
	im.rounded = map[string]bool{}
	im.ownerOf = map[int64]int64{}
	for _, t := range im.data.tasks {
		im.tasksOf[t.userID] = append(im.tasksOf[t.userID], t)
		im.ownerOf[t.id] = t.userID
	}
	for _, n := range im.data.dayNotes {
		im.dayNotesOf[n.userID] = append(im.dayNotesOf[n.userID], n)
	}
	for _, n := range im.data.notes {
		im.notesOf[n.userID] = append(im.notesOf[n.userID], n)
	}
	for _, a := range im.data.activity {
		im.activityOf[a.userID] = append(im.activityOf[a.userID], a)
		if a.taskID.Valid && strings.HasPrefix(a.message.String, "Completed task") {
			if at, ok := im.instant(a.at, im.srcLoc); ok && at.After(im.completedAt[a.taskID.Int64]) {
				im.completedAt[a.taskID.Int64] = at
			}
		}
	}
}

// orphans are the rows of users the original does not have.
func (im *importer) orphans() []Problem {
	users := map[int64]bool{}
	for _, u := range im.data.users {
		users[u.id] = true
	}
	var out []Problem
	out = append(out, orphansOf(users, "user_tasks", im.tasksOf)...)
	out = append(out, orphansOf(users, "daily_entries", im.dayNotesOf)...)
	out = append(out, orphansOf(users, "user_notes", im.notesOf)...)
	return append(out, orphansOf(users, "activity_log", im.activityOf)...)
}

func orphansOf[V any](users map[int64]bool, table string, rowsOf map[int64][]V) []Problem {
	var out []Problem
	for _, uid := range sortedKeys(rowsOf) {
		if !users[uid] {
			out = append(out, Problem{Row: fmt.Sprintf("%d %s row(s) of user_id %d", len(rowsOf[uid]), table, uid),
				Problem: "their user does not exist in the original database", Action: "not imported"})
		}
	}
	return out
}

func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// userRun is the state of one user's transaction.
type userRun struct {
	im    *importer
	l     *sqlstore.Loader
	acc   *account
	user  *focusflow.User
	rep   *UserReport
	marks map[string]map[int64]sqlstore.Mark // kind → original id → what an earlier run imported
	// taskID is our id of each original task of the user (earlier runs
	// and this one).
	taskID map[int64]int64
}

func (im *importer) importUser(ctx context.Context, acc *account) (*UserReport, error) {
	rep := &UserReport{LegacyID: acc.source.id, LegacyUsername: acc.source.username.String, Username: acc.username}
	var result *UserReport
	err := im.store.Load(ctx, func(l *sqlstore.Loader) error {
		// A fresh report per attempt: nothing of a rolled-back try leaks.
		r := *rep
		r.Problems = slices.Clone(acc.problems)
		run := &userRun{im: im, l: l, acc: acc, rep: &r}
		if err := run.do(ctx); err != nil {
			return err
		}
		result = run.rep
		if im.dryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	return result, nil
}

func (run *userRun) problem(row, problem, action string) {
	run.rep.Problems = append(run.rep.Problems, Problem{Row: row, Problem: problem, Action: action})
}

func (run *userRun) do(ctx context.Context) error {
	if err := run.account(ctx); err != nil {
		return err
	}
	if err := run.loadMarks(ctx); err != nil {
		return err
	}
	for _, step := range []func(context.Context) error{run.tasks, run.dayNotes, run.notes, run.activity} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	if c := run.rep.Counts; run.acc.existing != 0 && c.Added()+c.Updated+c.Deleted == 0 {
		run.rep.State = "unchanged"
	}
	return nil
}
