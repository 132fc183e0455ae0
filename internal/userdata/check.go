package userdata

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
)

var (
	// A ref is its row's letter and id, written as the export writes it:
	// ids are positive, so "t0" and "t012" name no row.
	refPattern     = regexp.MustCompile(`^[tenapgs][1-9][0-9]{0,17}$`)
	accountPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Bounds of the profile's settings that no other part of the API states.
const (
	minDailyGoal = 5 * time.Minute
	maxDailyGoal = 24 * time.Hour
	maxIdentity  = 320 // username and email, shown to the reader only
)

// checker judges one document, row by row as it is read (it is the sink
// of a docReader), then as a whole (finish). Every problem is recorded,
// not only the first, so that a person fixing a file by hand sees them
// all at once.
type checker struct {
	now      time.Time
	p        *focusflow.ImportError
	plan     *focusflow.ImportPlan
	taskByID map[int64]int // a task's id (from its ref) → its index in the document
	declared []int64       // per task: its spent_ms
	refs     map[byte]map[int64]bool
	dates    map[string]bool           // of day notes
	tagNames map[string]string         // a tag's folded name → where it is
	links    []focusflow.ExportTaskTag // task_tags, resolved by finish
	// pendingSeries and occurrences are resolved by finish too.
	pendingSeries []pendingSeries
	occurrences   []focusflow.ExportOccurrence
}

func newChecker(now time.Time) *checker {
	return &checker{now: now, p: &focusflow.ImportError{}, plan: &focusflow.ImportPlan{}, taskByID: map[int64]int{},
		refs: map[byte]map[int64]bool{}}
}

// Check judges every value of a parsed document by the rules the API
// keeps, with now as the latest instant it may name, and returns the rows
// to write. Nothing is written yet; problems come back as one
// *focusflow.ImportError.
func Check(doc *focusflow.ExportDoc, now time.Time) (*focusflow.ImportPlan, error) {
	c := newChecker(now)
	feed(c, doc.Tasks, c.task)
	feed(c, doc.Entries, c.entry)
	feed(c, doc.DayNotes, c.dayNote)
	feed(c, doc.Notes, c.note)
	feed(c, doc.Activity, c.activity)
	feed(c, doc.Phases, c.phase)
	feed(c, doc.Tags, c.tag)
	feed(c, doc.TaskTags, c.taskTag)
	feed(c, doc.Series, c.series)
	feed(c, doc.Occurrences, c.occurrence)
	return c.finish(doc)
}

func feed[T any](c *checker, rows []T, hand func(int, *T)) {
	for i := range rows {
		hand(i, &rows[i])
	}
}

// finish judges what only the whole document shows (its header, the rows
// rows name, the time entries of each task, overlaps) and returns the
// plan.
func (c *checker) finish(doc *focusflow.ExportDoc) (*focusflow.ImportPlan, error) {
	if doc.Format != focusflow.ExportFormat || doc.Version < 1 || doc.Version > focusflow.ExportVersion {
		return nil, invalidDoc("format", "This is not a FocusFlow export of versions 1 to %d.", focusflow.ExportVersion)
	}
	c.plan.Account = doc.Account
	c.header(doc)
	c.taskRefs()
	c.overlaps("time_entries", spansOf(c.plan.Entries, func(e focusflow.TimeEntry) (time.Time, time.Time) {
		return e.StartedAt, e.EndedAt
	}))
	c.spent()
	c.overlaps("phases", spansOf(c.plan.Phases, func(p focusflow.PhaseRow) (time.Time, time.Time) {
		return p.StartedAt, p.EndedAt
	}))
	c.tagLinks()
	c.seriesLinks()
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	rows := &c.plan.UserRows
	rows.Tasks, rows.Entries, rows.DayNotes = nonNil(rows.Tasks), nonNil(rows.Entries), nonNil(rows.DayNotes)
	rows.Notes, rows.Activity, rows.Phases = nonNil(rows.Notes), nonNil(rows.Activity), nonNil(rows.Phases)
	return c.plan, nil
}

// nonNil is s, or an empty slice for none: a plan lists rows, if none.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// text cleans v by rule, naming field in the message.
func (c *checker) text(rule focusflow.TextRule, field, v string) string {
	out, err := rule.Clean(field, field, v)
	addError(c.p, err)
	return out
}

func (c *checker) date(field, v string) {
	if _, err := focusflow.ParseDate(v); err != nil {
		c.p.Add(field, "%s %q is not a valid date (YYYY-MM-DD).", field, focusflow.Shorten(v, 40))
	}
}

// instant parses an RFC 3339 instant that must not lie after latest.
func (c *checker) instant(field, v string, latest time.Time) time.Time {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		c.p.Add(field, "%s must be an RFC 3339 timestamp like 2026-01-02T15:04:05.000Z.", field)
		return time.Time{}
	}
	t = t.UTC().Truncate(time.Millisecond)
	if t.After(latest) {
		c.p.Add(field, "%s lies in the future.", field)
	}
	return t
}

