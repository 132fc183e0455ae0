package legacyimport

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
)

// dayNotes imports the original's daily_entries: one free-text note per
// day. A day that has a note here already, or no date, gets a general note
// instead.
func (run *userRun) dayNotes(ctx context.Context) error {
	im := run.im
	for _, n := range im.dayNotesOf[run.acc.source.id] {
		date, ok := parseDate(n.date)
		if done, err := run.alreadyImported(ctx, kindDayNote, n.id, date); err != nil {
			return err
		} else if done {
			run.rep.Counts.AlreadyThere++
			continue
		}
		row := fmt.Sprintf("daily note %d (%s)", n.id, n.date.String)
		if !ok {
			run.problem(row, fmt.Sprintf("entry_date %s is not a date", quote(n.date)),
				"kept as a general note on the account's first day")
			date = localdate.Today(run.acc.createdAt, im.loc)
		}
		text, issues, full := cleanText(n.notes.String, focusflow.DayNoteText)
		for _, is := range issues {
			run.problem(row, "text "+is, "cleaned")
		}
		if text == "" {
			continue // nothing to keep: the original stored empty notes for days once edited
		}
		exists, err := run.l.HasDayNote(ctx, run.user.ID, date)
		if err != nil {
			return err
		}
		if !ok || exists {
			err = run.dayNoteAsNote(ctx, row, date, text, full, exists)
		} else {
			err = run.dayNote(ctx, row, date, text, full)
		}
		if err != nil {
			return err
		}
		if err := run.l.Remember(ctx, kindDayNote, n.id, run.user.ID); err != nil {
			return err
		}
		run.rep.Counts.DayNotes++
	}
	return nil
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
	return run.overflowNotes(ctx, date, overflow{title: "Full daily note (shortened on import)", text: full}, im.now)
}

// dayNoteAsNote keeps a daily note that cannot be the day's note as a
// general note of that day.
func (run *userRun) dayNoteAsNote(ctx context.Context, row, date, text, full string, exists bool) error {
	if exists {
		run.problem(row, "the day already has a daily note in FocusFlow", "imported as a general note on that day instead")
	}
	all := text
	if full != "" {
		all = full
	}
	if err := run.overflowNotes(ctx, date, overflow{title: "Daily note from the original FocusFlow", text: all}, run.im.now); err != nil {
		return err
	}
	run.rep.Counts.ExtraNotes-- // counted as the day note itself
	return nil
}

func (run *userRun) notes(ctx context.Context) error {
	for _, n := range run.im.notesOf[run.acc.source.id] {
		if done, err := run.alreadyImported(ctx, kindNote, n.id, ""); err != nil {
			return err
		} else if done {
			run.rep.Counts.AlreadyThere++
			continue
		}
		row := fmt.Sprintf("note %d %q (%s)", n.id, focusflow.Shorten(n.title.String, 40), n.date.String)
		note := run.planNote(row, n)
		title, body, ok := run.noteText(row, n)
		if !ok {
			continue
		}
		if err := run.writeNote(ctx, row, n.id, note, title, body); err != nil {
			return err
		}
		run.rep.Counts.Notes++
	}
	return nil
}

// planNote dates and types a note: its entry_date (else the day it was
// created, else the account's first day), its created_at (else the start
// of that day), and updated_at no earlier than created_at.
func (run *userRun) planNote(row string, n sourceNote) *focusflow.Note {
	im := run.im
	created, createdOK := parseTime(n.created, im.loc)
	date, ok := parseDate(n.date)
	if !ok {
		if !createdOK {
			run.problem(row, fmt.Sprintf("entry_date %s is not a date and created_at %s is not a timestamp",
				quote(n.date), quote(n.created)), "dated the account's first day")
			date = localdate.Today(run.acc.createdAt, im.loc)
		} else {
			date = localdate.Today(created, im.loc)
			run.problem(row, fmt.Sprintf("entry_date %s is not a date", quote(n.date)), "dated "+date+", the day it was created")
		}
	}
	if !createdOK {
		created = localdate.DayStart(date, im.loc)
	}
	updated, ok := parseTime(n.updated, im.loc)
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
// its content is longer than ours can be; the first part is the note.
func (run *userRun) writeNote(ctx context.Context, row string, id int64, note *focusflow.Note, title, body string) error {
	parts := splitText(body, focusflow.MaxNoteContent)
	if len(parts) > 1 {
		run.problem(row, fmt.Sprintf("content is %d characters (at most %d here)", utf8.RuneCountInString(body), focusflow.MaxNoteContent),
			fmt.Sprintf("split into %d notes of the same day and type", len(parts)))
	}
	var firstID int64
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
		if err := run.l.AddNote(ctx, run.user, &n); err != nil {
			return err
		}
		if i == 0 {
			firstID = n.ID
		} else {
			run.rep.Counts.ExtraNotes++
		}
	}
	return run.l.Remember(ctx, kindNote, id, firstID)
}

// overflowNotes keeps text that did not fit in general notes, as many as
// it takes.
func (run *userRun) overflowNotes(ctx context.Context, date string, o overflow, at time.Time) error {
	parts := splitText(o.text, focusflow.MaxNoteContent)
	for i, part := range parts {
		title := o.title
		if len(parts) > 1 {
			title = focusflow.Shorten(fmt.Sprintf("%s (%d/%d)", o.title, i+1, len(parts)), focusflow.MaxTitle)
		}
		n := &focusflow.Note{Date: date, Type: "general", Title: title, Content: part, CreatedAt: at, UpdatedAt: at}
		if err := run.l.AddNote(ctx, run.user, n); err != nil {
			return err
		}
		run.rep.Counts.ExtraNotes++
	}
	return nil
}
