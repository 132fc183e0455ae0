package focusflow

import (
	"slices"
	"strings"
	"testing"
)

func TestSearchTerms(t *testing.T) {
	for q, want := range map[string][]string{
		`Crème "BRÛLÉE"*`:       {"creme", "brulee"},
		"a-b OR a NEAR(c)":      {"a", "b", "or", "near", "c"},
		"col:umn ^x $y":         {"col", "umn", "x", "y"},
		"🎉 東京タワー":               {"東京タワー"},
		"zo\u0308e ZOË":         {"zoe"},
		strings.Repeat("x", 70): {strings.Repeat("x", MaxSearchWord)},
		"—":                     nil,
		"İstanbul":              {"istanbul"},
	} {
		if got := SearchTerms(q); !slices.Equal(got, want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", q, got, want)
		}
	}
	if got := SearchWords("Order the ORDER", "and order more"); got != "order the and more" {
		t.Errorf("SearchWords = %q", got)
	}
}

func TestSearchSnippet(t *testing.T) {
	long := strings.Repeat("lead ", 40) + "the Übersicht here " + strings.Repeat("tail ", 40)
	got := SearchSnippet(long, []string{"ubers"}, 60)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, "Übersicht") {
		t.Errorf("snippet %q", got)
	}
	if got := SearchSnippet("short\n\ntext", []string{"x"}, 60); got != "short text" {
		t.Errorf("short snippet %q", got)
	}
	if got := SearchSnippet(long, []string{"nomatch"}, 20); !strings.HasPrefix(got, "lead") || !strings.HasSuffix(got, "…") {
		t.Errorf("no-match snippet %q", got)
	}
}

func TestSearchCursorRoundTrip(t *testing.T) {
	c := SearchCursor{Date: "2025-03-04", Kind: SearchNote, ID: 42}
	q, err := SearchRequest{Q: "x", Cursor: EncodeSearchCursor(c)}.Validate()
	if err != nil || q.After != c || q.Limit != DefaultSearchPer {
		t.Fatalf("got %+v, %v", q, err)
	}
	for _, bad := range []string{"!!", EncodeSearchCursor(SearchCursor{Date: "2025-02-30", Kind: SearchTask, ID: 1}),
		EncodeSearchCursor(SearchCursor{Date: "2025-02-03", Kind: "tag", ID: 1})} {
		if _, err := (SearchRequest{Q: "x", Cursor: bad}).Validate(); ErrorField(err) != "cursor" {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}
