package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// loadConfig is shared by run and url.
type loadConfig struct {
	conns    int
	duration time.Duration
	warmup   time.Duration
	timeout  time.Duration
}

func (lc *loadConfig) flags(fs *flag.FlagSet) {
	fs.IntVar(&lc.conns, "conns", 64, "concurrent connections (one worker each)")
	fs.DurationVar(&lc.duration, "duration", 15*time.Second, "how long to measure; the run stops by itself after it")
	fs.DurationVar(&lc.warmup, "warmup", 0, "load sent before measuring starts, not counted")
	fs.DurationVar(&lc.timeout, "timeout", 10*time.Second, "timeout of one request")
}

func (lc *loadConfig) validate() error {
	switch {
	case lc.conns < 1 || lc.conns > 4096:
		return errors.New("--conns must be between 1 and 4096")
	case lc.duration <= 0 || lc.duration > time.Hour:
		return errors.New("--duration must be positive and at most 1h")
	case lc.warmup < 0 || lc.warmup > 10*time.Minute:
		return errors.New("--warmup must be between 0 and 10m")
	case lc.timeout <= 0 || lc.timeout > time.Minute:
		return errors.New("--timeout must be positive and at most 1m")
	}
	return nil
}

// op is one kind of request a worker sends; it returns the endpoint name
// for the report and the request.
type op func(w *worker) (endpoint string, req *http.Request, err error)

type worker struct {
	n    int
	rng  *rand.Rand
	sess *session // nil in url mode
	recs map[string]*recorder
}

