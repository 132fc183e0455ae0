package legacyimport

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// taskPlan is what one original task becomes.
type taskPlan struct {
	src         sourceTask
	row         string
	date        string
	title       string
	description string
	start       string
	duration    int
	status      string
	createdAt   time.Time
	completedAt time.Time
	// What this run does with it (reimport.go): to its own fields and to
	// its time. quiet: its values were reported when they were imported.
	fields, time verdict
	quiet        bool
	mark         sqlstore.Mark
	hasMark      bool
	existing     *focusflow.Task // ours, imported before
	srcSig       string          // "fields|time"
	// time (timeplan.go)
	spent      int64 // valid time_spent after the day cap
	running    int64 // a running timer's part recorded as an entry, after caps
	runStart   time.Time
	runEnd     time.Time
	runSource  string
	session    time.Time // start of a running timer that goes on running here
	sessionEnd time.Time // where it stands now: now, or its cap
	entries    []span    // placed entries
	sources    []string
	overflow   []overflow
	anomalies  []string
	spentRaw   int64
	negative   int64
	capped     int64
	runningRaw int64
	// own are the task's entries made here, not by an import.
	own map[int64]bool
}

// placesTime reports whether this run places the task's time.
func (p *taskPlan) placesTime() bool { return p.time == verdictNew || p.time == verdictUpdate }

// span is a placed entry, in Unix milliseconds.
type span struct{ start, end int64 }

// overflow is text that did not fit where it belongs, kept in notes.
type overflow struct {
	title, text string
}

func (run *userRun) tasks(ctx context.Context) error {
	seen := map[int64]bool{}
	var plans []*taskPlan
	for _, t := range run.im.tasksOf[run.acc.source.id] {
		seen[t.id] = true
		p, err := run.judgeTask(ctx, t)
		if err != nil {
			return err
		}
		if run.planTask(p) {
			plans = append(plans, p)
		}
	}
	if err := run.clearTime(ctx, plans); err != nil {
		return err
	}
	if err := run.chooseSession(ctx, plans); err != nil {
		return err
	}
	run.capDays(plans)
	run.accountTime(plans)
	if err := run.placeEntries(ctx, plans); err != nil {
		return err
	}
	for _, p := range plans {
		if p.fields != verdictNew && p.existing == nil {
			continue // deleted here since the last import: it stays deleted
		}
		if err := run.writeTask(ctx, p); err != nil {
			return err
		}
	}
	return run.removed(ctx, kindTask, seen, run.removedTaskRow, run.taskChanged, func(ctx context.Context, m sqlstore.Mark) error {
		return run.l.DeleteTask(ctx, run.user, m.ID)
	})
}

// report notes a problem of a task whose values this run imports.
func (run *userRun) report(p *taskPlan, problem, action string) {
	if !p.quiet {
		run.problem(p.row, problem, action)
	}
}

func taskRow(t sourceTask, date string) string {
	return fmt.Sprintf("task %d %q (%s)", t.id, focusflow.Shorten(t.title.String, 40), date)
}

// statuses maps the spellings the original's users ended up with; anything
// else becomes pending. Every mapping is reported.
var statuses = map[string]string{
	"pending": focusflow.StatusPending, "todo": focusflow.StatusPending, "new": focusflow.StatusPending,
	"in-progress": focusflow.StatusInProgress, "in_progress": focusflow.StatusInProgress,
	"inprogress": focusflow.StatusInProgress, "in progress": focusflow.StatusInProgress,
	"started": focusflow.StatusInProgress, "running": focusflow.StatusInProgress, "active": focusflow.StatusInProgress,
	"paused": focusflow.StatusPaused, "on-hold": focusflow.StatusPaused, "on hold": focusflow.StatusPaused,
	"completed": focusflow.StatusCompleted, "complete": focusflow.StatusCompleted, "done": focusflow.StatusCompleted,
	"finished": focusflow.StatusCompleted, "closed": focusflow.StatusCompleted,
}

// planTask decides what the original's task becomes; false when it cannot
// be imported at all (its time is accounted as dropped).
func (run *userRun) planTask(p *taskPlan) bool {
	if !run.planTaskDate(p) {
		return false
	}
	run.planTaskText(p)
	run.planTaskSchedule(p)
	run.planTaskTime(p)
	return true
}

