package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// focusflow-load seed writes text with its search words, on both engines: tasks with
// descriptions, typed notes and day notes that search finds.
func TestSeedWritesSearchableText(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := seeded(t, e, "--users", "2", "--days", "90")
			u, _, err := db.UserByLogin(ctx, userName(1))
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, q := range searchQueries {
				sq, err := focusflow.SearchRequest{Q: q, Limit: focusflow.MaxSearchPer}.Validate()
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				page, err := db.Search(ctx, u.ID, sq)
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				for _, r := range page.Results {
					kinds[r.Kind]++
				}
			}
			if kinds[focusflow.SearchTask] == 0 || kinds[focusflow.SearchNote] == 0 || kinds[focusflow.SearchDayNote] == 0 {
				t.Errorf("results by kind %v, want every kind", kinds)
			}
			sq, _ := focusflow.SearchRequest{Q: "xylophone"}.Validate()
			if page, err := db.Search(ctx, u.ID, sq); err != nil || len(page.Results) != 0 {
				t.Errorf("a word nobody wrote: %v, %v", page, err)
			}
		})
	}
}

// seeded runs focusflow-load seed with args into a fresh database of engine e and
// opens FocusFlow's store on it (closed when the test ends).
func seeded(t *testing.T, e storetest.Engine, args ...string) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	opts := sqlstore.Options{SQLitePath: filepath.Join(t.TempDir(), "seed.db")}
	dbURL := "sqlite://" + opts.SQLitePath
	if e.Name == "postgres" {
		dbURL = storetest.CreateDatabase(t)
		opts = sqlstore.Options{URL: dbURL}
	}
	var out, errb bytes.Buffer
	if code := run(ctx, append([]string{"seed", "--db", dbURL}, args...), &out, &errb); code != 0 {
		t.Fatalf("seed: %d\n%s\n%s", code, out.String(), errb.String())
	}
	db, err := sqlstore.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
