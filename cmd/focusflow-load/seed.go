package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

const defaultPassword = "load-test-password-placeholder"

// userName is the name of the n-th load user (1-based): load-user-00001.
func userName(n int) string { return fmt.Sprintf("load-user-%05d", n) }

func userEmail(n int) string { return userName(n) + "@example.test" }

// seedConfig holds the flags of `focusflow-load seed`.
type seedConfig struct {
	dbURL          string
	users, first   int
	days           int
	tasksPerDay    int
	entriesPerTask int
	password       string
	force          bool
	workers        int
	batch          int
	fast           bool
	heavyDay       bool // today: heavyTasks tasks, heavyNotes notes, heavyActivity lines
	now            time.Time
}

// Rows, in the shape of the tables of internal/sqlstore/migrations.
type (
	userRow struct {
		num                  int
		username, email      string
		hash                 string
		createdAt            int64
		daysOfHistory        int
		id                   int64 // assigned by the database
		taskBase, entryBase  int64 // ids of the user's tasks and entries start after these
		tasks, entries, days int   // rows written, for progress
	}
	taskRow struct {
		id, userID   int64
		date, title  string
		description  string
		words        string // search_words
		startTime    *string
		duration     *int32
		status       string
		position     int32
		spentMS      int64
		completedAt  *int64
		created, upd int64
	}
	noteRow struct {
		userID                    int64
		date, typ, title, content string
		words                     string
		at                        int64
	}
	dayNoteRow struct {
		userID            int64
		date, text, words string
		at                int64
	}
	entryRow struct {
		id, userID, taskID int64
		started, ended     int64
	}
	dailyRow struct {
		userID           int64
		date             string
		focusMS          int64
		total, completed int32
	}
	hourlyRow struct {
		userID  int64
		date    string
		hour    int32
		focusMS int64
	}
)

// batch is the history of a few users, written in one transaction.
type batch struct {
	users    []*userRow
	tasks    []taskRow
	entries  []entryRow
	daily    []dailyRow
	hourly   []hourlyRow
	notes    []noteRow
	dayNote  []dayNoteRow
	activity []activityRow
	now      int64 // timers.updated_at
}

var taskTitles = [...]string{
	"Write project proposal", "Review pull requests", "Plan the sprint", "Answer email", "Read chapter notes",
	"Refactor billing module", "Prepare slides", "Fix flaky test", "Update documentation", "Study Spanish",
	"Design review", "Draft blog post", "Customer call follow-up", "Budget spreadsheet", "Deep work: algorithms",
	"Code review backlog", "Write unit tests", "Research competitors", "Sketch UI mock-ups", "Clean up inbox",
	"Practice guitar", "Prepare interview questions", "Outline thesis chapter", "Weekly report", "Tidy backlog",
}

var plannedMinutes = [...]int32{25, 30, 45, 60, 90, 120}

// history generates one user's tasks, entries and per-day figures. All
// times are UTC (the load users' time zone). Day d runs from the oldest
// (0) to today (days-1). Entries do not cross midnight: the working day
// starts between 08:00 and 09:30 and its slots end by 23:00. Today's
// entries all end before now (the day is compressed when now is early), and
// today's tasks are all still pending, so that the timer can be started on
// them; past days are mostly completed.
func (c *seedConfig) history(u *userRow, b *batch) {
	rng := rand.New(rand.NewPCG(uint64(u.num), 0x5eed))
	today := time.Date(c.now.Year(), c.now.Month(), c.now.Day(), 0, 0, 0, 0, time.UTC)
	g := &dayGen{c: c, u: u, b: b, rng: rng, text: newTextGen(u.num), nextTask: u.taskBase, nextEntry: u.entryBase}
	for d := 0; d < u.daysOfHistory; d++ {
		g.day(today.AddDate(0, 0, -(u.daysOfHistory-1-d)), d == u.daysOfHistory-1)
	}
}

// dayGen writes one user's history a day at a time.
type dayGen struct {
	c                   *seedConfig
	u                   *userRow
	b                   *batch
	rng                 *rand.Rand
	text                *textGen
	nextTask, nextEntry int64
	// the day being written
	cursor    time.Time
	slot      time.Duration
	hours     [24]int64
	completed int32
}