// planTaskDate dates the task: its entry_date, else the day it was created.
func (run *userRun) planTaskDate(p *taskPlan) bool {
	im, t := run.im, p.src
	created, createdOK := im.instant(t.created, im.dbLoc)
	date, ok := parseDate(t.date)
	p.row = taskRow(t, t.date.String)
	if !ok {
		if !createdOK {
			dropped := max(0, mustMS(t.spent))
			run.report(p, fmt.Sprintf("entry_date %s is not a date and created_at %s is not a timestamp", quote(t.date), quote(t.created)),
				fmt.Sprintf("not imported (%d ms of time_spent not imported)", dropped))
			if p.placesTime() {
				run.rep.Time.ValidMS.Add(dropped)
				run.rep.Time.DroppedMS.Add(dropped)
			}
			return false
		}
		date = localdate.Today(created, run.loc())
		run.report(p, fmt.Sprintf("entry_date %s is not a date", quote(t.date)), "dated "+date+", the day it was created")
	}
	p.date = date
	p.row = taskRow(t, date)
	if !createdOK {
		created = localdate.DayStart(date, run.loc())
		if t.created.Valid {
			run.report(p, fmt.Sprintf("created_at %s is not a timestamp", quote(t.created)), "set to the start of its day")
		}
	}
	p.createdAt = created.Truncate(time.Millisecond)
	return true
}

// planTaskText shortens title and description to our limits; the full
// text is kept in a note.
func (run *userRun) planTaskText(p *taskPlan) {
	p.title = run.fitTaskText(p, "title", p.src.title.String, focusflow.TitleText, "Full title of a task shortened on import")
	if p.title == "" {
		run.report(p, "title is empty", `imported as "(untitled)"`)
		p.title = "(untitled)"
	}
	p.description = run.fitTaskText(p, "description", p.src.description.String, focusflow.DescriptionText,
		focusflow.Shorten("Full description of: "+p.title, focusflow.MaxTitle))
}

// fitTaskText cleans one of the task's texts; one longer than ours can be
// is shortened, and the whole kept in a note titled noteTitle.
func (run *userRun) fitTaskText(p *taskPlan, field, v string, rule focusflow.TextRule, noteTitle string) string {
	clean, issues, full := cleanText(v, rule)
	for _, is := range issues {
		run.report(p, field+" "+is, "cleaned")
	}
	if full != "" {
		run.report(p, fmt.Sprintf("%s is %d characters (at most %d here)", field, utf8.RuneCountInString(full), rule.Max),
			"shortened; the full "+field+" is kept in a note on "+p.date)
		p.overflow = append(p.overflow, overflow{title: noteTitle, text: full})
	}
	return clean
}

// planTaskSchedule reads the planned start time and duration.
func (run *userRun) planTaskSchedule(p *taskPlan) {
	t := p.src
	if hhmm, exact, ok := parseClock(t.start); ok {
		p.start = hhmm
		if !exact {
			run.report(p, fmt.Sprintf("start_time %s is not HH:MM", quote(t.start)), "read as "+hhmm)
		}
	} else if !exact {
		run.report(p, fmt.Sprintf("start_time %s is not a time of day", quote(t.start)), "left empty")
	}
	if t.duration.Valid && strings.TrimSpace(t.duration.String) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(t.duration.String))
		switch {
		case err != nil || n < 0 || n > focusflow.MaxDurationMinutes:
			run.report(p, fmt.Sprintf("duration_minutes %s is outside 1–%d", quote(t.duration), focusflow.MaxDurationMinutes), "left empty")
		default:
			p.duration = n // 0 means none, as in the original
		}
	}
}

// planTaskTime reads the status, the recorded time and the timer that may
// have been running, and when a completed task was completed.
func (run *userRun) planTaskTime(p *taskPlan) {
	im, t := run.im, p.src
	raw := t.status.String
	status, known := statuses[strings.ToLower(strings.TrimSpace(raw))]
	switch {
	case !t.status.Valid || !known:
		status = focusflow.StatusPending
		run.report(p, fmt.Sprintf("status %s is not one of pending, in-progress, paused, completed", quote(t.status)),
			"imported as pending")
	case status != raw:
		run.report(p, fmt.Sprintf("status %q is not one of pending, in-progress, paused, completed", raw), "read as "+status)
	}
	p.status = status
	run.planSpent(p)
	timerStart, hasTimer := im.instant(t.timerStart, im.srcLoc)
	lastSync, hasSync := im.instant(t.lastSync, im.srcLoc)
	if status == focusflow.StatusInProgress {
		if hasTimer {
			run.planRunning(p, timerStart, lastSync, hasSync)
		} else {
			p.status = focusflow.StatusPaused
			run.report(p, "status is in-progress but no timer was running", "imported as paused")
		}
	}
	if p.status == focusflow.StatusCompleted {
		switch {
		case !im.completedAt[t.id].IsZero():
			p.completedAt = im.completedAt[t.id]
		case hasSync:
			p.completedAt = lastSync
		default:
			p.completedAt = p.createdAt
		}
		if p.completedAt.After(im.now) {
			p.completedAt = im.now
		}
	}
}

