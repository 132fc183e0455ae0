package legacyimport

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// activityKinds name the original's messages by their start.
var activityKinds = []struct{ prefix, kind string }{
	{"Completed task", focusflow.ActTaskCompleted},
	{"Added task", focusflow.ActTaskAdded},
	{"Created task", focusflow.ActTaskAdded},
	{"Started timer", focusflow.ActTimerStarted},
	{"Resumed timer", focusflow.ActTimerResumed},
	{"Paused timer", focusflow.ActTimerPaused},
	{"Stopped timer", focusflow.ActTimerStopped},
	{"Added note", focusflow.ActNoteAdded},
}

// activity imports the original's activity_log, each line on the day of
// its timestamp and, where its task was imported for the same user,
// linked to it; every link that cannot be kept is reported.
func (run *userRun) activity(ctx context.Context) error {
	seen := map[int64]bool{}
	for _, a := range run.im.activityOf[run.acc.source.id] {
		seen[a.id] = true
		row := fmt.Sprintf("activity %d %q", a.id, focusflow.Shorten(a.message.String, 40))
		src := sig(a.message.String, a.at.String)
		m, had := run.marks[kindActivity][a.id]
		v := judge(m, had, src, "")
		switch v {
		case verdictNew:
		case verdictUpdate:
			// The original never edits a line; one edited by hand is
			// imported anew in place of the old one.
			if err := run.l.Delete(ctx, sqlstore.ActivityTable, run.user.ID, m.ID); err != nil {
				return err
			}
			run.count(v, row, "its message or time changed in the original: imported anew")
		default:
			run.count(v, row, conflictWhat(m, "its message or time changed"))
			if v == verdictBaseline {
				if err := run.l.SetMark(ctx, kindActivity, run.user.ID, sqlstore.Mark{From: a.id, ID: m.ID, SourceSig: src}); err != nil {
					return err
				}
			}
			continue
		}
		if err := run.activityLine(ctx, a, row, src, v == verdictNew); err != nil {
			return err
		}
	}
	return run.removed(ctx, kindActivity, seen, func(m sqlstore.Mark) string { return fmt.Sprintf("activity %d (ours %d)", m.From, m.ID) },
		func(context.Context, sqlstore.Mark) (bool, error) { return false, nil },
		func(ctx context.Context, m sqlstore.Mark) error {
			return run.l.Delete(ctx, sqlstore.ActivityTable, run.user.ID, m.ID)
		})
}

// activityLine writes one line of the original's activity log.
func (run *userRun) activityLine(ctx context.Context, a sourceActivity, row, src string, added bool) error {
	im := run.im
	at, ok := im.instant(a.at, im.srcLoc)
	if !ok {
		run.problem(row, fmt.Sprintf("timestamp %s is not a timestamp", quote(a.at)), "not imported: it belongs to no day")
		return nil
	}
	msg, issues, full := cleanText(a.message.String, focusflow.ActivityText)
	for _, is := range issues {
		run.problem(row, "message "+is, "cleaned")
	}
	if full != "" {
		run.problem(row, fmt.Sprintf("message is %d characters (at most %d here)", utf8.RuneCountInString(full), focusflow.MaxActivityMessage), "shortened")
	}
	if msg == "" {
		run.problem(row, "message is empty", "not imported")
		return nil
	}
	line := focusflow.Activity{At: at, Kind: focusflow.ActImported, Message: msg, TaskID: run.activityTask(a, row)}
	for _, k := range activityKinds {
		if strings.HasPrefix(msg, k.prefix) {
			line.Kind = k.kind
			break
		}
	}
	id, err := run.l.AddActivity(ctx, run.user, localdate.Today(at, run.loc()), line)
	if err != nil {
		return err
	}
	if added {
		run.rep.Counts.Activity++
	}
	return run.l.SetMark(ctx, kindActivity, run.user.ID, sqlstore.Mark{From: a.id, ID: id, SourceSig: src})
}

// activityTask is our id of the task a line links to; 0, reported, when
// the link cannot be kept: the original never checked task_db_id, so a
// line can name another user's task, or one it no longer has.
func (run *userRun) activityTask(a sourceActivity, row string) int64 {
	if !a.taskID.Valid {
		return 0
	}
	if id, ok := run.taskID[a.taskID.Int64]; ok {
		return id
	}
	owner, exists := run.im.ownerOf[a.taskID.Int64]
	switch {
	case exists && owner != run.acc.source.id:
		run.problem(row, fmt.Sprintf("task_db_id %d is a task of another user (original user %d)", a.taskID.Int64, owner),
			"imported without the link: a line links only to its own user's tasks here")
	case exists:
		run.problem(row, fmt.Sprintf("task_db_id %d is a task that was not imported", a.taskID.Int64), "imported without the link")
	default:
		run.problem(row, fmt.Sprintf("task_db_id %d names a task the original no longer has", a.taskID.Int64),
			"imported without the link")
	}
	return 0
}
