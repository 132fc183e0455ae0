package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// answer is how the server answered one request.
type answer struct {
	status     int
	retryAfter string
	took       time.Duration
	err        error // no answer at all
	body       []byte
}

func (a answer) ok() bool { return a.err == nil && a.status >= 200 && a.status < 300 }

// clean is a success, or a 503 that says when to come back.
func (a answer) clean() bool {
	return a.ok() || (a.err == nil && a.status == http.StatusServiceUnavailable && a.retryAfter != "")
}

func (a answer) String() string {
	switch {
	case a.err != nil:
		return fmt.Sprintf("no answer after %s (%v)", seconds(a.took), a.err)
	case a.status == http.StatusServiceUnavailable && a.retryAfter == "":
		return fmt.Sprintf("503 without Retry-After after %s", seconds(a.took))
	}
	return fmt.Sprintf("%d after %s", a.status, seconds(a.took))
}

// faultClient is the suite's HTTP client for one server; its timeout is
// long, so that a hung request is measured rather than cut short.
func faultClient(conns int) *http.Client { return newClient(conns, 60*time.Second) }

// send makes one request as sess (nil: anonymous); a body makes it a JSON
// write with the CSRF token.
func send(ctx context.Context, client *http.Client, sess *session, method, url, body string) answer {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	began := time.Now()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Accept", "application/json")
	if sess != nil {
		req.Header.Set("Cookie", sess.cookie)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		if sess != nil {
			req.Header.Set("X-CSRF-Token", sess.csrf)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{took: time.Since(began), err: err}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	resp.Body.Close()
	return answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), took: time.Since(began), err: err, body: b}
}

// signIn signs n fresh load users in to sv.
func (s *suite) signIn(ctx context.Context, client *http.Client, sv *server, n int) ([]*session, error) {
	first, err := s.takeUsers(n)
	if err != nil {
		return nil, err
	}
	sessions := make([]*session, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			sessions[i], errs[i] = signInPatiently(ctx, client, sv.base, userName(first+i), defaultPassword)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	day := sv.base + "/api/v1/days/" + s.seedDay // even when the run crossed midnight since
	for _, se := range sessions {
		if se.tasks, err = todayTasks(ctx, client, day, se); err != nil {
			return nil, err
		}
		if len(se.tasks) < 2 {
			return nil, fmt.Errorf("%s has %d tasks on %s, want at least 2", se.name, len(se.tasks), s.seedDay)
		}
	}
	return sessions, nil
}

// signInPatiently signs name in, again after a 503: a burst of sign-ins
// is shed with 503 "busy" when the password checks queue too long, and
// a busy machine can make one outlast the request's budget.
func signInPatiently(ctx context.Context, client *http.Client, base, name, password string) (*session, error) {
	giveUp := time.Now().Add(signInPatience)
	for attempt := 1; ; attempt++ {
		se, err := signIn(client, base, name, password)
		if err == nil || time.Now().After(giveUp) || ctx.Err() != nil || !strings.Contains(err.Error(), "status 503") {
			return se, err
		}
		time.Sleep(min(time.Duration(attempt)*200*time.Millisecond, time.Second))
	}
}

// signInPatience is how long a sign-in is retried after 503s.
const signInPatience = 90 * time.Second

func today() string { return time.Now().UTC().Format("2006-01-02") }

// tally collects answers from many goroutines.
type tally struct {
	mu   sync.Mutex
	list []answer
}

func (t *tally) add(a answer) {
	t.mu.Lock()
	t.list = append(t.list, a)
	t.mu.Unlock()
}

// check fails o for any answer that is not clean or came later than
// bound, and reports the counts and the slowest answer under what.
func (t *tally) check(o *outcome, what string, bound time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ok, unavailable, bad int
	var worst time.Duration
	for _, a := range t.list {
		worst = max(worst, a.took)
		switch {
		case a.ok():
			ok++
		case a.clean():
			unavailable++
		default:
			bad++
			if bad <= 3 {
				o.failf("%s: a request got %s, want 2xx or 503 with Retry-After", what, a)
			}
		}
		if a.took > bound {
			o.failf("%s: a request was answered after %s, bound %s", what, seconds(a.took), seconds(bound))
		}
	}
	if bad > 3 {
		o.failf("%s: %d requests in all were not answered cleanly", what, bad)
	}
	if len(t.list) == 0 {
		o.failf("%s: no request was sent", what)
	}
	o.measure(what+": requests (2xx / 503)", fmt.Sprintf("%d (%d / %d)", len(t.list), ok, unavailable))
	o.measure(what+": slowest answer", worst)
}

// ledger remembers every task-creating write and its answer, to find
// afterwards that none was lost and none applied twice.
type ledger struct {
	mu     sync.Mutex
	label  string            // for the report, when a scenario keeps several
	date   string            // of every task it writes: one day, even across midnight
	writes map[string]answer // by unique title
}

// writeNumber makes every title the suite writes unique.
var writeNumber atomic.Int64

func newLedger() *ledger { return &ledger{date: today(), writes: map[string]answer{}} }

// createTask creates a task with a title of its own for sess.
func (l *ledger) createTask(ctx context.Context, client *http.Client, base string, sess *session, prefix string) answer {
	title := fmt.Sprintf("%s-%s-%d", prefix, sess.name, writeNumber.Add(1))
	a := send(ctx, client, sess, http.MethodPost, base+"/api/v1/tasks",
		fmt.Sprintf(`{"date":%q,"title":%q}`, l.date, title))
	l.mu.Lock()
	l.writes[title] = a
	l.mu.Unlock()
	return a
}

// slowest is the longest a write took to be answered.
func (l *ledger) slowest() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var d time.Duration
	for _, a := range l.writes {
		d = max(d, a.took)
	}
	return d
}

