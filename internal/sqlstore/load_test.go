package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// What a Loader writes reads back through the ordinary queries, with every
// derived figure as if the API had written it.
func TestLoaderKeepsDerivedFigures(t *testing.T) {
	now := time.Date(2025, 6, 2, 20, 0, 0, 0, time.UTC) // the streak counts up to today
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, func() time.Time { return now })
			joined := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
			u := &focusflow.User{Username: "loaded", Email: "loaded@example.test", Timezone: "Europe/Paris", CreatedAt: joined}
			var tasks [2]*focusflow.Task
			err := db.Load(ctx, func(l *sqlstore.Loader) error {
				if err := l.CreateUser(ctx, u, "pbkdf2:sha256:1$salt$hash"); err != nil {
					return err
				}
				for i, date := range []string{"2025-06-01", "2025-06-02"} {
					tasks[i] = &focusflow.Task{Date: date, Title: "Work " + date, Status: focusflow.StatusCompleted,
						CompletedAt: time.Date(2025, 6, 1+i, 18, 0, 0, 0, time.UTC), CreatedAt: time.Date(2025, 6, 1+i, 7, 0, 0, 0, time.UTC)}
					if err := l.AddTask(ctx, u, tasks[i]); err != nil {
						return err
					}
				}
				// 23:30–00:30 in Paris: half an hour on each day.
				start := time.Date(2025, 6, 1, 21, 30, 0, 0, time.UTC)
				entry := &focusflow.TimeEntry{TaskID: tasks[0].ID, StartedAt: start, EndedAt: start.Add(time.Hour), Source: focusflow.SourceImported}
				if err := l.AddEntry(ctx, u, entry); err != nil {
					return err
				}
				if err := l.AddDayNote(ctx, u, "2025-06-01", focusflow.DayNote{Text: "loaded", UpdatedAt: now}); err != nil {
					return err
				}
				note := &focusflow.Note{Date: "2025-06-02", Type: "idea", Title: "t", Content: "c", CreatedAt: joined, UpdatedAt: joined}
				if err := l.AddNote(ctx, u, note); err != nil {
					return err
				}
				_, err := l.AddActivity(ctx, u, "2025-06-02", focusflow.Activity{At: start, Kind: focusflow.ActAnomaly,
					Message: "flagged", TaskID: tasks[1].ID})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			got, hash, err := db.UserByLogin(ctx, "loaded")
			if err != nil || !got.CreatedAt.Equal(joined) || hash != "pbkdf2:sha256:1$salt$hash" || got.DailyGoal != focusflow.DefaultDailyGoal {
				t.Fatalf("user %+v %q %v", got, hash, err)
			}
			d1, err := db.Day(ctx, got, "2025-06-01", focusflow.Recheck{})
			if err != nil {
				t.Fatal(err)
			}
			d2, err := db.Day(ctx, got, "2025-06-02", focusflow.Recheck{})
			if err != nil {
				t.Fatal(err)
			}
			if d1.Tasks[0].Spent != time.Hour || d1.Stats.Focus != 30*time.Minute || d1.Stats.Total != 1 || d1.Stats.Completed != 1 ||
				d1.Note.Text != "loaded" {
				t.Errorf("2025-06-01: %+v %+v %+v", d1.Tasks, d1.Stats, d1.Note)
			}
			if d2.Stats.Focus != 30*time.Minute || d2.Stats.Completed != 1 || d2.Streak != 2 || len(d2.Notes) != 1 ||
				len(d2.Activity) != 1 || d2.Activity[0].TaskID != tasks[1].ID || d2.Tasks[0].Position != 1 {
				t.Errorf("2025-06-02: %+v %+v streak %d, notes %+v, activity %+v", d2.Tasks, d2.Stats, d2.Streak, d2.Notes, d2.Activity)
			}
			if !d1.Tasks[0].CompletedAt.Equal(tasks[0].CompletedAt) || !d1.Tasks[0].CreatedAt.Equal(tasks[0].CreatedAt) {
				t.Errorf("timestamps not kept: %+v", d1.Tasks[0])
			}
		})
	}
}

