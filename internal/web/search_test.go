package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

type searchPageResponse struct {
	Results []struct {
		Kind     string `json:"kind"`
		ID       int64  `json:"id"`
		Date     string `json:"date"`
		Title    string `json:"title"`
		NoteType string `json:"note_type"`
		Snippet  string `json:"snippet"`
	} `json:"results"`
	NextCursor *string `json:"next_cursor"`
}

// searchAPI runs a search and returns its results as "kind date title".
func searchAPI(t *testing.T, c *client, q string) []string {
	t.Helper()
	var page searchPageResponse
	c.get("/api/v1/search?q="+url.QueryEscape(q)).expect(t, http.StatusOK).decode(t, &page)
	var out []string
	for _, r := range page.Results {
		out = append(out, r.Kind+" "+r.Date+" "+r.Title)
	}
	return out
}

func TestSearchAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, me := ts.signedInClient(t)
		var task struct {
			ID int64 `json:"id"`
		}
		c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": "2024-05-01", "title": "Draft the Jahresbericht",
			"description": strings.Repeat("filler words here ", 20) + "then the Übersicht of the year and more " +
				strings.Repeat("trailing text ", 20)}).expect(t, http.StatusCreated).decode(t, &task)
		c.json(http.MethodPost, "/api/v1/notes", map[string]any{"date": "2025-01-02", "type": "idea",
			"content": "Jahres-Übersicht as a chart"}).expect(t, http.StatusCreated)
		c.json(http.MethodPut, "/api/v1/days/2025-03-04/note", map[string]any{"text": "Finished the übersicht."}).
			expect(t, http.StatusOK)

		var page searchPageResponse
		c.get("/api/v1/search?q=UBERS").expect(t, http.StatusOK).decode(t, &page)
		if len(page.Results) != 3 || page.NextCursor != nil {
			t.Fatalf("results %+v, next %v", page.Results, page.NextCursor)
		}
		got := page.Results
		if got[0].Kind != "day_note" || got[0].Date != "2025-03-04" || got[0].Snippet != "Finished the übersicht." ||
			got[1].Kind != "note" || got[1].NoteType != "idea" || got[1].Date != "2025-01-02" ||
			got[2].Kind != "task" || got[2].ID != task.ID || got[2].Title != "Draft the Jahresbericht" {
			t.Fatalf("results %+v", got)
		}
		if s := got[2].Snippet; !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || !strings.Contains(s, "Übersicht") ||
			len([]rune(s)) > 170 {
			t.Errorf("task snippet %q", s)
		}

		// Pages of one follow each other to the end.
		var kinds []string
		cursor := ""
		for range 4 {
			var p searchPageResponse
			c.get("/api/v1/search?limit=1&q=%C3%BCbersicht&cursor="+url.QueryEscape(cursor)).expect(t, http.StatusOK).decode(t, &p)
			for _, r := range p.Results {
				kinds = append(kinds, r.Kind)
			}
			if p.NextCursor == nil {
				break
			}
			cursor = *p.NextCursor
		}
		if !slices.Equal(kinds, []string{"day_note", "note", "task"}) {
			t.Errorf("paged kinds %v", kinds)
		}

		// Another user finds none of it; a visitor is asked to sign in.
		other, _ := ts.signedInClient(t)
		if r := searchAPI(t, other, "übersicht"); len(r) != 0 {
			t.Errorf("another user found %v", r)
		}
		ts.newClient(t).get("/api/v1/search?q=x").expect(t, http.StatusUnauthorized)

		// tag= keeps the tasks of one of the user's tags, found by its name too.
		user, err := ts.store.User(ts.ctx(), me.ID)
		if err != nil {
			t.Fatal(err)
		}
		tag := &focusflow.Tag{Name: "Rapports", Color: focusflow.DefaultTagColor}
		if err := ts.store.CreateTag(ts.ctx(), user, tag); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.store.SetTaskTags(ts.ctx(), user, task.ID, []int64{tag.ID}); err != nil {
			t.Fatal(err)
		}
		tagged := func(query string) []string {
			var p searchPageResponse
			c.get("/api/v1/search?"+query).expect(t, http.StatusOK).decode(t, &p)
			var out []string
			for _, r := range p.Results {
				out = append(out, r.Kind+" "+r.Date)
			}
			return out
		}
		id := strconv.FormatInt(tag.ID, 10)
		for query, want := range map[string][]string{
			"tag=" + id:                  {"task 2024-05-01"},
			"q=%C3%BCbersicht&tag=" + id: {"task 2024-05-01"},
			"q=rapport":                  {"task 2024-05-01"},
			"tag=" + id + "9":            nil,
		} {
			if got := tagged(query); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", query, got, want)
			}
		}
		if got := searchAPI(t, other, "rapport"); len(got) != 0 {
			t.Errorf("another user found %v by a tag's name", got)
		}
	})
}

func TestSearchAPIRefusesBadInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		for _, tc := range []struct{ query, field string }{
			{"", "q"},
			{"q=", "q"},
			{"q=%20%20", "q"},
			{"q=" + strings.Repeat("a", 201), "q"},
			{"q=%F0%9F%8E%89", "q"}, // an emoji alone has no word
			{"q=" + url.QueryEscape("one two three four five six seven eight nine"), "q"},
			{"q=a%00b", "q"},
			{"q=plan&limit=0", "limit"},
			{"q=plan&limit=51", "limit"},
			{"q=plan&limit=ten", "limit"},
			{"q=plan&limit=-1", "limit"},
			{"q=plan&cursor=nonsense", "cursor"},
			{"q=plan&tag=work", "tag"},
			{"q=plan&tag=0", "tag"},
			{"tag=-3", "tag"},
			{"tag=", "q"},
			{"q=plan&cursor=" + url.QueryEscape("MjAyNS0wMS0wMXx0YXNrfC0x"), "cursor"}, // a negative id
		} {
			res := c.get("/api/v1/search?"+tc.query).expect(t, http.StatusBadRequest)
			if got := res.apiError(t); got.Field != tc.field || got.Code != "invalid" || got.Message == "" {
				t.Errorf("%s: error %+v, want field %q", tc.query, got, tc.field)
			}
		}
		c.get("/api/v1/search?q="+strings.Repeat("a", 200)+"&limit="+strconv.Itoa(50)).expect(t, http.StatusOK)
	})
}

func TestSearchPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c, _ := ts.signedInClient(t)
		c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": "2024-05-01", "title": "Write <b>the</b> report"}).
			expect(t, http.StatusCreated)
		for i := range focusflow.DefaultSearchPer + 1 {
			c.json(http.MethodPost, "/api/v1/notes", map[string]any{"date": fmt.Sprintf("2023-01-%02d", i+1), "type": "general",
				"content": "page filler"}).expect(t, http.StatusCreated)
		}

		empty := c.get("/search").expect(t, http.StatusOK)
		if !strings.Contains(empty.Body, `role="search"`) || strings.Contains(empty.Body, "search-results") {
			t.Errorf("empty search page:\n%s", empty.Body)
		}
		res := c.get("/search?q=REPO").expect(t, http.StatusOK)
		for _, want := range []string{`href="/dashboard?date=2024-05-01"`, "Write &lt;b&gt;the&lt;/b&gt; report",
			`value="REPO"`, `<time datetime="2024-05-01">Wed 1 May 2024</time>`, "No more results."} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("results page lacks %q", want)
			}
		}
		if !strings.Contains(c.get("/search?q=zzz").expect(t, http.StatusOK).Body, `id="search-none"`) {
			t.Error("no-result message missing")
		}
		first := c.get("/search?q=filler").expect(t, http.StatusOK).Body
		if n := strings.Count(first, `class="card search-result"`); n != focusflow.DefaultSearchPer || !strings.Contains(first, `rel="next"`) {
			t.Errorf("first page: %d results, next link %v", n, strings.Contains(first, `rel="next"`))
		}

		bad := c.get("/search?q=%2A%2A").expect(t, http.StatusBadRequest)
		if !strings.Contains(bad.Body, `aria-invalid="true"`) || !strings.Contains(bad.Body, "letter or digit") {
			t.Errorf("bad search page:\n%s", bad.Body)
		}
		if loc := ts.newClient(t).get("/search?q=x").expect(t, http.StatusSeeOther).location(); !strings.HasPrefix(loc, "/login") {
			t.Errorf("visitor sent to %q", loc)
		}
	})
}
