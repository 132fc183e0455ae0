package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Limits the import keeps to, the same as the API's: what the original let
// through beyond them is shortened, and the full text kept in a note.
const (
	legacyMaxTitle       = 255
	legacyMaxDescription = 10_000
	legacyMaxNote        = 20_000
	legacyMaxMessage     = 1_000
	legacyMaxUsername    = 50
	// legacyMaxDay is the most time one calendar day can hold.
	legacyMaxDay = 24 * time.Hour
)

// Mapping kinds in legacy_ids for the original's rows.
const (
	kindLegacyUser     = "legacy:user"
	kindLegacyTask     = "legacy:task"
	kindLegacyDayNote  = "legacy:day_note"
	kindLegacyNote     = "legacy:note"
	kindLegacyActivity = "legacy:activity"
)

// LegacyOptions say how to import.
type LegacyOptions struct {
	// Location reads the original's naive timestamps and becomes the
	// imported users' time zone. Nil means UTC.
	Location *time.Location
	// DryRun runs every check and builds the whole report, then rolls
	// every transaction back: nothing is written.
	DryRun bool
	// Progress, when set, is told after each user (done of total).
	Progress func(done, total int)
}

// LegacyReport is what an import did (or, in a dry run, would do).
type LegacyReport struct {
	Source   string
	Timezone string
	DryRun   bool
	Users    []LegacyUserReport
	// Orphans are rows whose user does not exist in the original (SQLite
	// did not enforce its foreign keys): they are not imported.
	Orphans []LegacyProblem
	Totals  LegacyCounts
	Time    LegacyTime
}

// LegacyUserReport is one original user's part of the report.
type LegacyUserReport struct {
	LegacyID       int64
	LegacyUsername string
	UserID         int64  // ours; 0 for a new user in a dry run
	Username       string // as imported
	// State is "new" (account created), "updated" (account imported
	// before, new rows added) or "unchanged" (nothing new to import).
	State    string
	Counts   LegacyCounts
	Time     LegacyTime
	Problems []LegacyProblem
}

// LegacyCounts count rows imported by this run; AlreadyThere counts rows
// skipped because an earlier run imported them.
type LegacyCounts struct {
	Users, Tasks, Entries, DayNotes, Notes, Activity int
	// ExtraNotes are notes made to keep text that did not fit (the rest
	// of an over-long title, description or note).
	ExtraNotes   int
	AlreadyThere int
	Problems     int
}

func (c *LegacyCounts) add(o LegacyCounts) {
	c.Users += o.Users
	c.Tasks += o.Tasks
	c.Entries += o.Entries
	c.DayNotes += o.DayNotes
	c.Notes += o.Notes
	c.Activity += o.Activity
	c.ExtraNotes += o.ExtraNotes
	c.AlreadyThere += o.AlreadyThere
	c.Problems += o.Problems
}

// LegacyTime accounts for every millisecond of the tasks this run handled:
// Valid − Capped − Dropped + Running = Imported. Valid is the sum of the
// non-negative time_spent values; Negative the sum of the negative ones
// (never imported); Capped what the 24-hours-a-day rule and the forgotten-
// timer cap cut; Dropped the time of tasks that could not be imported at
// all; Running the time of timers that were running, from their start to
// their last sync.
type LegacyTime struct {
	ValidMS, NegativeMS, CappedMS, DroppedMS, RunningMS, ImportedMS int64
}

func (t *LegacyTime) add(o LegacyTime) {
	t.ValidMS += o.ValidMS
	t.NegativeMS += o.NegativeMS
	t.CappedMS += o.CappedMS
	t.DroppedMS += o.DroppedMS
	t.RunningMS += o.RunningMS
	t.ImportedMS += o.ImportedMS
}

// Balanced reports whether the accounting adds up.
func (t LegacyTime) Balanced() bool {
	return t.ValidMS-t.CappedMS-t.DroppedMS+t.RunningMS == t.ImportedMS
}

// LegacyProblem is one value the original allowed and we do not, and what
// the import did about it.
type LegacyProblem struct {
	Row     string // e.g. `task 12 "Refactor…" (2025-06-11)`
	Problem string
	Action  string
}

// errRollback ends a dry run's transaction without writing.
var errRollback = errors.New("dry run: roll back")

