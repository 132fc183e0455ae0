package sqlstore_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// twoInstances opens two stores on one fresh database, as two instances of
// the server would, with a user on the first, and a plain handle to look
// at the tables.
func twoInstances(t *testing.T, e storetest.Engine, c *clock, tz string) (*fixture, *sqlstore.DB, *sql.DB) {
	t.Helper()
	opts := e.Options(t)
	opts.Now = c.Now
	first, second, raw := openStore(t, opts), openStore(t, opts), openRaw(t, opts)
	return insightsUser(t, &fixture{db: first, clock: c, ctx: context.Background()}, tz), second, raw
}

// tableRows reads the achievements and the award marks of a user.
func tableRows(t *testing.T, raw *sql.DB, userID int64) (stored map[string]time.Time, marks int) {
	t.Helper()
	rows, err := raw.Query(`SELECT achievement_id, unlocked_at FROM achievements WHERE user_id = $1`, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored = map[string]time.Time{}
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		stored[id] = time.UnixMilli(at).UTC()
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FROM achievement_checks WHERE user_id = $1`, userID).Scan(&marks); err != nil {
		t.Fatal(err)
	}
	return stored, marks
}

func unlockedOf(list []focusflow.Achievement) map[string]time.Time {
	out := map[string]time.Time{}
	for _, a := range list {
		if a.Unlocked {
			out[a.ID] = a.UnlockedAt
		}
	}
	return out
}

func sameInstants(a, b map[string]time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for id, at := range a {
		if o, ok := b[id]; !ok || !o.Equal(at) {
			return false
		}
	}
	return true
}

// Reads never write achievements; the award pass stores what they showed,
// with the same instants, later in the day, and two instances running it
// at once store each one once.
func TestAwardPassStoresWhatReadsShowed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ny := insightsLoc(t, "America/New_York")
			c := fake.NewClock(time.Date(2026, 3, 10, 8, 0, 0, 0, ny))
			f, second, raw := twoInstances(t, e, c, "America/New_York")
			past, task := f.earnSome(t, time.Date(2026, 3, 10, 8, 0, 0, 0, ny))
			c.Set(time.Date(2026, 3, 10, 15, 0, 0, 0, ny))
			f.insights(t, "2026-03-01", "2026-03-10")
			if _, err := f.db.Summary(f.ctx, f.user); err != nil {
				t.Fatal(err)
			}
			shown := unlockedOf(mustAchievements(t, f))
			if len(shown) < 4 {
				t.Fatalf("the data earns more than %v", shown)
			}
			if stored, marks := tableRows(t, raw, f.user.ID); len(stored) != 0 || marks != 1 {
				t.Fatalf("after the reads: %d stored, %d marks; want none stored and the user marked", len(stored), marks)
			}

			// Hours later the same day, two instances run the pass at once.
			c.Set(time.Date(2026, 3, 10, 20, 0, 0, 0, ny))
			var wg sync.WaitGroup
			counts := make([]int, 2)
			errs := make([]error, 2)
			for i, db := range []*sqlstore.DB{f.db, second} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					counts[i], errs[i] = db.AwardAchievements(f.ctx)
				}()
			}
			wg.Wait()
			if errs[0] != nil || errs[1] != nil {
				t.Fatal(errs)
			}
			stored, marks := tableRows(t, raw, f.user.ID)
			if !sameInstants(stored, shown) || counts[0]+counts[1] != len(shown) || marks != 0 {
				t.Fatalf("stored %v (%d + %d inserts, %d marks left), the reads showed %v", stored, counts[0], counts[1], marks, shown)
			}
			if again := unlockedOf(mustAchievements(t, f)); !sameInstants(again, shown) {
				t.Fatalf("read after the pass: %v, before %v", again, shown)
			}
			if n, err := second.AwardAchievements(f.ctx); err != nil || n != 0 {
				t.Fatalf("a pass with nothing marked stored %d (%v)", n, err)
			}

			// The data goes; what was stored stays, and deleting marks
			// nobody (it earns nothing).
			for _, id := range []int64{past.ID, task.ID} {
				if err := f.db.DeleteTask(f.ctx, f.user, id); err != nil {
					t.Fatal(err)
				}
			}
			if after := unlockedOf(mustAchievements(t, f)); !sameInstants(after, shown) {
				t.Fatalf("after deleting the data: %v, stored %v", after, shown)
			}
			if _, marks := tableRows(t, raw, f.user.ID); marks != 0 {
				t.Fatalf("%d marks after deletions", marks)
			}
		})
	}
}

// A task completed ahead of its date extends a streak only once its day
// comes, with no write in between: its user stays marked until then.
func TestAwardPassComesBackForDaysAhead(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			c := fake.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			f, _, raw := twoInstances(t, e, c, "UTC")
			for _, d := range []string{"2026-03-09", "2026-03-10", "2026-03-11"} {
				f.complete(t, f.task(t, d, "streak").ID)
			}
			if _, err := f.db.AwardAchievements(f.ctx); err != nil {
				t.Fatal(err)
			}
			stored, marks := tableRows(t, raw, f.user.ID)
			if _, ok := stored["streak_3"]; ok || marks != 1 {
				t.Fatalf("before 11 March: %v stored, %d marks", stored, marks)
			}
			if _, ok := stored["first_task"]; !ok {
				t.Fatalf("first_task not stored: %v", stored)
			}
			c.Advance(time.Hour) // not due yet
			if n, err := f.db.AwardAchievements(f.ctx); err != nil || n != 0 {
				t.Fatalf("a pass before the day stored %d (%v)", n, err)
			}
			c.Set(time.Date(2026, 3, 11, 0, 1, 0, 0, time.UTC))
			if n, err := f.db.AwardAchievements(f.ctx); err != nil || n != 1 {
				t.Fatalf("the pass on 11 March stored %d (%v)", n, err)
			}
			// The third day counts from its start (its task was completed
			// the day before).
			stored, marks = tableRows(t, raw, f.user.ID)
			if want := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC); !stored["streak_3"].Equal(want) || marks != 0 {
				t.Fatalf("on 11 March: streak_3 at %v, want %v; %d marks", stored["streak_3"], want, marks)
			}
		})
	}
}