// verify reads the day of every session's user and checks that each
// acknowledged write is there exactly once and no other write more than
// once.
func (l *ledger) verify(ctx context.Context, o *outcome, client *http.Client, base string, sessions []*session) {
	found := map[string]int{}
	for _, se := range sessions {
		a := send(ctx, client, se, http.MethodGet, base+"/api/v1/days/"+l.date, "")
		var day struct {
			Tasks []struct {
				Title string `json:"title"`
			} `json:"tasks"`
		}
		if !a.ok() || json.Unmarshal(a.body, &day) != nil {
			o.failf("reading %s's day to count writes: %s", se.name, a)
			return
		}
		for _, t := range day.Tasks {
			found[t.Title]++
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	acked := 0
	for title, a := range l.writes {
		n := found[title]
		switch {
		case a.ok() && n == 0:
			o.failf("lost: %q was acknowledged (%d) but is not in the database", title, a.status)
		case n > 1:
			o.failf("applied twice: %q is in the database %d times", title, n)
		}
		if a.ok() {
			acked++
		}
	}
	o.measure(strings.TrimSpace("writes acknowledged / sent "+l.label), fmt.Sprintf("%d / %d", acked, len(l.writes)))
}

// hammer has every session read its day and create tasks, one request
// after the other, until d has passed; every answer goes to t.
func hammer(ctx context.Context, client *http.Client, base string, sessions []*session, d time.Duration, l *ledger, t *tally) {
	stop := make(chan struct{})
	timer := time.AfterFunc(d, func() { close(stop) })
	defer timer.Stop()
	hammerUntil(ctx, client, base, sessions, stop, l, t)
}

// hammerUntil is hammer until stop is closed.
func hammerUntil(ctx context.Context, client *http.Client, base string, sessions []*session, stop <-chan struct{}, l *ledger, t *tally) {
	var wg sync.WaitGroup
	for _, se := range sessions {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if i%2 == 0 {
					t.add(send(ctx, client, se, http.MethodGet, base+"/api/v1/days/"+today(), ""))
				} else {
					t.add(l.createTask(ctx, client, base, se, "fault"))
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	wg.Wait()
}

// recovery polls a signed-in read until it succeeds and says how long
// that took.
func recovery(ctx context.Context, client *http.Client, base string, se *session, within time.Duration) (time.Duration, error) {
	began := time.Now()
	for {
		a := send(ctx, client, se, http.MethodGet, base+"/api/v1/days/"+today(), "")
		if a.ok() {
			return time.Since(began), nil
		}
		if time.Since(began) > within {
			return 0, fmt.Errorf("not recovered after %s: last answer %s", seconds(within), a)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
