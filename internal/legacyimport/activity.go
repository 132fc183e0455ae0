package legacyimport

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// ActImported is the activity kind of original messages of no known kind.
const ActImported = "imported"

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
// its timestamp and, where the task still exists, linked to it.
func (run *userRun) activity(ctx context.Context) error {
	im := run.im
	for _, a := range im.activityOf[run.acc.source.id] {
		if done, err := run.alreadyImported(ctx, kindActivity, a.id, ""); err != nil {
			return err
		} else if done {
			run.rep.Counts.AlreadyThere++
			continue
		}
		row := fmt.Sprintf("activity %d %q", a.id, focusflow.Shorten(a.message.String, 40))
		at, ok := parseTime(a.at, im.loc)
		if !ok {
			run.problem(row, fmt.Sprintf("timestamp %s is not a timestamp", quote(a.at)), "not imported: it belongs to no day")
			continue
		}
		at = at.Truncate(time.Millisecond)
		msg, issues, full := cleanText(a.message.String, focusflow.ActivityText)
		for _, is := range issues {
			run.problem(row, "message "+is, "cleaned")
		}
		if full != "" {
			run.problem(row, fmt.Sprintf("message is %d characters (at most %d here)", utf8.RuneCountInString(full), focusflow.MaxActivityMessage), "shortened")
		}
		if msg == "" {
			run.problem(row, "message is empty", "not imported")
			continue
		}
		line := focusflow.Activity{At: at, Kind: ActImported, Message: msg}
		for _, k := range activityKinds {
			if strings.HasPrefix(msg, k.prefix) {
				line.Kind = k.kind
				break
			}
		}
		if a.taskID.Valid {
			line.TaskID = run.taskID[a.taskID.Int64] // 0 (none) when the task was deleted in the original
		}
		id, err := run.l.AddActivity(ctx, run.user, localdate.Today(at, im.loc), line)
		if err != nil {
			return err
		}
		if err := run.l.Remember(ctx, kindActivity, a.id, id); err != nil {
			return err
		}
		run.rep.Counts.Activity++
	}
	return nil
}
