package legacyimport

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// dayNotes imports the original's daily_entries: one free-text note per
// day. A day that has a note here already, or no date, gets a general note
// instead. The mapping's target signature says which it became.
func (run *userRun) dayNotes(ctx context.Context) error {
	seen := map[int64]bool{}
	for _, n := range run.im.dayNotesOf[run.acc.source.id] {
		seen[n.id] = true
		if err := run.dayNoteRow(ctx, n); err != nil {
			return err
		}
	}
	return run.removed(ctx, kindDayNote, seen, func(m sqlstore.Mark) string { return fmt.Sprintf("daily note %d", m.From) },
		func(ctx context.Context, m sqlstore.Mark) (bool, error) {
			now, err := run.dayNoteTarget(ctx, m.TargetSig)
			return now != m.TargetSig, err
		}, func(ctx context.Context, m sqlstore.Mark) error {
			kind, key, _ := strings.Cut(m.TargetSig, ":")
			key, _, _ = strings.Cut(key, ":")
			if kind == "note" {
				return run.l.Delete(ctx, sqlstore.NoteTable, run.user.ID, key)
			}
			return run.l.Delete(ctx, sqlstore.UserTable, run.user.ID, key)
		})
}

// dayNoteRow imports, updates or keeps one daily note of the original.
func (run *userRun) dayNoteRow(ctx context.Context, n sourceDayNote) error {
	date, ok := parseDate(n.date)
	row := fmt.Sprintf("daily note %d (%s)", n.id, n.date.String)
	src := sig(n.date.String, n.notes.String)
	m, had := run.marks[kindDayNote][n.id]
	target := m.TargetSig
	if had && m.SourceSig == "" {
		target = "day:" + date + ":"
	}
	now, err := run.dayNoteTarget(ctx, target)
	if err != nil {
		return err
	}
	v := judge(m, had, src, now)
	switch v {
	case verdictNew:
		return run.newDayNote(ctx, n, row, date, ok, src)
	case verdictUpdate:
		text, _, _ := cleanText(n.notes.String, focusflow.DayNoteText)
		if err := run.updateDayNote(ctx, target, date, text); err != nil {
			return err
		}
		if now, err = run.dayNoteTarget(ctx, target); err != nil {
			return err
		}
		run.count(v, row, "its text changed in the original: updated")
	case verdictConflict:
		run.count(v, row, conflictWhat(sqlstore.Mark{Exists: true}, "its text changed"))
		return nil
	default:
		run.count(v, row, "")
		if v != verdictBaseline {
			return nil
		}
	}
	return run.l.SetMark(ctx, kindDayNote, run.user.ID, sqlstore.Mark{From: n.id, ID: run.user.ID, SourceSig: src, TargetSig: now})
}

// dayNoteTarget is the signature of what a daily note became, as it is
// now: "day:DATE:sig" (the day's note) or "note:ID:sig" (a general note).
func (run *userRun) dayNoteTarget(ctx context.Context, target string) (string, error) {
	kind, rest, _ := strings.Cut(target, ":")
	key, _, _ := strings.Cut(rest, ":")
	switch kind {
	case "day":
		text, ok, err := run.l.DayNote(ctx, run.user.ID, key)
		if err != nil || !ok {
			return "day:" + key + ":none", err
		}
		return "day:" + key + ":" + sig(text), nil
	case "note":
		id, _ := strconv.ParseInt(key, 10, 64)
		note, err := run.l.Note(ctx, run.user.ID, id)
		if err != nil || note == nil {
			return "note:" + key + ":none", err
		}
		return "note:" + key + ":" + sig(note.Content), nil
	}
	return "", nil
}

// updateDayNote writes a daily note's new text where it went.
func (run *userRun) updateDayNote(ctx context.Context, target, date, text string) error {
	kind, rest, _ := strings.Cut(target, ":")
	key, _, _ := strings.Cut(rest, ":")
	if kind == "note" {
		id, _ := strconv.ParseInt(key, 10, 64)
		note, err := run.l.Note(ctx, run.user.ID, id)
		if err != nil || note == nil {
			return err
		}
		note.Content, note.UpdatedAt = splitText(text, focusflow.MaxNoteContent)[0], run.im.now
		return run.l.UpdateNote(ctx, run.user.ID, note)
	}
	return run.l.SetDayNote(ctx, run.user.ID, key, focusflow.DayNote{Text: text, UpdatedAt: run.im.now})
}

