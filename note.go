package focusflow

import (
	"slices"
	"strings"
	"time"
)

// Note types.
var NoteTypes = []string{"general", "reflection", "idea", "reminder"}

// Note is a typed note on a day.
type Note struct {
	ID        int64
	Date      string
	Type      string
	Title     string
	Content   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DayNote is the one free-text note of a day.
type DayNote struct {
	Text      string
	UpdatedAt time.Time // zero when never saved
}

// NotePatch lists the fields of a note to change; nil stays.
type NotePatch struct {
	Type    *string
	Title   *string
	Content *string
}

// Validate checks every field that is set, trimming the texts in place.
func (p *NotePatch) Validate() error {
	var err error
	if p.Type != nil && !slices.Contains(NoteTypes, *p.Type) {
		return Invalid("type", "Type must be one of %s.", strings.Join(NoteTypes, ", "))
	}
	if p.Title != nil {
		if *p.Title, err = NoteTitleText.CleanField("title", *p.Title); err != nil {
			return err
		}
	}
	if p.Content != nil {
		if *p.Content, err = NoteContentText.CleanField("content", *p.Content); err != nil {
			return err
		}
	}
	return nil
}

// ValidateNew checks a note a user creates, trimming its texts in place.
func (n *Note) ValidateNew() error {
	if err := ValidateDate("date", n.Date); err != nil {
		return err
	}
	p := NotePatch{Type: &n.Type, Title: &n.Title, Content: &n.Content}
	return p.Validate()
}
