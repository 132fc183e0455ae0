package legacyimport

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// A task is compared in two parts: its own fields (date, title,
// description, schedule, status) and its time (time_spent and a running
// timer at the source; here, the entries the import made). Each part of a
// task imported before is updated, kept or in conflict on its own: a title
// changed in the original is applied even when the user tracked more time
// on the task here, whose entries are the user's and are never touched.

// taskSourceSig is the signature of an original task: "fields|time". A
// running timer's last sync changes at every sync and says nothing then.
func taskSourceSig(t sourceTask) string {
	fields := sig(t.date.String, t.title.String, t.description.String, t.start.String, t.duration.String, t.status.String)
	last := t.lastSync.String
	if t.timerStart.Valid && strings.EqualFold(strings.TrimSpace(t.status.String), focusflow.StatusInProgress) {
		last = ""
	}
	return fields + "|" + sig(t.spent.String, t.timerStart.String, last)
}

// taskFieldsSig is the signature of our task's own fields. A status the
// import's running session gave it (in progress, or paused by the cap)
// reads as the import left it while that session's entry is untouched.
func taskFieldsSig(t *focusflow.Task, sessionIntact bool) string {
	status := t.Status
	if sessionIntact && (status == focusflow.StatusInProgress || status == focusflow.StatusPaused) {
		status = focusflow.StatusInProgress
	}
	return sig(t.Date, t.Title, t.Description, t.StartTime, strconv.Itoa(t.DurationMinutes), status)
}

// importEntry is an entry the import made, as remembered in a task's
// target signature: "id:start:end:source", end "run" while it ran.
type importEntry struct {
	id, start, end int64 // end 0: it was running
	source         string
}

func entrySig(e focusflow.TimeEntry) string {
	end := "run"
	if !e.EndedAt.IsZero() {
		end = strconv.FormatInt(e.EndedAt.UnixMilli(), 10)
	}
	return fmt.Sprintf("%d:%d:%s:%s", e.ID, e.StartedAt.UnixMilli(), end, e.Source)
}

func parseEntrySigs(s string) []importEntry {
	var out []importEntry
	for _, part := range strings.Split(s, ",") {
		f := strings.Split(part, ":")
		if len(f) != 4 {
			continue
		}
		var e importEntry
		e.id, _ = strconv.ParseInt(f[0], 10, 64)
		e.start, _ = strconv.ParseInt(f[1], 10, 64)
		e.end, _ = strconv.ParseInt(f[2], 10, 64)
		e.source = f[3]
		out = append(out, e)
	}
	return out
}

// importTime reads which of the task's entries an import made (the rest
// are the user's own), and whether they are as it left them: a session
// it started may since run on, or have been capped as any timer is, but
// not have been stopped, paused or corrected by the user.
func importTime(remembered string, entries []focusflow.TimeEntry, timerCap int64) (mine []focusflow.TimeEntry, own map[int64]bool, intact, session bool) {
	byID := map[int64]focusflow.TimeEntry{}
	own = map[int64]bool{}
	for _, e := range entries {
		byID[e.ID] = e
		own[e.ID] = true
	}
	intact = true
	for _, r := range parseEntrySigs(remembered) {
		e, ok := byID[r.id]
		if !ok || e.StartedAt.UnixMilli() != r.start {
			intact = false
			continue
		}
		delete(own, e.ID)
		mine = append(mine, e)
		end := e.EndedAt.UnixMilli()
		switch {
		case r.end != 0:
			intact = intact && end == r.end && e.Source == r.source
		case e.EndedAt.IsZero():
			session = true
		case e.Source == focusflow.SourceCapped && end == r.start+timerCap:
			session = true
		default:
			intact = false
		}
	}
	return mine, own, intact, session && intact
}

// judgeTask decides what to do with an original task's fields and time.
func (run *userRun) judgeTask(ctx context.Context, t sourceTask) (*taskPlan, error) {
	p := &taskPlan{src: t, srcSig: taskSourceSig(t)}
	p.mark, p.hasMark = run.marks[kindTask][t.id]
	src := sigParts(p.srcSig, 2)
	if !p.hasMark || !p.mark.Exists {
		v := judge(p.mark, p.hasMark, p.srcSig, "")
		p.fields, p.time, p.quiet = v, v, v != verdictNew
		return p, nil
	}
	task, entries, err := run.l.Task(ctx, run.user.ID, p.mark.ID)
	if err != nil {
		return nil, err
	}
	p.existing = task
	stored := sigParts(p.mark.TargetSig, 2)
	_, own, intact, session := importTime(stored[1], entries, run.user.TimerCap.Milliseconds())
	if p.mark.SourceSig == "" {
		// Imported before signatures were kept: its entries from the
		// original are the ones no one but an import makes.
		for _, e := range entries {
			if e.Source == focusflow.SourceImported || e.Source == focusflow.SourceCapped {
				delete(own, e.ID)
			}
		}
	}
	p.own = own
	fieldsNow := sigParts(p.mark.SourceSig, 2)
	p.fields = judge(sqlstore.Mark{SourceSig: fieldsNow[0], TargetSig: stored[0], Exists: true}, true, src[0],
		taskFieldsSig(task, session))
	timeNow := stored[1]
	if !intact {
		timeNow = "changed"
	}
	p.time = judge(sqlstore.Mark{SourceSig: fieldsNow[1], TargetSig: stored[1], Exists: true}, true, src[1], timeNow)
	p.quiet = p.fields != verdictUpdate && p.time != verdictUpdate
	return p, nil
}