// newDayNote imports a daily note not imported before.
func (run *userRun) newDayNote(ctx context.Context, n sourceDayNote, row, date string, dated bool, src string) error {
	if !dated {
		run.problem(row, fmt.Sprintf("entry_date %s is not a date", quote(n.date)),
			"kept as a general note on the account's first day")
		date = localdate.Today(run.acc.createdAt, run.loc())
	}
	text, issues, full := cleanText(n.notes.String, focusflow.DayNoteText)
	for _, is := range issues {
		run.problem(row, "text "+is, "cleaned")
	}
	if text == "" {
		return nil // nothing to keep: the original stored empty notes for days once edited
	}
	exists, err := run.l.HasDayNote(ctx, run.user.ID, date)
	if err != nil {
		return err
	}
	target := "day:" + date + ":"
	if !dated || exists {
		var id int64
		id, err = run.dayNoteAsNote(ctx, row, date, text, full, exists)
		target = "note:" + strconv.FormatInt(id, 10) + ":"
	} else {
		err = run.dayNote(ctx, row, date, text, full)
	}
	if err != nil {
		return err
	}
	if target, err = run.dayNoteTarget(ctx, target); err != nil {
		return err
	}
	run.rep.Counts.DayNotes++
	return run.l.SetMark(ctx, kindDayNote, run.user.ID, sqlstore.Mark{From: n.id, ID: run.user.ID, SourceSig: src, TargetSig: target})
}

// dayNote writes the day's note; when the original's was longer than ours
// can be, the whole text is also kept in a general note.
func (run *userRun) dayNote(ctx context.Context, row, date, text, full string) error {
	im := run.im
	if err := run.l.AddDayNote(ctx, run.user, date, focusflow.DayNote{Text: text, UpdatedAt: im.now}); err != nil {
		return err
	}
	if full == "" {
		return nil
	}
	run.problem(row, fmt.Sprintf("text is %d characters (at most %d here)", utf8.RuneCountInString(full), focusflow.MaxDayNote),
		"the first "+group(focusflow.MaxDayNote)+" are the daily note; the whole text is kept in a general note on that day")
	_, err := run.overflowNotes(ctx, date, overflow{title: "Full daily note (shortened on import)", text: full}, im.now)
	return err
}

// dayNoteAsNote keeps a daily note that cannot be the day's note as a
// general note of that day.
func (run *userRun) dayNoteAsNote(ctx context.Context, row, date, text, full string, exists bool) (int64, error) {
	if exists {
		run.problem(row, "the day already has a daily note in FocusFlow", "imported as a general note on that day instead")
	}
	all := text
	if full != "" {
		all = full
	}
	id, err := run.overflowNotes(ctx, date, overflow{title: "Daily note from the original FocusFlow", text: all}, run.im.now)
	run.rep.Counts.ExtraNotes-- // counted as the day note itself
	return id, err
}

func (run *userRun) notes(ctx context.Context) error {
	seen := map[int64]bool{}
	for _, n := range run.im.notesOf[run.acc.source.id] {
		seen[n.id] = true
		if err := run.noteRow(ctx, n); err != nil {
			return err
		}
	}
	return run.removed(ctx, kindNote, seen, func(m sqlstore.Mark) string { return fmt.Sprintf("note %d (ours %d)", m.From, m.ID) },
		func(ctx context.Context, m sqlstore.Mark) (bool, error) {
			now, err := run.noteTarget(ctx, m.ID)
			return now != m.TargetSig, err
		}, func(ctx context.Context, m sqlstore.Mark) error {
			return run.l.Delete(ctx, sqlstore.NoteTable, run.user.ID, m.ID)
		})
}

// noteRow imports, updates or keeps one typed note of the original.
func (run *userRun) noteRow(ctx context.Context, n sourceNote) error {
	row := fmt.Sprintf("note %d %q (%s)", n.id, focusflow.Shorten(n.title.String, 40), n.date.String)
	src := sig(n.date.String, n.title.String, n.content.String, n.noteType.String)
	m, had := run.marks[kindNote][n.id]
	var now string
	if had && m.Exists {
		var err error
		if now, err = run.noteTarget(ctx, m.ID); err != nil {
			return err
		}
	}
	v := judge(m, had, src, now)
	switch v {
	case verdictNew, verdictUpdate:
	case verdictConflict:
		run.count(v, row, conflictWhat(m, "its title, content or type changed"))
		return nil
	default:
		run.count(v, row, "")
		if v != verdictBaseline {
			return nil
		}
		return run.l.SetMark(ctx, kindNote, run.user.ID, sqlstore.Mark{From: n.id, ID: m.ID, SourceSig: src, TargetSig: now})
	}
	note := run.planNote(row, n)
	title, body, ok := run.noteText(row, n)
	if !ok {
		return nil
	}
	if v == verdictUpdate {
		note.ID = m.ID
		run.count(v, row, "its title, content or type changed in the original: updated")
	} else {
		run.rep.Counts.Notes++
	}
	if err := run.writeNote(ctx, row, note, title, body); err != nil {
		return err
	}
	now, err := run.noteTarget(ctx, note.ID)
	if err != nil {
		return err
	}
	return run.l.SetMark(ctx, kindNote, run.user.ID, sqlstore.Mark{From: n.id, ID: note.ID, SourceSig: src, TargetSig: now})
}

// noteTarget is the signature of our note as it is now.
func (run *userRun) noteTarget(ctx context.Context, id int64) (string, error) {
	n, err := run.l.Note(ctx, run.user.ID, id)
	if err != nil || n == nil {
		return "none", err
	}
	return sig(n.Date, n.Type, n.Title, n.Content), nil
}