// drive runs lc.conns workers until warmup+duration have passed, then
// merges their results. Nothing is recorded during the warm-up; requests
// still in flight at the end complete (each bounded by the client timeout)
// and are counted, so the measured window runs until the last one ends.
func drive(ctx context.Context, client *http.Client, lc loadConfig, sessions []*session, next op) (map[string]*recorder, time.Duration) {
	began := time.Now()
	measureFrom := began.Add(lc.warmup)
	stopAt := measureFrom.Add(lc.duration)
	workers := make([]*worker, lc.conns)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{n: i, rng: rand.New(rand.NewPCG(uint64(i), uint64(began.UnixNano()))), recs: map[string]*recorder{}}
		if len(sessions) > 0 {
			w.sess = sessions[i%len(sessions)]
		}
		workers[i] = w
		wg.Go(func() {
			for ctx.Err() == nil {
				start := time.Now()
				if !start.Before(stopAt) {
					return
				}
				name, req, err := next(w)
				if err != nil {
					continue // cannot happen with the ops below; never busy-loops long: time moves
				}
				status, err := roundTrip(client, req)
				d := time.Since(start)
				if start.Before(measureFrom) {
					continue
				}
				r := w.recs[name]
				if r == nil {
					r = newRecorder()
					w.recs[name] = r
				}
				r.record(status, d, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(measureFrom)
	merged := map[string]*recorder{}
	for _, w := range workers {
		for name, r := range w.recs {
			if merged[name] == nil {
				merged[name] = newRecorder()
			}
			merged[name].merge(r)
		}
	}
	return merged, elapsed
}

// roundTrip sends req and reads the whole body, so that the connection is
// reused and the latency includes the response.
func roundTrip(client *http.Client, req *http.Request) (int, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

func summaries(recs map[string]*recorder, elapsed time.Duration) []summary {
	names := make([]string, 0, len(recs))
	for n := range recs {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]summary, 0, len(names))
	for _, n := range names {
		out = append(out, recs[n].summarize(n, elapsed))
	}
	return out
}

// --- url ---------------------------------------------------------------

func urlCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("url", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var lc loadConfig
	lc.flags(fs)
	target := fs.String("url", "", "the `URL` to drive (loopback only), e.g. http://127.0.0.1:7070/day")
	method := fs.String("method", "GET", "HTTP method")
	body := fs.String("body", "", "request body")
	contentType := fs.String("content-type", "", "Content-Type of the body (default application/json when --body is set)")
	var headers headerFlags
	fs.Var(&headers, "header", "`NAME: VALUE` sent with every request (repeatable), e.g. \"Authorization: Bearer ffpat_…\" or \"Cookie: focusflow=…\"")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: focusflow-load url --url URL [--method POST] [--header "NAME: VALUE"]… [flags]

Drives one URL with --conns concurrent keep-alive connections for --duration
and prints requests, errors (non-2xx, by status), req/s and p50/p90/p99/max
latency — the same figures as "run", for measuring the bare server
(GET /day, POST /start) in the same session. Only loopback targets
(127.0.0.0/8, ::1, localhost) are accepted.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, "url", stderr); done {
		return code
	}
	if *target == "" {
		fmt.Fprintln(stderr, "url: --url is required")
		return 2
	}
	u, err := checkTarget(*target)
	if err != nil {
		fmt.Fprintln(stderr, "url:", err)
		return 2
	}
	if err := lc.validate(); err != nil {
		fmt.Fprintln(stderr, "url:", err)
		return 2
	}
	m := strings.ToUpper(*method)
	if *body != "" && *contentType == "" {
		*contentType = "application/json"
	}
	client := newClient(lc.conns, lc.timeout)
	defer closeIdle(client)
	name := m + " " + u.EscapedPath()
	raw := u.String()
	payload := []byte(*body)
	recs, elapsed := drive(ctx, client, lc, nil, func(*worker) (string, *http.Request, error) {
		var rd io.Reader
		if len(payload) > 0 {
			rd = bytes.NewReader(payload)
		}
		req, err := http.NewRequest(m, raw, rd)
		if err == nil && *contentType != "" {
			req.Header.Set("Content-Type", *contentType)
		}
		if err == nil {
			for _, h := range headers {
				req.Header.Add(h[0], h[1])
			}
		}
		return name, req, err
	})
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "url: interrupted")
	}
	printReport(stdout, raw, lc.conns, elapsed, summaries(recs, elapsed))
	return exitFor(recs)
}

// exitFor is 1 when nothing succeeded at all (wrong URL, server down).
func exitFor(recs map[string]*recorder) int {
	for _, r := range recs {
		for code, n := range r.statuses {
			if !isError(code) && n > 0 {
				return 0
			}
		}
	}
	return 1
}

// --- run ---------------------------------------------------------------

// session is a signed-in load user.
type session struct {
	name   string
	cookie string // "focusflow=…", sent as the Cookie header
	csrf   string
	tasks  []int64 // today's task ids, for timer starts
	flip   atomic.Int64
}

// runConfig is what the run subcommand was asked for.
type runConfig struct {
	lc                     loadConfig
	base, password         string
	scenario               string
	users, first, signins  int
	wantDay, wantStart     bool
	wantSearch             bool
	statsPath              string // the stats scenarios' path and query
	baseURL, today, dayURL string
}

const runUsage = `Usage: focusflow-load run --base URL [--users 64] [--conns 64] [--duration 15s] [--scenario day|start|mixed|stats|stats-tags|search]

Signs --users seeded load users in through the real login form (GET /login
for the pre-session cookie and CSRF token, POST /login, then GET
/api/v1/csrf for the X-CSRF-Token of API writes), then drives the API with
--conns workers, each using one user (round-robin), for --duration, and
prints per endpoint: requests, errors (non-2xx, by status), req/s and
p50/p90/p99/max latency. "today" is the current UTC date (the load users'
time zone). Only loopback targets (127.0.0.0/8, ::1, localhost) are
accepted. The server's login rate limit must allow --users sign-ins
(RATELIMIT_LOGIN), and its read/write limits the load (RATELIMIT_READ,
RATELIMIT_WRITE, RATELIMIT_IP).

Flags:
`

func (c *runConfig) flags(fs *flag.FlagSet) {
	c.lc.flags(fs)
	fs.StringVar(&c.base, "base", "http://127.0.0.1:8080", "FocusFlow's base `URL` (loopback only)")
	fs.IntVar(&c.users, "users", 64, "load users to sign in (load-user-NNNNN from --first); workers take them round-robin")
	fs.IntVar(&c.first, "first", 1, "number of the first load user")
	fs.StringVar(&c.password, "password", defaultPassword, "the load users' password (as given to seed)")
	fs.StringVar(&c.scenario, "scenario", "day", "day: GET /api/v1/days/{today}; start: POST /api/v1/timer/start switching "+
		"between two of today's tasks; mixed: 80% day, 20% start; stats: GET /api/v1/stats (the default last 365 days); "+
		"stats-tags: the same with include=by_tag; "+
		"search: GET /api/v1/search, a page of 20, with words, prefixes, accents and case drawn from the word lists `focusflow-load seed` writes with")
	fs.IntVar(&c.signins, "signin-conns", 4, "concurrent sign-ins (each costs the server an argon2id verification)")
}

// validate checks the flags and derives the URLs.
func (c *runConfig) validate() error {
	u, err := checkTarget(c.base)
	if err != nil {
		return err
	}
	if err := c.lc.validate(); err != nil {
		return err
	}
	if c.users < 1 || c.first < 1 || c.signins < 1 {
		return errors.New("--users, --first and --signin-conns must be at least 1")
	}
	switch c.scenario {
	case "stats":
		c.statsPath = "/api/v1/stats"
	case "stats-tags":
		c.statsPath = "/api/v1/stats?include=by_tag"
	case "search":
		c.wantSearch = true
	case "day":
		c.wantDay = true
	case "start":
		c.wantStart = true
	case "mixed":
		c.wantDay, c.wantStart = true, true
	default:
		return fmt.Errorf("unknown --scenario %q (day, start, mixed, stats, stats-tags or search)", c.scenario)
	}
	c.baseURL = strings.TrimSuffix(u.String(), "/")
	c.today = time.Now().UTC().Format("2006-01-02")
	c.dayURL = c.baseURL + "/api/v1/days/" + c.today
	return nil
}

func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c runConfig
	c.flags(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, runUsage)
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, "run", stderr); done {
		return code
	}
	if err := c.validate(); err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 2
	}
	client := newClient(max(c.lc.conns, c.signins), c.lc.timeout)
	defer closeIdle(client)
	sessions, err := c.prepare(ctx, client, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 1
	}
	recs, elapsed := drive(ctx, client, c.lc, sessions, c.next)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "run: interrupted")
	}
	printReport(stdout, fmt.Sprintf("FocusFlow %s, scenario %s, %d users", c.baseURL, c.scenario, len(sessions)),
		c.lc.conns, elapsed, summaries(recs, elapsed))
	return exitFor(recs)
}