// reportTask counts what this run does with a task imported before.
func (run *userRun) reportTask(p *taskPlan) {
	if p.fields == verdictNew {
		return
	}
	var applied, kept []string
	for _, part := range []struct {
		v    verdict
		name string
	}{{p.fields, "its title, description, schedule or status"}, {p.time, "its time"}} {
		switch part.v {
		case verdictUpdate:
			applied = append(applied, part.name)
		case verdictConflict:
			kept = append(kept, part.name)
		}
	}
	switch {
	case len(kept) > 0:
		what := conflictWhat(p.mark, strings.Join(kept, " and ")+" changed")
		if len(applied) > 0 {
			what += "; " + strings.Join(applied, " and ") + " updated"
		}
		run.count(verdictConflict, p.row, what)
	case len(applied) > 0:
		run.count(verdictUpdate, p.row, strings.Join(applied, " and ")+" changed in the original: updated")
	default:
		run.count(verdictKept, p.row, "")
	}
}

// clearTime removes the entries earlier imports made for the tasks whose
// time this run rebuilds (a session going on with them), and reports each
// task imported before.
func (run *userRun) clearTime(ctx context.Context, plans []*taskPlan) error {
	for _, p := range plans {
		run.reportTask(p)
		if p.time != verdictUpdate {
			continue
		}
		_, entries, err := run.l.Task(ctx, run.user.ID, p.existing.ID)
		if err != nil {
			return err
		}
		mine, _, _, _ := importTime(sigParts(p.mark.TargetSig, 2)[1], entries, run.user.TimerCap.Milliseconds())
		for _, e := range mine {
			if !e.EndedAt.IsZero() {
				run.rep.Time.ReplacedMS.Add(e.EndedAt.Sub(e.StartedAt).Milliseconds())
			}
			if err := run.l.DeleteEntry(ctx, run.user, e); err != nil {
				return err
			}
		}
		if err := run.l.IdleTimer(ctx, run.user, p.existing.ID); err != nil {
			return err
		}
	}
	return nil
}

// accountTime adds the time of the tasks this run places to the report.
func (run *userRun) accountTime(plans []*taskPlan) {
	t := &run.rep.Time
	for _, p := range plans {
		if p.placesTime() {
			t.ValidMS.Add(p.spentRaw)
			t.CappedMS.Add(p.capped)
			t.RunningMS.Add(p.runningRaw)
			t.NegativeMS.Add(p.negative)
		}
	}
}

// markTask remembers the task as this run leaves it: each part's new
// signatures where this run applied or took it, the old ones where it
// kept FocusFlow's (so that the conflict stays visible).
func (run *userRun) markTask(ctx context.Context, p *taskPlan, id int64) error {
	if p.fields == verdictGone || p.fields == verdictKept && p.time == verdictKept {
		return nil
	}
	task, entries, err := run.l.Task(ctx, run.user.ID, id)
	if err != nil {
		return err
	}
	oldSrc, oldTarget, src := sigParts(p.mark.SourceSig, 2), sigParts(p.mark.TargetSig, 2), sigParts(p.srcSig, 2)
	newSrc, newTarget := oldSrc, oldTarget
	if p.time != verdictKept && p.time != verdictConflict {
		var sigs []string
		for _, e := range entries {
			if !p.own[e.ID] {
				sigs = append(sigs, entrySig(e))
			}
		}
		sort.Strings(sigs)
		newSrc[1], newTarget[1] = src[1], strings.Join(sigs, ",")
	}
	if p.fields != verdictKept && p.fields != verdictConflict {
		_, _, _, session := importTime(newTarget[1], entries, run.user.TimerCap.Milliseconds())
		newSrc[0], newTarget[0] = src[0], taskFieldsSig(task, session)
	}
	return run.l.SetMark(ctx, kindTask, run.user.ID, sqlstore.Mark{From: p.src.id, ID: id,
		SourceSig: strings.Join(newSrc, "|"), TargetSig: strings.Join(newTarget, "|")})
}

// removedTaskRow names a task the original deleted, as it is here.
func (run *userRun) removedTaskRow(m sqlstore.Mark) string {
	return fmt.Sprintf("task %d (ours %d)", m.From, m.ID)
}

// taskChanged reports whether a task was changed here since the import.
func (run *userRun) taskChanged(ctx context.Context, m sqlstore.Mark) (bool, error) {
	task, entries, err := run.l.Task(ctx, run.user.ID, m.ID)
	if err != nil || task == nil {
		return false, err
	}
	stored := sigParts(m.TargetSig, 2)
	_, own, intact, session := importTime(stored[1], entries, run.user.TimerCap.Milliseconds())
	return !intact || len(own) > 0 || taskFieldsSig(task, session) != stored[0], nil
}
