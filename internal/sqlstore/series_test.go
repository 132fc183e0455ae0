package sqlstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// The fixture clock reads 2026-03-10 09:00 UTC.
const fixtureToday = "2026-03-10"

func (f *fixture) series(t *testing.T, title string, rule focusflow.SeriesRule) *focusflow.Series {
	t.Helper()
	s := &focusflow.Series{Title: title, Rule: rule, DurationMinutes: 25}
	if err := s.ValidateNew(); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateSeries(f.ctx, f.user, s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) materialise(t *testing.T, from, to string) int {
	t.Helper()
	n, err := f.db.MaterialiseDays(f.ctx, f.user, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// titles lists the titles of a day's occurrences.
func (f *fixture) occurrences(t *testing.T, date string) map[string]focusflow.Task {
	t.Helper()
	out := map[string]focusflow.Task{}
	for _, task := range f.day(t, date).Tasks {
		if task.Occurrence() {
			out[task.Title] = task
		}
	}
	return out
}

// Two instances (two stores on one database) materialising the same days
// at once create each occurrence exactly once, and the day's count says 1.
func TestMaterialiseExactlyOnceAcrossInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c := fake.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			opts := e.Options(t)
			opts.Now = c.Now
			var stores [2]*sqlstore.DB
			for i := range stores {
				db, err := sqlstore.Open(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				stores[i] = db
			}
			f := &fixture{db: stores[0], clock: c, ctx: ctx}
			f.user = &focusflow.User{Username: "focus", Email: "focus@example.test", Timezone: "Europe/Berlin"}
			if err := f.db.CreateUser(ctx, f.user, "hash"); err != nil {
				t.Fatal(err)
			}
			f.series(t, "Stretch", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-01"})
			var wg sync.WaitGroup
			created := make([]int, 8)
			errs := make([]error, 8)
			for i := range created {
				wg.Go(func() {
					created[i], errs[i] = stores[i%2].MaterialiseDays(ctx, f.user, fixtureToday, "2026-03-12")
				})
			}
			wg.Wait()
			sum := 0
			for i, err := range errs {
				if err != nil {
					t.Fatalf("materialise %d: %v", i, err)
				}
				sum += created[i]
			}
			if sum != 3 {
				t.Errorf("created %d occurrences in all, want 3 (one per day)", sum)
			}
			for _, date := range []string{fixtureToday, "2026-03-11", "2026-03-12"} {
				d := f.day(t, date)
				if len(d.Tasks) != 1 || d.Stats.Total != 1 || d.Tasks[0].SeriesDate != date {
					t.Errorf("%s: %d tasks, total %d: %+v", date, len(d.Tasks), d.Stats.Total, d.Tasks)
				}
			}
			// Day views at once on both instances: the new series' occurrence
			// of today is created once, and each view shows it.
			f.series(t, "Journal", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-01"})
			views := make([]*focusflow.Day, 8)
			for i := range views {
				wg.Go(func() {
					user := *f.user
					views[i], errs[i] = stores[i%2].Day(ctx, &user, fixtureToday, focusflow.Recheck{})
				})
			}
			wg.Wait()
			for i, d := range views {
				if errs[i] != nil || len(d.Tasks) != 2 || d.Stats.Total != 2 {
					t.Fatalf("view %d: %v, %+v", i, errs[i], d)
				}
			}
			// A restart (the other store, later) creates nothing more.
			if n, err := stores[1].MaterialiseDays(ctx, f.user, "2026-03-11", "2026-03-12"); err != nil || n != 2 {
				t.Errorf("the new series on the days ahead: %d, %v", n, err)
			}
			if n, err := stores[1].MaterialiseDays(ctx, f.user, fixtureToday, "2026-03-12"); err != nil || n != 0 {
				t.Errorf("again: %d, %v", n, err)
			}
		})
	}
}

// Days that passed are never filled in, even when asked for; today and
// the days ahead are, from the series' start on, copying the template.
func TestMaterialiseNeverBackfills(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			f.series(t, "Review", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-01"})
			f.series(t, "Later", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-12"})
			if n := f.materialise(t, "2026-03-01", "2026-03-12"); n != 4 {
				t.Fatalf("created %d, want 3 of Review (10–12) and 1 of Later (12)", n)
			}
			if got := f.day(t, "2026-03-09").Tasks; len(got) != 0 {
				t.Errorf("yesterday was filled: %+v", got)
			}
			got := f.occurrences(t, "2026-03-12")
			if len(got) != 2 || got["Review"].DurationMinutes != 25 || got["Later"].Status != focusflow.StatusPending {
				t.Errorf("2026-03-12: %+v", got)
			}
			// A day later, yesterday stays as it was left.
			f.clock.Advance(48 * time.Hour)
			if n := f.materialise(t, "2026-03-10", "2026-03-12"); n != 0 {
				t.Errorf("past days filled again: %d", n)
			}
		})
	}
}

// "Today" is the user's date in the zone they have now, read from the
// database, not in the zone the caller last knew.
func TestMaterialiseUsesTheUsersCurrentZone(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Pacific/Pago_Pago") // UTC−11: 2026-03-09 22:00 at the fixture clock
			f.series(t, "Plan", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-01"})
			if n := f.materialise(t, "2026-03-09", "2026-03-09"); n != 1 {
				t.Fatalf("today in Pago Pago: created %d", n)
			}
			stale := *f.user
			tz := "Pacific/Kiritimati" // UTC+14: 2026-03-10 23:00
			if err := f.db.UpdateSettings(f.ctx, f.user.ID, focusflow.UserSettings{Timezone: &tz}); err != nil {
				t.Fatal(err)
			}
			f.series(t, "New zone", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-01"})
			if n, err := f.db.MaterialiseDays(f.ctx, &stale, "2026-03-09", "2026-03-10"); err != nil || n != 2 {
				t.Fatalf("created %d, %v; want the two series on 2026-03-10 only", n, err)
			}
			if got := f.occurrences(t, "2026-03-09"); len(got) != 1 {
				t.Errorf("2026-03-09 (now yesterday) got the new series: %+v", got)
			}
		})
	}
}

