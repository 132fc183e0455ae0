package web

// The test harness for the web layer: a real httptest server over New on a
// fresh store (SQLite always, PostgreSQL as well when
// FOCUSFLOW_TEST_DATABASE_URL is set), driven by a fake clock, with cheap
// password hashing, an in-memory rate limiter on the same clock, metrics on
// a private registry and the JSON log captured in a buffer; and a
// browser-like client (cookie jar, no redirect following, Sec-Fetch-Site
// on unsafe requests) that fetches CSRF tokens by itself.
//
// Typical use:
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		forEachEngine(t, func(t *testing.T, e storetest.Engine) {
//			ts := newTestServer(t, e)                     // or newTestServer(t, e, writeRate(2, time.Minute))
//			c, u := ts.signedInClient(t)                   // a new user, signed up through the form
//			res := c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": testDate, "title": "x"})
//			res.expect(t, http.StatusCreated)
//			c.postForm("/profile/settings", url.Values{"theme": {"dark"}}).expect(t, http.StatusSeeOther)
//			ts.clock.Advance(time.Hour)                    // sessions, CSRF tokens, limits, lockout
//			ts.newClient(t).tryLogin(u.Username, "wrong").expect(t, http.StatusUnauthorized)
//			ts.assertLogsClean(t)                          // no password, cookie or token in the log
//		})
//	}
//
// Each PostgreSQL store is a database of its own, created and dropped per
// server (about a second each): prefer subtests on one server, with fresh
// users, over a server per check, and ts.sibling for other configurations
// of the same store. Requests for a JSON endpoint that must be covered by
// the attack suite belong in jsonEndpoints (json_test.go).

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/backup"
	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/live"
	"github.com/focusflow/focusflow/internal/metrics"
	"github.com/focusflow/focusflow/internal/ratelimit"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// ---------------------------------------------------------------- engines

// forEachEngine runs fn once per database engine, as parallel subtests
// named after the engine. Every test of this package should use it, so that
// the whole suite runs on SQLite and on PostgreSQL alike.
func forEachEngine(t *testing.T, fn func(t *testing.T, e storetest.Engine)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

// ---------------------------------------------------------------- clock

// fakeClock is the one clock of a test server: the store, the rate limiter,
// CSRF tokens, sessions and the lockout all read it. Tests move it forward
// instead of sleeping.
type fakeClock = fake.Clock

// testEpoch is where every fake clock starts.
var testEpoch = time.Date(2025, 7, 5, 9, 0, 0, 0, time.UTC)

func newFakeClock(start time.Time) *fakeClock { return fake.NewClock(start) }

// ---------------------------------------------------------------- config

// testSecretKey is a placeholder, fine outside production.
const testSecretKey = "test-secret-key-placeholder-0123456789abcdef"

// testEnv is the environment every test server's configuration is loaded
// from. The limits are generous so that ordinary flows never meet them;
// tests about a limit lower it with an option.
func testEnv() map[string]string {
	return map[string]string{
		"ENVIRONMENT":      "test",
		"SECRET_KEY":       testSecretKey,
		"LOG_FILE":         "",
		"LOG_LEVEL":        "DEBUG",
		"MAX_BODY_BYTES":   "4096",
		"RATELIMIT_IP":     "100000/minute",
		"RATELIMIT_SIGNUP": "10000/hour",
		"RATELIMIT_LOGIN":  "10000/hour",
		"RATELIMIT_WRITE":  "10000/minute",
		"RATELIMIT_READ":   "10000/minute",
	}
}

// testConfig loads testEnv plus the given variables (name, value, name,
// value …) the way the binary parses its environment.
func testConfig(kv ...string) (*config.Config, error) {
	env := testEnv()
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, "", nil)
}

// loadTestConfig is testConfig that fails the test on bad configuration.
func loadTestConfig(t testing.TB, kv ...string) *config.Config {
	t.Helper()
	cfg, err := testConfig(kv...)
	if err != nil {
		t.Fatalf("test configuration %q: %v", kv, err)
	}
	return cfg
}

// fromEnv is a server option that reloads the configuration from testEnv
// plus the given variables, exactly as the binary would parse them:
//
//	newTestServer(t, e, fromEnv("SESSION_COOKIE_SAMESITE", "Strict"))
//
// Options after it apply to the reloaded configuration.
func fromEnv(kv ...string) func(*config.Config) {
	return func(c *config.Config) {
		cfg, err := testConfig(kv...)
		if err != nil {
			panic(fmt.Sprintf("fromEnv(%q): %v", kv, err))
		}
		*c = *cfg
	}
}

// Options for the settings that tests change most often.

func loginRate(n int, per time.Duration) func(*config.Config) {
	return func(c *config.Config) { c.RateLogin = config.Rate{Limit: n, Window: per} }
}

func signupRate(n int, per time.Duration) func(*config.Config) {
	return func(c *config.Config) { c.RateSignup = config.Rate{Limit: n, Window: per} }
}

func ipRate(n int, per time.Duration) func(*config.Config) {
	return func(c *config.Config) { c.RateIP = config.Rate{Limit: n, Window: per} }
}

func writeRate(n int, per time.Duration) func(*config.Config) {
	return func(c *config.Config) { c.RateWrite = config.Rate{Limit: n, Window: per} }
}

func readRate(n int, per time.Duration) func(*config.Config) {
	return func(c *config.Config) { c.RateRead = config.Rate{Limit: n, Window: per} }
}

func trustProxyHops(n int) func(*config.Config) {
	return func(c *config.Config) { c.TrustProxyHops = n }
}

// secureCookies is SESSION_COOKIE_SECURE=true (pair it with TLS: a cookie
// jar does not send Secure cookies over plain HTTP).
func secureCookies(c *config.Config) { c.CookieSecure = true }

func secretKey(k string) func(*config.Config) {
	return func(c *config.Config) { c.SecretKey = k }
}

// ---------------------------------------------------------------- server

// testServer is one running FocusFlow over a fresh database.
type testServer struct {
	t        testing.TB
	URL      string
	http     *httptest.Server
	Server   *Server
	store    *sqlstore.DB
	engine   storetest.Engine
	cfg      *config.Config
	clock    *fakeClock
	registry *prometheus.Registry
	metrics  *metrics.Metrics
	limiter  ratelimit.Limiter
	logs     *logBuffer
	// secrets are strings that must never reach the log: every password
	// the harness has submitted (clients add cookies and CSRF tokens they
	// receive to their own list).
	secrets *secretSet
	clients *clientList // shared with siblings
	users   *atomic.Int64
	bus     live.Bus // shared with siblings
	hub     *live.Hub
}

type clientList struct {
	mu   sync.Mutex
	list []*client
}

// testSetup is the long form of newTestServer, for servers that share a
// store with another one, use another limiter, or serve over TLS.
type testSetup struct {
	Engine  storetest.Engine
	Store   *sqlstore.DB // nil: a fresh store from Engine
	Clock   *fakeClock   // nil: a new clock at testEpoch (must be the Store's clock when Store is set)
	Limiter ratelimit.Limiter
	TLS     bool
	Logs    *logBuffer // nil: a new buffer
	Config  []func(*config.Config)
	// Bus carries live events between this server and its siblings; nil:
	// a bus of the test's own, shared by siblings.
	Bus live.Bus
	// EventsRecheck is Deps.EventsRecheck (0: the default).
	EventsRecheck time.Duration
	// ConnTimeout, when set, is the HTTP server's read and write timeout
	// (as the binary sets them, only shorter).
	ConnTimeout time.Duration
}

// newTestServer starts a server on a fresh store of engine e. Options edit
// the configuration loaded from testEnv (see fromEnv and the named options
// above). The server, and with it the store, close when the test ends.
func newTestServer(t testing.TB, e storetest.Engine, opts ...func(*config.Config)) *testServer {
	t.Helper()
	return startTestServer(t, testSetup{Engine: e, Config: opts})
}

// cheapHashParams keep each password hash around a millisecond.
var cheapHashParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func startTestServer(t testing.TB, s testSetup) *testServer {
	t.Helper()
	if s.Clock == nil {
		if s.Store != nil {
			t.Fatal("testSetup: a shared Store needs its Clock")
		}
		s.Clock = newFakeClock(testEpoch)
	}
	if s.Store == nil {
		s.Store = s.Engine.Open(t, s.Clock.Now)
	}
	if s.Limiter == nil {
		s.Limiter = ratelimit.NewMemory(s.Clock.Now)
	}
	if s.Logs == nil {
		s.Logs = &logBuffer{}
	}
	cfg := loadTestConfig(t)
	for _, o := range s.Config {
		o(cfg)
	}
	reg := prometheus.NewRegistry()
	m := metrics.New(reg, s.Store.Stats)
	logger := slog.New(slog.NewJSONHandler(s.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if s.Bus == nil {
		s.Bus = live.NewLocalBus()
	}
	hub := live.New(live.Config{PerUser: cfg.EventsPerUser, PerInstance: cfg.EventsMaxStreams, Bus: s.Bus, Logger: logger})
	hub.Listen()
	t.Cleanup(hub.Close)
	srv, err := New(Deps{
		Config:        cfg,
		Store:         s.Store,
		Hasher:        auth.NewHasher(cheapHashParams, 4, time.Second),
		Limiter:       s.Limiter,
		Metrics:       m,
		Logger:        logger,
		Now:           s.Clock.Now,
		Version:       "test",
		Live:          hub,
		EventsRecheck: s.EventsRecheck,
	})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.Config.ReadTimeout, hs.Config.WriteTimeout, hs.Config.IdleTimeout = s.ConnTimeout, s.ConnTimeout, time.Minute
	if s.TLS {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	t.Cleanup(hs.Close)
	return &testServer{
		t: t, URL: hs.URL, http: hs, Server: srv, store: s.Store, engine: s.Engine, cfg: cfg, clock: s.Clock,
		registry: reg, metrics: m, limiter: s.Limiter, logs: s.Logs, secrets: &secretSet{},
		clients: &clientList{}, users: &atomic.Int64{}, bus: s.Bus, hub: hub,
	}
}

// sibling starts a second server on the same store and clock (and log
// buffer), e.g. another instance, or this one restarted with a rotated
// SECRET_KEY. It gets its own in-memory limiter and metrics.
func (ts *testServer) sibling(t testing.TB, opts ...func(*config.Config)) *testServer {
	t.Helper()
	return ts.siblingWith(t, testSetup{Config: opts})
}

// siblingWith is sibling with a limiter of its own choosing or TLS; the
// Engine, Store, Clock and Logs of s are always this server's.
func (ts *testServer) siblingWith(t testing.TB, s testSetup) *testServer {
	t.Helper()
	s.Engine, s.Store, s.Clock, s.Logs = ts.engine, ts.store, ts.clock, ts.logs
	if s.Bus == nil {
		s.Bus = ts.bus
	}
	s2 := startTestServer(t, s)
	s2.secrets, s2.clients, s2.users = ts.secrets, ts.clients, ts.users
	return s2
}

// serveWith starts another httptest server that runs routes behind this
// server's real middleware stack (recover, log, headers, limits, session,
// CSRF), for handlers the route table does not have (a panicking one).
// It returns the base URL.
func (ts *testServer) serveWith(t testing.TB, routes *router) string {
	t.Helper()
	hs := httptest.NewServer(ts.Server.middleware(routes))
	t.Cleanup(hs.Close)
	return hs.URL
}

// sessionCookieName is the name of the session cookie under this config.
func (ts *testServer) sessionCookieName() string { return ts.Server.sessionCookie() }

// ctx is a context for direct store calls.
func (ts *testServer) ctx() context.Context { return context.Background() }

// dump returns the whole database as FocusFlow's portable dump, as text:
// what an attacker holding a leaked backup would see.
func (ts *testServer) dump(t testing.TB) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := backup.Dump(ts.ctx(), ts.store, &buf, nil); err != nil {
		t.Fatalf("dump: %v", err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return string(b)
}

// counter returns the value of a counter (or the sum over the series whose
// labels include the given name/value pairs), 0 when absent.
func (ts *testServer) counter(t testing.TB, name string, labels ...string) float64 {
	t.Helper()
	fams, err := ts.registry.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	var sum float64
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue series
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// ---------------------------------------------------------------- users

// testUser is an account created through the harness.
type testUser struct {
	ID       int64
	Username string
	Email    string
	Password string
}

// nextUser makes up a fresh, valid account (not yet created). Passwords are
// unique and recorded as secrets that must never be logged.
func (ts *testServer) nextUser() testUser {
	n := ts.users.Add(1)
	name := fmt.Sprintf("user%d_%s", n, randomHex(3))
	u := testUser{Username: name, Email: name + "@example.com", Password: "Plum-vortex-quiet-" + randomHex(6)}
	ts.secrets.add(u.Password)
	return u
}

// signedInClient signs a fresh user up through the real form and returns
// the client, signed in, and the user (with its id).
func (ts *testServer) signedInClient(t testing.TB) (*client, testUser) {
	t.Helper()
	u := ts.nextUser()
	c := ts.newClient(t)
	c.signup(u.Username, u.Email, u.Password)
	u.ID = c.userID()
	return c, u
}

// createUser inserts an account straight into the store with the given
// password hash (e.g. a legacy Werkzeug hash).
func (ts *testServer) createUser(t testing.TB, username, email, hash string) int64 {
	t.Helper()
	u := &focusflow.User{Username: username, Email: email, Timezone: "UTC"}
	if err := ts.store.CreateUser(ts.ctx(), u, hash); err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return u.ID
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ---------------------------------------------------------------- logs

// logBuffer collects the server's JSON log lines.
type logBuffer struct{ fake.Buffer }

// entries parses the log into one map per line.
func (b *logBuffer) entries(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %q", err, line)
		}
		out = append(out, m)
	}
	return out
}

// find returns the log entries whose msg is msg and whose attributes
// include the given key/value pairs (compared as text).
func (b *logBuffer) find(t testing.TB, msg string, kv ...string) []map[string]any {
	t.Helper()
	var out []map[string]any
next:
	for _, e := range b.entries(t) {
		if e["msg"] != msg {
			continue
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if fmt.Sprint(e[kv[i]]) != kv[i+1] {
				continue next
			}
		}
		out = append(out, e)
	}
	return out
}

// secretSet is a concurrency-safe list of strings that must not be logged.
type secretSet struct {
	mu   sync.Mutex
	list []string
}

func (s *secretSet) add(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range v {
		if x != "" && !slices.Contains(s.list, x) {
			s.list = append(s.list, x)
		}
	}
}

func (s *secretSet) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list)
}

// assertLogsClean fails the test when the captured log contains any
// password the harness submitted, any session cookie value or CSRF token
// any client received, or any of extra.
func (ts *testServer) assertLogsClean(t testing.TB, extra ...string) {
	t.Helper()
	secrets := append(ts.secrets.all(), extra...)
	ts.clients.mu.Lock()
	for _, c := range ts.clients.list {
		secrets = append(secrets, c.secrets.all()...)
	}
	ts.clients.mu.Unlock()
	logText := ts.logs.String()
	if logText == "" {
		t.Fatal("the log is empty: the logger is not wired up, so this check proves nothing")
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		// JSON escapes some characters; look for both spellings.
		quoted, _ := json.Marshal(s)
		if strings.Contains(logText, s) || strings.Contains(logText, strings.Trim(string(quoted), `"`)) {
			t.Errorf("the log contains a secret %q", s)
			for line := range strings.Lines(logText) {
				if strings.Contains(line, s) {
					t.Logf("in: %s", line)
				}
			}
		}
	}
}

// ---------------------------------------------------------------- client

// client is one browser: a cookie jar, no automatic redirects, and CSRF
// tokens fetched as a page's script would.
type client struct {
	t    testing.TB
	ts   *testServer
	base string
	hc   *http.Client
	jar  *cookiejar.Jar
	// Header is sent with every request (User-Agent, X-Forwarded-For …).
	Header http.Header
	// secrets: every cookie value and CSRF token received.
	secrets *secretSet
}

// newClient returns a browser for this server.
func (ts *testServer) newClient(t testing.TB) *client {
	return ts.newClientFor(t, ts.URL)
}

// newClientFor returns a browser for another base URL (see serveWith).
func (ts *testServer) newClientFor(t testing.TB, base string) *client {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if ts.http.TLS != nil && base == ts.URL {
		hc.Transport = ts.http.Client().Transport
	}
	c := &client{t: t, ts: ts, base: base, hc: hc, jar: jar, Header: http.Header{}, secrets: &secretSet{}}
	c.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 focusflow-test")
	ts.clients.mu.Lock()
	ts.clients.list = append(ts.clients.list, c)
	ts.clients.mu.Unlock()
	return c
}

// in returns the client bound to another test (sharing cookies), for a
// client made in a parent test and used in a subtest: its own failures
// then fail the subtest.
func (c *client) in(t testing.TB) *client {
	c2 := *c
	c2.t = t
	return &c2
}

// reqOptions adjust one request.
type reqOptions struct {
	header    http.Header
	csrf      *string // nil: automatic for unsafe requests
	fetchSite *string // nil: "same-origin" for unsafe requests
	chunked   bool
}

type reqOpt func(*reqOptions)

// withHeader adds a header to one request ("" value deletes it).
func withHeader(k, v string) reqOpt {
	return func(o *reqOptions) {
		if o.header == nil {
			o.header = http.Header{}
		}
		o.header[http.CanonicalHeaderKey(k)] = []string{v}
	}
}

// withCSRF sends exactly this token (as the form field for forms, the
// X-CSRF-Token header otherwise) instead of fetching one.
func withCSRF(token string) reqOpt { return func(o *reqOptions) { o.csrf = &token } }

// noCSRF sends no token at all.
func noCSRF() reqOpt { return withCSRF("") }

// withFetchSite sets Sec-Fetch-Site ("" omits it, like a non-browser client).
func withFetchSite(v string) reqOpt { return func(o *reqOptions) { o.fetchSite = &v } }

// crossSite makes the request look like a form post from another site.
func crossSite() reqOpt {
	return func(o *reqOptions) {
		withFetchSite("cross-site")(o)
		withHeader("Origin", "https://evil.example")(o)
	}
}

// chunked sends the body without a Content-Length.
func chunked() reqOpt { return func(o *reqOptions) { o.chunked = true } }

// response is a fully read response.
type response struct {
	Status int
	Header http.Header
	Body   string
	raw    *http.Response
	method string
	path   string
}

func (r *response) String() string {
	body := r.Body
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return fmt.Sprintf("%s %s → %d\n%s", r.method, r.path, r.Status, body)
}

// expect fails the test unless the status is one of want.
func (r *response) expect(t testing.TB, want ...int) *response {
	t.Helper()
	if !slices.Contains(want, r.Status) {
		t.Fatalf("want status %v, got %s", want, r)
	}
	return r
}

// location is the Location header.
func (r *response) location() string { return r.Header.Get("Location") }

// setCookie returns the Set-Cookie of the given name in this response.
func (r *response) setCookie(name string) *http.Cookie {
	for _, c := range r.raw.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// decode decodes a JSON body.
func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("want a JSON response, got Content-Type %q: %s", ct, r)
	}
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode JSON: %v: %s", err, r)
	}
}

// apiError decodes the one JSON error shape.
func (r *response) apiError(t testing.TB) errorDetail {
	t.Helper()
	var b errorBody
	r.decode(t, &b)
	if b.Error.Code == "" {
		t.Fatalf("not an API error: %s", r)
	}
	return b.Error
}

var (
	csrfMetaPattern  = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)
	formErrorPattern = regexp.MustCompile(`(?s)<p class="error" role="alert" id="form-error">(.*?)</p>`)
	requestIDPattern = regexp.MustCompile(`[0-9a-f]{16}`)
)

// csrfMeta returns the token in the page's <meta name="csrf-token">.
func (r *response) csrfMeta() string {
	if m := csrfMetaPattern.FindStringSubmatch(r.Body); m != nil {
		return m[1]
	}
	return ""
}

// formError returns the text of the page's form error ("" when none).
func (r *response) formError() string {
	if m := formErrorPattern.FindStringSubmatch(r.Body); m != nil {
		return m[1]
	}
	return ""
}

// isHTML reports whether the response is an HTML page.
func (r *response) isHTML() bool { return strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") }

// do sends one request. path may carry a query and raw escapes; body may be
// nil. Unsafe methods get Sec-Fetch-Site: same-origin unless told otherwise.
// CSRF handling is done by postForm and json, not here.
func (c *client) do(method, path string, body io.Reader, contentType string, opts ...reqOpt) *response {
	c.t.Helper()
	var o reqOptions
	for _, f := range opts {
		f(&o)
	}
	if o.chunked && body != nil {
		body = io.MultiReader(body) // hides the length from net/http
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatalf("new request %s %s: %v", method, path, err)
	}
	for k, v := range c.Header {
		req.Header[k] = slices.Clone(v)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if unsafeMethod(method) {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if o.fetchSite != nil {
		if *o.fetchSite == "" {
			req.Header.Del("Sec-Fetch-Site")
		} else {
			req.Header.Set("Sec-Fetch-Site", *o.fetchSite)
		}
	}
	for k, v := range o.header {
		if len(v) == 0 || v[0] == "" {
			req.Header.Del(k)
		} else {
			req.Header[k] = v
		}
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := &response{Status: res.StatusCode, Header: res.Header, Body: string(b), raw: res, method: method, path: path}
	for _, ck := range res.Cookies() {
		c.secrets.add(ck.Value)
	}
	if tok := r.csrfMeta(); tok != "" {
		c.secrets.add(tok)
	}
	return r
}

// get sends a GET.
func (c *client) get(path string, opts ...reqOpt) *response {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil, "", opts...)
}

// csrfToken fetches a fresh token the way the pages' scripts do (GET
// /api/v1/csrf), which also sets the pre-session cookie for visitors.
func (c *client) csrfToken() string {
	c.t.Helper()
	res := c.get("/api/v1/csrf").expect(c.t, http.StatusOK)
	var v struct {
		Token string `json:"csrf_token"`
	}
	res.decode(c.t, &v)
	if v.Token == "" {
		c.t.Fatalf("empty CSRF token: %s", res)
	}
	c.secrets.add(v.Token)
	return v.Token
}

// csrfFromPage fetches a page and returns its <meta name="csrf-token">.
func (c *client) csrfFromPage(path string) string {
	c.t.Helper()
	res := c.get(path).expect(c.t, http.StatusOK)
	tok := res.csrfMeta()
	if tok == "" {
		c.t.Fatalf("no csrf-token meta on %s", path)
	}
	return tok
}

func (c *client) resolveCSRF(opts []reqOpt) string {
	var o reqOptions
	for _, f := range opts {
		f(&o)
	}
	if o.csrf != nil {
		return *o.csrf
	}
	return c.csrfToken()
}

// postForm posts a urlencoded form with a fresh csrf_token field (unless
// vals already has one, or withCSRF/noCSRF says otherwise).
func (c *client) postForm(path string, vals url.Values, opts ...reqOpt) *response {
	c.t.Helper()
	v := url.Values{}
	maps.Copy(v, vals)
	if !v.Has("csrf_token") {
		if tok := c.resolveCSRF(opts); tok != "" {
			v.Set("csrf_token", tok)
		}
	}
	return c.do(http.MethodPost, path, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded", opts...)
}

// json sends a JSON request. body is sent as is when it is a string or
// []byte, else marshalled; nil sends no body. Unsafe methods carry a fresh
// X-CSRF-Token unless withCSRF/noCSRF says otherwise.
func (c *client) json(method, path string, body any, opts ...reqOpt) *response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	case io.Reader:
		r = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("marshal: %v", err)
		}
		r = bytes.NewReader(j)
	}
	all := []reqOpt{withHeader("Accept", "application/json")}
	if unsafeMethod(method) {
		if tok := c.resolveCSRF(opts); tok != "" {
			all = append(all, withHeader("X-CSRF-Token", tok))
		}
	}
	ct := ""
	if r != nil {
		ct = "application/json"
	}
	return c.do(method, path, r, ct, append(all, opts...)...)
}

// cookie returns the value of a cookie the jar would send to the server.
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// sessionToken is the current session cookie value ("" when signed out).
func (c *client) sessionToken() string { return c.cookie(c.ts.sessionCookieName()) }

// plantCookie puts a cookie into the jar, as an attacker with a foothold on
// a sibling domain or the victim's machine could.
func (c *client) plantCookie(name, value string) {
	u, _ := url.Parse(c.base)
	c.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// signup signs up through the form and fails the test unless it worked.
func (c *client) signup(username, email, password string) *response {
	c.t.Helper()
	c.ts.secrets.add(password)
	res := c.trySignup(url.Values{"username": {username}, "email": {email}, "password": {password}, "timezone": {"UTC"}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.location(), "/dashboard") {
		c.t.Fatalf("signup %s failed: %s", username, res)
	}
	return res
}

// trySignup posts the signup form as given.
func (c *client) trySignup(form url.Values, opts ...reqOpt) *response {
	c.t.Helper()
	c.ts.secrets.add(form.Get("password"))
	return c.postForm("/signup", form, opts...)
}

// login signs in through the form and fails the test unless it worked.
func (c *client) login(username, password string) *response {
	c.t.Helper()
	res := c.tryLogin(username, password)
	if res.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s failed: %s", username, res)
	}
	return res
}

// tryLogin posts the login form (extra fields such as remember or next in
// extra, as name/value pairs).
func (c *client) tryLogin(username, password string, extra ...string) *response {
	c.t.Helper()
	c.ts.secrets.add(password)
	form := url.Values{"username": {username}, "password": {password}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return c.postForm("/login", form)
}

// logout posts the logout form.
func (c *client) logout() *response {
	c.t.Helper()
	return c.postForm("/logout", nil).expect(c.t, http.StatusSeeOther)
}

// me returns GET /api/v1/me.
func (c *client) me() *response {
	c.t.Helper()
	return c.get("/api/v1/me")
}

// signedIn reports whether the client's cookie is a live session.
func (c *client) signedIn() bool {
	c.t.Helper()
	switch res := c.me(); res.Status {
	case http.StatusOK:
		return true
	case http.StatusUnauthorized:
		return false
	default:
		c.t.Fatalf("unexpected answer from /api/v1/me: %s", res)
		return false
	}
}

// userID returns the signed-in user's id.
func (c *client) userID() int64 {
	c.t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	c.me().expect(c.t, http.StatusOK).decode(c.t, &v)
	return v.ID
}

// withSession returns a new client (fresh jar) that carries only the given
// session token, e.g. to replay a stolen cookie.
func (ts *testServer) withSession(t testing.TB, token string) *client {
	c := ts.newClient(t)
	c.plantCookie(ts.sessionCookieName(), token)
	return c
}

// ---------------------------------------------------------------- misc

// redisLimiter returns a Redis-backed limiter for FOCUSFLOW_TEST_REDIS_URL
// whose keys are unique to this test, or skips the test when unset.
func redisLimiter(t testing.TB, clock *fakeClock) ratelimit.Limiter {
	t.Helper()
	u := os.Getenv("FOCUSFLOW_TEST_REDIS_URL")
	if u == "" {
		t.Skip("FOCUSFLOW_TEST_REDIS_URL not set: skipping the Redis limiter variant")
	}
	l, closer, err := ratelimit.Open(u, ratelimit.Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("open Redis limiter: %v", err)
	}
	t.Cleanup(func() { closer.Close() })
	return prefixedLimiter{l, "test-" + randomHex(8) + ":"}
}

// prefixedLimiter keeps each test's keys apart in a shared Redis.
type prefixedLimiter struct {
	ratelimit.Limiter
	prefix string
}

func (p prefixedLimiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (ratelimit.Result, error) {
	return p.Limiter.Allow(ctx, p.prefix+key, limit, window)
}

// normalizePage removes what legitimately differs between two renderings
// of the same page: CSRF tokens, request ids and the given strings.
func normalizePage(body string, remove ...string) string {
	body = csrfMetaPattern.ReplaceAllString(body, `<meta name="csrf-token" content="">`)
	body = regexp.MustCompile(`name="csrf_token" value="[^"]*"`).ReplaceAllString(body, `name="csrf_token" value=""`)
	body = requestIDPattern.ReplaceAllString(body, "REQUEST-ID")
	for _, s := range remove {
		if s != "" {
			body = strings.ReplaceAll(body, s, "REMOVED")
		}
	}
	return body
}
