package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// hangupUsers act on their timers at once; hangupPerUser requests each
// in every burst, most of them abandoned by the client within
// milliseconds, while the server is in the middle of the write.
const (
	hangupUsers   = 4
	hangupPerUser = 16
)

// hangupScenario sends bursts of concurrent timer starts whose clients
// hang up after 1-40 ms. Afterwards no PostgreSQL session may be left
// idle in a transaction, each user's next action must work, and the
// user's time entries must not overlap nor add up to more than the time
// that passed.
func hangupScenario(ctx context.Context, s *suite, o *outcome) {
	sv := s.serve(ctx, o, s.dbURL, nil)
	if sv == nil {
		return
	}
	defer s.finish(o, sv)
	client := faultClient(hangupUsers * hangupPerUser)
	defer closeIdle(client)
	sessions, err := s.signIn(ctx, client, sv, hangupUsers)
	if err != nil {
		o.failf("sign in: %v", err)
		return
	}
	began := time.Now()
	typical := typicalLatency(ctx, client, sv.base, sessions, hangupUsers*hangupPerUser)
	o.measure("a burst's typical timer start (median)", typical)
	bursts := s.cfg.size(20, 5)
	var abandoned, answered int
	for range bursts {
		a, n := hangupBurst(ctx, client, sv.base, sessions, typical)
		abandoned, answered = abandoned+a, answered+n
	}
	o.measure("timer starts abandoned / answered", fmt.Sprintf("%d / %d", abandoned, answered))
	time.Sleep(s.cfg.queryTimeout + time.Second) // anything still running has ended by now
	s.checkNoOpenTransactions(ctx, o)
	var t tally
	entries := 0
	for _, se := range sessions {
		a := send(ctx, client, se, http.MethodPost, sv.base+"/api/v1/timer/start", fmt.Sprintf(`{"task_id":%d}`, se.tasks[0]))
		t.add(a)
		if !a.ok() {
			o.failf("%s's next timer start after the hang-ups: %s", se.name, a)
			continue
		}
		entries += checkEntries(ctx, o, client, sv.base, se, time.Since(began))
	}
	o.measure("time entries checked for overlaps", entries)
	t.check(o, "next action after the hang-ups", s.defaultBudget())
}

// typicalLatency is the median answer time of a burst of n timer starts
// spread over the sessions, none abandoned.
func typicalLatency(ctx context.Context, client *http.Client, base string, sessions []*session, n int) time.Duration {
	took := make([]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			se := sessions[i%len(sessions)]
			a := send(ctx, client, se, http.MethodPost, base+"/api/v1/timer/start",
				fmt.Sprintf(`{"task_id":%d}`, se.tasks[i%len(se.tasks)]))
			took[i] = a.took
		})
	}
	wg.Wait()
	slices.Sort(took)
	return max(took[n/2], time.Millisecond)
}

// hangupBurst sends hangupPerUser timer starts for every session at once,
// each abandoned after a random fifth to twice the typical answer time:
// most are cut while the server writes. It counts abandoned and answered.
func hangupBurst(ctx context.Context, client *http.Client, base string, sessions []*session, typical time.Duration) (abandoned, answered int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, se := range sessions {
		for i := range hangupPerUser {
			wg.Go(func() {
				rctx, cancel := context.WithTimeout(ctx, typical/5+rand.N(typical*2))
				defer cancel()
				task := se.tasks[i%len(se.tasks)]
				a := send(rctx, client, se, http.MethodPost, base+"/api/v1/timer/start", fmt.Sprintf(`{"task_id":%d}`, task))
				mu.Lock()
				defer mu.Unlock()
				if a.err != nil {
					abandoned++
				} else {
					answered++
				}
			})
		}
	}
	wg.Wait()
	return abandoned, answered
}

// checkNoOpenTransactions fails o when a session of the run's database
// sits idle inside a transaction (PostgreSQL only).
func (s *suite) checkNoOpenTransactions(ctx context.Context, o *outcome) {
	if !s.cfg.postgres() {
		o.measure("sessions idle in transaction", "n/a (SQLite)")
		return
	}
	conn, err := s.pgConn(ctx)
	if err != nil {
		o.failf("connect: %v", err)
		return
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()`).Scan(&n)
	if err != nil {
		o.failf("pg_stat_activity: %v", err)
		return
	}
	o.measure("sessions idle in transaction afterwards", n)
	if n > 0 {
		o.failf("%d sessions left idle in transaction after the clients hung up", n)
	}
}

// checkEntries reads every time entry of se's tasks and fails o when two
// overlap or together they hold more than passed; it returns how many
// it read.
func checkEntries(ctx context.Context, o *outcome, client *http.Client, base string, se *session, passed time.Duration) int {
	type span struct{ start, end time.Time }
	var spans []span
	now := time.Now()
	for _, id := range se.tasks {
		a := send(ctx, client, se, http.MethodGet, fmt.Sprintf("%s/api/v1/tasks/%d/entries", base, id), "")
		var body struct {
			Entries []struct {
				StartedAt string  `json:"started_at"`
				EndedAt   *string `json:"ended_at"`
			} `json:"entries"`
		}
		if !a.ok() || json.Unmarshal(a.body, &body) != nil {
			o.failf("%s's entries of task %d: %s", se.name, id, a)
			return 0
		}
		for _, e := range body.Entries {
			sp := span{end: now}
			var err error
			if sp.start, err = time.Parse(time.RFC3339Nano, e.StartedAt); err == nil && e.EndedAt != nil {
				sp.end, err = time.Parse(time.RFC3339Nano, *e.EndedAt)
			}
			if err != nil {
				o.failf("%s: entry times %q, %v: %v", se.name, e.StartedAt, e.EndedAt, err)
				return 0
			}
			spans = append(spans, sp)
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start.Compare(b.start) })
	var sum time.Duration
	for i, sp := range spans {
		sum += sp.end.Sub(sp.start)
		if i > 0 && sp.start.Before(spans[i-1].end) {
			o.failf("%s: entries overlap: one ends %s, the next starts %s", se.name,
				spans[i-1].end.Format(time.RFC3339Nano), sp.start.Format(time.RFC3339Nano))
			return 0
		}
	}
	if sum > passed+time.Second {
		o.failf("%s: entries hold %s, but only %s passed", se.name, seconds(sum), seconds(passed))
	}
	return len(spans)
}
