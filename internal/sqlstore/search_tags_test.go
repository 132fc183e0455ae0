package sqlstore_test

import (
	"context"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

func searchTag(t *testing.T, db *sqlstore.DB, u *focusflow.User, name string) *focusflow.Tag {
	t.Helper()
	g := &focusflow.Tag{Name: name, Color: focusflow.DefaultTagColor}
	if err := db.CreateTag(context.Background(), u, g); err != nil {
		t.Fatal(err)
	}
	return g
}

// foundTagged returns the user's results for q among the tasks with tag.
func foundTagged(t *testing.T, db *sqlstore.DB, userID int64, q string, tag int64) []string {
	t.Helper()
	sq, err := focusflow.SearchRequest{Q: q, Tag: tag}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.Search(context.Background(), userID, sq)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range page.Results {
		out = append(out, r.Kind+" "+r.Date)
	}
	return out
}

// A task is found by its tags' names as by its own words, through every
// change of its tags and of their names; tag= keeps only a tag's tasks.
func TestSearchFindsTasksByTags(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db, raw := insightsOpenRaw(t, e, nil)
			u := exportAccount(t, db, "tagger")
			client, boss := searchTag(t, db, u, "Clientèle"), searchTag(t, db, u, "Boss")
			task := &focusflow.Task{Date: "2025-05-01", Title: "Weekly meeting", Tags: []focusflow.Tag{*client}}
			if err := db.CreateTask(ctx, u, task); err != nil {
				t.Fatal(err)
			}
			other := &focusflow.Task{Date: "2025-05-02", Title: "Meeting notes"}
			if err := db.CreateTask(ctx, u, other); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateNote(ctx, u, &focusflow.Note{Date: "2025-05-03", Type: "general", Content: "meeting clientele"}); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "created with a tag", map[string][]string{
				"CLIENTELE": {"note 2025-05-03", "task 2025-05-01"}, "client meeting weekly": {"task 2025-05-01"}})

			title := "Monthly meeting"
			if _, err := db.UpdateTask(ctx, u, task.ID, focusflow.TaskPatch{Title: &title}); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "title edited", map[string][]string{"client monthly": {"task 2025-05-01"}})

			name := "Partner"
			if _, err := db.UpdateTag(ctx, u, client.ID, focusflow.TagPatch{Name: &name}); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "tag renamed", map[string][]string{"client": {"note 2025-05-03"}, "partner": {"task 2025-05-01"}})

			if _, err := db.AddTaskTag(ctx, u, other.ID, boss.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.RemoveTaskTag(ctx, u, task.ID, client.ID); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "tags moved", map[string][]string{"partner": nil, "boss": {"task 2025-05-02"}})
			if _, err := db.SetTaskTags(ctx, u, task.ID, []int64{client.ID}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.MergeTag(ctx, u, client.ID, boss.ID); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "tag merged", map[string][]string{"partner": nil, "boss": {"task 2025-05-02", "task 2025-05-01"}})

			// tag= keeps the tag's tasks: with words, or all of them.
			if got := foundTagged(t, db, u.ID, "meeting", boss.ID); len(got) != 2 {
				t.Errorf("meeting tagged boss: %v", got)
			}
			if _, err := db.RemoveTaskTag(ctx, u, other.ID, boss.ID); err != nil {
				t.Fatal(err)
			}
			if got := foundTagged(t, db, u.ID, "", boss.ID); len(got) != 1 || got[0] != "task 2025-05-01" {
				t.Errorf("all of tag boss: %v", got)
			}
			if got := foundTagged(t, db, u.ID, "notes", boss.ID); got != nil {
				t.Errorf("notes tagged boss: %v", got)
			}
			// Tasks only (a token without notes:read): the note drops out.
			sq, _ := focusflow.SearchRequest{Q: "meeting"}.Validate()
			sq.TasksOnly = true
			if page, err := db.Search(ctx, u.ID, sq); err != nil || len(page.Results) != 2 ||
				page.Results[0].Kind != focusflow.SearchTask || page.Results[1].Kind != focusflow.SearchTask {
				t.Errorf("tasks only: %+v, %v", page, err)
			}
			stranger := exportAccount(t, db, "stranger")
			if got := foundTagged(t, db, stranger.ID, "", boss.ID); got != nil {
				t.Errorf("another user's tag: %v", got)
			}

			if err := db.DeleteTag(ctx, u, boss.ID); err != nil {
				t.Fatal(err)
			}
			expectFound(t, db, u.ID, "tag deleted", map[string][]string{"boss": nil, "monthly": {"task 2025-05-01"}})
			checkSearchIndex(t, raw, e.Name)
		})
	}
}
