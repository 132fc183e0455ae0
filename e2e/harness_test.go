package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"

	"github.com/chromedp/chromedp"
)

// binary is the focusflow executable that TestMain builds once.
var binary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Getenv("FOCUSFLOW_TEST_CHROMIUM") == "" {
		return m.Run() // every test skips
	}
	dir, err := os.MkdirTemp("", "focusflow-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" {
		fmt.Fprintln(os.Stderr, "e2e: cannot find the module root:", err)
		return 1
	}
	binary = filepath.Join(dir, "focusflow")
	build := exec.Command("go", "build", "-o", binary, "./cmd/focusflow")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// needBrowser skips the test unless a browser is configured.
func needBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv("FOCUSFLOW_TEST_CHROMIUM") == "" {
		t.Skip("FOCUSFLOW_TEST_CHROMIUM not set: skipping browser tests")
	}
}

// ---------------------------------------------------------------- server

type server struct {
	URL  string
	log  *lockedBuffer
	Stop func() // stops the server before the test ends (it goes offline)
}

type lockedBuffer = fake.Buffer

// startServer runs `focusflow serve` on a free loopback port with a fresh
// database — SQLite, or a PostgreSQL database of its own when
// FOCUSFLOW_TEST_DATABASE_URL is set — and stops it when the test ends.
// extraEnv adds NAME=value settings. The server gets a minimal environment,
// so that a developer's own DATABASE_URL or .env never leaks in.
func startServer(t *testing.T, extraEnv ...string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	data := t.TempDir()
	env := []string{
		"DATA_DIR=" + data, "LOG_FILE=", "ENVIRONMENT=development",
		"RATELIMIT_LOGIN=1000/hour", "RATELIMIT_SIGNUP=1000/hour",
	}
	if os.Getenv("FOCUSFLOW_TEST_DATABASE_URL") != "" {
		env = append(env, "DATABASE_URL="+storetest.CreateDatabase(t))
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "TZ", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	cmd := exec.Command(binary, "serve", "--addr", addr)
	cmd.Dir = data
	cmd.Env = append(env, extraEnv...)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("server log (%s):\n%s", addr, tail(logs.String(), 8000))
		}
	})

	s := &server{URL: "http://" + addr, log: logs, Stop: stop}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.URL + "/ping")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-done:
			t.Fatalf("server exited before answering /ping:\n%s", logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer /ping within 30s:\n%s", logs.String())
		}
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// ---------------------------------------------------------------- browser

// browser is one Chromium with a fresh profile. Its tabs report console
// errors, uncaught exceptions and CSP violations, which fail the test.
type browser struct {
	t    *testing.T
	ctx  context.Context // the first tab
	mu   sync.Mutex
	errs []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(os.Getenv("FOCUSFLOW_TEST_CHROMIUM")),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx}
	b.watch(ctx, "tab 1")
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	t.Cleanup(b.checkConsole)
	return b
}

// newTab opens another tab in the same browser context (same cookies).
func (b *browser) newTab(name string) (context.Context, context.CancelFunc) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.watch(ctx, name)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("opening %s: %v", name, err)
	}
	return ctx, cancel
}

// expected console noise: failed requests the tests cause on purpose (the
// stale-version 409, a validation 400, going offline, an event stream the
// server refuses with a JSON error).
func expectedNoise(m chromedp.ConsoleMessage) bool {
	return m.Source == "network" || strings.Contains(m.Text, "Failed to load resource") ||
		strings.Contains(m.Text, "net::ERR_INTERNET_DISCONNECTED") ||
		strings.Contains(m.Text, "EventSource's response has a MIME type")
}

func (b *browser) watch(ctx context.Context, name string) {
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			csp := strings.Contains(m.Text, "Content Security Policy")
			if csp || m.IsException() || (m.Type == chromedp.ConsoleError && !expectedNoise(m)) {
				b.mu.Lock()
				b.errs = append(b.errs, fmt.Sprintf("%s: %s (%s:%d)", name, m.String(), m.URL, m.Line+1))
				b.mu.Unlock()
			}
		}
	}()
}

func (b *browser) checkConsole() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errs {
		b.t.Errorf("browser console: %s", e)
	}
}

// ---------------------------------------------------------------- page helpers

const waitTimeout = 15 * time.Second

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v%s", what, err, pageState(ctx))
	}
}

// eval runs a JavaScript expression (awaiting a promise) and decodes its
// value into T.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v%s", expr, err, pageState(ctx))
	}
	return v
}

