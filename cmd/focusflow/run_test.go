package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/fake"
	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// testEnv builds an environment from vars; .env in the working directory
// is never read.
func testEnv(vars map[string]string, stdin string) env {
	return env{
		lookup: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		stdin:  strings.NewReader(stdin),
		readFile: func(name string) ([]byte, error) {
			if name == ".env" {
				return nil, fs.ErrNotExist
			}
			return os.ReadFile(name)
		},
	}
}

func runWith(t *testing.T, vars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, testEnv(vars, stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestBadConfigurationExitsTwoWithOneLinePerVariable(t *testing.T) {
	vars := map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": "", "WTF_CSRF_TIME_LIMIT": "abc",
		"SESSION_COOKIE_SAMESITE": "Maybe", "LOG_LEVEL": "LOUD", "RATELIMIT_STORAGE_URL": "ftp://x", "PORT": "70000"}
	code, _, stderr := runWith(t, vars, "", "serve")
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
	}
	for _, v := range []string{"WTF_CSRF_TIME_LIMIT", "SESSION_COOKIE_SAMESITE", "LOG_LEVEL", "RATELIMIT_STORAGE_URL", "PORT"} {
		if n := strings.Count(stderr, v); n != 1 {
			t.Errorf("%s named %d times in:\n%s", v, n, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(vars["DATA_DIR"], "focusflow.db")); err == nil {
		t.Error("a database was created although the configuration was refused")
	}
}

func TestProductionRefusesWeakSecretWithoutPrintingIt(t *testing.T) {
	const weak = "changeme-placeholder"
	vars := map[string]string{"ENVIRONMENT": "production", "SECRET_KEY": weak, "DATA_DIR": t.TempDir(), "LOG_FILE": ""}
	code, stdout, stderr := runWith(t, vars, "", "serve")
	if code != 2 || !strings.Contains(stderr, "SECRET_KEY") || !strings.Contains(stderr, "DATABASE_URL") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stdout+stderr, weak) {
		t.Fatal("the rejected secret was printed")
	}
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := runWith(t, nil, "", "version"); code != 0 || !strings.HasPrefix(out, "focusflow ") {
		t.Fatalf("version: %d %q", code, out)
	}
	for _, cmd := range []string{"serve", "migrate", "backup", "restore", "version", "healthcheck", "user", "session"} {
		if code, out, errOut := runWith(t, nil, "", cmd, "--help"); code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%s --help: exit %d, out %q, err %q", cmd, code, out, errOut)
		}
	}
	if code, _, errOut := runWith(t, nil, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// startServe runs `focusflow serve` in the background and waits for /ping.
func startServe(t *testing.T, vars map[string]string) (base string, stop func() int) {
	t.Helper()
	base, stop, _ = startServeOn(t, testEnv(vars, ""))
	return base, stop
}

// startServeOn is startServe in a given environment; out is what the
// server wrote to stdout and stderr.
func startServeOn(t *testing.T, e env) (base string, stop func() int, out *syncBuffer) {
	t.Helper()
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	out = &syncBuffer{}
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:" + port}, e, out, out)
	}()
	base = "http://127.0.0.1:" + port
	for i := 0; ; i++ {
		res, err := http.Get(base + "/ping")
		if err == nil {
			res.Body.Close()
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before answering:\n%s", code, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if i > 1500 {
			t.Fatalf("serve did not answer /ping:\n%s", out.String())
		}
	}
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			code = <-done
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return base, stop, out
}

func TestFirstRunLineOnATerminalOnly(t *testing.T) {
	const line = "FocusFlow is running at "
	e := testEnv(map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": ""}, "")
	base, stop, out := startServeOn(t, e)
	stop()
	if strings.Contains(out.String(), line) {
		t.Fatalf("not a terminal, yet:\n%s", out.String())
	}

	e = testEnv(map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": ""}, "")
	e.terminal = func(any) bool { return true }
	base, stop, out = startServeOn(t, e)
	stop()
	want := line + base + "\n"
	if n := strings.Count(out.String(), want); n != 1 {
		t.Fatalf("%q printed %d times, want once:\n%s", want, n, out.String())
	}
}

type syncBuffer = fake.Buffer

func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeAnswersAndShutsDownCleanly(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"DATA_DIR": dir, "LOG_FILE": filepath.Join(dir, "logs", "focusflow.log")}
	base, stop := startServe(t, vars)
	if code, body := getStatus(t, base+"/ping"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("/ping: %d %s", code, body)
	}
	if code, body := getStatus(t, base+"/health"); code != 200 || !strings.Contains(body, `"healthy"`) {
		t.Fatalf("/health: %d %s", code, body)
	}
	if code, _ := getStatus(t, base+"/"); code != 200 {
		t.Fatalf("landing page: %d", code)
	}
	// The development secret is kept in DATA_DIR, readable by us only.
	if fi, err := os.Stat(filepath.Join(dir, "secret_key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret_key file: %v %v", fi, err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d after shutdown, want 0", code)
	}
	logData, err := os.ReadFile(vars["LOG_FILE"])
	if err != nil || !strings.Contains(string(logData), `"msg":"stopped"`) {
		t.Fatalf("log file: %v\n%s", err, logData)
	}
	if _, err := http.Get(base + "/ping"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

func TestHealthcheckCommand(t *testing.T) {
	base, _ := startServe(t, map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": ""})
	if code, out, errOut := runWith(t, nil, "", "healthcheck", "--url", base+"/health"); code != 0 || !strings.Contains(out, "healthy") {
		t.Fatalf("healthcheck: %d %q %q", code, out, errOut)
	}
	if code, _, _ := runWith(t, nil, "", "healthcheck", "--url", "http://127.0.0.1:"+freePort(t)+"/health"); code != 1 {
		t.Fatalf("healthcheck of nothing: exit %d, want 1", code)
	}
}

func TestUserAndSessionCommands(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			vars := map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": ""}
			if opts := e.Options(t); opts.URL != "" {
				vars["DATABASE_URL"] = opts.URL
			}
			const pw = "placeholder horse battery"
			// Admin commands leave the schema to migrate (or serve).
			if code, _, errOut := runWith(t, vars, "", "migrate"); code != 0 {
				t.Fatalf("migrate: %d %q", code, errOut)
			}
			if code, out, errOut := runWith(t, vars, pw+"\n", "user", "create", "admin-test", "admin@example.test", "--timezone", "Europe/Berlin"); code != 0 {
				t.Fatalf("create: %d %q %q", code, out, errOut)
			}
			if code, _, errOut := runWith(t, vars, "password\n", "user", "create", "weak", "weak@example.test"); code != 1 || !strings.Contains(errOut, "common") {
				t.Fatalf("weak password accepted: %d %q", code, errOut)
			}
			if code, _, errOut := runWith(t, vars, pw+"\n", "user", "create", "admin-test", "other@example.test"); code != 1 || !strings.Contains(errOut, "cannot be used") {
				t.Fatalf("duplicate accepted: %d %q", code, errOut)
			}
			code, out, _ := runWith(t, vars, "", "user", "list")
			if code != 0 || !strings.Contains(out, "admin-test") || !strings.Contains(out, "active") || !strings.Contains(out, "1 users") {
				t.Fatalf("list: %d\n%s", code, out)
			}
			if code, out, _ := runWith(t, vars, "", "user", "lock", "admin-test"); code != 0 || !strings.Contains(out, "locked") {
				t.Fatalf("lock: %d %q", code, out)
			}
			if _, out, _ := runWith(t, vars, "", "user", "list"); !strings.Contains(out, "locked by admin") {
				t.Fatalf("list after lock:\n%s", out)
			}
			runWith(t, vars, "", "user", "unlock", "admin-test")
			if code, out, _ := runWith(t, vars, "another placeholder phrase\n", "user", "set-password", "admin-test"); code != 0 || !strings.Contains(out, "changed") {
				t.Fatalf("set-password: %d %q", code, out)
			}
			code, out, _ = runWith(t, vars, "", "user", "events", "admin-test")
			if code != 0 || !strings.Contains(out, "account_locked") || !strings.Contains(out, "password_change") {
				t.Fatalf("events: %d\n%s", code, out)
			}
			if code, out, _ := runWith(t, vars, "", "session", "revoke", "--all"); code != 0 || !strings.Contains(out, "sessions revoked") {
				t.Fatalf("session revoke --all: %d %q", code, out)
			}
			if code, _, _ := runWith(t, vars, "", "session", "revoke"); code != 2 {
				t.Fatalf("session revoke without a target: exit %d", code)
			}
			if code, _, errOut := runWith(t, vars, "", "user", "delete", "admin-test"); code != 1 || !strings.Contains(errOut, "--yes") {
				t.Fatalf("delete without confirmation: %d %q", code, errOut)
			}
			if code, _, _ := runWith(t, vars, "", "user", "delete", "admin-test", "--yes"); code != 0 {
				t.Fatalf("delete: %d", code)
			}
			if _, out, _ := runWith(t, vars, "", "user", "list"); !strings.Contains(out, "0 users") {
				t.Fatalf("list after delete:\n%s", out)
			}
			if code, _, errOut := runWith(t, vars, "", "user", "events", "nobody"); code != 1 || !strings.Contains(errOut, "no user") {
				t.Fatalf("unknown user: %d %q", code, errOut)
			}
		})
	}
}

// Control and bidi characters from the database are printed escaped.
func TestShownEscapesWhatCouldRewriteTheTerminal(t *testing.T) {
	for in, want := range map[string]string{
		"ann":                     "ann",
		"evil\u202egpj.exe":       `evil\u202egpj.exe`,
		"clear\x1b[2Jscreen":      `clear\u001b[2Jscreen`,
		"zoë":                     "zoë",
		"tab\there":               `tab\u0009here`,
		string([]byte{'a', 0xff}): `a\ufffd`,
	} {
		if got := shown(in); got != want {
			t.Errorf("shown(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogDurationsAreReadable(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: readableDurations}))
	logger.Info("x", "down_for", 1500*time.Millisecond, "count", 3)
	if got := buf.String(); !strings.Contains(got, `"down_for":"1.5s"`) || !strings.Contains(got, `"count":3`) {
		t.Errorf("log line %s", got)
	}
}