// ref checks the ref of row f, whose letter must be that of example
// ("t12"), and returns the id it holds (0 when it is wrong); seen holds
// the ids of the refs of its kind so far.
func (c *checker) ref(f, v, example string, seen map[int64]bool) int64 {
	if !refPattern.MatchString(v) || v[0] != example[0] {
		c.p.Add(f+".ref", "%s.ref must be %q and digits, like %q.", f, example[:1], example)
		return 0
	}
	id, _ := strconv.ParseInt(v[1:], 10, 64)
	if seen[id] {
		c.p.Add(f+".ref", "%s.ref %q appears twice.", f, v)
		return 0
	}
	seen[id] = true
	return id
}

// seen is the set of ids of the refs of a kind (its letter) read so far.
func (c *checker) seen(letter byte) map[int64]bool {
	if c.refs[letter] == nil {
		c.refs[letter] = map[int64]bool{}
	}
	return c.refs[letter]
}

// header checks what the document says about itself and the account.
func (c *checker) header(doc *focusflow.ExportDoc) {
	// The exporting clock may run a little ahead of this one.
	c.instant("exported_at", doc.ExportedAt, c.now.Add(time.Minute))
	if !accountPattern.MatchString(doc.Account) {
		c.p.Add("account", "account must be 1–64 letters, digits, - or _.")
	}
	pr := doc.Profile
	if err := focusflow.ValidateTimezone(pr.Timezone); err != nil {
		c.p.Add("profile.timezone", "profile.timezone %q is not a known time zone.", focusflow.Shorten(pr.Timezone, 64))
	}
	if !slices.Contains(focusflow.Themes, pr.Theme) {
		c.p.Add("profile.theme", "profile.theme must be auto, light or dark.")
	}
	goal, limit := time.Duration(pr.DailyGoalMS)*time.Millisecond, time.Duration(pr.TimerCapMS)*time.Millisecond
	if pr.DailyGoalMS < minDailyGoal.Milliseconds() || pr.DailyGoalMS > maxDailyGoal.Milliseconds() {
		c.p.Add("profile.daily_goal_ms", "profile.daily_goal_ms must be between 5 minutes and 24 hours.")
	}
	if pr.TimerCapMS < focusflow.MinTimerCap.Milliseconds() || pr.TimerCapMS > focusflow.MaxTimerCap.Milliseconds() {
		c.p.Add("profile.timer_cap_ms", "profile.timer_cap_ms must be between 1 and 12 hours.")
	}
	if utf8.RuneCountInString(pr.Username) > maxIdentity || utf8.RuneCountInString(pr.Email) > maxIdentity {
		c.p.Add("profile", "profile.username and profile.email are at most %d characters.", maxIdentity)
	}
	if pr.CreatedAt != "" {
		c.instant("profile.created_at", pr.CreatedAt, c.now)
	}
	c.plan.Settings = focusflow.UserSettings{Timezone: &pr.Timezone, Theme: &pr.Theme, FocusMode: &pr.FocusMode,
		DailyGoal: &goal, TimerCap: &limit}
	if doc.Version >= 2 {
		c.sessionSettings(pr)
	}
	if doc.Version >= 4 {
		c.profileV4(pr)
	}
}

