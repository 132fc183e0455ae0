package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// --heavy-day gives every user's today 20 tasks, 10 typed notes and 200
// activity lines, which read back through the store on both engines; the
// days before stay as light as ever.
func TestSeedHeavyDay(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := seeded(t, e, "--users", "2", "--days", "3", "--heavy-day")
			now := time.Now().UTC()
			today, yesterday := now.Format("2006-01-02"), now.AddDate(0, 0, -1).Format("2006-01-02")
			for n := 1; n <= 2; n++ {
				u, _, err := db.UserByLogin(ctx, userName(n))
				if err != nil {
					t.Fatal(err)
				}
				d, err := db.Day(ctx, u, today, focusflow.Recheck{})
				if err != nil {
					t.Fatal(err)
				}
				if len(d.Tasks) != heavyTasks || len(d.Notes) != heavyNotes || len(d.Activity) != focusflow.DayActivityShown ||
					d.ActivityNext == nil || d.Stats.Total != heavyTasks {
					t.Fatalf("%s today: %d tasks, %d notes, %d lines, next %v, total %d", u.Username, len(d.Tasks), len(d.Notes),
						len(d.Activity), d.ActivityNext, d.Stats.Total)
				}
				lines := len(d.Activity)
				for cursor := d.ActivityNext; cursor != nil; {
					p, err := db.DayActivity(ctx, u.ID, today, cursor, focusflow.MaxActivityPage)
					if err != nil {
						t.Fatal(err)
					}
					for _, l := range p.Lines {
						if l.At.After(now) || l.Message == "" || strings.HasPrefix(l.Message, "Added task") && l.TaskID == 0 {
							t.Errorf("line %+v", l)
						}
					}
					lines += len(p.Lines)
					cursor = p.Next
				}
				if lines != heavyActivity {
					t.Errorf("%s: %d lines today, want %d", u.Username, lines, heavyActivity)
				}
				past, err := db.Day(ctx, u, yesterday, focusflow.Recheck{})
				if err != nil || len(past.Tasks) != 5 || len(past.Activity) != 0 {
					t.Errorf("%s yesterday: %d tasks, %d lines, %v", u.Username, len(past.Tasks), len(past.Activity), err)
				}
			}
		})
	}
}