// prepare signs the users in and, for timer starts, reads their tasks.
func (c *runConfig) prepare(ctx context.Context, client *http.Client, stdout io.Writer) ([]*session, error) {
	t := time.Now()
	sessions, err := signInAll(ctx, client, c.baseURL, c.first, c.users, c.password, c.signins)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "signed in %d users in %s\n", len(sessions), time.Since(t).Round(time.Millisecond))
	if !c.wantStart {
		return sessions, nil
	}
	for _, s := range sessions {
		if s.tasks, err = todayTasks(ctx, client, c.dayURL, s); err != nil {
			return nil, fmt.Errorf("today's tasks of %s: %w", s.name, err)
		}
		if len(s.tasks) == 0 {
			return nil, fmt.Errorf("%s has no tasks today (%s): seed the database today, or use --scenario day", s.name, c.today)
		}
	}
	return sessions, nil
}

// next is the scenario's next request for a worker.
func (c *runConfig) next(w *worker) (string, *http.Request, error) {
	const dayName, startName = "GET /api/v1/days/{today}", "POST /api/v1/timer/start"
	if c.statsPath != "" {
		req, err := w.request(http.MethodGet, c.baseURL+c.statsPath, "")
		return "GET " + c.statsPath, req, err
	}
	if c.wantSearch {
		q := searchQueries[w.rng.IntN(len(searchQueries))]
		req, err := w.request(http.MethodGet, c.baseURL+"/api/v1/search?limit=20&q="+url.QueryEscape(q), "")
		return "GET /api/v1/search", req, err
	}
	if c.wantDay && (!c.wantStart || w.rng.IntN(100) < 80) {
		req, err := w.request(http.MethodGet, c.dayURL, "")
		return dayName, req, err
	}
	// Alternate between the user's first two tasks, counted per user
	// (workers may share one), so that every start switches.
	tasks := w.sess.tasks
	id := tasks[int(w.sess.flip.Add(1))%min(len(tasks), 2)]
	req, err := w.request(http.MethodPost, c.baseURL+"/api/v1/timer/start", fmt.Sprintf(`{"task_id":%d}`, id))
	return startName, req, err
}

// request is a request of the worker's signed-in user; a body makes it a
// JSON write with the CSRF token.
func (w *worker) request(method, url, body string) (*http.Request, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Cookie", w.sess.cookie)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", w.sess.csrf)
	}
	return req, nil
}

