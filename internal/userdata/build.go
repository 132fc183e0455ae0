package userdata

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/focusflow/focusflow"
)

// Row letters of refs: a ref is one of these and the row's id.
const (
	taskRef     = 't'
	entryRef    = 'e'
	noteRef     = 'n'
	activityRef = 'a'
	phaseRef    = 'p'
	tagRef      = 'g'
)

func ref(letter byte, id int64) string { return string(letter) + strconv.FormatInt(id, 10) }

// formatInstant writes the document's instant format: RFC 3339, UTC, ms.
func formatInstant(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// Build makes the document of an account's rows, exported at now, in the
// latest version.
func Build(rows *focusflow.ExportRows, now time.Time) *focusflow.ExportDoc {
	doc := &focusflow.ExportDoc{Format: focusflow.ExportFormat, Version: focusflow.ExportVersion,
		ExportedAt: formatInstant(now), Account: rows.Account, Profile: exportProfile(&rows.User),
		Tasks:    make([]focusflow.ExportTask, 0, len(rows.Tasks)),
		Entries:  make([]focusflow.ExportEntry, 0, len(rows.Entries)),
		DayNotes: make([]focusflow.ExportDayNote, 0, len(rows.DayNotes)),
		Notes:    make([]focusflow.ExportNote, 0, len(rows.Notes)),
		Activity: make([]focusflow.ExportActivity, 0, len(rows.Activity)),
		Phases:   make([]focusflow.ExportPhase, 0, len(rows.Phases)),
		Tags:     make([]focusflow.ExportTag, 0, len(rows.Tags)),
		TaskTags: make([]focusflow.ExportTaskTag, 0, len(rows.TaskTags)),
		Series:   exportSeries(rows)}
	tasks := map[int64]bool{}
	for i := range rows.Tasks {
		doc.Tasks = append(doc.Tasks, exportTask(&rows.Tasks[i]))
		tasks[rows.Tasks[i].ID] = true
	}
	// The log and the phases outlive deleted tasks; a ref must point into
	// the document.
	taskRefOf := func(id int64) *string {
		if !tasks[id] {
			return nil
		}
		r := ref(taskRef, id)
		return &r
	}
	for _, e := range rows.Entries {
		if e.Running() {
			continue // not finished: its time is not the user's yet
		}
		doc.Entries = append(doc.Entries, focusflow.ExportEntry{Ref: ref(entryRef, e.ID), TaskRef: ref(taskRef, e.TaskID),
			StartedAt: formatInstant(e.StartedAt), EndedAt: formatInstant(e.EndedAt),
			DurationMS: e.EndedAt.Sub(e.StartedAt).Milliseconds(), Source: e.Source})
	}
	for _, n := range rows.DayNotes {
		doc.DayNotes = append(doc.DayNotes, focusflow.ExportDayNote{Date: n.Date, Text: n.Text,
			UpdatedAt: formatInstant(n.UpdatedAt)})
	}
	for _, n := range rows.Notes {
		doc.Notes = append(doc.Notes, focusflow.ExportNote{Ref: ref(noteRef, n.ID), Date: n.Date, Type: n.Type,
			Title: n.Title, Content: n.Content, CreatedAt: formatInstant(n.CreatedAt), UpdatedAt: formatInstant(n.UpdatedAt)})
	}
	for _, a := range rows.Activity {
		doc.Activity = append(doc.Activity, focusflow.ExportActivity{Ref: ref(activityRef, a.ID), Date: a.Date,
			At: formatInstant(a.At), Kind: a.Kind, Message: a.Message, TaskRef: taskRefOf(a.TaskID)})
	}
	for _, p := range rows.Phases {
		doc.Phases = append(doc.Phases, focusflow.ExportPhase{Ref: ref(phaseRef, p.ID), TaskRef: taskRefOf(p.TaskID),
			Kind: p.Kind, StartedAt: formatInstant(p.StartedAt), EndedAt: formatInstant(p.EndedAt),
			PlannedMS: p.Planned.Milliseconds(), Outcome: p.Outcome})
	}
	for _, g := range rows.Tags {
		doc.Tags = append(doc.Tags, focusflow.ExportTag{Ref: ref(tagRef, g.ID), Name: g.Name, Color: g.Color,
			CreatedAt: formatInstant(g.CreatedAt)})
	}
	doc.TaskTags = exportTaskTags(rows, doc.TaskTags)
	doc.Occurrences = exportOccurrences(rows)
	return doc
}

// exportTaskTags lists the tags on tasks in the order of the tasks, then
// of the tags, which an import keeps: a document survives a round trip
// whatever ids the rows get.
func exportTaskTags(rows *focusflow.ExportRows, out []focusflow.ExportTaskTag) []focusflow.ExportTaskTag {
	taskAt, tagAt := map[int64]int{}, map[int64]int{}
	for i, t := range rows.Tasks {
		taskAt[t.ID] = i
	}
	for i, g := range rows.Tags {
		tagAt[g.ID] = i
	}
	links := slices.Clone(rows.TaskTags)
	slices.SortFunc(links, func(a, b focusflow.TaskTag) int {
		return cmp.Or(cmp.Compare(taskAt[a.TaskID], taskAt[b.TaskID]), cmp.Compare(tagAt[a.TagID], tagAt[b.TagID]))
	})
	for _, l := range links {
		if _, ok := taskAt[l.TaskID]; ok {
			out = append(out, focusflow.ExportTaskTag{TaskRef: ref(taskRef, l.TaskID), TagRef: ref(tagRef, l.TagID)})
		}
	}
	return out
}

// exportProfile is the profile of u, every setting included.
func exportProfile(u *focusflow.User) focusflow.ExportProfile {
	timeFormat, carry := u.TimeFormat, u.CarryForward
	return focusflow.ExportProfile{Username: u.Username, Email: u.Email, CreatedAt: formatInstant(u.CreatedAt),
		Timezone: u.Timezone, Theme: u.Theme, DailyGoalMS: u.DailyGoal.Milliseconds(),
		TimerCapMS: u.TimerCap.Milliseconds(), FocusMode: u.FocusMode,
		Session: focusflow.ExportSessionOf(u.Session), Signals: focusflow.ExportSignalsOf(u.Signals),
		TimeFormat: &timeFormat, CarryForward: &carry}
}

func exportTask(t *focusflow.Task) focusflow.ExportTask {
	out := focusflow.ExportTask{Ref: ref(taskRef, t.ID), Date: t.Date, Title: t.Title, Description: t.Description,
		Status: t.Status, Position: t.Position, SpentMS: t.Spent.Milliseconds(), CreatedAt: formatInstant(t.CreatedAt)}
	if start := t.StartTime; start != "" {
		out.StartTime = &start
	}
	if minutes := t.DurationMinutes; minutes > 0 {
		out.DurationMinutes = &minutes
	}
	if !t.CompletedAt.IsZero() {
		at := formatInstant(t.CompletedAt)
		out.CompletedAt = &at
	}
	return out
}