// window is when a day's work happens. Today's entries all end before
// now, whatever the hour, so the day view has today's full share of
// entries to sum: the working day moves earlier (from midnight at the
// earliest) and its slots shrink when needed.
func (g *dayGen) window(day time.Time, isToday bool) (begin, end time.Time) {
	perDay := g.c.tasksOn(isToday) * g.c.entriesPerTask
	begin = day.Add(8*time.Hour + time.Duration(g.rng.IntN(91))*time.Minute)
	end = day.Add(23 * time.Hour)
	if !isToday {
		return begin, end
	}
	if early := g.c.now.Add(-time.Minute).Truncate(time.Second); early.Before(end) {
		end = early
	}
	if need := 45 * time.Minute * time.Duration(perDay); end.Sub(begin) < need {
		begin = end.Add(-need)
		if begin.Before(day) {
			begin = day
		}
	}
	return begin, end
}

func (g *dayGen) day(day time.Time, isToday bool) {
	date := day.Format("2006-01-02")
	begin, end := g.window(day, isToday)
	g.slot = 45 * time.Minute
	tasks := g.c.tasksOn(isToday)
	if perDay := tasks * g.c.entriesPerTask; perDay > 0 {
		g.slot = min(45*time.Minute, end.Sub(begin)/time.Duration(perDay)).Truncate(time.Second)
	}
	g.cursor, g.hours, g.completed = begin, [24]int64{}, 0
	var focus int64
	for t := 0; t < tasks; t++ {
		focus += g.task(day, date, t, isToday)
	}
	if isToday && g.c.heavyDay {
		g.heavyToday(day, date, g.b.tasks[len(g.b.tasks)-tasks:])
	} else {
		g.notes(day, date)
	}
	g.b.daily = append(g.b.daily, dailyRow{userID: g.u.id, date: date, focusMS: focus,
		total: int32(tasks), completed: g.completed})
	for h, f := range g.hours {
		if f > 0 {
			g.b.hourly = append(g.b.hourly, hourlyRow{userID: g.u.id, date: date, hour: int32(h), focusMS: f})
		}
	}
	g.u.days++
}

// task writes the t-th task of a day with its entries and returns its
// spent time.
func (g *dayGen) task(day time.Time, date string, t int, isToday bool) int64 {
	g.nextTask++
	created := day.Add(7*time.Hour + time.Duration(g.rng.IntN(60))*time.Minute).UnixMilli()
	// Before 08:00 today's tasks were made a moment ago, not in the future:
	// an export holding a future creation time does not import back.
	created = min(created, g.c.now.Add(-time.Minute).UnixMilli())
	task := taskRow{id: g.nextTask, userID: g.u.id, date: date, status: "pending", position: int32(t),
		title: taskTitles[g.rng.IntN(len(taskTitles))], created: created, upd: created}
	task.title, task.description = g.text.title(), g.text.description()
	task.words = focusflow.SearchWords(task.title, task.description)
	if g.rng.IntN(10) < 7 {
		hm := g.cursor.Format("15:04")
		task.startTime = &hm
	}
	if g.rng.IntN(10) < 8 {
		m := plannedMinutes[g.rng.IntN(len(plannedMinutes))]
		task.duration = &m
	}
	var last int64
	for e := 0; e < g.c.entriesPerTask; e++ {
		g.nextEntry++
		length := time.Duration(float64(g.slot) * (0.3 + 0.5*g.rng.Float64())).Truncate(time.Second)
		start, end := g.cursor, g.cursor.Add(length)
		g.cursor = g.cursor.Add(g.slot)
		if length <= 0 || end.UnixMilli() > g.c.now.UnixMilli() {
			continue // a slot in the future stays unused (today only)
		}
		g.b.entries = append(g.b.entries, entryRow{id: g.nextEntry, userID: g.u.id, taskID: task.id,
			started: start.UnixMilli(), ended: end.UnixMilli()})
		task.spentMS += end.Sub(start).Milliseconds()
		splitByHour(start, end, &g.hours)
		last = end.UnixMilli()
		g.u.entries++
	}
	if last > 0 {
		task.upd = last
	}
	if !isToday && last > 0 && g.rng.IntN(10) < 9 {
		task.status = "completed"
		task.completedAt = &last
		g.completed++
	}
	g.b.tasks = append(g.b.tasks, task)
	g.u.tasks++
	return task.spentMS
}