// A deleted occurrence is not created again; deleting the series keeps
// what was done and removes the untouched occurrences ahead.
func TestDeleteOccurrenceAndSeries(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			s := f.series(t, "Walk", focusflow.SeriesRule{Kind: "daily", Start: "2026-03-09"})
			f.materialise(t, fixtureToday, "2026-03-14")
			occ := func(date string) focusflow.Task { return f.occurrences(t, date)["Walk"] }
			if err := f.db.DeleteTask(f.ctx, f.user, occ("2026-03-11").ID); err != nil {
				t.Fatal(err)
			}
			if n := f.materialise(t, fixtureToday, "2026-03-14"); n != 0 {
				t.Errorf("deleted occurrence created again: %d", n)
			}
			done := "completed"
			if _, err := f.db.UpdateTask(f.ctx, f.user, occ("2026-03-12").ID, focusflow.TaskPatch{Status: &done}); err != nil {
				t.Fatal(err)
			}
			renamed := "Walk the long way"
			if _, err := f.db.UpdateTask(f.ctx, f.user, occ("2026-03-13").ID, focusflow.TaskPatch{Title: &renamed}); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(24 * time.Hour) // today is 2026-03-11: the 10th is history
			if err := f.db.DeleteSeries(f.ctx, f.user, s.ID); err != nil {
				t.Fatal(err)
			}
			want := map[string]int{fixtureToday: 1, "2026-03-12": 1, "2026-03-13": 1, "2026-03-14": 0}
			for date, n := range want {
				d := f.day(t, date)
				if len(d.Tasks) != n || d.Stats.Total != n {
					t.Errorf("%s: %d tasks (total %d), want %d", date, len(d.Tasks), d.Stats.Total, n)
				}
				for _, task := range d.Tasks {
					if task.SeriesID != 0 {
						t.Errorf("%s: kept occurrence still points at the deleted series", date)
					}
				}
			}
			if _, err := f.db.Series(f.ctx, f.user.ID, s.ID); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Errorf("series after delete: %v", err)
			}
		})
	}
}

