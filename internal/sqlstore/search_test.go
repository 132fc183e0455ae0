package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// searchSeed writes the same rows on every engine: tasks, typed notes and
// day notes with accents, mixed case, punctuation, emoji and CJK.
func searchSeed(t *testing.T, f *fixture) {
	t.Helper()
	tasks := []struct{ date, title, desc string }{
		{"2026-03-01", "Crème brûlée recipe", "Buy cream and SUGAR"},
		{"2026-03-02", "Order supplies", "paper, ink (black) & toner"},
		{"2026-03-03", "Call Zoë about the café", "near the station; nearby parking"},
		{"2026-03-04", "Review PR #42: search", `fix "quoted" bug, a*b and x-y`},
		{"2026-03-05", "Party 🎉 planning", "東京タワー visit with Ørsted team"},
		{"2025-12-31", "Year-end review", "Straße naïve façade Ǆemal"},
		{"2024-02-29", "Leap day run", "10km in 55min"},
	}
	summer := searchTag(t, f.db, f.user, "Été-2026")
	for i, x := range tasks {
		task := &focusflow.Task{Date: x.date, Title: x.title, Description: x.desc}
		if i == 0 {
			task.Tags = []focusflow.Tag{*summer}
		}
		if err := f.db.CreateTask(f.ctx, f.user, task); err != nil {
			t.Fatal(err)
		}
	}
	notes := []struct{ date, typ, title, content string }{
		{"2026-03-02", "idea", "Crémerie", "open a small shop"},
		{"2026-03-03", "reflection", "", "Felt great: ORDER in chaos"},
		{"2026-03-05", "reminder", "NEAR deadline", "colon:separated and (paren)"},
	}
	for _, x := range notes {
		n := &focusflow.Note{Date: x.date, Type: x.typ, Title: x.title, Content: x.content}
		if err := f.db.CreateNote(f.ctx, f.user, n); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range []struct{ date, text string }{
		{"2026-03-01", "Ate crème caramel. 😀"},
		{"2026-03-04", "Reviewed the search code, nearly done"},
	} {
		if _, err := f.db.PutDayNote(f.ctx, f.user.ID, x.date, x.text); err != nil {
			t.Fatal(err)
		}
	}
}

// searchParityQueries lists queries and, for each, the results expected on
// every engine ("kind date").
var searchParityQueries = []struct {
	q    string
	want []string
}{
	{"creme", []string{"note 2026-03-02", "task 2026-03-01", "day_note 2026-03-01"}},
	{"CRÈME", []string{"note 2026-03-02", "task 2026-03-01", "day_note 2026-03-01"}},
	{"crem*", []string{"note 2026-03-02", "task 2026-03-01", "day_note 2026-03-01"}},
	{`"crème brûlée"`, []string{"task 2026-03-01"}},
	{"brulee creme", []string{"task 2026-03-01"}},
	{"rulee", nil},
	{"cream sugar", []string{"task 2026-03-01"}},
	{"-creme", []string{"note 2026-03-02", "task 2026-03-01", "day_note 2026-03-01"}},
	{"creme -caramel", []string{"day_note 2026-03-01"}},
	{"OR", []string{"note 2026-03-03", "task 2026-03-02"}},
	{"order OR zoe", nil},
	{"NEAR", []string{"note 2026-03-05", "day_note 2026-03-04", "task 2026-03-03"}},
	{"NEAR(cafe zoe)", []string{"task 2026-03-03"}},
	{"colon:separated", []string{"note 2026-03-05"}},
	{"title:party", nil},
	{"(paren)", []string{"note 2026-03-05"}},
	{"a*b", []string{"task 2026-03-04", "task 2026-03-01"}},
	{"^review", []string{"task 2026-03-04", "day_note 2026-03-04", "task 2025-12-31"}},
	{"party 🎉", []string{"task 2026-03-05"}},
	{"東京", []string{"task 2026-03-05"}},
	{"タワー", nil},
	{"ørsted", []string{"task 2026-03-05"}},
	{"orsted", nil},
	{"strasse", nil},
	{"straße", []string{"task 2025-12-31"}},
	{"NAIVE FACADE", []string{"task 2025-12-31"}},
	{"ǆ", []string{"task 2025-12-31"}},
	{"10km", []string{"task 2024-02-29"}},
	{"55", []string{"task 2024-02-29"}},
	{"ZOË", []string{"task 2026-03-03"}},
	{"zo\u0308e", []string{"task 2026-03-03"}},
	{"'quoted'", []string{"task 2026-03-04"}},
	{`\ink`, []string{"task 2026-03-02"}},
	{"ete 2026", []string{"task 2026-03-01"}},
	{"ÉTÉ sugar", []string{"task 2026-03-01"}},
}

func TestSearchParity(t *testing.T) {
	got := map[string][]string{}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			searchSeed(t, f)
			other := &focusflow.User{Username: "other", Email: "other@example.test", Timezone: "UTC"}
			if err := f.db.CreateUser(f.ctx, other, "hash"); err != nil {
				t.Fatal(err)
			}
			if err := f.db.CreateTask(f.ctx, other, &focusflow.Task{Date: "2026-03-06", Title: "crème order near"}); err != nil {
				t.Fatal(err)
			}
			for _, c := range searchParityQueries {
				q, err := focusflow.SearchRequest{Q: c.q}.Validate()
				if err != nil {
					t.Fatalf("%q: %v", c.q, err)
				}
				page, err := f.db.Search(f.ctx, f.user.ID, q)
				if err != nil {
					t.Fatalf("%q: %v", c.q, err)
				}
				var have []string
				for _, r := range page.Results {
					have = append(have, r.Kind+" "+r.Date)
					got[e.Name] = append(got[e.Name], fmt.Sprintf("%s %d %s %s %s", c.q, r.ID, r.Kind, r.Date, r.Title))
				}
				if !slices.Equal(have, c.want) {
					t.Errorf("%q: got %v, want %v", c.q, have, c.want)
				}
			}
		})
	}
	if sq, pg := got["sqlite"], got["postgres"]; pg != nil && !slices.Equal(sq, pg) {
		t.Errorf("engines differ:\nsqlite:   %s\npostgres: %s", strings.Join(sq, "\n"), strings.Join(pg, "\n"))
	}
}