// signInAll signs users first … first+n-1 in, with at most conc at once
// (again after a 503: a busy server sheds sign-ins it cannot check soon).
func signInAll(ctx context.Context, client *http.Client, base string, first, n int, password string, conc int) ([]*session, error) {
	sessions := make([]*session, n)
	errs := make([]error, n)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			sessions[i], errs[i] = signInPatiently(ctx, client, base, userName(first+i), password)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("sign in %s: %w", userName(first+i), err)
		}
	}
	return sessions, nil
}

var (
	metaCSRF  = regexp.MustCompile(`<meta\s+name="csrf-token"\s+content="([^"]*)"`)
	inputCSRF = regexp.MustCompile(`<input[^>]*name="csrf_token"[^>]*value="([^"]*)"`)
)

// csrfFromPage finds the CSRF token of an HTML page.
func csrfFromPage(page []byte) string {
	for _, re := range []*regexp.Regexp{metaCSRF, inputCSRF} {
		if m := re.FindSubmatch(page); m != nil {
			return html.UnescapeString(string(m[1]))
		}
	}
	return ""
}

func cookieHeader(cookies []*http.Cookie) string {
	parts := make([]string, 0, len(cookies))
	for _, c := range cookies {
		if c.Value != "" && c.MaxAge >= 0 {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	return strings.Join(parts, "; ")
}

// signIn goes through the login form like a browser and fetches a CSRF
// token for API writes.
func signIn(client *http.Client, base, name, password string) (*session, error) {
	resp, err := client.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /login: status %d", resp.StatusCode)
	}
	token := csrfFromPage(page)
	if token == "" {
		return nil, errors.New("GET /login: no CSRF token in the page")
	}
	form := url.Values{"username": {name}, "password": {password}, "csrf_token": {token}}
	req, err := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c := cookieHeader(resp.Cookies()); c != "" {
		req.Header.Set("Cookie", c)
	}
	resp, err = client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, fmt.Errorf("POST /login: 429 Too Many Requests (raise RATELIMIT_LOGIN on the server; Retry-After %s)",
			resp.Header.Get("Retry-After"))
	case resp.StatusCode != http.StatusSeeOther:
		return nil, fmt.Errorf("POST /login: status %d, want 303 (wrong password? seed with the same --password)", resp.StatusCode)
	}
	s := &session{name: name}
	for _, c := range resp.Cookies() {
		if (c.Name == "focusflow" || c.Name == "__Host-focusflow") && c.Value != "" {
			s.cookie = c.Name + "=" + c.Value
		}
	}
	if s.cookie == "" {
		return nil, errors.New("POST /login: no session cookie (focusflow or __Host-focusflow) in the answer")
	}
	req, err = http.NewRequest(http.MethodGet, base+"/api/v1/csrf", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", s.cookie)
	req.Header.Set("Accept", "application/json")
	resp, err = client.Do(req)
	if err != nil {
		return nil, err
	}
	var body struct {
		CSRF string `json:"csrf_token"`
	}
	err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil || body.CSRF == "" {
		return nil, fmt.Errorf("GET /api/v1/csrf: status %d, no token (%v)", resp.StatusCode, err)
	}
	s.csrf = body.CSRF
	return s, nil
}

// todayTasks reads the ids of the user's tasks of today from the day view.
func todayTasks(ctx context.Context, client *http.Client, dayURL string, s *session) ([]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, dayURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", s.cookie)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode == http.StatusNotFound {
			return nil, fmt.Errorf("GET %s: 404 — does the server have the day endpoint yet?", dayURL)
		}
		return nil, fmt.Errorf("GET %s: status %d", dayURL, resp.StatusCode)
	}
	var day struct {
		Tasks []struct {
			ID int64 `json:"id"`
		} `json:"tasks"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&day); err != nil {
		return nil, fmt.Errorf("GET %s: %v", dayURL, err)
	}
	ids := make([]int64, 0, len(day.Tasks))
	for _, t := range day.Tasks {
		ids = append(ids, t.ID)
	}
	return ids, nil
}

// parseFlags parses a subcommand's flags; done means return code now (0 after
// --help, 2 for bad flags or stray arguments).
func parseFlags(fs *flag.FlagSet, args []string, name string, stderr io.Writer) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		return 2, true
	}
	return 0, false
}

// headerFlags collects repeated --header "NAME: VALUE" flags.
type headerFlags [][2]string

func (h *headerFlags) String() string { return fmt.Sprint(len(*h), " headers") }

func (h *headerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("%q is not NAME: VALUE", v)
	}
	*h = append(*h, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	return nil
}
