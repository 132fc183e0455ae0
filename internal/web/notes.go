package web

import (
	"context"
	"net/http"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
)

// Notes: the day note and typed notes.

// noteStore is what the note handlers need.
type noteStore interface {
	PutDayNote(ctx context.Context, userID int64, date, text string) (focusflow.DayNote, error)
	Notes(ctx context.Context, userID int64, date string) ([]focusflow.Note, error)
	CreateNote(ctx context.Context, user *focusflow.User, n *focusflow.Note) error
	UpdateNote(ctx context.Context, userID, noteID int64, p focusflow.NotePatch) (*focusflow.Note, error)
	DeleteNote(ctx context.Context, userID, noteID int64) error
}

type noteJSON struct {
	ID        int64  `json:"id"`
	Date      string `json:"date"`
	Type      string `json:"type"`
	Title     string `json:"title"`
	Content   string `json:"content"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func toNoteJSON(n *focusflow.Note) noteJSON {
	return noteJSON{ID: n.ID, Date: n.Date, Type: n.Type, Title: n.Title, Content: n.Content,
		CreatedAt: apiTime(n.CreatedAt), UpdatedAt: apiTime(n.UpdatedAt)}
}

type dayNoteJSON struct {
	Text      string  `json:"text"`
	UpdatedAt *string `json:"updated_at"`
}

func (s *Server) apiPutDayNote(w http.ResponseWriter, r *http.Request, a *authState) {
	date, err := dateParam("date", r.PathValue("date"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Text *string `json:"text"`
	}
	if err := decodeJSON(r, &in, "text"); err != nil {
		s.fail(w, r, err)
		return
	}
	text, err := focusflow.DayNoteText.CleanField("text", *in.Text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.store.PutDayNote(r.Context(), a.user.ID, date, text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, date, "day_note", live.AreaNotes)
	s.writeJSON(w, r, http.StatusOK, dayNoteJSON{Text: n.Text, UpdatedAt: optTime(n.UpdatedAt)})
}

func (s *Server) apiNotes(w http.ResponseWriter, r *http.Request, a *authState) {
	date, err := dateParam("date", r.URL.Query().Get("date"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notes, err := s.store.Notes(r.Context(), a.user.ID, date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]noteJSON, len(notes))
	for i := range notes {
		out[i] = toNoteJSON(&notes[i])
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"notes": out})
}

type noteInput struct {
	Date    *string `json:"date"`
	Type    *string `json:"type"`
	Title   *string `json:"title"`
	Content *string `json:"content"`
}

func (s *Server) apiCreateNote(w http.ResponseWriter, r *http.Request, a *authState) {
	var in noteInput
	if err := decodeJSON(r, &in, "date", "type", "content"); err != nil {
		s.fail(w, r, err)
		return
	}
	n := &focusflow.Note{Date: *in.Date, Type: *in.Type, Title: deref(in.Title), Content: *in.Content}
	if err := n.ValidateNew(); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.CreateNote(r.Context(), a.user, n); err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, n.Date, "notes", live.AreaNotes)
	s.writeJSON(w, r, http.StatusCreated, toNoteJSON(n))
}

func (s *Server) apiUpdateNote(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in noteInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Date != nil {
		s.fail(w, r, focusflow.Invalid("date", "A note's date cannot be changed."))
		return
	}
	p := focusflow.NotePatch{Type: in.Type, Title: in.Title, Content: in.Content}
	if err := p.Validate(); err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.store.UpdateNote(r.Context(), a.user.ID, id, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.dayChanged(a.user.ID, n.Date, "notes", live.AreaNotes)
	s.writeJSON(w, r, http.StatusOK, toNoteJSON(n))
}