// TestSearchPagesInOrder pages through results of every kind spread over
// days, several per day: each result comes once, newest day first, tasks
// then notes then the day note, newest row first.
func TestSearchPagesInOrder(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			var want []string
			for day := 28; day >= 1; day-- {
				date := fmt.Sprintf("2026-02-%02d", day)
				var ofDay []string
				if day%5 == 0 {
					if _, err := f.db.PutDayNote(f.ctx, f.user.ID, date, "Planned well"); err != nil {
						t.Fatal(err)
					}
					ofDay = append(ofDay, "day_note "+date)
				}
				if day%4 == 0 {
					n := &focusflow.Note{Date: date, Type: "general", Content: "planning notes"}
					if err := f.db.CreateNote(f.ctx, f.user, n); err != nil {
						t.Fatal(err)
					}
					ofDay = append(ofDay, fmt.Sprintf("note %s %d", date, n.ID))
				}
				for i := range day % 3 {
					task := &focusflow.Task{Date: date, Title: fmt.Sprintf("Plan %d", i)}
					if err := f.db.CreateTask(f.ctx, f.user, task); err != nil {
						t.Fatal(err)
					}
					ofDay = append(ofDay, fmt.Sprintf("task %s %d", date, task.ID))
					if err := f.db.CreateTask(f.ctx, f.user, &focusflow.Task{Date: date, Title: "unrelated"}); err != nil {
						t.Fatal(err)
					}
				}
				slices.Reverse(ofDay)
				want = append(want, ofDay...)
			}
			var have []string
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > len(want) {
					t.Fatal("pages never end")
				}
				q, err := focusflow.SearchRequest{Q: "plan", Cursor: cursor, Limit: 4}.Validate()
				if err != nil {
					t.Fatal(err)
				}
				page, err := f.db.Search(f.ctx, f.user.ID, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page.Results {
					if r.Kind == focusflow.SearchDayNote {
						have = append(have, r.Kind+" "+r.Date)
					} else {
						have = append(have, fmt.Sprintf("%s %s %d", r.Kind, r.Date, r.ID))
					}
				}
				if cursor = page.Next; cursor == "" {
					break
				}
			}
			if !slices.Equal(have, want) {
				t.Fatalf("pages gave\n%v\nwant\n%v", have, want)
			}
		})
	}
}

// TestSearchMigrationIndexesExistingRows: rows written before search
// existed are found once the migration has run.
func TestSearchMigrationIndexesExistingRows(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db, raw := openBeforeSearch(t, e)
			for _, q := range []string{
				`INSERT INTO users (id, username, username_key, email, email_key, password_hash, created_at) VALUES (1, 'old', 'old', 'old@example.test', 'old@example.test', 'x', 0)`,
				`INSERT INTO tasks (id, user_id, date, title, description, created_at, updated_at) VALUES (1, 1, '2020-05-01', 'Écrire le rapport', 'Détails', 0, 0)`,
				`INSERT INTO notes (id, user_id, date, type, title, content, created_at, updated_at) VALUES (1, 1, '2020-05-02', 'idea', '', 'Rapport annuel', 0, 0)`,
				`INSERT INTO day_notes (user_id, date, text, updated_at) VALUES (1, '2020-05-03', 'Le RAPPORT est fini', 0)`,
				`INSERT INTO tags (id, user_id, name, name_fold, color, created_at, updated_at) VALUES (1, 1, 'Trésor', 'tresor', 'slate', 0, 0)`,
				`INSERT INTO task_tags (task_id, tag_id) VALUES (1, 1)`,
			} {
				if _, err := raw.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			q, _ := focusflow.SearchRequest{Q: "rapp"}.Validate()
			page, err := db.Search(ctx, 1, q)
			if err != nil {
				t.Fatal(err)
			}
			var have []string
			for _, r := range page.Results {
				have = append(have, r.Kind+" "+r.Date)
			}
			if want := []string{"day_note 2020-05-03", "note 2020-05-02", "task 2020-05-01"}; !slices.Equal(have, want) {
				t.Fatalf("got %v, want %v", have, want)
			}
			if got := found(t, db, 1, "tresor rapport"); !slices.Equal(got, []string{"task 2020-05-01"}) {
				t.Fatalf("by its tag's name: %v", got)
			}
		})
	}
}
