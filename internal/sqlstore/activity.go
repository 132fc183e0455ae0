package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// The activity log: one line per change, written in the transaction of
// the change so that the log never tells of a change that was rolled
// back.
//
// Which day a line goes on: an edit, a deletion or a manual time entry of
// a task goes on the task's day (the new one when the edit moved it), so
// that a day's log tells what became of that day's plan, also when it was
// planned or corrected on another day. Every other line (timer actions,
// adding, completing, reordering, carrying forward, notes, tags, series)
// goes on the day it was when it happened.

// activityTitle is how long a title may run inside a message: two of them
// and the rest of a message stay well within MaxActivityMessage.
const activityTitle = 80

// logActivity appends to the user's activity log, dated in their zone.
func logActivity(ctx context.Context, tx execer, user *focusflow.User, at time.Time, kind, message string, taskID int64) error {
	return logActivityOn(ctx, tx, user, localdate.Today(at, user.Location()), at, kind, message, taskID)
}

// logActivityOn appends to the user's activity log on date. Every message
// is cut to MaxActivityMessage, the bound an exported log is imported with.
func logActivityOn(ctx context.Context, tx execer, user *focusflow.User, date string, at time.Time, kind, message string, taskID int64) error {
	err := tx.Exec(ctx, `INSERT INTO activity (user_id, date, at, kind, message, task_id) VALUES ($1, $2, $3, $4, $5, $6)`,
		user.ID, date, at.UnixMilli(), kind, focusflow.Shorten(message, focusflow.MaxActivityMessage), nullID(taskID))
	return wrapDBError(err)
}

// quoted is a title as a message quotes it, shortened.
func quoted(title string) string {
	return "“" + focusflow.Shorten(title, activityTitle) + "”"
}

// describeTaskEdit words what an edit changed of a task's own fields
// (title, description, estimate, start time, date), or "" when none of
// them changed: its status and tags have lines of their own, and a
// position given with an edit is not logged (a reorder of the day is).
func describeTaskEdit(before, after *focusflow.Task) string {
	var changes []string
	if before.Description != after.Description {
		changes = append(changes, describeChange("description", before.Description != "", after.Description != "", "", ""))
	}
	if before.DurationMinutes != after.DurationMinutes {
		changes = append(changes, describeChange("estimate", before.DurationMinutes != 0, after.DurationMinutes != 0,
			minutesText(before.DurationMinutes), minutesText(after.DurationMinutes)))
	}
	if before.StartTime != after.StartTime {
		changes = append(changes, describeChange("start time", before.StartTime != "", after.StartTime != "",
			before.StartTime, after.StartTime))
	}
	if before.Date != after.Date {
		changes = append(changes, "moved from "+before.Date+" to "+after.Date)
	}
	rest := strings.Join(changes, "; ")
	switch {
	case before.Title != after.Title && rest != "":
		return "Renamed " + quoted(before.Title) + " to " + quoted(after.Title) + "; " + rest
	case before.Title != after.Title:
		return "Renamed " + quoted(before.Title) + " to " + quoted(after.Title)
	case rest != "":
		return "Edited " + quoted(after.Title) + ": " + rest
	}
	return ""
}

// describeChange words one field's change: set, removed, or from → to
// (a text field, which has no from and to, is "changed").
func describeChange(field string, had, has bool, from, to string) string {
	switch {
	case !had:
		if to == "" {
			return field + " added"
		}
		return field + " set to " + to
	case !has:
		return field + " removed"
	case from == "":
		return field + " changed"
	}
	// "estimate 30 → 45 min", not "30 min → 45 min".
	if unit := " min"; strings.HasSuffix(from, unit) && strings.HasSuffix(to, unit) {
		from = strings.TrimSuffix(from, unit)
	}
	return field + " " + from + " → " + to
}

func minutesText(m int) string { return fmt.Sprintf("%d min", m) }

