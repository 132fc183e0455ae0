package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is one focusflow process started by the suite.
type server struct {
	cmd  *exec.Cmd
	base string
	addr string
	out  *lockedBuffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit, once done is closed
}

// serverEnv is the environment every server gets: development mode, no
// log file, rate limits out of the way (scenarios that test them set
// their own). The outage scenarios add their query budget.
func (s *suite) serverEnv(dataDir, dbURL string, extra map[string]string) []string {
	env := map[string]string{
		"ENVIRONMENT": "development", "DATA_DIR": dataDir, "LOG_FILE": "", "LOG_LEVEL": "WARNING",
		"DATABASE_URL": dbURL, "SECRET_KEY": s.secret, "DB_CONNECT_TIMEOUT": "30s",
		"SHUTDOWN_TIMEOUT": "5s", "DRAIN_DELAY": "0",
		"RATELIMIT_IP": "1000000/minute", "RATELIMIT_READ": "1000000/minute", "RATELIMIT_WRITE": "1000000/minute",
		"RATELIMIT_LOGIN": "100000/hour", "RATELIMIT_SIGNUP": "100000/hour",
		"PATH": os.Getenv("PATH"), "HOME": s.dir, "TMPDIR": os.TempDir(),
	}
	for _, kv := range s.cfg.serverEnv {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	maps.Copy(env, extra)
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// start runs focusflow serve on a free loopback port against dbURL and
// waits until /health answers 200.
func (s *suite) start(ctx context.Context, dbURL string, extra map[string]string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	return s.startAt(ctx, addr, dbURL, extra)
}

// startAt is start on a given address (a restart keeps the old one).
func (s *suite) startAt(ctx context.Context, addr, dbURL string, extra map[string]string) (*server, error) {
	dataDir, err := os.MkdirTemp(s.dir, "data-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(s.cfg.bin, "serve", "--addr", addr)
	cmd.Dir = dataDir // no .env file from the caller's directory
	cmd.Env = s.serverEnv(dataDir, dbURL, extra)
	sv := &server{cmd: cmd, addr: addr, base: "http://" + addr, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = sv.out, sv.out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", s.cfg.bin, err)
	}
	go func() { sv.err = cmd.Wait(); close(sv.done) }()
	if err := sv.waitHealthy(ctx, 60*time.Second); err != nil {
		sv.kill()
		return nil, fmt.Errorf("%w\n%s", err, sv.out.tail(20))
	}
	return sv, nil
}

// waitHealthy polls /health until it answers 200.
func (sv *server) waitHealthy(ctx context.Context, within time.Duration) error {
	client := newClient(1, 2*time.Second)
	defer closeIdle(client)
	deadline := time.Now().Add(within)
	for {
		resp, err := client.Get(sv.base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-sv.done:
			return fmt.Errorf("focusflow exited before it was healthy: %v", sv.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("focusflow on %s not healthy within %s", sv.addr, within)
		}
	}
}

// stop ends the server with SIGTERM (SIGKILL after 20 s).
func (sv *server) stop() {
	sv.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-sv.done:
	case <-time.After(20 * time.Second):
		sv.kill()
	}
}

// kill ends the server with SIGKILL and waits for it to be gone.
func (sv *server) kill() {
	sv.cmd.Process.Kill()
	<-sv.done
}

// memory reads the process's peak (VmHWM) and current (VmRSS) resident
// set sizes, in bytes.
func (sv *server) memory() (peak, now int64, err error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(sv.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	return parseProcStatus(f)
}

// parseProcStatus finds VmHWM and VmRSS (in kB) in /proc/PID/status.
func parseProcStatus(r io.Reader) (peak, now int64, err error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmHWM" && key != "VmRSS") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %q", key, val)
		}
		if key == "VmHWM" {
			peak = kb << 10
		} else {
			now = kb << 10
		}
	}
	if peak == 0 || now == 0 {
		return 0, 0, errors.New("no VmHWM/VmRSS in /proc/PID/status")
	}
	return peak, now, sc.Err()
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// lockedBuffer collects a process's output for a failure report.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 4<<20 { // keep the recent part only
		rest := b.buf.Bytes()[b.buf.Len()-1<<20:]
		b.buf = *bytes.NewBuffer(slices.Clone(rest))
	}
	return b.buf.Write(p)
}

// tail is the last n lines written.
func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := strings.Split(strings.TrimRight(b.buf.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// serve starts a server for scenario o; nil (and o failed) when it could
// not.
func (s *suite) serve(ctx context.Context, o *outcome, dbURL string, extra map[string]string) *server {
	sv, err := s.start(ctx, dbURL, extra)
	if err != nil {
		o.failf("start focusflow: %v", err)
		return nil
	}
	return sv
}

// finish stops sv and keeps its last lines when o failed.
func (s *suite) finish(o *outcome, sv *server) {
	sv.stop()
	if o.failed() {
		o.logs += sv.out.tail(30)
	}
}