// waitJS waits until the expression (or the promise it gives) is truthy.
// It polls, tolerating the errors of a page that is navigating, and never
// asserts on how long something took.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	check := fmt.Sprintf(`(async () => !!(await (%s)))()`, expr)
	for {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](check, chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && ok {
			return
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			if err == nil {
				err = errors.New("still false")
			}
			t.Fatalf("waiting for %s (%s): %v%s", what, expr, err, pageState(ctx))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pageState describes the page for a failure message.
func pageState(ctx context.Context) string {
	c, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Evaluate[string](`JSON.stringify({
		url: location.href,
		flash: document.getElementById('flash')?.textContent,
		timer: document.getElementById('timer-state')?.textContent,
		clock: document.getElementById('timer-clock')?.textContent,
		tasks: [...document.querySelectorAll('#task-list .task')].map(li => li.querySelector('.task-title').textContent + ' [' + li.dataset.status + ']'),
		active: document.activeElement?.id || document.activeElement?.tagName,
		main: document.querySelector('main')?.innerText.slice(0, 400),
	})`))
	if err != nil {
		return "\n(page state unavailable: " + err.Error() + ")"
	}
	return "\npage: " + s
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// apiJSON calls the JSON API from inside the page (with its session cookie
// and CSRF token) and returns the status and the decoded body.
func apiJSON(t *testing.T, ctx context.Context, method, path string, body any) (int, map[string]any) {
	t.Helper()
	payload := "undefined"
	if body != nil {
		b, _ := json.Marshal(body)
		payload = js(string(b))
	}
	expr := fmt.Sprintf(`(async () => {
		const res = await fetch(%s, { method: %s, credentials: 'same-origin', body: %s,
			headers: { 'Content-Type': 'application/json', 'Accept': 'application/json',
				'X-CSRF-Token': document.querySelector('meta[name="csrf-token"]').content } });
		const text = await res.text();
		return JSON.stringify({ status: res.status, body: text ? JSON.parse(text) : null });
	})()`, js(path), js(method), payload)
	raw := eval[string](t, ctx, expr)
	var out struct {
		Status int            `json:"status"`
		Body   map[string]any `json:"body"`
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("%s %s: decoding %q: %v", method, path, raw, err)
	}
	return out.Status, out.Body
}

// artifactsDir is where screenshots go.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FOCUSFLOW_TEST_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves a full-page PNG of the tab at the given viewport size.
func screenshot(t *testing.T, ctx context.Context, name string, width, height int64) {
	t.Helper()
	shoot(t, ctx, name, width, height, chromedp.FullScreenshot(100))
}

// screenshotViewport saves what fits in the viewport (for open dialogs).
func screenshotViewport(t *testing.T, ctx context.Context, name string, width, height int64) {
	t.Helper()
	shoot(t, ctx, name, width, height, chromedp.CaptureScreenshot())
}

func shoot(t *testing.T, ctx context.Context, name string, width, height int64, capture chromedp.Action[[]byte]) {
	t.Helper()
	do(t, ctx, "resizing the viewport", chromedp.EmulateViewport(width, height))
	// Let layout and the clock settle on the new size.
	waitJS(t, ctx, "layout at the new width", fmt.Sprintf(`window.innerWidth === %d`, width))
	c, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	png, err := chromedp.Run(c, capture)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(artifactsDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// ---------------------------------------------------------------- app helpers

var userSeq struct {
	sync.Mutex
	n int
}

// signup creates an account through the signup form and lands on the
// dashboard.
func signup(t *testing.T, ctx context.Context, srv *server, prefix string) string {
	t.Helper()
	userSeq.Lock()
	userSeq.n++
	name := fmt.Sprintf("%s%d_%d", prefix, userSeq.n, time.Now().UnixNano()%100000)
	userSeq.Unlock()
	do(t, ctx, "opening the signup page",
		chromedp.Navigate(srv.URL+"/signup"),
		chromedp.WaitVisible(chromedp.ID("username")),
	)
	// app.js fills the hidden time-zone field from the browser.
	waitJS(t, ctx, "the time-zone field", `document.querySelector('[data-fill-timezone]').value !== ''`)
	do(t, ctx, "filling the signup form",
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SendKeys(chromedp.ID("email"), name+"@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery staple"),
	)
	do(t, ctx, "submitting the signup form",
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type=submit]`)),
	)
	waitJS(t, ctx, "the dashboard after signup", `location.pathname === '/dashboard'`)
	waitDashboard(t, ctx)
	return name
}

// waitDashboard waits until the dashboard has drawn the day from the API.
func waitDashboard(t *testing.T, ctx context.Context) {
	t.Helper()
	waitJS(t, ctx, "the dashboard to load its day", `document.getElementById('dashboard')?.dataset.loaded === 'true'`)
}

func reload(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "reloading", chromedp.Evaluate[chromedp.Void](`delete document.getElementById('dashboard')?.dataset.loaded`), chromedp.Reload())
	waitDashboard(t, ctx)
}

// addTask adds a task through the dialog and returns its id.
func addTask(t *testing.T, ctx context.Context, title, start, duration string) string {
	t.Helper()
	do(t, ctx, "opening the add-task dialog",
		chromedp.Click(chromedp.ID("add-task")),
		chromedp.WaitVisible(chromedp.ID("task-dialog")),
	)
	waitJS(t, ctx, "focus in the title field", `document.activeElement === document.getElementById('task-title')`)
	do(t, ctx, "filling the task form", chromedp.SendKeys(chromedp.ID("task-title"), title))
	if start != "" {
		do(t, ctx, "setting the start time", chromedp.SetValue(chromedp.ID("task-start"), start))
	}
	if duration != "" {
		do(t, ctx, "setting the duration", chromedp.SendKeys(chromedp.ID("task-duration"), duration))
	}
	do(t, ctx, "saving the task", chromedp.Click(chromedp.ID("task-save")))
	waitJS(t, ctx, "the dialog to close", `!document.getElementById('task-dialog').open`)
	waitJS(t, ctx, "the task in the schedule "+title, fmt.Sprintf(`%s !== undefined`, taskIDExpr(title)))
	return eval[string](t, ctx, taskIDExpr(title))
}

// taskIDExpr finds a task's id in the schedule by its title.
func taskIDExpr(title string) string {
	return fmt.Sprintf(`[...document.querySelectorAll('#task-list .task')].find(li => li.querySelector('.task-title').textContent === %s)?.dataset.taskId`, js(title))
}

func taskStatus(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`document.getElementById('task-%s')?.dataset.status ?? 'missing'`, id))
}

// clockSeconds reads the timer panel's clock.
func clockSeconds(t *testing.T, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, clockSecondsExpr)
}

const clockSecondsExpr = `(() => { const [h, m, s] = document.getElementById('timer-clock').textContent.split(':').map(Number); return h * 3600 + m * 60 + s; })()`