// notes writes the day's note and typed notes, if any, at the end of its
// working day.
func (g *dayGen) notes(day time.Time, date string) {
	at := day.Add(22 * time.Hour).UnixMilli()
	if text, ok := g.text.dayNote(); ok {
		g.b.dayNote = append(g.b.dayNote, dayNoteRow{userID: g.u.id, date: date, text: text,
			words: focusflow.SearchWords(text), at: at})
	}
	for _, n := range g.text.notes() {
		n.userID, n.date, n.at = g.u.id, date, at
		g.b.notes = append(g.b.notes, n)
	}
}

// splitByHour adds the milliseconds of [start, end) to the UTC hours they
// fall in. start and end are on the same UTC day.
func splitByHour(start, end time.Time, hours *[24]int64) {
	for start.Before(end) {
		next := start.Truncate(time.Hour).Add(time.Hour)
		if next.After(end) {
			next = end
		}
		hours[start.Hour()] += next.Sub(start).Milliseconds()
		start = next
	}
}

// store is one database engine's way of writing the seeded history.
type store interface {
	// existing counts the load users that already exist: those named in
	// names, and all load-user-* accounts.
	existing(ctx context.Context, names []string) (inRange, all int, err error)
	// deleteUsers removes the named users (all load users when names is nil)
	// and everything they own.
	deleteUsers(ctx context.Context, names []string) (int64, error)
	// insertUsers inserts the users and sets their ids.
	insertUsers(ctx context.Context, users []*userRow) error
	// reserve returns bases after which tasks and entries ids are free for
	// the seeding to assign, n of each.
	reserve(ctx context.Context, tasks, entries int64) (taskBase, entryBase int64, err error)
	// write writes one batch in one transaction; safe for concurrent use
	// when parallel() > 1.
	write(ctx context.Context, b *batch) error
	parallel() int
	// finish updates planner statistics.
	finish(ctx context.Context) error
	close()
}

func seedCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := seedConfig{}
	fs.StringVar(&c.dbURL, "db", os.Getenv("DATABASE_URL"), "database `URL`: postgres://… or sqlite:///path/to/file.db (default $DATABASE_URL)")
	fs.IntVar(&c.users, "users", 1000, "number of load users to create")
	fs.IntVar(&c.first, "first", 1, "number of the first user (load-user-NNNNN); use it to add users with another history length")
	fs.IntVar(&c.days, "days", 365, "days of history per user, ending today (UTC)")
	fs.IntVar(&c.tasksPerDay, "tasks-per-day", 5, "tasks per user and day")
	fs.IntVar(&c.entriesPerTask, "entries-per-task", 3, "closed time entries per task")
	fs.StringVar(&c.password, "password", defaultPassword, "the password all load users share")
	fs.BoolVar(&c.force, "force", false, "delete existing load users first: every load-user-* account, or with -first > 1 only those in the range")
	fs.IntVar(&c.workers, "workers", 4, "parallel COPY connections (PostgreSQL)")
	fs.IntVar(&c.batch, "batch", 10, "users written per transaction")
	fs.BoolVar(&c.fast, "fast", true, "PostgreSQL: skip foreign-key triggers while copying (session_replication_role=replica; needs a superuser, "+
		"else it copies with them and says so). The generated rows are consistent by construction")
	fs.BoolVar(&c.heavyDay, "heavy-day", false, fmt.Sprintf("give every user a heavy today: %d tasks, %d typed notes and %d activity lines",
		heavyTasks, heavyNotes, heavyActivity))
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: focusflow-load seed --db URL [flags]