// planSpent reads time_spent; a negative one is not imported but flagged,
// one that is no count of milliseconds not imported and reported, a
// fractional one rounded and reported.
func (run *userRun) planSpent(p *taskPlan) {
	t := p.src
	spent, rounding, fault, _ := parseMS(t.spent)
	if fault != "" {
		run.report(p, fmt.Sprintf("time_spent %s %s", quote(t.spent), fault), "no time imported")
	}
	if rounding != "" {
		run.report(p, "time_spent "+rounding, "imported rounded")
	}
	if spent < 0 {
		run.report(p, fmt.Sprintf("time_spent is negative (%d ms)", spent), "not imported: the task has no time from the original; flagged")
		p.anomalies = append(p.anomalies, fmt.Sprintf("The original recorded a negative time (%s) on %q; it was not imported.",
			exactMS(-spent), focusflow.Shorten(p.title, 80)))
		p.negative, spent = spent, 0
	}
	p.spentRaw, p.spent = spent, spent
}

// writeTask writes a task as planned: a new one with its entries, the
// notes keeping text that did not fit and its flags; one imported before
// with what changed in the original since.
func (run *userRun) writeTask(ctx context.Context, p *taskPlan) error {
	task := &focusflow.Task{Date: p.date, Title: p.title, Description: p.description, StartTime: p.start,
		DurationMinutes: p.duration, Status: p.status, CompletedAt: p.completedAt, CreatedAt: p.createdAt}
	switch p.fields {
	case verdictNew:
		if err := run.l.AddTask(ctx, run.user, task); err != nil {
			return err
		}
		run.rep.Counts.Tasks++
	case verdictUpdate:
		task.ID = p.existing.ID
		if p.session.IsZero() && p.status == focusflow.StatusInProgress {
			task.Status = focusflow.StatusPaused // in progress only while its timer runs
		}
		if err := run.l.UpdateTask(ctx, run.user, task); err != nil {
			return err
		}
	default:
		task = p.existing
	}
	run.taskID[p.src.id] = task.ID
	if p.fields == verdictNew || p.fields == verdictUpdate {
		for _, o := range p.overflow {
			if _, err := run.overflowNotes(ctx, p.date, o, p.createdAt); err != nil {
				return err
			}
		}
	}
	if p.placesTime() {
		if err := run.writeTime(ctx, p, task); err != nil {
			return err
		}
	}
	return run.markTask(ctx, p, task.ID)
}

// writeTime writes the task's placed entries, its flags, and the session a
// timer running in the original goes on as.
func (run *userRun) writeTime(ctx context.Context, p *taskPlan, task *focusflow.Task) error {
	for i, e := range p.entries {
		entry := &focusflow.TimeEntry{TaskID: task.ID, StartedAt: time.UnixMilli(e.start).UTC(),
			EndedAt: time.UnixMilli(e.end).UTC(), Source: p.sources[i]}
		if err := run.l.AddEntry(ctx, run.user, entry); err != nil {
			return err
		}
		run.rep.Counts.Entries++
		run.rep.Time.ImportedMS.Add(e.end - e.start)
	}
	if err := run.startSession(ctx, p, task); err != nil {
		return err
	}
	// Flags: an anomaly in the day's activity, where the user sees it.
	for _, msg := range p.anomalies {
		at := p.createdAt
		if len(p.entries) > 0 {
			at = time.UnixMilli(p.entries[len(p.entries)-1].end).UTC()
		}
		if _, err := run.l.AddActivity(ctx, run.user, p.date, focusflow.Activity{At: at, Kind: focusflow.ActAnomaly,
			Message: msg, TaskID: task.ID}); err != nil {
			return err
		}
	}
	return nil
}
