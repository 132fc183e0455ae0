package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// loadLines gives u n activity lines on date, three to an instant (so
// that ties are the rule), written in a shuffled order of instants so
// that ids do not follow time; it returns their ids newest first (at
// DESC, id DESC).
func loadLines(t *testing.T, db *sqlstore.DB, u *focusflow.User, date string, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	type written struct {
		at time.Time
		id int64
	}
	var all []written
	base := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	err := db.Load(ctx, func(l *sqlstore.Loader) error {
		for i := range n {
			at := base.Add(time.Duration((i*7)%n/3) * time.Minute)
			id, err := l.AddActivity(ctx, u, date, focusflow.Activity{At: at, Kind: focusflow.ActAnomaly,
				Message: fmt.Sprintf("%s line %d", u.Username, i)})
			if err != nil {
				return err
			}
			all = append(all, written{at, id})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(all, func(a, b written) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return int(b.id - a.id)
	})
	ids := make([]int64, len(all))
	for i, w := range all {
		ids[i] = w.id
	}
	return ids
}

func idsOf(lines []focusflow.ActivityRow) []int64 {
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.ID
	}
	return ids
}

// The day view holds the latest lines and the cursor of the last; pages
// from it go on newest first, through lines of equal instants, without
// repeating or skipping one, and end with no cursor. Another user's lines
// never show, whatever cursor is given.
func TestDayActivityPages(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			other := &focusflow.User{Username: "other", Email: "other@example.test", Timezone: "UTC"}
			if err := f.db.CreateUser(f.ctx, other, "hash"); err != nil {
				t.Fatal(err)
			}
			const date = "2026-03-10"
			want := loadLines(t, f.db, f.user, date, 47)
			theirs := loadLines(t, f.db, other, date, 25)
			loadLines(t, f.db, f.user, "2026-03-09", 5) // another day: never in this one

			d := f.day(t, date)
			if got := idsOf(d.Activity); !slices.Equal(got, want[:focusflow.DayActivityShown]) || d.ActivityNext == nil ||
				*d.ActivityNext != focusflow.CursorOf(d.Activity[len(d.Activity)-1]) {
				t.Fatalf("day view: %v next %v\nwant %v", got, d.ActivityNext, want[:focusflow.DayActivityShown])
			}
			for _, l := range d.Activity {
				if l.Date != date || l.Kind != focusflow.ActAnomaly {
					t.Fatalf("line %+v", l)
				}
			}
			got := idsOf(d.Activity)
			cursor := d.ActivityNext
			for pages := 0; cursor != nil; pages++ {
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				p, err := f.db.DayActivity(f.ctx, f.user.ID, date, cursor, 4)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Lines) == 0 || len(p.Lines) > 4 || p.Next != nil && *p.Next != focusflow.CursorOf(p.Lines[len(p.Lines)-1]) {
					t.Fatalf("page %d: %v next %v", pages, idsOf(p.Lines), p.Next)
				}
				got = append(got, idsOf(p.Lines)...)
				cursor = p.Next
			}
			if !slices.Equal(got, want) {
				t.Errorf("paged\n%v\nwant\n%v", got, want)
			}

			// Without a cursor a page starts at the newest line; a page
			// that holds exactly the rest has no next.
			p, err := f.db.DayActivity(f.ctx, f.user.ID, date, nil, 47)
			if err != nil || !slices.Equal(idsOf(p.Lines), want) || p.Next != nil {
				t.Errorf("whole day in one page: %v next %v %v", idsOf(p.Lines), p.Next, err)
			}

			// The other user: a cursor from this user's day reads only
			// their own lines, and their day view holds only theirs.
			p, err = f.db.DayActivity(f.ctx, other.ID, date, d.ActivityNext, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range p.Lines {
				if !slices.Contains(theirs, l.ID) {
					t.Errorf("other user read line %+v", l)
				}
			}
			od, err := f.db.Day(f.ctx, other, date, focusflow.Recheck{})
			if err != nil || !slices.Equal(idsOf(od.Activity), theirs[:focusflow.DayActivityShown]) {
				t.Errorf("other user's day: %v %v", idsOf(od.Activity), err)
			}
		})
	}
}

// A day with no more lines than the day view holds has no cursor.
func TestDayActivityWithoutMore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			const date = "2026-03-10"
			if d := f.day(t, date); len(d.Activity) != 0 || d.ActivityNext != nil {
				t.Fatalf("empty day: %+v %v", d.Activity, d.ActivityNext)
			}
			want := loadLines(t, f.db, f.user, date, focusflow.DayActivityShown)
			if d := f.day(t, date); !slices.Equal(idsOf(d.Activity), want) || d.ActivityNext != nil {
				t.Errorf("full day: %v %v, want %v", idsOf(d.Activity), d.ActivityNext, want)
			}
		})
	}
}