func (c *checker) task(i int, t *focusflow.ExportTask) {
	f := fmt.Sprintf("tasks[%d]", i)
	row := focusflow.Task{ID: c.ref(f, t.Ref, "t12", c.seen(taskRef)), Date: t.Date, Status: t.Status, Position: t.Position}
	if row.ID != 0 {
		c.taskByID[row.ID] = i
	}
	c.date(f+".date", t.Date)
	row.Title, row.Description, row.StartTime, row.DurationMinutes = c.planned(f, t.Title, t.Description, t.StartTime,
		t.DurationMinutes)
	switch t.Status {
	case focusflow.StatusPending, focusflow.StatusInProgress, focusflow.StatusPaused, focusflow.StatusCompleted:
	default:
		c.p.Add(f+".status", "%s.status must be pending, in-progress, paused or completed.", f)
	}
	if t.Position < 0 || t.Position > focusflow.MaxPosition {
		c.p.Add(f+".position", "%s.position must be between 0 and %d.", f, focusflow.MaxPosition)
	}
	if t.SpentMS < 0 {
		c.p.Add(f+".spent_ms", "%s.spent_ms must not be negative.", f)
	}
	row.CreatedAt = c.instant(f+".created_at", t.CreatedAt, c.now)
	if t.CompletedAt != nil {
		if t.Status != focusflow.StatusCompleted {
			c.p.Add(f+".completed_at", "%s.completed_at is set but the task is not completed.", f)
		}
		row.CompletedAt = c.instant(f+".completed_at", *t.CompletedAt, c.now)
	}
	c.plan.Tasks = append(c.plan.Tasks, arrived(row))
	c.declared = append(c.declared, t.SpentMS)
}

// planned checks what a task (or a series' template, row f) says it is
// and plans: its title and description, its start time and duration
// (nil: none), and returns them cleaned.
func (c *checker) planned(f, title, description string, start *string, minutes *int) (string, string, string, int) {
	title = c.text(focusflow.TitleText, f+".title", title)
	description = c.text(focusflow.DescriptionText, f+".description", description)
	var clock string
	if start != nil {
		clock = *start
		if !focusflow.ValidClock(clock) {
			c.p.Add(f+".start_time", "%s.start_time must be HH:MM (00:00–23:59) or null.", f)
		}
	}
	var duration int
	if minutes != nil {
		duration = *minutes
		if duration < 1 || duration > focusflow.MaxDurationMinutes {
			c.p.Add(f+".duration_minutes", "%s.duration_minutes must be between 1 and %d, or null.",
				f, focusflow.MaxDurationMinutes)
		}
	}
	return title, description, clock, duration
}

// arrived is a task as an import writes it: no timer runs for it here, so
// one that was in progress is paused, and a completed one has a completion
// time.
func arrived(t focusflow.Task) focusflow.Task {
	switch t.Status {
	case focusflow.StatusInProgress:
		t.Status = focusflow.StatusPaused
	case focusflow.StatusCompleted:
		if t.CompletedAt.IsZero() {
			t.CompletedAt = t.CreatedAt
		}
	}
	return t
}

