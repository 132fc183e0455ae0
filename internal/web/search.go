package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	if tag := v.Get("tag"); tag != "" {
		id, err := strconv.ParseInt(tag, 10, 64)
		if err != nil || id <= 0 {
			return req, focusflow.Invalid("tag", "Tag must be a tag's id.")
		}
		req.Tag = id
	}
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
	// A token that may read tasks but not notes finds tasks only.
	if a := authFrom(ctx); a != nil && !a.mayRead(focusflow.ScopeNotesRead) {
		q.TasksOnly = true
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

// searchResultView is one result as the search page shows it.
type searchResultView struct {
	Kind, Heading, Href, Date, DateLabel, Snippet string
}

type searchPageData struct {
	Q        string
	Results  []searchResultView
	Next     string // the next page's address, "" on the last
	Searched bool
}

// searchPage is the search box's page: the form, and a page of results
// when there is something to search for. Each result links to its day.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, a *authState) {
	req, err := searchRequest(r)
	data := searchPageData{Q: req.Q}
	p := page{Title: "Search", Data: &data, Form: map[string]string{"q": req.Q}}
	if err == nil && strings.TrimSpace(req.Q) == "" && req.Cursor == "" && req.Tag == 0 {
		s.render(w, r, "search", p)
		return
	}
	var out searchPageJSON
	if err == nil {
		out, err = s.search(r.Context(), a.user, req)
	}
	if focusflow.ErrorCode(err) == focusflow.EINVALID {
		p.Error, p.Field = focusflow.ErrorMessage(err), focusflow.ErrorField(err)
		s.renderStatus(w, r, http.StatusBadRequest, "search", p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data.Searched = true
	for _, res := range out.Results {
		data.Results = append(data.Results, searchView(res))
	}
	if out.NextCursor != nil {
		next := url.Values{"q": {req.Q}, "cursor": {*out.NextCursor}}
		if req.Tag != 0 {
			next.Set("tag", strconv.FormatInt(req.Tag, 10))
		}
		data.Next = "/search?" + next.Encode()
	}
	s.render(w, r, "search", p)
}

func searchView(r searchResultJSON) searchResultView {
	v := searchResultView{Heading: r.Title, Href: "/dashboard?date=" + r.Date, Date: r.Date, DateLabel: r.Date,
		Snippet: r.Snippet}
	if d, err := focusflow.ParseDate(r.Date); err == nil {
		v.DateLabel = d.Format("Mon 2 Jan 2006")
	}
	switch r.Kind {
	case focusflow.SearchTask:
		v.Kind = "Task"
	case focusflow.SearchNote:
		v.Kind = "Note · " + focusflow.FieldLabel(r.NoteType)
		if v.Heading == "" {
			v.Heading = focusflow.FieldLabel(r.NoteType) + " note"
		}
	default:
		v.Kind, v.Heading = "Day note", "Note of the day"
	}
	return v
}
