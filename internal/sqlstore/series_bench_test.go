package sqlstore_test

import (
	"fmt"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// BenchmarkDaySeries measures the store's day read of today for a user
// with ten tasks on it: ten plain ones, or five plain ones and the
// occurrences of five daily series (all created: the read decides that
// nothing is missing).
func BenchmarkDaySeries(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, series := range []int{0, 5} {
			b.Run(fmt.Sprintf("%s/series=%d", e.Name, series), func(b *testing.B) {
				f := newFixture(b, e, "UTC")
				for i := range 10 - series {
					if err := f.db.CreateTask(f.ctx, f.user, &focusflow.Task{Date: fixtureToday, Title: fmt.Sprint("Task ", i)}); err != nil {
						b.Fatal(err)
					}
				}
				for i := range series {
					s := &focusflow.Series{Title: fmt.Sprint("Habit ", i), Rule: focusflow.SeriesRule{Kind: "daily", Start: fixtureToday}}
					if err := f.db.CreateSeries(f.ctx, f.user, s); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := f.db.MaterialiseDays(f.ctx, f.user, fixtureToday, fixtureToday); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					d, err := f.db.Day(f.ctx, f.user, fixtureToday, focusflow.Recheck{})
					if err != nil || len(d.Tasks) != 10 {
						b.Fatalf("%v, %d tasks", err, len(d.Tasks))
					}
				}
			})
		}
	}
}