Creates load users with a history directly in the database (an empty one is
given FocusFlow's schema first; one at another schema version is refused:
run 'focusflow migrate'): per user and day, --tasks-per-day tasks with
--entries-per-task closed timer entries each, tasks.spent_ms, daily_stats and
hourly_focus consistent with the entries (UTC), and one idle timer row.
With --heavy-day, today instead has 20 tasks, 10 typed notes and 200
activity lines (task added, timer started/paused/resumed/stopped, note
added; two lines to an instant), to compare a heavy day view with a light
one.
Users are load-user-00001 … (email load-user-00001@example.test), all sharing
one argon2id hash of --password. PostgreSQL is written with COPY.

Refuses when any of the users exist already, unless --force.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, "seed", stderr); done {
		return code
	}
	switch {
	case c.dbURL == "":
		fmt.Fprintln(stderr, "seed: --db (or DATABASE_URL) is required")
		return 2
	case c.users < 1 || c.first < 1 || c.days < 1 || c.tasksPerDay < 0 || c.entriesPerTask < 0 || c.workers < 1 || c.batch < 1:
		fmt.Fprintln(stderr, "seed: --users, --first, --days, --workers and --batch must be at least 1; counts may not be negative")
		return 2
	case c.password == "":
		fmt.Fprintln(stderr, "seed: --password may not be empty")
		return 2
	}
	c.now = time.Now().UTC()
	if err := c.seed(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, "seed:", sqlstore.SafeError(err))
		return 1
	}
	return 0
}

func (c *seedConfig) seed(ctx context.Context, out io.Writer) error {
	began := time.Now()
	db, st, err := c.open(ctx, out)
	if err != nil {
		return err
	}
	defer db.Close()
	defer st.close()

	names := make([]string, c.users)
	for i := range names {
		names[i] = userName(c.first + i)
	}
	if err := c.clearExisting(ctx, st, names, out); err != nil {
		return err
	}

	t := time.Now()
	hash, err := auth.NewHasher(auth.DefaultParams, runtime.NumCPU(), 5*time.Second).Hash(ctx, c.password)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	fmt.Fprintf(out, "password hashed once (argon2id) in %s\n", time.Since(t).Round(time.Millisecond))

	start := time.Date(c.now.Year(), c.now.Month(), c.now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -c.days)
	users := make([]*userRow, c.users)
	for i := range users {
		users[i] = &userRow{num: c.first + i, username: names[i], email: userEmail(c.first + i), hash: hash,
			createdAt: start.Add(6 * time.Hour).UnixMilli(), daysOfHistory: c.days}
	}
	if err := st.insertUsers(ctx, users); err != nil {
		return fmt.Errorf("insert users: %w", err)
	}
	perUser := c.tasksPerUser()
	taskBase, entryBase, err := st.reserve(ctx, perUser*int64(c.users), perUser*int64(c.entriesPerTask)*int64(c.users))
	if err != nil {
		return fmt.Errorf("reserve ids: %w", err)
	}
	for i, u := range users {
		u.taskBase = taskBase + int64(i)*perUser
		u.entryBase = entryBase + int64(i)*perUser*int64(c.entriesPerTask)
	}
	fmt.Fprintf(out, "%d users created; writing %d days × %d tasks × %d entries each (%d tasks, %d entries at most)\n",
		c.users, c.days, c.tasksPerDay, c.entriesPerTask, perUser*int64(c.users), perUser*int64(c.entriesPerTask)*int64(c.users))

	if err := c.writeHistory(ctx, st, users, out); err != nil {
		return err
	}
	// daily_stats was written directly: derive the streak runs the app
	// maintains with every write.
	t = time.Now()
	if err := db.RecomputeStreakRuns(ctx); err != nil {
		return fmt.Errorf("streak runs: %w", err)
	}
	fmt.Fprintf(out, "streak runs computed in %s\n", time.Since(t).Round(time.Millisecond))
	t = time.Now()
	if err := st.finish(ctx); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	fmt.Fprintf(out, "statistics updated in %s\n", time.Since(t).Round(time.Millisecond))
	var tasks, entries int
	for _, u := range users {
		tasks += u.tasks
		entries += u.entries
	}
	fmt.Fprintf(out, "seeded %d users (%s … %s), %d tasks, %d time entries in %s; password %q\n",
		c.users, names[0], names[len(names)-1], tasks, entries, time.Since(began).Round(time.Millisecond), c.password)
	return nil
}

