package main

// focusflow-load events measures live updates: it signs users in, opens
// event streams for each (spread over one or two instances), then keeps
// acting on each user's timer through the first instance and times how
// long each action takes to reach every one of that user's streams.
// With --hold it only opens the streams and keeps them open, for
// measuring what many idle streams cost the server.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type eventsConfig struct {
	bases              []string
	users, first       int
	streams            int
	password           string
	duration, interval time.Duration
	hold               bool
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func eventsCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("events", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c eventsConfig
	var bases stringList
	fs.Var(&bases, "base", "an instance's base `URL` (loopback only); give it twice for two instances")
	fs.IntVar(&c.users, "users", 16, "load users (load-user-NNNNN from --first)")
	fs.IntVar(&c.first, "first", 1, "number of the first load user")
	fs.IntVar(&c.streams, "streams", 2, "streams per user, spread over the instances")
	fs.StringVar(&c.password, "password", defaultPassword, "the load users' password")
	fs.DurationVar(&c.duration, "duration", 15*time.Second, "how long to measure (or to hold the streams)")
	fs.DurationVar(&c.interval, "interval", 250*time.Millisecond, "time between two timer actions of one user")
	fs.BoolVar(&c.hold, "hold", false, "only open the streams and hold them for --duration")
	if code, done := parseFlags(fs, args, "events", stderr); done {
		return code
	}
	if len(bases) == 0 {
		bases = stringList{"http://127.0.0.1:8080"}
	}
	for _, b := range bases {
		u, err := checkTarget(b)
		if err != nil {
			fmt.Fprintln(stderr, "events:", err)
			return 2
		}
		c.bases = append(c.bases, strings.TrimSuffix(u.String(), "/"))
	}
	if c.users < 1 || c.streams < 1 || c.interval <= 0 || c.duration <= 0 {
		fmt.Fprintln(stderr, "events: --users, --streams, --interval and --duration must be positive")
		return 2
	}
	if err := c.run(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, "events:", err)
		return 1
	}
	return 0
}

// delivery times one user's actions until each stream has seen them.
type delivery struct {
	mu   sync.Mutex
	last int64               // the version the last answer gave
	sent map[int64]time.Time // timer version → when the action was sent
	got  []time.Duration
	lost atomic.Int64
}

func (c *eventsConfig) run(ctx context.Context, out io.Writer) error {
	client := newClient(c.users*(c.streams+1)+8, 0) // streams have no overall timeout
	defer closeIdle(client)
	sessions, err := signInAll(ctx, client, c.bases[0], c.first, c.users, c.password, 4)
	if err != nil {
		return err
	}
	today := time.Now().UTC().Format("2006-01-02")
	runCtx, stop := context.WithTimeout(ctx, c.duration)
	defer stop()
	var opened, failed atomic.Int64
	var wg sync.WaitGroup
	deliveries := make([]*delivery, len(sessions))
	for i, s := range sessions {
		d := &delivery{sent: map[int64]time.Time{}}
		deliveries[i] = d
		for k := range c.streams {
			base := c.bases[k%len(c.bases)]
			wg.Go(func() {
				if err := stream(runCtx, client, base, s, d, &opened); err != nil && runCtx.Err() == nil {
					failed.Add(1)
				}
			})
		}
		if !c.hold {
			if s.tasks, err = todayTasks(ctx, client, c.bases[0]+"/api/v1/days/"+today, s); err != nil || len(s.tasks) < 2 {
				return fmt.Errorf("today's tasks of %s: %v (need two; seed today)", s.name, err)
			}
			wg.Go(func() { c.act(runCtx, client, s, d) })
		}
	}
	time.Sleep(time.Second)
	fmt.Fprintf(out, "%d streams open (%d failed) for %d users on %d instance(s)\n", opened.Load(), failed.Load(), len(sessions), len(c.bases))
	wg.Wait()
	if !c.hold {
		report(out, deliveries, c.streams)
	}
	return nil
}

// act keeps switching the user's timer between two tasks.
func (c *eventsConfig) act(ctx context.Context, client *http.Client, s *session, d *delivery) {
	tick := time.NewTicker(c.interval)
	defer tick.Stop()
	time.Sleep(500 * time.Millisecond) // the streams open first
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		body := fmt.Sprintf(`{"task_id":%d}`, s.tasks[n%2])
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.bases[0], "/")+"/api/v1/timer/start", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", s.cookie)
		req.Header.Set("X-CSRF-Token", s.csrf)
		// Each start on this otherwise idle user moves the version by one:
		// the expected one is noted before sending, since its event may
		// arrive before the answer does.
		sent := time.Now()
		d.mu.Lock()
		if d.last > 0 {
			d.sent[d.last+1] = sent
		}
		d.mu.Unlock()
		res, err := client.Do(req)
		if err != nil {
			continue
		}
		var r struct {
			Timer struct{ Version int64 } `json:"timer"`
		}
		json.NewDecoder(res.Body).Decode(&r)
		res.Body.Close()
		d.mu.Lock()
		if _, ok := d.sent[r.Timer.Version]; !ok {
			d.sent[r.Timer.Version] = sent
		}
		d.last = r.Timer.Version
		d.mu.Unlock()
	}
}

// stream reads one event stream, timing the timer events it receives.
func stream(ctx context.Context, client *http.Client, base string, s *session, d *delivery, opened *atomic.Int64) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/events", nil)
	req.Header.Set("Cookie", s.cookie)
	req.Header.Set("Accept", "text/event-stream")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	opened.Add(1)
	sc := bufio.NewScanner(res.Body)
	kind := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			kind = line[7:]
		case strings.HasPrefix(line, "data: ") && kind == "timer":
			got := time.Now()
			var e struct {
				Timer struct{ Version int64 } `json:"timer"`
			}
			json.Unmarshal([]byte(line[6:]), &e)
			d.mu.Lock()
			if sent, ok := d.sent[e.Timer.Version]; ok {
				d.got = append(d.got, got.Sub(sent))
			} else {
				d.lost.Add(1) // an action this tool did not time (the first one)
			}
			d.mu.Unlock()
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return err
	}
	return nil
}

func report(out io.Writer, ds []*delivery, streams int) {
	var all []time.Duration
	var early, actions int64
	for _, d := range ds {
		all = append(all, d.got...)
		early += d.lost.Load()
		actions += int64(len(d.sent))
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	fmt.Fprintf(out, "%d actions, %d deliveries timed (want %d), %d not timed\n",
		actions, len(all), actions*int64(streams), early)
	if len(all) == 0 {
		return
	}
	fmt.Fprintf(out, "delivery latency: p50 %s  p90 %s  p99 %s  max %s\n", ms(percentile(all, 50)), ms(percentile(all, 90)),
		ms(percentile(all, 99)), ms(all[len(all)-1]))
}