// ImportLegacy imports the original FocusFlow's users and their data. Each
// user is imported in one transaction; rows imported before (legacy_ids)
// are skipped, so an interrupted run can simply be run again.
func (db *DB) ImportLegacy(ctx context.Context, src *LegacySource, opts LegacyOptions) (*LegacyReport, error) {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	data, err := src.read(ctx)
	if err != nil {
		return nil, err
	}
	rep := &LegacyReport{Source: src.Name(), Timezone: loc.String(), DryRun: opts.DryRun}
	im := &legacyImport{db: db, loc: loc, now: db.now().Truncate(time.Millisecond), dryRun: opts.DryRun, data: data}
	im.index()
	rep.Orphans = im.orphans()
	accounts, err := im.planAccounts(ctx)
	if err != nil {
		return nil, err
	}
	for i, acc := range accounts {
		ur, err := im.importUser(ctx, acc)
		if err != nil {
			return rep, fmt.Errorf("import user %d (%q): %w", acc.legacy.id, acc.legacy.username.String, err)
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
	if !rep.Time.Balanced() {
		// A bug, not a data problem: the report must account for every ms.
		return rep, fmt.Errorf("internal error: imported time does not add up (%+v)", rep.Time)
	}
	return rep, nil
}

// legacyImport is one run's state.
type legacyImport struct {
	db     *DB
	loc    *time.Location
	now    time.Time
	dryRun bool
	data   *legacyData

	tasksOf    map[int64][]legacyTask
	dayNotesOf map[int64][]legacyDayNote
	notesOf    map[int64][]legacyNote
	activityOf map[int64][]legacyActivity
	// completedAt: when the activity log says each task was completed.
	completedAt map[int64]time.Time
}

func (im *legacyImport) index() {
	im.tasksOf = map[int64][]legacyTask{}
	im.dayNotesOf = map[int64][]legacyDayNote{}
	im.notesOf = map[int64][]legacyNote{}
	im.activityOf = map[int64][]legacyActivity{}
	im.completedAt = map[int64]time.Time{}
	for _, t := range im.data.tasks {
		im.tasksOf[t.userID] = append(im.tasksOf[t.userID], t)
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
			if at, ok := parseLegacyTime(a.at, im.loc); ok && at.After(im.completedAt[a.taskID.Int64]) {
				im.completedAt[a.taskID.Int64] = at
			}
		}
	}
}

func (im *legacyImport) orphans() []LegacyProblem {
	users := map[int64]bool{}
	for _, u := range im.data.users {
		users[u.id] = true
	}
	var out []LegacyProblem
	orphan := func(table string, n int, uid int64) {
		out = append(out, LegacyProblem{Row: fmt.Sprintf("%d %s row(s) of user_id %d", n, table, uid),
			Problem: "their user does not exist in the original database", Action: "not imported"})
	}
	for _, uid := range legacySortedKeys(im.tasksOf) {
		if !users[uid] {
			orphan("user_tasks", len(im.tasksOf[uid]), uid)
		}
	}
	for _, uid := range legacySortedKeys(im.dayNotesOf) {
		if !users[uid] {
			orphan("daily_entries", len(im.dayNotesOf[uid]), uid)
		}
	}
	for _, uid := range legacySortedKeys(im.notesOf) {
		if !users[uid] {
			orphan("user_notes", len(im.notesOf[uid]), uid)
		}
	}
	for _, uid := range legacySortedKeys(im.activityOf) {
		if !users[uid] {
			orphan("activity_log", len(im.activityOf[uid]), uid)
		}
	}
	return out
}

func legacySortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// --- accounts ---

// legacyAccount is the plan for one original user.
type legacyAccount struct {
	legacy    legacyUser
	existing  int64 // our user id when an earlier run imported them
	username  string
	email     string
	hash      string
	createdAt time.Time
	problems  []LegacyProblem
}

// planAccounts decides every user's username and email up front, in the
// original's id order, so the first account keeps a name that a later one
// duplicates (ignoring case) and a dry run reports exactly what a real run
// would do.
func (im *legacyImport) planAccounts(ctx context.Context) ([]*legacyAccount, error) {
	takenNames, takenEmails := map[string]legacyOwner{}, map[string]string{}
	rows, err := im.db.read.QueryContext(ctx, `SELECT username, username_key, email_key FROM users`)
	if err != nil {
		return nil, wrapDBError(err)
	}
	for rows.Next() {
		var name, nk, ek string
		if err := rows.Scan(&name, &nk, &ek); err != nil {
			rows.Close()
			return nil, err
		}
		takenNames[nk] = legacyOwner{name: name, desc: fmt.Sprintf("%q (an existing FocusFlow account)", name)}
		takenEmails[ek] = "an existing FocusFlow account"
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrapDBError(err)
	}
	mapped := map[int64][2]int64{} // legacy id → our id, created_at
	rows, err = im.db.read.QueryContext(ctx, `SELECT l.legacy_id, u.id, u.created_at FROM legacy_ids l
		JOIN users u ON u.id = l.new_id WHERE l.kind = $1`, kindLegacyUser)
	if err != nil {
		return nil, wrapDBError(err)
	}
	for rows.Next() {
		var lid, id, created int64
		if err := rows.Scan(&lid, &id, &created); err != nil {
			rows.Close()
			return nil, err
		}
		mapped[lid] = [2]int64{id, created}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrapDBError(err)
	}

	var out []*legacyAccount
	for _, u := range im.data.users {
		acc := &legacyAccount{legacy: u, hash: u.hash.String}
		acc.createdAt = im.userCreatedAt(acc)
		// A mapping counts only while it still points at the account it
		// made (same join date): ids can be reused after a deletion. Without
		// a created_at of its own the join date was derived from the data,
		// which may have grown since; the row's existence has to do then.
		_, createdOK := parseLegacyTime(u.created, im.loc)
		if m, ok := mapped[u.id]; ok && (m[1] == acc.createdAt.UnixMilli() || !createdOK) {
			acc.existing = m[0]
			out = append(out, acc)
			continue
		}
		if !createdOK {
			acc.problems = append(acc.problems, LegacyProblem{Row: "account",
				Problem: fmt.Sprintf("created_at %s is not a timestamp", legacyQuote(u.created)),
				Action:  "joined date set to " + acc.createdAt.In(im.loc).Format("2006-01-02 15:04") + ", the earliest date in their data"})
		}
		im.planUsername(acc, takenNames)
		im.planEmail(acc, takenEmails)
		if (!strings.HasPrefix(acc.hash, "pbkdf2:") && !strings.HasPrefix(acc.hash, "scrypt:")) || strings.Count(acc.hash, "$") != 2 {
			acc.problems = append(acc.problems, LegacyProblem{Row: "account",
				Problem: "the password hash is not a Werkzeug pbkdf2 or scrypt hash",
				Action:  "kept as is; the user cannot sign in until an administrator runs: focusflow user set-password " + acc.username})
		}
		out = append(out, acc)
	}
	return out, nil
}

// userCreatedAt is the original's created_at, or — when it is missing —
// the earliest instant in the user's data, so that re-runs compute the same
// value and recognise the account.
func (im *legacyImport) userCreatedAt(acc *legacyAccount) time.Time {
	if t, ok := parseLegacyTime(acc.legacy.created, im.loc); ok {
		return t.Truncate(time.Millisecond)
	}
	var earliest time.Time
	consider := func(t time.Time, ok bool) {
		if ok && (earliest.IsZero() || t.Before(earliest)) {
			earliest = t
		}
	}
	for _, t := range im.tasksOf[acc.legacy.id] {
		consider(parseLegacyTime(t.created, im.loc))
		if d, ok := parseLegacyDate(t.date); ok {
			consider(localdate.DayStart(d, im.loc), true)
		}
	}
	for _, n := range im.notesOf[acc.legacy.id] {
		consider(parseLegacyTime(n.created, im.loc))
	}
	for _, a := range im.activityOf[acc.legacy.id] {
		consider(parseLegacyTime(a.at, im.loc))
	}
	if earliest.IsZero() {
		earliest = time.Unix(0, 0)
	}
	return earliest.UTC().Truncate(time.Millisecond)
}

// legacyOwner is who holds a username already.
type legacyOwner struct{ name, desc string }

func (im *legacyImport) planUsername(acc *legacyAccount, taken map[string]legacyOwner) {
	name := strings.TrimSpace(acc.legacy.username.String)
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if name == "" || clean != name {
		fallback := "user-" + strconv.FormatInt(acc.legacy.id, 10)
		acc.problems = append(acc.problems, LegacyProblem{Row: "account",
			Problem: fmt.Sprintf("username %s is empty or holds control characters", legacyQuote(acc.legacy.username)),
			Action:  fmt.Sprintf("imported as %q; they can also sign in with their email", fallback)})
		name = fallback
	} else if err := focusflow.ValidateUsername(name); err != nil {
		acc.problems = append(acc.problems, LegacyProblem{Row: "account",
			Problem: fmt.Sprintf("username %q breaks today's rule (3–50 characters: letters, digits, _ . -)", name),
			Action:  "kept as is: they sign in with it as before"})
	}
	key := strings.ToLower(name)
	if owner, ok := taken[key]; ok {
		base := name
		if utf8.RuneCountInString(base) > legacyMaxUsername-12 {
			base = string([]rune(base)[:legacyMaxUsername-12])
		}
		newName := base + "-" + strconv.FormatInt(acc.legacy.id, 10)
		for i := 2; taken[strings.ToLower(newName)].name != ""; i++ {
			newName = base + "-" + strconv.FormatInt(acc.legacy.id, 10) + "-" + strconv.Itoa(i)
		}
		problem := fmt.Sprintf("username %q differs only by case from %s, and usernames ignore case here", name, owner.desc)
		if owner.name == name {
			problem = fmt.Sprintf("username %q is already taken by %s", name, owner.desc)
		}
		acc.problems = append(acc.problems, LegacyProblem{Row: "account", Problem: problem,
			Action: fmt.Sprintf("imported as %q; they can also sign in with their email (tell them)", newName)})
		name, key = newName, strings.ToLower(newName)
	}
	taken[key] = legacyOwner{name: name, desc: fmt.Sprintf("%q (original user %d)", name, acc.legacy.id)}
	acc.username = name
}

func (im *legacyImport) planEmail(acc *legacyAccount, taken map[string]string) {
	email := strings.TrimSpace(strings.ToValidUTF8(acc.legacy.email.String, ""))
	placeholder := func() string {
		p := fmt.Sprintf("user-%d@legacy.invalid", acc.legacy.id)
		for i := 2; taken[p] != ""; i++ {
			p = fmt.Sprintf("user-%d-%d@legacy.invalid", acc.legacy.id, i)
		}
		return p
	}
	if email == "" {
		p := placeholder()
		acc.problems = append(acc.problems, LegacyProblem{Row: "account", Problem: "no email address",
			Action: fmt.Sprintf("set to the placeholder %s; they sign in with their username", p)})
		email = p
	} else if owner, ok := taken[strings.ToLower(email)]; ok {
		p := placeholder()
		acc.problems = append(acc.problems, LegacyProblem{Row: "account",
			Problem: fmt.Sprintf("email %q is also the email of %s when case is ignored, and emails must be unique here", email, owner),
			Action:  fmt.Sprintf("set to the placeholder %s; they sign in with their username %q", p, acc.username)})
		email = p
	} else if err := focusflow.ValidateEmail(email); err != nil {
		acc.problems = append(acc.problems, LegacyProblem{Row: "account",
			Problem: fmt.Sprintf("email %q is not a valid address", email), Action: "kept as is"})
	}
	taken[strings.ToLower(email)] = fmt.Sprintf("%q (original user %d)", acc.username, acc.legacy.id)
	acc.email = email
}

// --- one user ---

// legacyUserRun is the state of one user's transaction.
type legacyUserRun struct {
	im     *legacyImport
	tx     *sql.Tx
	acc    *legacyAccount
	user   *focusflow.User
	rep    *LegacyUserReport
	mapped map[string]map[int64]int64 // kind → legacy id → our id
	taskID map[int64]int64            // legacy task id → ours (earlier runs and this one)
	pos    map[string]int             // next position per date
}

func (im *legacyImport) importUser(ctx context.Context, acc *legacyAccount) (*LegacyUserReport, error) {
	rep := &LegacyUserReport{LegacyID: acc.legacy.id, LegacyUsername: acc.legacy.username.String, Username: acc.username}
	var result *LegacyUserReport
	err := im.db.tx(ctx, func(tx *sql.Tx) error {
		// A fresh report per attempt: nothing of a rolled-back try leaks.
		r := *rep
		r.Problems = slices.Clone(acc.problems)
		run := &legacyUserRun{im: im, tx: tx, acc: acc, rep: &r, pos: map[string]int{}}
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

func (run *legacyUserRun) problem(row, problem, action string) {
	run.rep.Problems = append(run.rep.Problems, LegacyProblem{Row: row, Problem: problem, Action: action})
}

func (run *legacyUserRun) do(ctx context.Context) error {
	im, acc := run.im, run.acc
	u := &focusflow.User{Username: acc.username, Email: acc.email, Timezone: im.loc.String(), Theme: "auto",
		DailyGoal: focusflow.DefaultDailyGoal, TimerCap: focusflow.DefaultTimerCap, CreatedAt: acc.createdAt}
	run.rep.State = "updated"
	if acc.existing != 0 {
		existing, err := scanUser(run.tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, acc.existing))
		if err != nil {
			return wrapDBError(err)
		}
		u = existing
		run.rep.Username = u.Username
	} else {
		err := run.tx.QueryRowContext(ctx, `INSERT INTO users (username, username_key, email, email_key, password_hash,
			timezone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			u.Username, strings.ToLower(u.Username), u.Email, strings.ToLower(u.Email), acc.hash, u.Timezone,
			u.CreatedAt.UnixMilli()).Scan(&u.ID)
		if isUniqueViolation(err) {
			return fmt.Errorf("username %q or email %q was taken while the import ran; run it again", u.Username, u.Email)
		}
		if err != nil {
			return wrapDBError(err)
		}
		if err := run.mapID(ctx, kindLegacyUser, acc.legacy.id, u.ID); err != nil {
			return err
		}
		run.rep.State = "new"
		run.rep.Counts.Users = 1
	}
	run.user = u
	if !im.dryRun || acc.existing != 0 {
		run.rep.UserID = u.ID
	}
	if err := run.loadMapped(ctx); err != nil {
		return err
	}
	before := run.rep.Counts
	if err := run.tasks(ctx); err != nil {
		return err
	}
	if err := run.dayNotes(ctx); err != nil {
		return err
	}
	if err := run.notes(ctx); err != nil {
		return err
	}
	if err := run.activity(ctx); err != nil {
		return err
	}
	c := run.rep.Counts
	if acc.existing != 0 && c.Tasks == before.Tasks && c.DayNotes == before.DayNotes && c.Notes == before.Notes &&
		c.Activity == before.Activity {
		run.rep.State = "unchanged"
	}
	return nil
}

// mapID records where a row came from.
func (run *legacyUserRun) mapID(ctx context.Context, kind string, legacyID, newID int64) error {
	_, err := run.tx.ExecContext(ctx, `INSERT INTO legacy_ids (kind, legacy_id, new_id) VALUES ($1, $2, $3)
		ON CONFLICT (kind, legacy_id) DO UPDATE SET new_id = excluded.new_id`, kind, legacyID, newID)
	return wrapDBError(err)
}

// loadMapped reads which of this user's original rows earlier runs
// imported: only mappings whose row still exists for this user count.
func (run *legacyUserRun) loadMapped(ctx context.Context) error {
	run.mapped = map[string]map[int64]int64{}
	queries := map[string]string{
		kindLegacyTask:     `SELECT l.legacy_id, l.new_id FROM legacy_ids l JOIN tasks t ON t.id = l.new_id AND t.user_id = $2 WHERE l.kind = $1`,
		kindLegacyNote:     `SELECT l.legacy_id, l.new_id FROM legacy_ids l JOIN notes t ON t.id = l.new_id AND t.user_id = $2 WHERE l.kind = $1`,
		kindLegacyActivity: `SELECT l.legacy_id, l.new_id FROM legacy_ids l JOIN activity t ON t.id = l.new_id AND t.user_id = $2 WHERE l.kind = $1`,
		kindLegacyDayNote:  `SELECT l.legacy_id, l.new_id FROM legacy_ids l WHERE l.kind = $1 AND l.new_id = $2`,
	}
	for kind, q := range queries {
		m := map[int64]int64{}
		rows, err := run.tx.QueryContext(ctx, q, kind, run.user.ID)
		if err != nil {
			return wrapDBError(err)
		}
		for rows.Next() {
			var lid, nid int64
			if err := rows.Scan(&lid, &nid); err != nil {
				rows.Close()
				return err
			}
			m[lid] = nid
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return wrapDBError(err)
		}
		run.mapped[kind] = m
	}
	// A day-note mapping is per user; the original's ids are global, so a
	// mapping of another user's note never matches here.
	run.taskID = map[int64]int64{}
	for lid, nid := range run.mapped[kindLegacyTask] {
		run.taskID[lid] = nid
	}
	return nil
}

// --- tasks and their time ---

// legacyTaskPlan is what one original task becomes.
type legacyTaskPlan struct {
	src         legacyTask
	row         string
	date        string
	title       string
	description string
	start       string
	duration    int
	status      string
	createdAt   time.Time
	completedAt time.Time
	done        bool // imported by an earlier run
	// time
	spent      int64 // valid time_spent after the day cap
	running    int64 // the running timer's part, after caps
	runStart   time.Time
	runEnd     time.Time
	runSource  string
	entries    []entrySpan // placed entries
	sources    []string
	overflow   []legacyOverflow
	anomalies  []string
	spentRaw   int64
	capped     int64
	runningRaw int64
}

type legacyOverflow struct {
	title, text string
}

func (run *legacyUserRun) tasks(ctx context.Context) error {
	im := run.im
	var plans []*legacyTaskPlan
	for _, t := range im.tasksOf[run.acc.legacy.id] {
		p, ok := run.planTask(t)
		if !ok {
			continue
		}
		plans = append(plans, p)
	}
	run.capDays(plans)
	// Only the rows this run imports are accounted for; earlier runs
	// accounted for theirs.
	var todo []*legacyTaskPlan
	for _, p := range plans {
		if p.done {
			run.rep.Counts.AlreadyThere++
			continue
		}
		todo = append(todo, p)
		run.rep.Time.ValidMS += p.spentRaw
		run.rep.Time.CappedMS += p.capped
		run.rep.Time.RunningMS += p.runningRaw
	}
	if err := run.placeEntries(ctx, todo); err != nil {
		return err
	}
	for _, p := range todo {
		if err := run.writeTask(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

func legacyTaskRow(t legacyTask, date string) string {
	return fmt.Sprintf("task %d %q (%s)", t.id, legacyShorten(t.title.String, 40), date)
}

func legacyShorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func legacyQuote(v sql.NullString) string {
	if !v.Valid {
		return "NULL"
	}
	return strconv.Quote(legacyShorten(v.String, 60))
}

// legacyStatuses maps the spellings the original's users ended up with;
// anything else becomes pending. Every mapping is reported.
var legacyStatuses = map[string]string{
	"pending": focusflow.StatusPending, "todo": focusflow.StatusPending, "new": focusflow.StatusPending,
	"in-progress": focusflow.StatusInProgress, "in_progress": focusflow.StatusInProgress,
	"inprogress": focusflow.StatusInProgress, "in progress": focusflow.StatusInProgress,
	"started": focusflow.StatusInProgress, "running": focusflow.StatusInProgress, "active": focusflow.StatusInProgress,
	"paused": focusflow.StatusPaused, "on-hold": focusflow.StatusPaused, "on hold": focusflow.StatusPaused,
	"completed": focusflow.StatusCompleted, "complete": focusflow.StatusCompleted, "done": focusflow.StatusCompleted,
	"finished": focusflow.StatusCompleted, "closed": focusflow.StatusCompleted,
}

func (run *legacyUserRun) planTask(t legacyTask) (*legacyTaskPlan, bool) {
	im := run.im
	p := &legacyTaskPlan{src: t}
	_, p.done = run.taskID[t.id]
	report := func(problem, action string) {
		if !p.done {
			run.problem(p.row, problem, action)
		}
	}
	created, createdOK := parseLegacyTime(t.created, im.loc)
	date, ok := parseLegacyDate(t.date)
	p.row = legacyTaskRow(t, t.date.String)
	if !ok {
		if !createdOK {
			report(fmt.Sprintf("entry_date %s is not a date and created_at %s is not a timestamp", legacyQuote(t.date), legacyQuote(t.created)),
				fmt.Sprintf("not imported (%d ms of time_spent not imported)", max(0, legacyMustMS(t.spent))))
			run.rep.Time.ValidMS += max(0, legacyMustMS(t.spent))
			run.rep.Time.DroppedMS += max(0, legacyMustMS(t.spent))
			return nil, false
		}
		date = localdate.Today(created, im.loc)
		report(fmt.Sprintf("entry_date %s is not a date", legacyQuote(t.date)), "dated "+date+", the day it was created")
	}
	p.date = date
	p.row = legacyTaskRow(t, date)
	if !createdOK {
		created = localdate.DayStart(date, im.loc)
		if t.created.Valid {
			report(fmt.Sprintf("created_at %s is not a timestamp", legacyQuote(t.created)), "set to the start of its day")
		}
	}
	p.createdAt = created.Truncate(time.Millisecond)

	// Text: shortened to our limits, the full text kept in a note.
	title, issues, full := cleanLegacyText(t.title.String, legacyMaxTitle, false)
	for _, is := range issues {
		report("title "+is, "cleaned")
	}
	if full != "" {
		report(fmt.Sprintf("title is %d characters (at most %d here)", utf8.RuneCountInString(full), legacyMaxTitle),
			"shortened; the full title is kept in a note on "+date)
		p.overflow = append(p.overflow, legacyOverflow{title: "Full title of a task shortened on import", text: full})
	}
	if title == "" {
		report("title is empty", `imported as "(untitled)"`)
		title = "(untitled)"
	}
	p.title = title
	desc, issues, full := cleanLegacyText(t.description.String, legacyMaxDescription, true)
	for _, is := range issues {
		report("description "+is, "cleaned")
	}
	if full != "" {
		report(fmt.Sprintf("description is %d characters (at most %d here)", utf8.RuneCountInString(full), legacyMaxDescription),
			"shortened; the full description is kept in a note on "+date)
		p.overflow = append(p.overflow, legacyOverflow{title: legacyShorten("Full description of: "+title, legacyMaxTitle), text: full})
	}
	p.description = desc

	if hhmm, exact, ok := parseLegacyClock(t.start); ok {
		p.start = hhmm
		if !exact {
			report(fmt.Sprintf("start_time %s is not HH:MM", legacyQuote(t.start)), "read as "+hhmm)
		}
	} else if !exact {
		report(fmt.Sprintf("start_time %s is not a time of day", legacyQuote(t.start)), "left empty")
	}
	if t.duration.Valid && strings.TrimSpace(t.duration.String) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(t.duration.String))
		switch {
		case err != nil || n < 0 || n > 1440:
			report(fmt.Sprintf("duration_minutes %s is outside 1–1440", legacyQuote(t.duration)), "left empty")
		default:
			p.duration = n // 0 means none, as in the original
		}
	}

	// Status, and the timer that may have been running.
	raw := t.status.String
	status, known := legacyStatuses[strings.ToLower(strings.TrimSpace(raw))]
	switch {
	case !t.status.Valid || !known:
		status = focusflow.StatusPending
		report(fmt.Sprintf("status %s is not one of pending, in-progress, paused, completed", legacyQuote(t.status)),
			"imported as pending")
	case status != raw:
		report(fmt.Sprintf("status %q is not one of pending, in-progress, paused, completed", raw), "read as "+status)
	}
	spent, spentOK := parseLegacyMS(t.spent)
	if t.spent.Valid && strings.TrimSpace(t.spent.String) != "" && !spentOK {
		report(fmt.Sprintf("time_spent %s is not a number", legacyQuote(t.spent)), "no time imported")
	}
	switch {
	case spent < 0:
		report(fmt.Sprintf("time_spent is negative (%d ms)", spent), "not imported: the task has no time from the original; flagged")
		p.anomalies = append(p.anomalies, fmt.Sprintf("The original recorded a negative time (%s) on %q; it was not imported.",
			formatExactMS(-spent), legacyShorten(title, 80)))
		if !p.done {
			run.rep.Time.NegativeMS += spent
		}
		spent = 0
	default:
		p.spentRaw = spent
	}
	p.spent = spent
	timerStart, hasTimer := parseLegacyMS(t.timerStart)
	lastSync, hasSync := parseLegacyMS(t.lastSync)
	if status == focusflow.StatusInProgress {
		status = focusflow.StatusPaused
		if hasTimer && timerStart > 0 {
			run.planRunning(p, timerStart, lastSync, hasSync, report)
		} else {
			report("status is in-progress but no timer was running", "imported as paused")
		}
	}
	p.status = status
	if status == focusflow.StatusCompleted {
		switch {
		case !im.completedAt[t.id].IsZero():
			p.completedAt = im.completedAt[t.id]
		case hasSync && lastSync > 0:
			p.completedAt = time.UnixMilli(lastSync).UTC()
		default:
			p.completedAt = p.createdAt
		}
		if p.completedAt.After(im.now) {
			p.completedAt = im.now
		}
	}
	return p, true
}

func legacyMustMS(v sql.NullString) int64 {
	n, _ := parseLegacyMS(v)
	return n
}

// planRunning turns a timer that was running in the original into a
// stopped one: its part from start to the last sync becomes an entry of
// its own, capped like a forgotten timer is today.
func (run *legacyUserRun) planRunning(p *legacyTaskPlan, start, lastSync int64, hasSync bool, report func(string, string)) {
	im := run.im
	startT := time.UnixMilli(start).UTC()
	if !hasSync || lastSync <= start {
		report(fmt.Sprintf("the timer was running (started %s) but never synced after it started", im.local(startT)),
			"stopped at its start: no time added for the running part; status set to paused")
		return
	}
	end := time.UnixMilli(lastSync).UTC()
	if end.After(im.now) {
		end = im.now
	}
	if !end.After(startT) {
		report(fmt.Sprintf("the timer was running (started %s) in the future", im.local(startT)),
			"no time added for the running part; status set to paused")
		return
	}
	length := end.Sub(startT)
	p.runningRaw = length.Milliseconds()
	p.runSource = focusflow.SourceImported
	if length > focusflow.DefaultTimerCap {
		report(fmt.Sprintf("the timer was running from %s to its last sync %s (%s)", im.local(startT), im.local(end), formatExactMS(length.Milliseconds())),
			fmt.Sprintf("stopped at %s after %s, the cap for a forgotten timer; the entry's end can be corrected (source capped); status set to paused; flagged",
				im.local(startT.Add(focusflow.DefaultTimerCap)), formatExactDuration(focusflow.DefaultTimerCap)))
		p.anomalies = append(p.anomalies, fmt.Sprintf("A timer left running in the original on %q was stopped after %s on import.",
			legacyShorten(p.title, 80), formatExactDuration(focusflow.DefaultTimerCap)))
		p.capped += length.Milliseconds() - focusflow.DefaultTimerCap.Milliseconds()
		length = focusflow.DefaultTimerCap
		end = startT.Add(length)
		p.runSource = focusflow.SourceCapped
	} else {
		report(fmt.Sprintf("the timer was running (started %s, last synced %s)", im.local(startT), im.local(end)),
			fmt.Sprintf("stopped at its last sync: %s recorded as an entry of its own; status set to paused", formatExactMS(length.Milliseconds())))
	}
	p.runStart, p.runEnd = startT, end
	p.running = length.Milliseconds()
}

// capDays keeps every calendar day at 24 hours of time at most: tasks are
// served in the original's id order, and what does not fit is cut.
func (run *legacyUserRun) capDays(plans []*legacyTaskPlan) {
	used := map[string]int64{}
	limit := legacyMaxDay.Milliseconds()
	total := map[string]int64{}
	for _, p := range plans {
		total[p.date] += p.spent + p.running
	}
	for _, p := range plans {
		room := max(0, limit-used[p.date])
		want := p.spent + p.running
		if want <= room {
			used[p.date] += want
			continue
		}
		cut := want - room
		// The running part is cut first: it is the least certain.
		runCut := min(cut, p.running)
		p.running -= runCut
		if runCut > 0 {
			p.runStart = p.runEnd.Add(-time.Duration(p.running) * time.Millisecond)
		}
		p.spent -= cut - runCut
		p.capped += cut
		used[p.date] += p.spent + p.running
		if !p.done {
			run.problem(p.row, fmt.Sprintf("%s holds %s of time in all, more than 24 hours", p.date, formatExactMS(total[p.date])),
				fmt.Sprintf("this task's %s was capped to %s so that the day holds 24 h; flagged", formatExactMS(want), formatExactMS(p.spent+p.running)))
		}
		p.anomalies = append(p.anomalies, fmt.Sprintf("The original recorded %s of time on %s; %q was cut from %s to %s on import.",
			formatExactMS(total[p.date]), p.date, legacyShorten(p.title, 80), formatExactMS(want), formatExactMS(p.spent+p.running)))
	}
}

// placeEntries gives each task's time an interval: running parts where
// they happened, then time_spent ending at the task's last sync when that
// lies on the task's day (else at the day's end), never in the future and
// never over another entry of the user — shifted earlier when needed.
func (run *legacyUserRun) placeEntries(ctx context.Context, plans []*legacyTaskPlan) error {
	im := run.im
	busy, err := run.busy(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if p.running <= 0 {
			continue
		}
		want := p.runEnd.UnixMilli()
		s := busy.place(want, p.running)
		if s.end != want {
			run.problem(p.row, "the running timer's time overlaps another entry of the user",
				fmt.Sprintf("its entry moved earlier to end at %s", im.local(time.UnixMilli(s.end))))
		}
		p.entries = append(p.entries, s)
		p.sources = append(p.sources, p.runSource)
	}
	type want struct {
		p   *legacyTaskPlan
		end int64
	}
	var wants []want
	for _, p := range plans {
		if p.spent <= 0 {
			continue
		}
		dayStart, dayEnd := localdate.DayStart(p.date, im.loc), localdate.DayEnd(p.date, im.loc)
		end := dayEnd
		if last, ok := parseLegacyMS(p.src.lastSync); ok && last > 0 {
			if t := time.UnixMilli(last); !t.Before(dayStart) && t.Before(dayEnd) {
				end = t
			}
		}
		if end.After(im.now) {
			end = im.now
			run.problem(p.row, "the task's day is not over yet (or lies in the future) but has time recorded",
				"its entry ends now, when the import ran, not in the future")
		}
		wants = append(wants, want{p, end.UnixMilli()})
	}
	sort.SliceStable(wants, func(i, j int) bool {
		if wants[i].end != wants[j].end {
			return wants[i].end > wants[j].end
		}
		return wants[i].p.src.id < wants[j].p.src.id
	})
	for _, w := range wants {
		s := busy.place(w.end, w.p.spent)
		dayStart := localdate.DayStart(w.p.date, im.loc).UnixMilli()
		if s.end != w.end && s.start < dayStart {
			run.problem(w.p.row, "the day's other entries leave no room for this task's time on its own day",
				fmt.Sprintf("its entry moved earlier, to %s–%s", im.local(time.UnixMilli(s.start)), im.local(time.UnixMilli(s.end))))
		}
		w.p.entries = append(w.p.entries, s)
		w.p.sources = append(w.p.sources, focusflow.SourceImported)
	}
	return nil
}

// busy is the user's existing entries as disjoint intervals sorted by
// start (a running one counts up to now).
func (run *legacyUserRun) busy(ctx context.Context) (*spanSet, error) {
	rows, err := run.tx.QueryContext(ctx, `SELECT started_at, COALESCE(ended_at, $2) FROM time_entries
		WHERE user_id = $1 ORDER BY started_at`, run.user.ID, run.im.now.UnixMilli())
	if err != nil {
		return nil, wrapDBError(err)
	}
	defer rows.Close()
	tl := &spanSet{}
	for rows.Next() {
		var s entrySpan
		if err := rows.Scan(&s.start, &s.end); err != nil {
			return nil, err
		}
		tl.add(s)
	}
	return tl, wrapDBError(rows.Err())
}

func (run *legacyUserRun) writeTask(ctx context.Context, p *legacyTaskPlan) error {
	im, tx, u := run.im, run.tx, run.user
	pos, ok := run.pos[p.date]
	if !ok {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM tasks WHERE user_id = $1 AND date = $2`,
			u.ID, p.date).Scan(&pos); err != nil {
			return wrapDBError(err)
		}
	}
	pos++
	run.pos[p.date] = pos
	var spent int64
	for _, e := range p.entries {
		spent += e.end - e.start
	}
	var completedAt any
	if p.status == focusflow.StatusCompleted {
		completedAt = p.completedAt.UnixMilli()
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO tasks (user_id, date, title, description, start_time, duration_minutes,
		status, position, spent_ms, completed_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		u.ID, p.date, p.title, p.description, nullString(p.start), nullInt(p.duration), p.status, pos, spent,
		completedAt, p.createdAt.UnixMilli(), im.now.UnixMilli()).Scan(&id)
	if err != nil {
		return wrapDBError(err)
	}
	run.taskID[p.src.id] = id
	if err := run.mapID(ctx, kindLegacyTask, p.src.id, id); err != nil {
		return err
	}
	if err := addTaskCounts(ctx, sqlExec{tx}, u.ID, p.date, 1, b2i(p.status == focusflow.StatusCompleted)); err != nil {
		return err
	}
	for i, e := range p.entries {
		if _, err := tx.ExecContext(ctx, `INSERT INTO time_entries (user_id, task_id, started_at, ended_at, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, u.ID, id, e.start, e.end, p.sources[i], im.now.UnixMilli()); err != nil {
			return wrapDBError(err)
		}
		if err := addFocus(ctx, sqlExec{tx}, u.ID, im.loc, fromMS(e.start), fromMS(e.end), false, 1); err != nil {
			return err
		}
		run.rep.Counts.Entries++
		run.rep.Time.ImportedMS += e.end - e.start
	}
	for _, o := range p.overflow {
		if err := run.overflowNotes(ctx, p.date, o, p.createdAt); err != nil {
			return err
		}
	}
	// Flags: an anomaly in the day's activity, where the user sees it.
	for _, msg := range p.anomalies {
		at := p.createdAt
		if len(p.entries) > 0 {
			at = fromMS(p.entries[len(p.entries)-1].end)
		}
		if err := run.insertActivity(ctx, p.date, at, focusflow.ActAnomaly, msg, id); err != nil {
			return err
		}
	}
	run.rep.Counts.Tasks++
	return nil
}

func (run *legacyUserRun) insertActivity(ctx context.Context, date string, at time.Time, kind, msg string, taskID int64) (err error) {
	_, err = run.tx.ExecContext(ctx, `INSERT INTO activity (user_id, date, at, kind, message, task_id) VALUES ($1, $2, $3, $4, $5, $6)`,
		run.user.ID, date, at.UnixMilli(), kind, msg, nullID(taskID))
	return wrapDBError(err)
}

// overflowNotes keeps text that did not fit in general notes of up to
// 20,000 characters each.
func (run *legacyUserRun) overflowNotes(ctx context.Context, date string, o legacyOverflow, at time.Time) error {
	parts := splitText(o.text, legacyMaxNote)
	for i, part := range parts {
		title := o.title
		if len(parts) > 1 {
			title = legacyShorten(fmt.Sprintf("%s (%d/%d)", o.title, i+1, len(parts)), legacyMaxTitle)
		}
		if _, err := run.insertNote(ctx, date, "general", title, part, at, at); err != nil {
			return err
		}
		run.rep.Counts.ExtraNotes++
	}
	return nil
}

func (run *legacyUserRun) insertNote(ctx context.Context, date, typ, title, content string, created, updated time.Time) (int64, error) {
	var id int64
	err := run.tx.QueryRowContext(ctx, `INSERT INTO notes (user_id, date, type, title, content, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, run.user.ID, date, typ, title, content,
		created.UnixMilli(), updated.UnixMilli()).Scan(&id)
	return id, wrapDBError(err)
}

// splitText cuts s into pieces of at most n characters.
func splitText(s string, n int) []string {
	r := []rune(s)
	var out []string
	for len(r) > n {
		out = append(out, string(r[:n]))
		r = r[n:]
	}
	return append(out, string(r))
}

// cleanLegacyText fits text to our rules: valid UTF-8, no control
// characters (line breaks and tabs only when multiline), trimmed, at most
// max characters. It returns what it changed, and the whole cleaned text as
// overflow when it had to be shortened.
func cleanLegacyText(s string, max int, multiline bool) (clean string, issues []string, overflow string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		issues = append(issues, "held bytes that are not UTF-8 (replaced by �)")
	}
	controls := false
	s = strings.Map(func(r rune) rune {
		if !unicode.IsControl(r) || multiline && (r == '\n' || r == '\t' || r == '\r') {
			return r
		}
		controls = true
		if multiline || r == 0 {
			return -1
		}
		return ' '
	}, s)
	if controls {
		if multiline {
			issues = append(issues, "held control characters (removed)")
		} else {
			issues = append(issues, "held line breaks or control characters (replaced by spaces)")
		}
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return strings.TrimSpace(string([]rune(s)[:max])), issues, s
	}
	return s, issues, ""
}

// --- notes ---

func (run *legacyUserRun) dayNotes(ctx context.Context) error {
	im := run.im
	for _, n := range im.dayNotesOf[run.acc.legacy.id] {
		date, ok := parseLegacyDate(n.date)
		if _, done := run.mapped[kindLegacyDayNote][n.id]; done {
			// A day note has no id of its own: it is there while its day
			// has one (the account may have been deleted and made anew).
			var there int
			if ok {
				if err := run.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM day_notes WHERE user_id = $1 AND date = $2`,
					run.user.ID, date).Scan(&there); err != nil {
					return wrapDBError(err)
				}
			}
			if !ok || there > 0 {
				run.rep.Counts.AlreadyThere++
				continue
			}
		}
		row := fmt.Sprintf("daily note %d (%s)", n.id, n.date.String)
		if !ok {
			run.problem(row, fmt.Sprintf("entry_date %s is not a date", legacyQuote(n.date)),
				"kept as a general note on the account's first day")
			date = localdate.Today(run.acc.createdAt, im.loc)
		}
		text, issues, full := cleanLegacyText(n.notes.String, legacyMaxNote, true)
		for _, is := range issues {
			run.problem(row, "text "+is, "cleaned")
		}
		if text == "" {
			continue // nothing to keep: the original stored empty notes for days once edited
		}
		var exists int
		if err := run.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM day_notes WHERE user_id = $1 AND date = $2`,
			run.user.ID, date).Scan(&exists); err != nil {
			return wrapDBError(err)
		}
		switch {
		case !ok || exists > 0:
			if exists > 0 {
				run.problem(row, "the day already has a daily note in FocusFlow", "imported as a general note on that day instead")
			}
			all := text
			if full != "" {
				all = full
			}
			if err := run.overflowNotes(ctx, date, legacyOverflow{title: "Daily note from the original FocusFlow", text: all}, run.im.now); err != nil {
				return err
			}
			run.rep.Counts.ExtraNotes-- // counted as the day note itself
		default:
			if _, err := run.tx.ExecContext(ctx, `INSERT INTO day_notes (user_id, date, text, updated_at) VALUES ($1, $2, $3, $4)`,
				run.user.ID, date, text, im.now.UnixMilli()); err != nil {
				return wrapDBError(err)
			}
			if full != "" {
				run.problem(row, fmt.Sprintf("text is %d characters (at most %d here)", utf8.RuneCountInString(full), legacyMaxNote),
					"the first 20,000 are the daily note; the whole text is kept in a general note on that day")
				if err := run.overflowNotes(ctx, date, legacyOverflow{title: "Full daily note (shortened on import)", text: full}, im.now); err != nil {
					return err
				}
			}
		}
		if err := run.mapID(ctx, kindLegacyDayNote, n.id, run.user.ID); err != nil {
			return err
		}
		run.rep.Counts.DayNotes++
	}
	return nil
}

var legacyNoteTypes = map[string]string{"general": "general", "reflection": "reflection", "idea": "idea", "reminder": "reminder"}

func (run *legacyUserRun) notes(ctx context.Context) error {
	im := run.im
	for _, n := range im.notesOf[run.acc.legacy.id] {
		if _, ok := run.mapped[kindLegacyNote][n.id]; ok {
			run.rep.Counts.AlreadyThere++
			continue
		}
		row := fmt.Sprintf("note %d %q (%s)", n.id, legacyShorten(n.title.String, 40), n.date.String)
		created, createdOK := parseLegacyTime(n.created, im.loc)
		date, ok := parseLegacyDate(n.date)
		if !ok {
			if !createdOK {
				run.problem(row, fmt.Sprintf("entry_date %s is not a date and created_at %s is not a timestamp",
					legacyQuote(n.date), legacyQuote(n.created)), "dated the account's first day")
				date = localdate.Today(run.acc.createdAt, im.loc)
			} else {
				date = localdate.Today(created, im.loc)
				run.problem(row, fmt.Sprintf("entry_date %s is not a date", legacyQuote(n.date)), "dated "+date+", the day it was created")
			}
		}
		if !createdOK {
			created = localdate.DayStart(date, im.loc)
		}
		updated, ok := parseLegacyTime(n.updated, im.loc)
		if !ok || updated.Before(created) {
			updated = created
		}
		typ, known := legacyNoteTypes[strings.TrimSpace(n.noteType.String)]
		if !known {
			typ = "general"
			run.problem(row, fmt.Sprintf("note_type %s is not one of general, reflection, idea, reminder", legacyQuote(n.noteType)),
				"imported as general")
		}
		title, issues, fullTitle := cleanLegacyText(n.title.String, legacyMaxTitle, false)
		for _, is := range issues {
			run.problem(row, "title "+is, "cleaned")
		}
		content, issues, fullContent := cleanLegacyText(n.content.String, legacyMaxNote, true)
		for _, is := range issues {
			run.problem(row, "content "+is, "cleaned")
		}
		body := content
		if fullContent != "" {
			body = fullContent
		}
		if body == "" && title == "" {
			run.problem(row, "the note has neither title nor content", "not imported: there is nothing in it")
			continue
		}
		if body == "" {
			body = title
			if fullTitle != "" {
				body = fullTitle
			}
			run.problem(row, "the note has a title but no content", "the title is also its content")
		} else if fullTitle != "" {
			body = fullTitle + "\n\n" + body
		}
		if fullTitle != "" {
			run.problem(row, fmt.Sprintf("title is %d characters (at most %d here)", utf8.RuneCountInString(fullTitle), legacyMaxTitle),
				"shortened; the full title starts the note's content")
		}
		parts := splitText(body, legacyMaxNote)
		if len(parts) > 1 {
			run.problem(row, fmt.Sprintf("content is %d characters (at most %d here)", utf8.RuneCountInString(body), legacyMaxNote),
				fmt.Sprintf("split into %d notes of the same day and type", len(parts)))
		}
		var firstID int64
		for i, part := range parts {
			t := title
			if len(parts) > 1 {
				label := title
				if label == "" {
					label = "Note"
				}
				t = legacyShorten(fmt.Sprintf("%s (%d/%d)", label, i+1, len(parts)), legacyMaxTitle)
			}
			id, err := run.insertNote(ctx, date, typ, t, part, created.Truncate(time.Millisecond), updated.Truncate(time.Millisecond))
			if err != nil {
				return err
			}
			if i == 0 {
				firstID = id
			} else {
				run.rep.Counts.ExtraNotes++
			}
		}
		if err := run.mapID(ctx, kindLegacyNote, n.id, firstID); err != nil {
			return err
		}
		run.rep.Counts.Notes++
	}
	return nil
}

// --- activity ---

// legacyActivityKinds name the original's messages by their start.
var legacyActivityKinds = []struct{ prefix, kind string }{
	{"Completed task", focusflow.ActTaskCompleted},
	{"Added task", focusflow.ActTaskAdded},
	{"Created task", focusflow.ActTaskAdded},
	{"Started timer", focusflow.ActTimerStarted},
	{"Resumed timer", focusflow.ActTimerResumed},
	{"Paused timer", focusflow.ActTimerPaused},
	{"Stopped timer", focusflow.ActTimerStopped},
	{"Added note", focusflow.ActNoteAdded},
}

// ActImported is the activity kind of original messages of no known kind.
const ActImported = "imported"

func (run *legacyUserRun) activity(ctx context.Context) error {
	im := run.im
	for _, a := range im.activityOf[run.acc.legacy.id] {
		if _, ok := run.mapped[kindLegacyActivity][a.id]; ok {
			run.rep.Counts.AlreadyThere++
			continue
		}
		row := fmt.Sprintf("activity %d %q", a.id, legacyShorten(a.message.String, 40))
		at, ok := parseLegacyTime(a.at, im.loc)
		if !ok {
			run.problem(row, fmt.Sprintf("timestamp %s is not a timestamp", legacyQuote(a.at)), "not imported: it belongs to no day")
			continue
		}
		at = at.Truncate(time.Millisecond)
		msg, issues, full := cleanLegacyText(a.message.String, legacyMaxMessage, false)
		for _, is := range issues {
			run.problem(row, "message "+is, "cleaned")
		}
		if full != "" {
			run.problem(row, fmt.Sprintf("message is %d characters (at most %d here)", utf8.RuneCountInString(full), legacyMaxMessage), "shortened")
		}
		if msg == "" {
			run.problem(row, "message is empty", "not imported")
			continue
		}
		kind := ActImported
		for _, k := range legacyActivityKinds {
			if strings.HasPrefix(msg, k.prefix) {
				kind = k.kind
				break
			}
		}
		var taskID int64
		if a.taskID.Valid {
			taskID = run.taskID[a.taskID.Int64] // 0 (none) when the task was deleted in the original
		}
		var id int64
		if err := run.tx.QueryRowContext(ctx, `INSERT INTO activity (user_id, date, at, kind, message, task_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, run.user.ID, localdate.Today(at, im.loc), at.UnixMilli(), kind, msg,
			nullID(taskID)).Scan(&id); err != nil {
			return wrapDBError(err)
		}
		if err := run.mapID(ctx, kindLegacyActivity, a.id, id); err != nil {
			return err
		}
		run.rep.Counts.Activity++
	}
	return nil
}

// --- formatting ---

func (im *legacyImport) local(t time.Time) string {
	s := t.In(im.loc).Format("2006-01-02 15:04:05.000")
	return strings.TrimSuffix(s, ".000")
}

// formatExactMS writes a duration exactly: 1h 02m 03.250s.
func formatExactMS(ms int64) string {
	neg := ms < 0
	if neg {
		ms = -ms
	}
	h, m, s, rest := ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000
	var out string
	switch {
	case h > 0:
		out = fmt.Sprintf("%dh %02dm %02d", h, m, s)
	case m > 0:
		out = fmt.Sprintf("%dm %02d", m, s)
	default:
		out = strconv.FormatInt(s, 10)
	}
	if rest > 0 {
		out += fmt.Sprintf(".%03d", rest)
	}
	out += "s"
	if neg {
		out = "-" + out
	}
	return out
}

func formatExactDuration(d time.Duration) string { return formatExactMS(d.Milliseconds()) }

// --- the report as text ---

// WriteText writes the report for people: every user with what was
// imported and every problem with what was done, then a summary whose time
// line accounts for every millisecond.
func (r *LegacyReport) WriteText(w io.Writer) error {
	var b strings.Builder
	did := "imported"
	if r.DryRun {
		did = "would import"
	}
	fmt.Fprintf(&b, "Legacy import from %s (naive timestamps read in %s)\n", r.Source, r.Timezone)
	if r.DryRun {
		b.WriteString("DRY RUN: every check ran; nothing was written.\n")
	}
	for _, u := range r.Users {
		b.WriteString("\n")
		id := "not created: dry run"
		if u.UserID != 0 {
			id = "id " + strconv.FormatInt(u.UserID, 10)
		}
		state := map[string]string{"new": "new account", "updated": "imported before; new rows added",
			"unchanged": "imported before; nothing new"}[u.State]
		fmt.Fprintf(&b, "user %d %q → %q (%s): %s\n", u.LegacyID, u.LegacyUsername, u.Username, id, state)
		c := u.Counts
		fmt.Fprintf(&b, "  %s: %s\n", did, reportCounts(c))
		if c.AlreadyThere > 0 {
			fmt.Fprintf(&b, "  already imported by an earlier run: %s\n", reportPlural(c.AlreadyThere, "row"))
		}
		if u.Time != (LegacyTime{}) {
			fmt.Fprintf(&b, "  time: %s\n", reportTime(u.Time))
		}
		if len(u.Problems) > 0 {
			fmt.Fprintf(&b, "  problems (%d):\n", len(u.Problems))
			for _, p := range u.Problems {
				fmt.Fprintf(&b, "  - %s: %s\n      → %s\n", p.Row, p.Problem, p.Action)
			}
		}
	}
	if len(r.Orphans) > 0 {
		b.WriteString("\nrows without a user in the original:\n")
		for _, p := range r.Orphans {
			fmt.Fprintf(&b, "  - %s: %s\n      → %s\n", p.Row, p.Problem, p.Action)
		}
	}
	var states = map[string]int{}
	for _, u := range r.Users {
		states[u.State]++
	}
	b.WriteString("\nSummary")
	if r.DryRun {
		b.WriteString(" (dry run: nothing was written)")
	}
	fmt.Fprintf(&b, ": %s (%d new, %d updated, %d unchanged)\n", reportPlural(len(r.Users), "user"), states["new"],
		states["updated"], states["unchanged"])
	fmt.Fprintf(&b, "  %s: %s\n", did, reportCounts(r.Totals))
	if r.Totals.AlreadyThere > 0 {
		fmt.Fprintf(&b, "  already imported by an earlier run: %s\n", reportPlural(r.Totals.AlreadyThere, "row"))
	}
	fmt.Fprintf(&b, "  problems found: %d\n", r.Totals.Problems)
	check := "✓"
	if !r.Time.Balanced() {
		check = "✗ DOES NOT ADD UP"
	}
	fmt.Fprintf(&b, "  time: %s %s\n", reportTime(r.Time), check)
	_, err := io.WriteString(w, b.String())
	return err
}

func reportCounts(c LegacyCounts) string {
	s := fmt.Sprintf("%s, %s, %s, %s, %s", reportPlural(c.Tasks, "task"), reportPlural(c.Entries, "time entry"),
		reportPlural(c.DayNotes, "daily note"), reportPlural(c.Notes, "note"), reportPlural(c.Activity, "activity entry"))
	if c.ExtraNotes > 0 {
		s += fmt.Sprintf(" (+%s keeping text that did not fit)", reportPlural(c.ExtraNotes, "note"))
	}
	return s
}

// reportTime shows the accounting in exact milliseconds.
func reportTime(t LegacyTime) string {
	s := fmt.Sprintf("valid time_spent %s ms", reportGroup(t.ValidMS))
	if t.CappedMS != 0 {
		s += fmt.Sprintf(" − capped %s ms", reportGroup(t.CappedMS))
	}
	if t.DroppedMS != 0 {
		s += fmt.Sprintf(" − tasks not imported %s ms", reportGroup(t.DroppedMS))
	}
	if t.RunningMS != 0 {
		s += fmt.Sprintf(" + running timers %s ms", reportGroup(t.RunningMS))
	}
	s += fmt.Sprintf(" = imported %s ms (%s)", reportGroup(t.ImportedMS), formatExactMS(t.ImportedMS))
	if t.NegativeMS != 0 {
		s += fmt.Sprintf("; negative time_spent not imported: %s ms", reportGroup(t.NegativeMS))
	}
	return s
}

func reportGroup(n int64) string { return message.NewPrinter(language.English).Sprint(n) }

func reportPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		return strconv.Itoa(n) + " " + strings.TrimSuffix(word, "y") + "ies"
	}
	return strconv.Itoa(n) + " " + word + "s"
}
