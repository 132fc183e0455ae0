package backup_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/backup"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// A restored database finds what the backed-up one found, whichever
// engine each is on: the words travel with the rows, and SQLite's FTS
// index is filled again as they are loaded.
func TestRestoredDatabaseSearches(t *testing.T) {
	ctx := context.Background()
	engines := storetest.Engines(t)
	for _, src := range engines {
		for _, dst := range engines {
			for _, format := range formatsFor(src.Name) {
				t.Run(src.Name+"-to-"+dst.Name+"/"+string(format), func(t *testing.T) {
					from := newTestDB(t, src, true)
					u := &focusflow.User{Username: "sigma", Email: "sigma@example.com", Timezone: "UTC"}
					if err := from.store.CreateUser(ctx, u, "hash"); err != nil {
						t.Fatal(err)
					}
					if err := from.store.CreateTask(ctx, u, &focusflow.Task{Date: "2025-01-01", Title: "Sauvegardé σίγμα"}); err != nil {
						t.Fatal(err)
					}
					if err := from.store.CreateNote(ctx, u, &focusflow.Note{Date: "2025-01-02", Type: "idea", Content: "sauvegarde"}); err != nil {
						t.Fatal(err)
					}
					if _, err := from.store.PutDayNote(ctx, u.ID, "2025-01-03", "SAUVEGARDE faite"); err != nil {
						t.Fatal(err)
					}
					path := filepath.Join(t.TempDir(), "backup")
					if _, err := backup.Write(ctx, from.store, path, backup.Options{Format: format}); err != nil {
						t.Fatal(err)
					}
					to := newTestDB(t, dst, false)
					if _, err := backup.Restore(ctx, to.store, path, backup.RestoreOptions{}); err != nil {
						t.Fatal(err)
					}
					q, _ := focusflow.SearchRequest{Q: "sauveg"}.Validate()
					page, err := to.store.Search(ctx, u.ID, q)
					if err != nil {
						t.Fatal(err)
					}
					var kinds []string
					for _, r := range page.Results {
						kinds = append(kinds, r.Kind+" "+r.Date)
					}
					if len(kinds) != 3 || kinds[0] != "day_note 2025-01-03" || kinds[2] != "task 2025-01-01" {
						t.Fatalf("after restore found %v", kinds)
					}
				})
			}
		}
	}
}