// A failing load writes nothing, mappings count only while their row
// exists, and the timeline places new time where the user has none.
func TestLoaderMappingsAndTimeline(t *testing.T) {
	now := time.Date(2025, 7, 5, 9, 0, 0, 0, time.UTC)
	storetest.Run(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		mine := &focusflow.User{Username: "Taken", Email: "taken@example.test"}
		if err := db.CreateUser(ctx, mine, "h"); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := db.Load(ctx, func(l *sqlstore.Loader) error {
			u := &focusflow.User{Username: "rolled-back", Email: "rb@example.test"}
			if err := l.CreateUser(ctx, u, "h"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("load error %v", err)
		}
		if _, _, err := db.UserByLogin(ctx, "rolled-back"); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
			t.Fatalf("a failed load wrote: %v", err)
		}
		err = db.Load(ctx, func(l *sqlstore.Loader) error {
			return l.CreateUser(ctx, &focusflow.User{Username: "TAKEN", Email: "other@example.test"}, "h")
		})
		if err != sqlstore.ErrAccountTaken {
			t.Fatalf("taken name: %v", err)
		}
		keys, err := db.AccountKeys(ctx)
		if err != nil || len(keys) != 1 || keys[0] != (sqlstore.AccountKey{Username: "Taken", UsernameKey: "taken", EmailKey: "taken@example.test"}) {
			t.Fatalf("account keys %+v %v", keys, err)
		}

		var taskID int64
		err = db.Load(ctx, func(l *sqlstore.Loader) error {
			u, err := l.User(ctx, mine.ID)
			if err != nil {
				return err
			}
			task := &focusflow.Task{Date: "2025-06-01", Title: "t", Status: focusflow.StatusPending, CreatedAt: now}
			if err := l.AddTask(ctx, u, task); err != nil {
				return err
			}
			taskID = task.ID
			for _, m := range []struct {
				kind     string
				from, id int64
			}{{"test:user", 7, u.ID}, {"test:task", 70, task.ID}, {"test:task", 71, task.ID + 1000}, {"test:day", 700, u.ID}} {
				if err := l.Remember(ctx, m.kind, m.from, m.id); err != nil {
					return err
				}
			}
			end := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
			if err := l.AddEntry(ctx, u, &focusflow.TimeEntry{TaskID: task.ID, StartedAt: end.Add(-time.Hour), EndedAt: end,
				Source: focusflow.SourceImported}); err != nil {
				return err
			}
			tl, err := l.Timeline(ctx, u.ID)
			if err != nil {
				return err
			}
			// Wanted 09:30–10:30: moved before the hour already taken.
			start, stop := tl.Place(end.Add(30*time.Minute), time.Hour)
			if !start.Equal(end.Add(-2*time.Hour)) || !stop.Equal(end.Add(-time.Hour)) {
				t.Errorf("placed %s–%s", start, stop)
			}
			// The placed stretch is taken too.
			if start, _ := tl.Place(end, 30*time.Minute); !start.Equal(end.Add(-150 * time.Minute)) {
				t.Errorf("second place starts %s", start)
			}
			tasks, err := l.Mapped(ctx, "test:task", sqlstore.TaskTable, u.ID)
			if err != nil || len(tasks) != 1 || tasks[70] != task.ID {
				t.Errorf("mapped tasks %v %v (71 points at no task)", tasks, err)
			}
			days, err := l.Mapped(ctx, "test:day", sqlstore.UserTable, u.ID)
			if err != nil || len(days) != 1 || days[700] != u.ID {
				t.Errorf("mapped days %v %v", days, err)
			}
			if _, err := l.Mapped(ctx, "test:x", sqlstore.MapTable("users; --"), u.ID); err == nil {
				t.Error("an unknown table was queried")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		users, err := db.MappedUsers(ctx, "test:user")
		if err != nil || len(users) != 1 || users[7].ID != mine.ID || users[7].Username != "Taken" {
			t.Fatalf("mapped users %+v %v", users, err)
		}
		if err := db.DeleteTask(ctx, mine, taskID); err != nil {
			t.Fatal(err)
		}
		err = db.Load(ctx, func(l *sqlstore.Loader) error {
			tasks, err := l.Mapped(ctx, "test:task", sqlstore.TaskTable, mine.ID)
			if err == nil && len(tasks) != 0 {
				t.Errorf("a deleted task is still mapped: %v", tasks)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