// spanText words a time entry for the log: its length and its clock times
// in the user's zone and clock format, with the date where it is not the
// task's day.
func spanText(user *focusflow.User, taskDate string, start, end time.Time) string {
	loc := user.Location()
	start, end = start.In(loc), end.In(loc)
	layout := "15:04"
	if user.TimeFormat == "12" {
		layout = "3:04 PM"
	}
	from, to := start.Format(layout), end.Format(layout)
	if d := start.Format(focusflow.DateLayout); d != taskDate {
		from = d + " " + from
	}
	if d := end.Format(focusflow.DateLayout); d != start.Format(focusflow.DateLayout) {
		to = d + " " + to
	}
	return from + "–" + to
}

// lengthText words a duration in hours and minutes, seconds only when
// under a minute.
func lengthText(d time.Duration) string {
	d = d.Round(time.Second)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	case m > 0:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d s", int(d/time.Second))
}

// logEntry writes the line of a manual entry added or deleted (verb
// "Added … to" or "Removed … from"), on its task's day.
func logEntry(ctx context.Context, tx execer, user *focusflow.User, now time.Time, kind string, t *focusflow.Task, e *focusflow.TimeEntry) error {
	what := lengthText(e.EndedAt.Sub(e.StartedAt))
	msg := "Added " + what + " to " + quoted(t.Title)
	if kind == focusflow.ActEntryDeleted {
		msg = "Removed " + what + " from " + quoted(t.Title)
	}
	msg += " (" + spanText(user, t.Date, e.StartedAt, e.EndedAt) + ")"
	return logActivityOn(ctx, tx, user, t.Date, now, kind, msg, t.ID)
}

// logEntryEdit writes the line of an entry whose span changed from
// before to e, on its task's day.
func logEntryEdit(ctx context.Context, tx execer, user *focusflow.User, now time.Time, t *focusflow.Task, before, e *focusflow.TimeEntry) error {
	msg := fmt.Sprintf("Changed time on %s: %s → %s (%s)", quoted(t.Title),
		spanText(user, t.Date, before.StartedAt, before.EndedAt), spanText(user, t.Date, e.StartedAt, e.EndedAt),
		lengthText(e.EndedAt.Sub(e.StartedAt)))
	return logActivityOn(ctx, tx, user, t.Date, now, focusflow.ActEntryEdited, msg, t.ID)
}

// activityLineColumns are the columns scanActivityLine reads.
const activityLineColumns = `id, date, at, kind, message, task_id`

func scanActivityLine(row rowScanner) (focusflow.ActivityRow, error) {
	var l focusflow.ActivityRow
	var at int64
	var task sql.NullInt64
	err := row.Scan(&l.ID, &l.Date, &at, &l.Kind, &l.Message, &task)
	l.At, l.TaskID = fromMS(at), task.Int64
	return l, err
}

// DayActivity reads a page of the user's activity on date, newest first:
// at most limit lines, those before the cursor when there is one. It
// reads one line more to tell whether more follow.
func (db *DB) DayActivity(ctx context.Context, userID int64, date string, before *focusflow.ActivityCursor, limit int) (focusflow.ActivityPage, error) {
	q, args := `SELECT `+activityLineColumns+` FROM activity WHERE user_id = $1 AND date = $2`, []any{userID, date}
	if before != nil {
		// A row value: both engines bound the (user_id, date, at, id)
		// index scan with it.
		q += ` AND (at, id) < ($4, $5)`
		args = append(args, before.At.UnixMilli(), before.ID)
	}
	args = slices.Insert(args, 2, any(limit+1))
	var lines []focusflow.ActivityRow
	b := db.batch()
	b.Query(q+` ORDER BY at DESC, id DESC LIMIT $3`, args, func(row rowScanner) error {
		l, err := scanActivityLine(row)
		lines = append(lines, l)
		return err
	})
	if err := b.Run(ctx); err != nil {
		return focusflow.ActivityPage{}, err
	}
	return focusflow.PageOf(lines, limit), nil
}