func (c *checker) entry(i int, e *focusflow.ExportEntry) {
	f := fmt.Sprintf("time_entries[%d]", i)
	row := focusflow.TimeEntry{ID: c.ref(f, e.Ref, "e40", c.seen(entryRef)), TaskID: c.taskID(f, e.TaskRef),
		Source: e.Source}
	switch e.Source {
	case focusflow.SourceTimer, focusflow.SourceManual, focusflow.SourceCapped, focusflow.SourceImported:
	default:
		c.p.Add(f+".source", "%s.source must be timer, manual, capped or imported.", f)
	}
	row.StartedAt = c.instant(f+".started_at", e.StartedAt, c.now)
	row.EndedAt = c.instant(f+".ended_at", e.EndedAt, c.now)
	c.plan.Entries = append(c.plan.Entries, row)
	if row.StartedAt.IsZero() || row.EndedAt.IsZero() {
		return
	}
	lasts := row.EndedAt.Sub(row.StartedAt)
	if c.lasting(f, lasts, focusflow.MaxManualEntry, "is longer than 24 hours") && e.DurationMS != lasts.Milliseconds() {
		c.p.Add(f+".duration_ms", "%s.duration_ms is %d but the entry lasts %d ms.", f, e.DurationMS, lasts.Milliseconds())
	}
}

// spent compares each task's spent_ms with the time entries that name it.
func (c *checker) spent() {
	sums := make([]int64, len(c.plan.Tasks))
	for _, e := range c.plan.Entries {
		ti, ok := c.taskByID[e.TaskID]
		if ok && e.TaskID > 0 && !e.StartedAt.IsZero() && !e.EndedAt.IsZero() {
			sums[ti] += e.EndedAt.Sub(e.StartedAt).Milliseconds()
		}
	}
	for i, sum := range sums {
		if c.declared[i] != sum {
			c.p.Add(fmt.Sprintf("tasks[%d].spent_ms", i), "tasks[%d].spent_ms is %d but its time entries add up to %d ms.",
				i, c.declared[i], sum)
		}
	}
}

// lasting checks how long row f lasts: from its start to its end, and at
// most longest (tooLong says it is not). It reports whether it passed.
func (c *checker) lasting(f string, lasts, longest time.Duration, tooLong string) bool {
	switch {
	case lasts < 0:
		c.p.Add(f+".ended_at", "%s ends before it starts.", f)
	case lasts > longest:
		c.p.Add(f+".ended_at", "%s %s.", f, tooLong)
	default:
		return true
	}
	return false
}

// taskID is the id of the task a row (f) names by r: the ref's number,
// which finish looks for among the document's tasks (taskRefs); -1 when r
// cannot be a task's ref (a problem already).
func (c *checker) taskID(f, r string) int64 {
	if !refPattern.MatchString(r) || r[0] != taskRef {
		c.p.Add(f+".task_ref", "%s.task_ref %q names no task of the document.", f, focusflow.Shorten(r, 40))
		return -1
	}
	id, _ := strconv.ParseInt(r[1:], 10, 64)
	return id
}

// optionalTask is taskID for a row that may name no task (r nil: 0).
func (c *checker) optionalTask(f string, r *string) int64 {
	if r == nil {
		return 0
	}
	return c.taskID(f, *r)
}

// taskRefs finds the rows that name a task the document lacks, and
// leaves rows naming no task with TaskID 0.
func (c *checker) taskRefs() {
	check := func(section string, i int, id *int64) {
		if *id > 0 {
			if _, ok := c.taskByID[*id]; !ok {
				f := fmt.Sprintf("%s[%d]", section, i)
				c.p.Add(f+".task_ref", "%s.task_ref %q names no task of the document.", f, ref(taskRef, *id))
			}
		}
		if _, ok := c.taskByID[*id]; !ok {
			*id = 0
		}
	}
	for i := range c.plan.Entries {
		check("time_entries", i, &c.plan.Entries[i].TaskID)
	}
	for i := range c.plan.Activity {
		check("activity", i, &c.plan.Activity[i].TaskID)
	}
	for i := range c.plan.Phases {
		check("phases", i, &c.plan.Phases[i].TaskID)
	}
}

// span is a stretch of time a row of the document covers.
type span struct{ start, end time.Time }

