package sqlstore_test

import (
	"slices"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

func (f *fixture) tag(t *testing.T, name, color string) *focusflow.Tag {
	t.Helper()
	g := &focusflow.Tag{Name: name, Color: color}
	if err := g.ValidateNew(); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateTag(f.ctx, f.user, g); err != nil {
		t.Fatalf("create tag %q: %v", name, err)
	}
	return g
}

func tagNames(tags []focusflow.Tag) []string {
	out := []string{}
	for _, g := range tags {
		out = append(out, g.Name)
	}
	return out
}

func TestTagsCreateRenameMergeDelete(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "Europe/Berlin")
			work := f.tag(t, "Élan", "blue")
			// Unique per user ignoring case and accents.
			dup := &focusflow.Tag{Name: "ELAN", Color: "red"}
			if err := f.db.CreateTag(f.ctx, f.user, dup); focusflow.ErrorCode(err) != focusflow.ECONFLICT || focusflow.ErrorField(err) != "name" {
				t.Fatalf("duplicate folded name: %v", err)
			}
			home := f.tag(t, "home", "")
			if home.Color != focusflow.DefaultTagColor {
				t.Errorf("default colour %q", home.Color)
			}
			// Another user may use the same name.
			other := &focusflow.User{Username: "other", Email: "other@example.test", Timezone: "UTC"}
			if err := f.db.CreateUser(f.ctx, other, "hash"); err != nil {
				t.Fatal(err)
			}
			if err := f.db.CreateTag(f.ctx, other, &focusflow.Tag{Name: "elan", Color: "red"}); err != nil {
				t.Fatalf("other user's elan: %v", err)
			}

			a := f.task(t, "2026-03-10", "Write")
			b := &focusflow.Task{Date: "2026-03-10", Title: "Shop", Tags: []focusflow.Tag{{ID: home.ID}, {ID: work.ID}}}
			if err := f.db.CreateTask(f.ctx, f.user, b); err != nil {
				t.Fatal(err)
			}
			if got := tagNames(b.Tags); !slices.Equal(got, []string{"Élan", "home"}) {
				t.Errorf("created task's tags %v", got)
			}
			if _, err := f.db.SetTaskTags(f.ctx, f.user, a.ID, []int64{work.ID}); err != nil {
				t.Fatal(err)
			}
			// A tag of another user is not found, and nothing changes.
			var foreign int64
			tags, _ := f.db.Tags(f.ctx, other.ID)
			foreign = tags[0].ID
			if _, err := f.db.SetTaskTags(f.ctx, f.user, a.ID, []int64{home.ID, foreign}); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Errorf("foreign tag: %v", err)
			}
			if got, _ := f.db.Task(f.ctx, f.user.ID, a.ID); !slices.Equal(tagNames(got.Tags), []string{"Élan"}) {
				t.Errorf("after refused set: %v", tagNames(got.Tags))
			}

			// Rename to a name folding like another tag: conflict; to its
			// own name in other case: fine.
			bad := "HOME"
			if _, err := f.db.UpdateTag(f.ctx, f.user, work.ID, focusflow.TagPatch{Name: &bad}); focusflow.ErrorCode(err) != focusflow.ECONFLICT {
				t.Errorf("rename onto home: %v", err)
			}
			name, color := "elan", "teal"
			g, err := f.db.UpdateTag(f.ctx, f.user, work.ID, focusflow.TagPatch{Name: &name, Color: &color})
			if err != nil || g.Name != "elan" || g.Color != "teal" {
				t.Fatalf("rename: %+v %v", g, err)
			}

			// Merge elan into home: b keeps one link, a gains home.
			into, err := f.db.MergeTag(f.ctx, f.user, work.ID, home.ID)
			if err != nil || into.ID != home.ID {
				t.Fatalf("merge: %+v %v", into, err)
			}
			all, _ := f.db.Tags(f.ctx, f.user.ID)
			if len(all) != 1 || all[0].Tasks != 2 {
				t.Errorf("after merge: %+v", all)
			}
			d := f.day(t, "2026-03-10")
			for _, task := range d.Tasks {
				if !slices.Equal(tagNames(task.Tags), []string{"home"}) {
					t.Errorf("%s tags %v", task.Title, tagNames(task.Tags))
				}
			}
			if _, err := f.db.MergeTag(f.ctx, f.user, home.ID, home.ID); focusflow.ErrorCode(err) != focusflow.EINVALID {
				t.Errorf("merge into itself: %v", err)
			}

			// Deleting the tag leaves its tasks.
			if err := f.db.DeleteTag(f.ctx, f.user, home.ID); err != nil {
				t.Fatal(err)
			}
			d = f.day(t, "2026-03-10")
			if len(d.Tasks) != 2 || len(d.Tasks[0].Tags) != 0 || d.Tasks[0].Tags == nil {
				t.Errorf("after delete: %+v", d.Tasks)
			}
			var kinds []string
			for _, a := range d.Activity {
				kinds = append(kinds, a.Kind)
			}
			for _, k := range []string{focusflow.ActTagCreated, focusflow.ActTagChanged, focusflow.ActTagMerged,
				focusflow.ActTagDeleted, focusflow.ActTaskTagged} {
				if !slices.Contains(kinds, k) {
					t.Errorf("no %s activity in %v", k, kinds)
				}
			}
		})
	}
}

func TestTaskTagsAddRemove(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			g := f.tag(t, "focus", "green")
			task := f.task(t, "2026-03-10", "Read")
			for range 2 { // adding twice is one link
				got, err := f.db.AddTaskTag(f.ctx, f.user, task.ID, g.ID)
				if err != nil || !slices.Equal(tagNames(got.Tags), []string{"focus"}) {
					t.Fatalf("add: %v %v", got, err)
				}
			}
			if _, err := f.db.AddTaskTag(f.ctx, f.user, task.ID, g.ID+1000); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Errorf("unknown tag: %v", err)
			}
			got, err := f.db.RemoveTaskTag(f.ctx, f.user, task.ID, g.ID)
			if err != nil || len(got.Tags) != 0 {
				t.Fatalf("remove: %v %v", got, err)
			}
			if _, err := f.db.AddTaskTag(f.ctx, f.user, task.ID+1000, g.ID); focusflow.ErrorCode(err) != focusflow.ENOTFOUND {
				t.Errorf("unknown task: %v", err)
			}
		})
	}
}

// A new task takes the place its start time implies: before the first
// later-timed task in the user's order, untimed ones at the end.
func TestNewTaskPositionFromStartTime(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "UTC")
			add := func(title, start string) {
				t.Helper()
				if err := f.db.CreateTask(f.ctx, f.user, &focusflow.Task{Date: "2026-03-10", Title: title, StartTime: start}); err != nil {
					t.Fatal(err)
				}
			}
			add("untimed1", "")
			add("ten", "10:00")
			add("nine", "09:00")
			add("untimed2", "")
			add("eleven", "11:00")
			add("nine-thirty", "09:30")
			var got []string
			for _, task := range f.day(t, "2026-03-10").Tasks {
				got = append(got, task.Title)
			}
			// "ten" went to the end (nothing later-timed yet), "nine"
			// before it; "eleven" found no later task: end.
			want := []string{"untimed1", "nine", "nine-thirty", "ten", "untimed2", "eleven"}
			if !slices.Equal(got, want) {
				t.Errorf("order %v, want %v", got, want)
			}
		})
	}
}
