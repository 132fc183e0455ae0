package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// TestTagReportMatchesEntries checks the report by tag against figures
// recomputed in Go from the tasks and time entries read back one by one:
// tasks with two tags count under both, untagged ones on their own, entries
// across local midnight (and a DST change) split at the range's edges.
func TestTagReportMatchesEntries(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e, "America/New_York")
			loc := f.user.Location()
			tags := []*focusflow.Tag{f.tag(t, "Alpha", "red"), f.tag(t, "beta", "blue"), f.tag(t, "Gamma", "green")}
			tagSets := [][]int{{}, {0}, {0, 1}, {1, 2}, {2}, {0, 1, 2}}
			var ids []int64
			n := 0
			for day := 0; day < 11; day++ {
				date := localdate.AddDays("2026-02-27", day)
				for i := range 3 {
					n++
					task := &focusflow.Task{Date: date, Title: fmt.Sprintf("t%d", n)}
					if n%2 == 0 {
						task.StartTime, task.DurationMinutes = fmt.Sprintf("%02d:00", 8+i), 30+n%4*15
					}
					for _, k := range tagSets[n%len(tagSets)] {
						task.Tags = append(task.Tags, focusflow.Tag{ID: tags[k].ID})
					}
					if err := f.db.CreateTask(f.ctx, f.user, task); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, task.ID)
					// One entry in the day, and for the last task one
					// from 23:20 local across midnight.
					start := localdate.DayStart(date, loc).Add(time.Duration(9+2*i)*time.Hour + time.Duration(n%5)*time.Minute)
					spans := [][2]time.Time{{start, start.Add(time.Duration(20+n%7*10) * time.Minute)}}
					if i == 2 {
						late := localdate.DayEnd(date, loc).Add(-40 * time.Minute)
						spans = append(spans, [2]time.Time{late, late.Add(70 * time.Minute)})
					}
					for _, sp := range spans {
						if _, err := f.db.AddManualEntry(f.ctx, f.user, task.ID, sp[0], sp[1]); err != nil {
							t.Fatalf("entry %v: %v", sp, err)
						}
					}
					if n%3 != 0 {
						done := focusflow.StatusCompleted
						if _, err := f.db.UpdateTask(f.ctx, f.user, task.ID, focusflow.TaskPatch{Status: &done}); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			for _, r := range [][2]string{{"2026-03-01", "2026-03-05"}, {"2026-03-08", "2026-03-08"}, {"2026-02-20", "2026-03-20"}} {
				got, err := f.db.TagReport(f.ctx, f.user, r[0], r[1])
				if err != nil {
					t.Fatal(err)
				}
				want := recomputeTagReport(t, f, ids, r[0], r[1])
				if got.Total != want.Total || got.Untagged != want.Untagged || got.MultiTagged != want.MultiTagged {
					t.Errorf("%v: total %+v untagged %+v multi %d\nwant total %+v untagged %+v multi %d",
						r, got.Total, got.Untagged, got.MultiTagged, want.Total, want.Untagged, want.MultiTagged)
				}
				if len(got.Tags) != 3 {
					t.Fatalf("%v: %d tag rows", r, len(got.Tags))
				}
				for _, row := range got.Tags {
					if w := want.byTag[row.Tag.ID]; row.TagFigures != w {
						t.Errorf("%v: tag %s %+v, want %+v", r, row.Tag.Name, row.TagFigures, w)
					}
				}
				if got.Total.Focus == 0 || got.Tags[0].Focus+got.Tags[1].Focus+got.Tags[2].Focus+got.Untagged.Focus <= got.Total.Focus {
					t.Errorf("%v: tags should overlap and add up to more than the total", r)
				}
			}
		})
	}
}

type tagReportWant struct {
	Total, Untagged focusflow.TagFigures
	MultiTagged     int
	byTag           map[int64]focusflow.TagFigures
}

func recomputeTagReport(t *testing.T, f *fixture, ids []int64, from, to string) tagReportWant {
	t.Helper()
	loc := f.user.Location()
	start, end := localdate.DayStart(from, loc), localdate.DayEnd(to, loc)
	w := tagReportWant{byTag: map[int64]focusflow.TagFigures{}}
	for _, id := range ids {
		task, err := f.db.Task(f.ctx, f.user.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := f.db.Entries(f.ctx, f.user.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		var fig focusflow.TagFigures
		for _, e := range entries {
			s, en := e.StartedAt, e.EndedAt
			if s.Before(start) {
				s = start
			}
			if en.After(end) {
				en = end
			}
			if en.After(s) {
				fig.Focus += en.Sub(s)
			}
		}
		if task.Date >= from && task.Date <= to {
			fig.Tasks = 1
			done := task.Status == focusflow.StatusCompleted
			if done {
				fig.Completed = 1
			}
			if task.StartTime != "" && task.DurationMinutes > 0 {
				est := time.Duration(task.DurationMinutes) * time.Minute
				fig.Planned, fig.PlannedEstimate, fig.PlannedSpent = 1, est, task.Spent
				if done {
					fig.PlannedCompleted, fig.CompletedEstimate, fig.CompletedSpent = 1, est, task.Spent
				}
			}
			if len(task.Tags) > 1 {
				w.MultiTagged++
			}
		}
		add := func(dst *focusflow.TagFigures) {
			dst.Tasks += fig.Tasks
			dst.Completed += fig.Completed
			dst.Focus += fig.Focus
			dst.Planned += fig.Planned
			dst.PlannedEstimate += fig.PlannedEstimate
			dst.PlannedSpent += fig.PlannedSpent
			dst.PlannedCompleted += fig.PlannedCompleted
			dst.CompletedEstimate += fig.CompletedEstimate
			dst.CompletedSpent += fig.CompletedSpent
		}
		add(&w.Total)
		if len(task.Tags) == 0 {
			add(&w.Untagged)
		}
		for _, g := range task.Tags {
			v := w.byTag[g.ID]
			add(&v)
			w.byTag[g.ID] = v
		}
	}
	return w
}
