package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// TestConcurrentTimerActionsNeverOverlap fires concurrent mixed timer
// actions (start, switch task, pause, resume, stop) at one account through
// the real server, on a clock that moves on every read, so that an instant
// read before the timer's lock would be older than one written by an
// action that overtook it. The account's entries must follow each other
// without overlap, add up to no more than the time that passed, and its own
// export must import into a fresh account.
func TestConcurrentTimerActionsNeverOverlap(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		clock := newFakeClock(testEpoch)
		var mu sync.Mutex
		ticking := func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			clock.Advance(time.Millisecond)
			return clock.Now()
		}
		ts := startTestServer(t, testSetup{Engine: e, Store: e.Open(t, ticking), Clock: clock})
		c, _ := ts.signedInClient(t)
		var tasks [3]int64
		for i := range tasks {
			var task struct {
				ID int64 `json:"id"`
			}
			c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": testDate, "title": fmt.Sprint("task ", i)}).
				expect(t, http.StatusCreated).decode(t, &task)
			tasks[i] = task.ID
		}
		for round := range 3 {
			begin := clock.Now()
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Go(func() { timerActionRetrying(t, c, i%6, tasks[(i+round)%len(tasks)]) })
			}
			wg.Wait()
			timerActionRetrying(t, c, 3, 0)
			elapsed := clock.Now().Sub(begin)

			var doc focusflow.ExportDoc
			res := c.get("/api/v1/export").expect(t, http.StatusOK)
			res.decode(t, &doc)
			checkEntriesInOrder(t, doc.Entries, begin, elapsed)
			fresh, _ := ts.signedInClient(t)
			fresh.json(http.MethodPost, "/api/v1/import", res.Body).expect(t, http.StatusOK)
		}
	})
}

// timerActionRetrying sends one timer action — start, pause, resume, stop
// or a start on another task (kind 0 to 4) — with the version the timer
// last showed, trying again on a conflict that names a newer one. A
// conflict that stays (pausing a stopped timer) is a fine answer too;
// anything else but success is not. Kind 5 completes the task instead,
// which stops a timer running on it.
func timerActionRetrying(t *testing.T, c *client, kind int, taskID int64) {
	if kind == 5 {
		path := fmt.Sprint("/api/v1/tasks/", taskID)
		if res := c.json(http.MethodPatch, path, map[string]any{"status": "completed"}); res.Status != http.StatusOK {
			t.Errorf("%s: %s", path, res)
		}
		return
	}
	path := "/api/v1/timer/" + []string{"start", "pause", "resume", "stop", "start"}[kind]
	var seen struct {
		Timer *struct {
			Version int64 `json:"version"`
		} `json:"timer"`
	}
	if res := c.get("/api/v1/timer"); res.Status != http.StatusOK || json.Unmarshal([]byte(res.Body), &seen) != nil {
		t.Errorf("GET /api/v1/timer: %s", res)
		return
	}
	for range 5 {
		body := map[string]any{"task_id": taskID}
		if path != "/api/v1/timer/start" {
			if seen.Timer == nil {
				return // nothing to pause, resume or stop
			}
			body = map[string]any{"version": seen.Timer.Version}
		}
		res := c.json(http.MethodPost, path, body)
		if res.Status == http.StatusOK {
			return
		}
		if res.Status != http.StatusConflict {
			t.Errorf("%s: %s", path, res)
			return
		}
		seen.Timer = nil
		if err := json.Unmarshal([]byte(res.Body), &seen); err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
	}
}

// checkEntriesInOrder fails t unless entries (all of them closed) follow
// each other without overlap and those from since on last no more than
// elapsed in all.
func checkEntriesInOrder(t *testing.T, entries []focusflow.ExportEntry, since time.Time, elapsed time.Duration) {
	t.Helper()
	type span struct{ start, end time.Time }
	var spans []span
	for _, e := range entries {
		s, err1 := time.Parse(time.RFC3339Nano, e.StartedAt)
		f, err2 := time.Parse(time.RFC3339Nano, e.EndedAt)
		if err1 != nil || err2 != nil {
			t.Fatalf("entry %+v: bad instants", e)
		}
		if f.Before(s) {
			t.Errorf("entry %+v ends before it starts", e)
		}
		spans = append(spans, span{s, f})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start.Compare(b.start) })
	var sum time.Duration
	for i, s := range spans {
		if i > 0 && s.start.Before(spans[i-1].end) {
			t.Errorf("entries overlap: %v–%v starts before %v–%v ends", s.start, s.end, spans[i-1].start, spans[i-1].end)
		}
		if !s.start.Before(since) {
			sum += s.end.Sub(s.start)
		}
	}
	if sum > elapsed {
		t.Errorf("entries add up to %v, more than the %v that passed", sum, elapsed)
	}
	if len(spans) == 0 {
		b, _ := json.Marshal(entries)
		t.Errorf("no entries recorded: %s", b)
	}
}