func spansOf[T any](rows []T, times func(T) (time.Time, time.Time)) []span {
	out := make([]span, len(rows))
	for i, r := range rows {
		out[i].start, out[i].end = times(r)
	}
	return out
}

// overlaps finds rows of a section of the document (spans[i] is what
// section[i] covers) that overlap each other. Rows without valid times
// are refused already; an instant overlaps nothing, and rows that only
// touch do not overlap.
func (c *checker) overlaps(section string, spans []span) {
	order := make([]int, 0, len(spans))
	for i, s := range spans {
		if !s.start.IsZero() && !s.end.IsZero() && !s.end.Before(s.start) {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return spans[order[a]].start.Before(spans[order[b]].start) })
	last := -1
	for _, i := range order {
		s := spans[i]
		if s.start.Equal(s.end) {
			continue
		}
		if last >= 0 && s.start.Before(spans[last].end) {
			c.p.Add(fmt.Sprintf("%s[%d].started_at", section, i), "%s[%d] overlaps %s[%d].", section, i, section, last)
		}
		if last < 0 || s.end.After(spans[last].end) {
			last = i
		}
	}
}

func (c *checker) dayNote(i int, n *focusflow.ExportDayNote) {
	f := fmt.Sprintf("day_notes[%d]", i)
	c.date(f+".date", n.Date)
	if c.dates == nil {
		c.dates = map[string]bool{}
	}
	if c.dates[n.Date] {
		c.p.Add(f+".date", "%s.date %s appears twice.", f, n.Date)
	}
	c.dates[n.Date] = true
	row := focusflow.DayNoteRow{Date: n.Date}
	row.Text = c.text(focusflow.DayNoteText, f+".text", n.Text)
	row.UpdatedAt = c.now
	if n.UpdatedAt != "" {
		row.UpdatedAt = c.instant(f+".updated_at", n.UpdatedAt, c.now)
	}
	c.plan.DayNotes = append(c.plan.DayNotes, row)
}

func (c *checker) note(i int, n *focusflow.ExportNote) {
	f := fmt.Sprintf("notes[%d]", i)
	row := focusflow.Note{ID: c.ref(f, n.Ref, "n3", c.seen(noteRef)), Date: n.Date, Type: n.Type}
	c.date(f+".date", n.Date)
	if !slices.Contains(focusflow.NoteTypes, n.Type) {
		c.p.Add(f+".type", "%s.type must be one of general, reflection, idea, reminder.", f)
	}
	row.Title = c.text(focusflow.NoteTitleText, f+".title", n.Title)
	row.Content = c.text(focusflow.NoteContentText, f+".content", n.Content)
	row.CreatedAt = c.instant(f+".created_at", n.CreatedAt, c.now)
	row.UpdatedAt = row.CreatedAt
	if n.UpdatedAt != "" {
		row.UpdatedAt = c.instant(f+".updated_at", n.UpdatedAt, c.now)
	}
	c.plan.Notes = append(c.plan.Notes, row)
}

func (c *checker) activity(i int, a *focusflow.ExportActivity) {
	f := fmt.Sprintf("activity[%d]", i)
	row := focusflow.ActivityRow{ID: c.ref(f, a.Ref, "a7", c.seen(activityRef)), Date: a.Date}
	c.date(f+".date", a.Date)
	row.At = c.instant(f+".at", a.At, c.now)
	// Only the kinds the API documents: a client reading the log can
	// rely on knowing every kind it meets.
	if !slices.Contains(focusflow.ActivityKinds(), a.Kind) {
		c.p.Add(f+".kind", "%s.kind %q is not an activity kind (task_added, timer_started, …).", f, focusflow.Shorten(a.Kind, 40))
	}
	row.Kind = a.Kind
	row.Message = c.text(focusflow.ActivityText, f+".message", a.Message)
	row.TaskID = c.optionalTask(f, a.TaskRef)
	c.plan.Activity = append(c.plan.Activity, row)
}
