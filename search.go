package focusflow

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search limits.
const (
	MaxSearchQuery   = 200 // code points of q
	MaxSearchTerms   = 8   // words in q
	MaxSearchWord    = 64  // code points kept of a word, indexed or searched
	DefaultSearchPer = 20
	MaxSearchPer     = 50
)

// Kinds of search results.
const (
	SearchTask    = "task"
	SearchNote    = "note"     // a typed note
	SearchDayNote = "day_note" // the free-text note of a day
)

// SearchRequest is what a user asks search for.
type SearchRequest struct {
	Q      string
	Cursor string // "" for the first page
	Limit  int    // 0 for the default
	Tag    int64  // only tasks with this tag; 0 for any row
}

// SearchQuery is a checked SearchRequest: the words to look for and where
// the page starts.
type SearchQuery struct {
	Terms []string // none only with a tag: all its tasks
	After SearchCursor
	Limit int
	Tag   int64
	// TasksOnly leaves notes out (an API token that may read tasks but
	// not notes).
	TasksOnly bool
}

// SearchCursor is the position after the last result of a page. Results
// are ordered newest day first, then tasks before typed notes before the
// day note, then newest row first.
type SearchCursor struct {
	Date string
	Kind string
	ID   int64
}

// SearchResult is one task or note that matched.
type SearchResult struct {
	Kind     string
	ID       int64
	Date     string
	Title    string
	NoteType string // typed notes only
	Body     string // the description, content or day note, for the snippet
}

// SearchPage is one page of results, with the cursor of the next page (""
// after the last).
type SearchPage struct {
	Results []SearchResult
	Next    string
}

// SearchKindRank orders kinds within a day (higher first).
func SearchKindRank(kind string) int {
	switch kind {
	case SearchTask:
		return 3
	case SearchNote:
		return 2
	case SearchDayNote:
		return 1
	}
	return 0
}

// Validate checks a request and returns its query.
func (r SearchRequest) Validate() (SearchQuery, error) {
	q := SearchQuery{Limit: r.Limit, Tag: r.Tag}
	if !utf8.ValidString(r.Q) || strings.IndexFunc(r.Q, unicode.IsControl) >= 0 {
		return q, Invalid("q", "The search contains invalid characters.")
	}
	if r.Tag < 0 {
		return q, Invalid("tag", "Tag must be a tag's id.")
	}
	if strings.TrimSpace(r.Q) == "" && r.Tag == 0 {
		return q, Invalid("q", "Type something to search for.")
	}
	if n := utf8.RuneCountInString(r.Q); n > MaxSearchQuery {
		return q, Invalid("q", "The search is too long (%d characters; at most %d).", n, MaxSearchQuery)
	}
	q.Terms = SearchTerms(r.Q)
	if len(q.Terms) == 0 && strings.TrimSpace(r.Q) != "" {
		return q, Invalid("q", "The search needs at least one letter or digit.")
	}
	if len(q.Terms) > MaxSearchTerms {
		return q, Invalid("q", "The search has too many words (%d; at most %d).", len(q.Terms), MaxSearchTerms)
	}
	if q.Limit == 0 {
		q.Limit = DefaultSearchPer
	}
	if q.Limit < 1 || q.Limit > MaxSearchPer {
		return q, Invalid("limit", "Limit must be between 1 and %d.", MaxSearchPer)
	}
	if r.Cursor != "" {
		c, ok := decodeSearchCursor(r.Cursor)
		if !ok {
			return q, Invalid("cursor", "The cursor is not one this server gave out; start again without it.")
		}
		q.After = c
	}
	return q, nil
}

// searchToken reports the runes words are made of: letters, digits and
// private-use characters, as SQLite's unicode61 tokenizer has them
// (combining marks are gone after Fold).
func searchToken(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// searchSplit folds s and cuts it into words, each cut to MaxSearchWord
// code points.
func searchSplit(s string) []string {
	// Fold lower-cases after stripping marks, and lower-casing can bring a
	// mark back ("İ" → "i̇"): such marks go too, so a word is not cut there.
	folded := strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, Fold(s))
	words := strings.FieldsFunc(folded, func(r rune) bool { return !searchToken(r) })
	for i, w := range words {
		if utf8.RuneCountInString(w) > MaxSearchWord {
			words[i] = string([]rune(w)[:MaxSearchWord])
		}
	}
	return words
}

// SearchTerms is the distinct folded words of a query, in order. Anything
// else a user types (quotes, stars, dashes, operators' punctuation)
// separates words and means nothing more; words such as OR and NEAR are
// words like any other.
func SearchTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range searchSplit(q) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// SearchWords is the text indexed for search of a row whose texts are
// given: its distinct folded words, separated by single spaces.
func SearchWords(texts ...string) string {
	return strings.Join(SearchTerms(strings.Join(texts, "\n")), " ")
}

// EncodeSearchCursor writes c for a client to send back unchanged.
func EncodeSearchCursor(c SearchCursor) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s|%s|%d", c.Date, c.Kind, c.ID))
}

func decodeSearchCursor(s string) (SearchCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return SearchCursor{}, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return SearchCursor{}, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id < 0 || SearchKindRank(parts[1]) == 0 {
		return SearchCursor{}, false
	}
	if _, err := ParseDate(parts[0]); err != nil {
		return SearchCursor{}, false
	}
	return SearchCursor{Date: parts[0], Kind: parts[1], ID: id}, true
}

// SearchSnippet is a short piece of text around the first word that
// starts with one of terms, at most about n code points, with "…" where
// it was cut; the start of text when no word matches.
func SearchSnippet(text string, terms []string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	runes := []rune(text)
	inWord := func(r rune) bool { return searchToken(r) || unicode.Is(unicode.Mn, r) }
	at := -1
	for i := 0; i < len(runes) && at < 0; {
		if !inWord(runes[i]) {
			i++
			continue
		}
		j := i
		for j < len(runes) && inWord(runes[j]) {
			j++
		}
		for _, w := range searchSplit(string(runes[i:j])) {
			for _, t := range terms {
				if strings.HasPrefix(w, t) {
					at = i
				}
			}
		}
		i = j
	}
	if len(runes) <= n {
		return text
	}
	start := max(0, at-n/4)
	end := min(len(runes), start+n)
	start = max(0, end-n)
	out := strings.TrimSpace(string(runes[start:end]))
	if start > 0 {
		out = "…" + out
	}
	if end < len(runes) {
		out += "…"
	}
	return out
}
