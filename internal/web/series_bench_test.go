package web

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// BenchmarkDayViewSeries measures GET /api/v1/days/{date} through the real
// server for a user with ten tasks on the day: ten plain ones, or five
// plain ones and the occurrences of five daily series (the steady state:
// one read decides nothing is missing); and viewing days ahead for the
// first time (with series, each view creates five occurrences).
//
//	go test ./internal/web -run '^$' -bench DayViewSeries -benchtime 2000x
func BenchmarkDayViewSeries(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, series := range []int{0, 5} {
			b.Run(fmt.Sprintf("%s/series=%d", e.Name, series), func(b *testing.B) {
				ts := newTestServer(b, e, readRate(1_000_000_000, time.Minute), ipRate(1_000_000_000, time.Minute),
					writeRate(1_000_000_000, time.Minute))
				c, _ := ts.signedInClient(b)
				today := localdate.Today(testEpoch, time.UTC)
				for i := range 10 - series {
					c.json("POST", "/api/v1/tasks", map[string]any{"date": today, "title": fmt.Sprintf("Task %d", i)}).
						expect(b, http.StatusCreated)
				}
				for i := range series {
					c.json("POST", "/api/v1/series", map[string]any{"title": fmt.Sprintf("Habit %d", i), "start_date": today,
						"repeat": map[string]any{"kind": "daily"}}).expect(b, http.StatusCreated)
				}
				b.Run("today", func(b *testing.B) {
					for b.Loop() {
						c.get("/api/v1/days/"+today).expect(b, http.StatusOK)
					}
				})
				b.Run("first-view-ahead", func(b *testing.B) {
					day := today
					for b.Loop() {
						day = localdate.AddDays(day, 1)
						c.get("/api/v1/days/"+day).expect(b, http.StatusOK)
					}
				})
			})
		}
	}
}
