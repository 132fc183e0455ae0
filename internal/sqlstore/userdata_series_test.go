package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// Recurring tasks in the export document (version 4).

// seriesSeed gives the account the planner's settings and recurring
// tasks in every state: a weekly series with a tag, a daily one with a
// deleted (skipped) day, an occurrence edited on its own and one moved to
// another day, and an occurrence left behind by a deleted series.
func seriesSeed(t *testing.T, db *sqlstore.DB, u *focusflow.User) *focusflow.User {
	t.Helper()
	ctx := context.Background()
	format, carry := "24", true
	if err := db.UpdateSettings(ctx, u.ID, focusflow.UserSettings{TimeFormat: &format, CarryForward: &carry}); err != nil {
		t.Fatal(err)
	}
	u = exportReload(t, db, u)
	home := focusflow.Tag{Name: "Home", Color: "teal"}
	if err := db.CreateTag(ctx, u, &home); err != nil {
		t.Fatal(err)
	}
	add := func(s focusflow.Series) *focusflow.Series {
		if err := s.ValidateNew(); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateSeries(ctx, u, &s); err != nil {
			t.Fatal(err)
		}
		return &s
	}
	add(focusflow.Series{Title: "Gym", StartTime: "18:00", DurationMinutes: 60, Tags: []focusflow.Tag{{ID: home.ID}},
		Rule: focusflow.SeriesRule{Kind: focusflow.RepeatWeekly, Weekdays: []string{"mon", "wed", "fri"}, Start: "2026-02-23"}})
	add(focusflow.Series{Title: "Stretch", Description: "ten minutes",
		Rule: focusflow.SeriesRule{Kind: focusflow.RepeatDaily, Start: "2026-03-01", End: "2026-03-20"}})
	gone := add(focusflow.Series{Title: "Old habit",
		Rule: focusflow.SeriesRule{Kind: focusflow.RepeatMonthly, MonthDay: 3, Start: "2026-03-01"}})
	if _, err := db.MaterialiseDays(ctx, u, "2026-03-02", "2026-03-10"); err != nil {
		t.Fatal(err)
	}
	byTitleDay := map[string]*focusflow.Task{}
	for _, day := range []string{"2026-03-03", "2026-03-04", "2026-03-06"} {
		d, err := db.Day(ctx, u, day, focusflow.Recheck{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range d.Tasks {
			byTitleDay[d.Tasks[i].Title+" "+day] = &d.Tasks[i]
		}
	}
	mustTask := func(key string) int64 {
		tk := byTitleDay[key]
		if tk == nil || !tk.Occurrence() {
			t.Fatalf("no occurrence %s in %v", key, byTitleDay)
		}
		return tk.ID
	}
	if err := db.DeleteTask(ctx, u, mustTask("Stretch 2026-03-04")); err != nil {
		t.Fatal(err)
	}
	title, later := "Gym with Sam", "2026-03-07"
	if _, err := db.UpdateTask(ctx, u, mustTask("Gym 2026-03-04"), focusflow.TaskPatch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateTask(ctx, u, mustTask("Gym 2026-03-06"), focusflow.TaskPatch{Date: &later}); err != nil {
		t.Fatal(err)
	}
	keep := "Old habit, kept"
	if _, err := db.UpdateTask(ctx, u, mustTask("Old habit 2026-03-03"), focusflow.TaskPatch{Title: &keep}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSeries(ctx, u, gone.ID); err != nil {
		t.Fatal(err)
	}
	return u
}

// Export, then import into a fresh account (on every pair of engines),
// reproduces the series, their tags and skipped days, which occurrences
// exist and which were edited one by one, and the settings; the new
// account then creates no occurrence a second time, and the same days
// to come as the old one.
func TestExportImportSeries(t *testing.T) {
	for _, pair := range enginePairs(storetest.Engines(t)) {
		t.Run(pair[0].Name+"→"+pair[1].Name, func(t *testing.T) {
			ctx := context.Background()
			c := fake.NewClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))
			src, dst := pair[0].Open(t, c.Now), pair[1].Open(t, c.Now)
			alice := seriesSeed(t, src, exportAccount(t, src, "alice"))
			there := exportAccount(t, dst, "alice")
			c.Advance(time.Hour)

			doc, raw := exportDoc(t, src, c.Now, alice)
			if len(doc.Series) != 2 || len(doc.Occurrences) < 10 || doc.Profile.TimeFormat == nil ||
				*doc.Profile.TimeFormat != "24" || !*doc.Profile.CarryForward {
				t.Fatalf("export: %+v %+v %+v", doc.Series, doc.Occurrences, doc.Profile)
			}
			if s := doc.Series[1]; s.Title != "Stretch" || len(s.SkippedDates) != 1 || s.SkippedDates[0] != "2026-03-04" {
				t.Errorf("the skipped day: %+v", s)
			}
			sum, err := importDoc(dst, c.Now, there, raw)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Created.Series != 2 || sum.Created.Tasks != len(doc.Tasks) || sum.Created.Tags != 1 {
				t.Errorf("import summary %+v", sum)
			}
			// The occurrences the import created are found by their
			// tags' names, as the account that exported them found them.
			if a, b := found(t, src, alice.ID, "home"), found(t, dst, there.ID, "home"); len(a) == 0 || !slices.Equal(a, b) {
				t.Errorf("found by the tag's name: %v there, %v here", a, b)
			}
			there = exportReload(t, dst, there)
			if there.TimeFormat != "24" || !there.CarryForward {
				t.Errorf("settings: time format %q, carry forward %v", there.TimeFormat, there.CarryForward)
			}
			again, _ := exportDoc(t, dst, c.Now, there)
			if a, b := normalizeExport(t, doc), normalizeExport(t, again); a != b {
				t.Fatalf("the round trip changed the document:\n--- exported\n%s\n--- imported and exported again\n%s", a, b)
			}
			// The days the document covers are complete: nothing is
			// created again, not even the deleted day or the moved one.
			if n, err := dst.MaterialiseDays(ctx, there, "2026-03-02", "2026-03-10"); err != nil || n != 0 {
				t.Errorf("materialising imported days created %d occurrences (%v)", n, err)
			}
			// Days to come get the same occurrences in both accounts.
			n1, err1 := src.MaterialiseDays(ctx, alice, "2026-03-11", "2026-04-10")
			n2, err2 := dst.MaterialiseDays(ctx, there, "2026-03-11", "2026-04-10")
			if err1 != nil || err2 != nil || n1 == 0 || n1 != n2 {
				t.Errorf("days to come: %d (%v) there, %d (%v) here", n1, err1, n2, err2)
			}
			after1, _ := exportDoc(t, src, c.Now, alice)
			after2, _ := exportDoc(t, dst, c.Now, there)
			if a, b := normalizeExport(t, after1), normalizeExport(t, after2); a != b {
				t.Errorf("after the days to come:\n--- exporting account\n%s\n--- importing account\n%s", a, b)
			}

			// Importing again creates nothing, here or into the account
			// the document came from.
			before := normalizeExport(t, after2)
			sum, err = importDoc(dst, c.Now, there, raw)
			if err != nil || sum.Created != (focusflow.ImportCounts{}) || sum.Skipped.Series != 2 {
				t.Errorf("second import: %+v, %v", sum, err)
			}
			if now, _ := exportDoc(t, dst, c.Now, there); normalizeExport(t, now) != before {
				t.Error("the second import changed the account")
			}
			sum, err = importDoc(src, c.Now, alice, raw)
			if err != nil || !sum.SameAccount || sum.Created != (focusflow.ImportCounts{}) || sum.Skipped.Series != 2 {
				t.Errorf("import into the same account: %+v, %v", sum, err)
			}
		})
	}
}

// Documents versions 1 to 3 wrote, kept as they came out, still import,
// once; the settings they do not carry (time format, carry forward) stay
// the account's.
func TestImportEarlierVersionFiles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
		for v := 1; v < focusflow.ExportVersion; v++ {
			raw, err := os.ReadFile(filepath.Join("..", "userdata", "testdata", fmt.Sprintf("export-v%d.json", v)))
			if err != nil {
				t.Fatal(err)
			}
			u := exportAccount(t, db, fmt.Sprintf("v%d", v))
			format, carry := "12", true
			if err := db.UpdateSettings(ctx, u.ID, focusflow.UserSettings{TimeFormat: &format, CarryForward: &carry}); err != nil {
				t.Fatal(err)
			}
			sum, err := importDoc(db, now, u, raw)
			if err != nil {
				t.Fatalf("version %d: %v", v, err)
			}
			if c := sum.Created; c.Tasks != 4 || c.Series != 0 || (v >= 3) != (c.Tags == 2) || (v >= 2) != (c.Phases > 0) {
				t.Errorf("version %d: %+v", v, sum)
			}
			u = exportReload(t, db, u)
			if u.TimeFormat != "12" || !u.CarryForward || u.Timezone != "Europe/Paris" {
				t.Errorf("version %d: settings %q %v %q", v, u.TimeFormat, u.CarryForward, u.Timezone)
			}
			if sum, err = importDoc(db, now, u, raw); err != nil || sum.Created != (focusflow.ImportCounts{}) {
				t.Errorf("version %d again: %+v, %v", v, sum, err)
			}
		}
	})
}

