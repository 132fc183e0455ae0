package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/focusflow/focusflow"
)

// Search: the user's tasks and notes of every day, by words.

// searchStore is what search needs.
type searchStore interface {
	Search(ctx context.Context, userID int64, q focusflow.SearchQuery) (*focusflow.SearchPage, error)
}

// snippetLength is about how much text a result shows around its match.
const snippetLength = 160

type searchResultJSON struct {
	Kind     string `json:"kind"`
	ID       int64  `json:"id"`
	Date     string `json:"date"`
	Title    string `json:"title"`
	NoteType string `json:"note_type,omitempty"`
	Snippet  string `json:"snippet"`
}

type searchPageJSON struct {
	Query      string             `json:"q"`
	Results    []searchResultJSON `json:"results"`
	NextCursor *string            `json:"next_cursor"`
}

// searchRequest reads a search from the query string.
func searchRequest(r *http.Request) (focusflow.SearchRequest, error) {
	v := r.URL.Query()
	req := focusflow.SearchRequest{Q: v.Get("q"), Cursor: v.Get("cursor")}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return req, focusflow.Invalid("limit", "Limit must be a whole number between 1 and %d.", focusflow.MaxSearchPer)
		}
		if n == 0 {
			n = -1 // "limit=0" is out of range, not "the default"
		}
		req.Limit = n
	}
	return req, nil
}

// search runs a search for the user and shapes its page for display.
func (s *Server) search(ctx context.Context, user *focusflow.User, req focusflow.SearchRequest) (searchPageJSON, error) {
	out := searchPageJSON{Query: req.Q, Results: []searchResultJSON{}}
	q, err := req.Validate()
	if err != nil {
		return out, err
	}
	page, err := s.store.Search(ctx, user.ID, q)
	if err != nil {
		return out, err
	}
	for _, r := range page.Results {
		out.Results = append(out.Results, searchResultJSON{Kind: r.Kind, ID: r.ID, Date: r.Date, Title: r.Title,
			NoteType: r.NoteType, Snippet: focusflow.SearchSnippet(r.Body, q.Terms, snippetLength)})
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	return out, nil
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request, a *authState) {
	req, err := searchRequest(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.search(r.Context(), a.user, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, out)
}
