package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// backfillTask is a task written before search existed, and again
// through the store's write path.
type backfillTask struct {
	date, title, description string
	tags                     []int // indexes into backfillTags
}

var backfillTags = []string{"Trésor", "Écrire", "admin"}

// backfillBatchRows is how many rows the back-fill writes per statement.
const backfillBatchRows = 1000

// backfillRows are more tasks than one batch of the back-fill holds, with
// accents, punctuation, repeats, empty and wordless texts, and up to two
// tags each.
func backfillRows() []backfillTask {
	var out []backfillTask
	for i := range backfillBatchRows + 100 {
		t := backfillTask{date: fmt.Sprintf("2020-%02d-%02d", 1+i%12, 1+i%28),
			title:       fmt.Sprintf("Tâche %d: Écrire le RAPPORT, le rapport!", i),
			description: [4]string{"", "Détails — voir l'annexe", "Ça va: ÇA VA", "--- !!!"}[i%4]}
		if i%5 == 0 {
			t.title = "..."
		}
		switch i % 3 {
		case 1:
			t.tags = []int{i % len(backfillTags)}
		case 2:
			t.tags = []int{2, 0}
		}
		out = append(out, t)
	}
	return out
}

// TestSearchBackfillMatchesTheWritePath: the migration that brings search
// gives rows written before it exactly the words the store's own writes
// give the same rows, on every engine, across batches.
func TestSearchBackfillMatchesTheWritePath(t *testing.T) {
	rows := backfillRows()
	notes := []string{"Rapport annuel", "Idée: l'été", "!!!", "Ünïcödé wörds ünïcödé"}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			migrated := backfilled(t, e, rows, notes)
			written := writtenWords(t, e, rows, notes)
			for kind, want := range written {
				have := migrated[kind]
				if len(have) != len(want) {
					t.Fatalf("%s: %d rows back-filled, %d written", kind, len(have), len(want))
				}
				for i := range want {
					if have[i] != want[i] {
						t.Errorf("%s[%d]: back-filled %q, written %q", kind, i, have[i], want[i])
					}
				}
			}
			if migrated["tasks"][3] == "" || migrated["tasks"][5] == "" {
				t.Error("the back-fill left tasks without words")
			}
		})
	}
}

// openBeforeSearch opens a new database at the schema before search
// (migration 12), as the store and as a plain connection.
func openBeforeSearch(t *testing.T, e storetest.Engine) (*sqlstore.DB, *sql.DB) {
	t.Helper()
	opts := e.Options(t)
	db, err := sqlstore.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.MigrateTo(context.Background(), 12); err != nil {
		t.Fatal(err)
	}
	return db, openRaw(t, opts)
}

// backfilled writes rows and notes into a database at the schema before
// search, migrates it, and returns the words each row got, by table, in
// the rows' order.
func backfilled(t *testing.T, e storetest.Engine, rows []backfillTask, notes []string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	db, raw := openBeforeSearch(t, e)
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO users (id, username, username_key, email, email_key, password_hash, created_at)
		VALUES (1, 'old', 'old', 'old@example.test', 'old@example.test', 'x', 0)`)
	for i, name := range backfillTags {
		exec(`INSERT INTO tags (id, user_id, name, name_fold, color, created_at, updated_at) VALUES ($1, 1, $2, $3, 'slate', 0, 0)`,
			i+1, name, focusflow.Fold(name))
	}
	for i, r := range rows {
		exec(`INSERT INTO tasks (id, user_id, date, title, description, created_at, updated_at) VALUES ($1, 1, $2, $3, $4, 0, 0)`,
			i+1, r.date, r.title, r.description)
		for _, g := range r.tags {
			exec(`INSERT INTO task_tags (task_id, tag_id) VALUES ($1, $2)`, i+1, g+1)
		}
	}
	for i, text := range notes {
		exec(`INSERT INTO notes (id, user_id, date, type, title, content, created_at, updated_at) VALUES ($1, 1, $2, 'idea', $3, $4, 0, 0)`,
			i+1, fmt.Sprintf("2020-06-%02d", i+1), text, text+" note")
		exec(`INSERT INTO day_notes (user_id, date, text, updated_at) VALUES (1, $1, $2, 0)`, fmt.Sprintf("2020-06-%02d", i+1), text)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return wordsByTable(t, raw)
}

// writtenWords writes the same rows through the store into a new
// account and returns the words they got, as backfilled does.
func writtenWords(t *testing.T, e storetest.Engine, rows []backfillTask, notes []string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	db, raw := insightsOpenRaw(t, e, nil)
	u := exportAccount(t, db, "new")
	var tagIDs []int64
	for _, name := range backfillTags {
		g := focusflow.Tag{Name: name, Color: "slate"}
		if err := db.CreateTag(ctx, u, &g); err != nil {
			t.Fatal(err)
		}
		tagIDs = append(tagIDs, g.ID)
	}
	for _, r := range rows {
		tk := &focusflow.Task{Date: r.date, Title: r.title, Description: r.description}
		if err := db.CreateTask(ctx, u, tk); err != nil {
			t.Fatal(err)
		}
		for _, g := range r.tags {
			if _, err := db.AddTaskTag(ctx, u, tk.ID, tagIDs[g]); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, text := range notes {
		date := fmt.Sprintf("2020-06-%02d", i+1)
		n := &focusflow.Note{Date: date, Type: "idea", Title: text, Content: text + " note"}
		if err := db.CreateNote(ctx, u, n); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutDayNote(ctx, u.ID, date, text); err != nil {
			t.Fatal(err)
		}
	}
	return wordsByTable(t, raw)
}

// wordsByTable reads the words of every task, note and day note (the
// database holds one user's), in the order they were written.
func wordsByTable(t *testing.T, raw *sql.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, order := range map[string]string{"tasks": "id", "notes": "id", "day_notes": "date"} {
		rows, err := raw.QueryContext(context.Background(), `SELECT search_words FROM `+table+` ORDER BY `+order)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], w)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}