// "This and following" splits the series at the occurrence's day and
// changes the occurrences from then on that were not edited one by one.
func TestUpdateSeriesFromSplits(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			s := f.series(t, "Read", focusflow.SeriesRule{Kind: "daily", Start: fixtureToday})
			f.materialise(t, fixtureToday, "2026-03-15")
			task := func(date string) focusflow.Task {
				for _, x := range f.day(t, date).Tasks {
					return x
				}
				return focusflow.Task{}
			}
			own := "Read chapter 3"
			if _, err := f.db.UpdateTask(f.ctx, f.user, task("2026-03-12").ID, focusflow.TaskPatch{Title: &own}); err != nil {
				t.Fatal(err)
			}
			if !task("2026-03-12").SeriesDetached {
				t.Fatal("an occurrence edited on its own is not detached")
			}
			title := "Read 20 pages"
			next, err := f.db.UpdateSeriesFrom(f.ctx, f.user, task("2026-03-11").ID, focusflow.SeriesPatch{Title: &title})
			if err != nil {
				t.Fatal(err)
			}
			old, err := f.db.Series(f.ctx, f.user.ID, s.ID)
			if err != nil || old.Rule.End != fixtureToday || next.Rule.Start != "2026-03-11" || next.ID == s.ID {
				t.Fatalf("split: old %+v, next %+v, %v", old, next, err)
			}
			wantTitles := map[string]string{fixtureToday: "Read", "2026-03-11": title, "2026-03-12": own,
				"2026-03-13": title, "2026-03-15": title}
			for date, want := range wantTitles {
				if got := task(date); got.Title != want {
					t.Errorf("%s: %q, want %q", date, got.Title, want)
				}
			}
			// A new rule from the 13th (a Friday) on: weekly on Mondays.
			rule := focusflow.SeriesRule{Kind: "weekly", Weekdays: []string{"mon"}}
			if _, err := f.db.UpdateSeriesFrom(f.ctx, f.user, task("2026-03-13").ID, focusflow.SeriesPatch{Rule: &rule}); err != nil {
				t.Fatal(err)
			}
			for date, n := range map[string]int{"2026-03-12": 1, "2026-03-13": 0, "2026-03-14": 0, "2026-03-15": 0} {
				if got := len(f.day(t, date).Tasks); got != n {
					t.Errorf("%s: %d tasks after the rule change, want %d", date, got, n)
				}
			}
			if n := f.materialise(t, "2026-03-13", "2026-03-16"); n != 1 || task("2026-03-16").Title != title {
				t.Errorf("Monday the 16th: created %d, %+v", n, task("2026-03-16"))
			}
			series, err := f.db.SeriesList(f.ctx, f.user.ID)
			if err != nil || len(series) != 3 {
				t.Errorf("series: %+v, %v", series, err)
			}
		})
	}
}

// An occurrence takes the series' tags and the place its start time
// implies, as a new task does.
func TestOccurrenceTagsAndPlace(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			g := &focusflow.Tag{Name: "Health", Color: "green"}
			if err := f.db.CreateTag(f.ctx, f.user, g); err != nil {
				t.Fatal(err)
			}
			for _, x := range []struct{ title, start string }{{"Early", "08:00"}, {"Late", "10:00"}, {"Whenever", ""}} {
				if err := f.db.CreateTask(f.ctx, f.user, &focusflow.Task{Date: "2026-03-11", Title: x.title, StartTime: x.start}); err != nil {
					t.Fatal(err)
				}
			}
			s := &focusflow.Series{Title: "Run", StartTime: "09:00", Tags: []focusflow.Tag{{ID: g.ID}, {ID: g.ID}},
				Rule: focusflow.SeriesRule{Kind: "daily", Start: fixtureToday}}
			if err := s.ValidateNew(); err != nil {
				t.Fatal(err)
			}
			if err := f.db.CreateSeries(f.ctx, f.user, s); err != nil {
				t.Fatal(err)
			}
			if len(s.Tags) != 1 || s.Tags[0].Name != "Health" {
				t.Fatalf("series tags: %+v", s.Tags)
			}
			f.materialise(t, "2026-03-11", "2026-03-11")
			d := f.day(t, "2026-03-11")
			if got := taskTitles(d.Tasks); !slices.Equal(got, []string{"Early", "Run", "Late", "Whenever"}) {
				t.Errorf("day order %v", got)
			}
			for _, task := range d.Tasks {
				if task.Title == "Run" && (len(task.Tags) != 1 || task.Tags[0].ID != g.ID) {
					t.Errorf("occurrence tags: %+v", task.Tags)
				}
			}
			// An occurrence is found by search, by its words and its tag's.
			for _, terms := range [][]string{{"run"}, {"health"}} {
				page, err := f.db.Search(f.ctx, f.user.ID, focusflow.SearchQuery{Terms: terms, Limit: 10})
				if err != nil || len(page.Results) != 1 || page.Results[0].Title != "Run" {
					t.Errorf("search %v: %+v, %v", terms, page, err)
				}
			}
			bad := &focusflow.Series{Title: "Other's tag", Tags: []focusflow.Tag{{ID: g.ID + 1000}},
				Rule: focusflow.SeriesRule{Kind: "daily", Start: fixtureToday}}
			if err := f.db.CreateSeries(f.ctx, f.user, bad); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Errorf("unknown tag: %v", err)
			}
			if list, err := f.db.SeriesList(f.ctx, f.user.ID); err != nil || len(list) != 1 || len(list[0].Tags) != 1 {
				t.Errorf("series list: %+v, %v", list, err)
			}
		})
	}
}