// planNote dates and types a note: its entry_date (else the day it was
// created, else the account's first day), its created_at (else the start
// of that day), and updated_at no earlier than created_at.
func (run *userRun) planNote(row string, n sourceNote) *focusflow.Note {
	im, loc := run.im, run.loc()
	created, createdOK := im.instant(n.created, im.dbLoc)
	date, ok := parseDate(n.date)
	if !ok {
		if !createdOK {
			run.problem(row, fmt.Sprintf("entry_date %s is not a date and created_at %s is not a timestamp",
				quote(n.date), quote(n.created)), "dated the account's first day")
			date = localdate.Today(run.acc.createdAt, loc)
		} else {
			date = localdate.Today(created, loc)
			run.problem(row, fmt.Sprintf("entry_date %s is not a date", quote(n.date)), "dated "+date+", the day it was created")
		}
	}
	if !createdOK {
		created = localdate.DayStart(date, loc)
	}
	// The database filled updated_at with created_at's clock on insert;
	// an edit wrote the server's.
	updatedLoc := im.srcLoc
	if n.updated.String == n.created.String {
		updatedLoc = im.dbLoc
	}
	updated, ok := im.instant(n.updated, updatedLoc)
	if !ok || updated.Before(created) {
		updated = created
	}
	typ := strings.TrimSpace(n.noteType.String)
	if !slices.Contains(focusflow.NoteTypes, typ) {
		typ = "general"
		run.problem(row, fmt.Sprintf("note_type %s is not one of %s", quote(n.noteType), strings.Join(focusflow.NoteTypes, ", ")),
			"imported as general")
	}
	return &focusflow.Note{Date: date, Type: typ, CreatedAt: created.Truncate(time.Millisecond),
		UpdatedAt: updated.Truncate(time.Millisecond)}
}

// noteText cleans a note's title and content. A title too long for ours
// starts the content; a note without content has its title as content; a
// note with neither is not imported (false).
func (run *userRun) noteText(row string, n sourceNote) (title, body string, ok bool) {
	title, issues, fullTitle := cleanText(n.title.String, focusflow.NoteTitleText)
	for _, is := range issues {
		run.problem(row, "title "+is, "cleaned")
	}
	content, issues, fullContent := cleanText(n.content.String, focusflow.NoteContentText)
	for _, is := range issues {
		run.problem(row, "content "+is, "cleaned")
	}
	body = content
	if fullContent != "" {
		body = fullContent
	}
	if body == "" && title == "" {
		run.problem(row, "the note has neither title nor content", "not imported: there is nothing in it")
		return "", "", false
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
		run.problem(row, fmt.Sprintf("title is %d characters (at most %d here)", utf8.RuneCountInString(fullTitle), focusflow.MaxTitle),
			"shortened; the full title starts the note's content")
	}
	return title, body, true
}

// writeNote writes a note, split into notes of the same day and type when
// its content is longer than ours can be; the first part is the note (the
// one an earlier import made, when note.ID is set: the other parts are
// added anew).
func (run *userRun) writeNote(ctx context.Context, row string, note *focusflow.Note, title, body string) error {
	parts := splitText(body, focusflow.MaxNoteContent)
	if len(parts) > 1 {
		run.problem(row, fmt.Sprintf("content is %d characters (at most %d here)", utf8.RuneCountInString(body), focusflow.MaxNoteContent),
			fmt.Sprintf("split into %d notes of the same day and type", len(parts)))
	}
	for i, part := range parts {
		n := *note
		n.Title, n.Content = title, part
		if len(parts) > 1 {
			label := title
			if label == "" {
				label = "Note"
			}
			n.Title = focusflow.Shorten(fmt.Sprintf("%s (%d/%d)", label, i+1, len(parts)), focusflow.MaxTitle)
		}
		var err error
		switch {
		case i == 0 && note.ID != 0:
			err = run.l.UpdateNote(ctx, run.user.ID, &n)
		default:
			n.ID = 0
			err = run.l.AddNote(ctx, run.user, &n)
		}
		if err != nil {
			return err
		}
		if i == 0 {
			note.ID = n.ID
		} else {
			run.rep.Counts.ExtraNotes++
		}
	}
	return nil
}

// overflowNotes keeps text that did not fit in general notes, as many as
// it takes, and returns the first one's id.
func (run *userRun) overflowNotes(ctx context.Context, date string, o overflow, at time.Time) (int64, error) {
	parts := splitText(o.text, focusflow.MaxNoteContent)
	var first int64
	for i, part := range parts {
		title := o.title
		if len(parts) > 1 {
			title = focusflow.Shorten(fmt.Sprintf("%s (%d/%d)", o.title, i+1, len(parts)), focusflow.MaxTitle)
		}
		n := &focusflow.Note{Date: date, Type: "general", Title: title, Content: part, CreatedAt: at, UpdatedAt: at}
		if err := run.l.AddNote(ctx, run.user, n); err != nil {
			return 0, err
		}
		if i == 0 {
			first = n.ID
		}
		run.rep.Counts.ExtraNotes++
	}
	return first, nil
}
