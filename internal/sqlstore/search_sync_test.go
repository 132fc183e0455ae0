package sqlstore_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// found returns the user's results for q as "kind date".
func found(t *testing.T, db *sqlstore.DB, userID int64, q string) []string {
	t.Helper()
	var out []string
	for _, r := range mustSearch(t, db, userID, q) {
		out = append(out, r.Kind+" "+r.Date)
	}
	return out
}

func mustSearch(t *testing.T, db *sqlstore.DB, userID int64, q string) []focusflow.SearchResult {
	t.Helper()
	sq, err := focusflow.SearchRequest{Q: q}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.Search(context.Background(), userID, sq)
	if err != nil {
		t.Fatal(err)
	}
	return page.Results
}

// expectFound fails unless each query finds exactly what it maps to.
func expectFound(t *testing.T, db *sqlstore.DB, userID int64, step string, want map[string][]string) {
	t.Helper()
	for q, w := range want {
		if got := found(t, db, userID, q); !slices.Equal(got, w) {
			t.Errorf("%s: %q found %v, want %v", step, q, got, w)
		}
	}
}

// checkSearchIndex asks SQLite whether each FTS index agrees with its
// table (PostgreSQL's index is maintained by the engine itself).
func checkSearchIndex(t *testing.T, raw *sql.DB, engine string) {
	t.Helper()
	if engine != "sqlite" {
		return
	}
	for _, table := range []string{"tasks_search", "notes_search", "day_notes_search"} {
		if _, err := raw.Exec(`INSERT INTO ` + table + ` (` + table + `, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("%s: %v", table, err)
		}
	}
}

func TestSearchFollowsEveryAPIWrite(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db, raw := insightsOpenRaw(t, e, nil)
			u := exportAccount(t, db, "writer")
			task := &focusflow.Task{Date: "2025-04-01", Title: "Alpha draft", Description: "beta notes"}
			if err := db.CreateTask(ctx, u, task); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "created task", map[string][]string{"alpha": {"task 2025-04-01"}, "beta": {"task 2025-04-01"}})
			title, date, desc, done := "Gamma draft", "2025-04-03", "", focusflow.StatusCompleted
			if _, err := db.UpdateTask(ctx, u, task.ID, focusflow.TaskPatch{Title: &title, Date: &date, Description: &desc}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UpdateTask(ctx, u, task.ID, focusflow.TaskPatch{Status: &done}); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "edited task", map[string][]string{"alpha": nil, "beta": nil,
				"gamma draft": {"task 2025-04-03"}})
			checkSearchIndex(t, raw, e.Name)
			if err := db.DeleteTask(ctx, u, task.ID); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "deleted task", map[string][]string{"gamma": nil})

			n := &focusflow.Note{Date: "2025-04-02", Type: "idea", Title: "Delta", Content: "epsilon"}
			if err := db.CreateNote(ctx, u, n); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "created note", map[string][]string{"delta epsilon": {"note 2025-04-02"}})
			content := "zeta"
			if _, err := db.UpdateNote(ctx, u.ID, n.ID, focusflow.NotePatch{Content: &content}); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "edited note", map[string][]string{"epsilon": nil, "delta zeta": {"note 2025-04-02"}})
			if err := db.DeleteNote(ctx, u.ID, n.ID); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "deleted note", map[string][]string{"delta": nil})

			for _, text := range []string{"eta theta", "iota"} {
				if _, err := db.PutDayNote(ctx, u.ID, "2025-04-04", text); err != nil {
					t.Fatal(err)
				}
			}
			expectFound(t, db, u.ID, "replaced day note", map[string][]string{"eta": nil, "iota": {"day_note 2025-04-04"}})
			if _, err := db.PutDayNote(ctx, u.ID, "2025-04-04", ""); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "emptied day note", map[string][]string{"iota": nil})
			checkSearchIndex(t, raw, e.Name)

			// Deleting the account takes its rows out of the index too.
			if _, err := db.PutDayNote(ctx, u.ID, "2025-04-05", "kappa"); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateTask(ctx, u, &focusflow.Task{Date: "2025-04-05", Title: "kappa"}); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteUser(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "deleted account", map[string][]string{"kappa": nil})
			checkSearchIndex(t, raw, e.Name)
		})
	}
}

func TestSearchFollowsImports(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db, raw := insightsOpenRaw(t, e, nil)
			from, into := exportAccount(t, db, "sender"), exportAccount(t, db, "receiver")
			if err := db.CreateTask(ctx, from, &focusflow.Task{Date: "2025-06-01", Title: "Imported lambda"}); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateNote(ctx, from, &focusflow.Note{Date: "2025-06-02", Type: "general", Content: "lambda note"}); err != nil {
				t.Fatal(err)
			}
			for id, text := range map[int64]string{from.ID: "lambda day", into.ID: "mine"} {
				if _, err := db.PutDayNote(ctx, id, "2025-06-03", text); err != nil {
					t.Fatal(err)
				}
			}
			_, doc := exportDoc(t, db, nil, from)
			if _, err := importDoc(db, nil, into, doc); err != nil {
				t.Fatal(err)
			}
			// The merged day note is found by the words of both halves.
			expectFound(t, db, into.ID, "user document", map[string][]string{
				"lambda": {"day_note 2025-06-03", "note 2025-06-02", "task 2025-06-01"},
				"mine":   {"day_note 2025-06-03"}})

			// The loader of the original app's data (the legacy import).
			err := db.Load(ctx, func(l *sqlstore.Loader) error {
				task := &focusflow.Task{Date: "2025-07-01", Title: "legacy mu", Status: focusflow.StatusPending}
				if err := l.AddTask(ctx, into, task); err != nil {
					return err
				}
				n := &focusflow.Note{Date: "2025-07-02", Type: "idea", Content: "legacy nu"}
				if err := l.AddNote(ctx, into, n); err != nil {
					return err
				}
				if err := l.AddDayNote(ctx, into, "2025-07-03", focusflow.DayNote{Text: "legacy xi"}); err != nil {
					return err
				}
				task.Title, n.Content = "legacy omicron", "legacy pi"
				if err := l.UpdateTask(ctx, into, task); err != nil {
					return err
				}
				if err := l.UpdateNote(ctx, into.ID, n); err != nil {
					return err
				}
				return l.SetDayNote(ctx, into.ID, "2025-07-03", focusflow.DayNote{Text: "legacy rho"})
			})
			if err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, into.ID, "legacy load", map[string][]string{"mu": nil, "nu": nil, "xi": nil,
				"legacy":  {"day_note 2025-07-03", "note 2025-07-02", "task 2025-07-01"},
				"omicron": {"task 2025-07-01"}, "pi": {"note 2025-07-02"}, "rho": {"day_note 2025-07-03"}})
			var ids []int64
			for _, r := range mustSearch(t, db, into.ID, "legacy") {
				ids = append(ids, r.ID)
			}
			err = db.Load(ctx, func(l *sqlstore.Loader) error {
				if err := l.Delete(ctx, sqlstore.NoteTable, into.ID, ids[1]); err != nil {
					return err
				}
				if err := l.Delete(ctx, sqlstore.UserTable, into.ID, "2025-07-03"); err != nil {
					return err
				}
				return l.DeleteTask(ctx, into, ids[2])
			})
			if err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, into.ID, "legacy deletes", map[string][]string{"legacy": nil})
			checkSearchIndex(t, raw, e.Name)
		})
	}
}