// open opens FocusFlow's store on --db, readies its schema, and opens the
// bulk writer for the same database.
func (c *seedConfig) open(ctx context.Context, out io.Writer) (*sqlstore.DB, store, error) {
	opts := sqlstore.Options{URL: c.dbURL}
	sqlitePath, isSQLite := strings.CutPrefix(c.dbURL, "sqlite://")
	if isSQLite {
		opts = sqlstore.Options{SQLitePath: sqlitePath}
	} else if !strings.HasPrefix(c.dbURL, "postgres://") && !strings.HasPrefix(c.dbURL, "postgresql://") {
		return nil, nil, errors.New("--db must be a postgres://, postgresql:// or sqlite:/// URL")
	}
	db, err := sqlstore.Open(ctx, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	// Like focusflow's own loading commands: an empty database is given
	// the schema, one at another version is left to 'focusflow migrate'.
	applied, err := db.CreateSchema(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if len(applied) > 0 {
		fmt.Fprintf(out, "migrations applied: %s\n", strings.Join(applied, ", "))
	}
	var st store
	if isSQLite {
		st, err = openSQLiteStore(ctx, sqlitePath)
	} else {
		st, err = openPostgresStore(ctx, c.dbURL, c.workers, c.fast, out)
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, st, nil
}

// clearExisting refuses to seed over load users that exist, or with
// --force deletes them (all load users when seeding from the first).
func (c *seedConfig) clearExisting(ctx context.Context, st store, names []string, out io.Writer) error {
	inRange, all, err := st.existing(ctx, names)
	if err != nil {
		return err
	}
	if inRange > 0 || (all > 0 && c.force && c.first == 1) {
		if !c.force {
			return fmt.Errorf("%d of these load users exist already (%d load users in all); use --force to delete them first", inRange, all)
		}
		var del []string // nil: every load user
		if c.first > 1 {
			del = names
		}
		t := time.Now()
		n, err := st.deleteUsers(ctx, del)
		if err != nil {
			return fmt.Errorf("delete existing load users: %w", err)
		}
		fmt.Fprintf(out, "deleted %d existing load users in %s\n", n, time.Since(t).Round(time.Millisecond))
	} else if all > 0 {
		fmt.Fprintf(out, "note: %d other load users exist and are kept\n", all)
	}
	return nil
}

// writeHistory generates and writes the users' history in batches, with
// st.parallel() writers, printing progress every two seconds.
func (c *seedConfig) writeHistory(ctx context.Context, st store, users []*userRow, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan []*userRow)
	var doneUsers, doneEntries atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	nowMS := c.now.UnixMilli()
	for range st.parallel() {
		wg.Go(func() {
			for group := range jobs {
				b := &batch{users: group, now: nowMS}
				for _, u := range group {
					c.history(u, b)
				}
				if err := st.write(ctx, b); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					continue
				}
				doneUsers.Add(int64(len(group)))
				doneEntries.Add(int64(len(b.entries)))
			}
		})
	}
	began := time.Now()
	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopProgress:
				return
			case <-tick.C:
				u, e := doneUsers.Load(), doneEntries.Load()
				el := time.Since(began)
				left := "?"
				if u > 0 {
					left = (time.Duration(float64(el) * float64(int64(len(users))-u) / float64(u))).Round(time.Second).String()
				}
				fmt.Fprintf(out, "  %d/%d users, %d entries, %.0f entries/s, %s elapsed, ~%s left\n",
					u, len(users), e, float64(e)/el.Seconds(), el.Round(time.Second), left)
			}
		}
	}()
send:
	for i := 0; i < len(users); i += c.batch {
		select {
		case jobs <- users[i:min(i+c.batch, len(users))]:
		case <-ctx.Done():
			break send
		}
	}
	close(jobs)
	wg.Wait()
	close(stopProgress)
	<-progressDone
	if firstErr != nil {
		return fmt.Errorf("write history: %w", firstErr)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	el := time.Since(began)
	fmt.Fprintf(out, "history written in %s (%.0f entries/s)\n", el.Round(time.Millisecond), float64(doneEntries.Load())/el.Seconds())
	return nil
}