// A series deleted since the export comes back with its occurrences: the
// ones its deletion removed, and the ones it left behind (edited on their
// own), which belong to it again; no day gets a second occurrence.
func TestImportRestoresADeletedSeries(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c := fake.NewClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))
			db := e.Open(t, c.Now)
			u := seriesSeed(t, db, exportAccount(t, db, "alice"))
			doc, raw := exportDoc(t, db, c.Now, u)
			gym, err := db.SeriesList(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range gym {
				if err := db.DeleteSeries(ctx, u, s.ID); err != nil {
					t.Fatal(err)
				}
			}
			sum, err := importDoc(db, c.Now, u, raw)
			if err != nil || sum.Created.Series != 2 || sum.Created.Tasks == 0 {
				t.Fatalf("import: %+v, %v", sum, err)
			}
			if n, err := db.MaterialiseDays(ctx, u, "2026-03-02", "2026-03-10"); err != nil || n != 0 {
				t.Errorf("materialising the restored days created %d occurrences (%v)", n, err)
			}
			again, _ := exportDoc(t, db, c.Now, u)
			doc.Activity, again.Activity = nil, nil // the log says the series were deleted
			if a, b := normalizeExport(t, doc), normalizeExport(t, again); a != b {
				t.Errorf("the restored account:\n--- exported\n%s\n--- after the import\n%s", a, b)
			}
		})
	}
}
