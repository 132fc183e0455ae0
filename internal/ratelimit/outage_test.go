package ratelimit

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/config"
	"github.com/redis/go-redis/v9"
)

const redisServerBin = "/usr/bin/redis-server"

// commandHook counts the commands a client tries to send and checks that
// each one carries a deadline no longer than the limiter's timeout: that is
// what keeps a hung Redis from holding requests.
type commandHook struct {
	t       *testing.T
	timeout time.Duration
	calls   atomic.Int64
}

func (h *commandHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *commandHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.calls.Add(1)
		if dl, ok := ctx.Deadline(); !ok {
			h.t.Errorf("%s sent without a deadline", cmd.Name())
		} else if left := time.Until(dl); left > h.timeout {
			h.t.Errorf("%s sent with %v left, more than the %v timeout", cmd.Name(), left, h.timeout)
		}
		return next(ctx, cmd)
	}
}

func (h *commandHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// freeLoopbackPort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomPassword(t *testing.T) string {
	var b [12]byte
	if _, err := crand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("pw-%x", b)
}

// openWithHook opens storageURL like production code and installs a
// commandHook on the client Open created.
func openWithHook(t *testing.T, storageURL string, opts Options) (*Redis, *commandHook) {
	t.Helper()
	l, closer, err := Open(storageURL, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = closer.Close() })
	r, ok := l.(*Redis)
	if !ok {
		t.Fatalf("Open(%s) returned %T, want *Redis", config.RedactURL(storageURL), l)
	}
	h := &commandHook{t: t, timeout: r.timeout}
	r.client.AddHook(h)
	return r, h
}

// TestRedisUnreachableFallsBack needs no Redis: it points the limiter at a
// loopback port nobody listens on.
func TestRedisUnreachableFallsBack(t *testing.T) {
	clock := newFakeClock()
	logs := &logBuffer{}
	var fallbacks atomic.Int64
	password := randomPassword(t)
	url := fmt.Sprintf("redis://:%s@127.0.0.1:%d/0", password, freeLoopbackPort(t))
	r, hook := openWithHook(t, url, Options{
		Logger:     logs.logger(),
		OnFallback: func() { fallbacks.Add(1) },
		Now:        clock.Now,
	})

	// The fallback still limits: 3 allowed, then rejected; no errors.
	for i := range 10 {
		res, err := r.Allow(context.Background(), "k", 3, time.Minute)
		if err != nil {
			t.Fatalf("hit %d: error %v; an unreachable Redis must not fail requests", i+1, err)
		}
		if res.Allowed != (i < 3) {
			t.Fatalf("hit %d: Allowed = %v, want %v", i+1, res.Allowed, i < 3)
		}
	}
	if n := fallbacks.Load(); n != 10 {
		t.Fatalf("OnFallback called %d times, want 10 (once per hit)", n)
	}
	// The breaker opened after the first failure: one attempt, not ten.
	if n := hook.calls.Load(); n != 1 {
		t.Fatalf("%d Redis commands attempted, want 1", n)
	}

	clock.Advance(r.retryEvery - time.Nanosecond)
	mustAllow(t, r, "k", 3, time.Minute)
	if n := hook.calls.Load(); n != 1 {
		t.Fatalf("Redis retried before retryEvery: %d attempts", n)
	}
	clock.Advance(time.Nanosecond)
	mustAllow(t, r, "k", 3, time.Minute)
	mustAllow(t, r, "k", 3, time.Minute)
	if n := hook.calls.Load(); n != 2 {
		t.Fatalf("after retryEvery: %d attempts, want exactly 2 (one probe)", n)
	}

	if n := logs.count("WARN"); n != 1 {
		t.Fatalf("%d WARN lines, want exactly 1 for the outage:\n%s", n, logs)
	}
	if n := logs.count("INFO"); n != 0 {
		t.Fatalf("recovery logged while Redis is still down:\n%s", logs)
	}
	if out := logs.String(); strings.Contains(out, password) || !strings.Contains(out, "xxxxx") {
		t.Fatalf("log must show the redacted URL and never the password:\n%s", out)
	}
}

// redisProcess is a private redis-server that the test may kill: the shared
// Redis on 6379 must never be touched.
type redisProcess struct {
	t        *testing.T
	port     int
	password string
	dir      string
	cmd      *exec.Cmd
}

func (p *redisProcess) start() {
	p.t.Helper()
	p.cmd = exec.Command(redisServerBin,
		"--port", strconv.Itoa(p.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", p.dir,
		"--requirepass", p.password)
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("start redis-server: %v", err)
	}
	// Wait until it answers; a deadline only on the waiting, not an assertion on speed.
	c := redis.NewClient(&redis.Options{Addr: p.addr(), Password: p.password, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			p.t.Fatalf("redis-server on %s did not become ready", p.addr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *redisProcess) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill() // SIGKILL: an abrupt outage, no goodbye to clients
	_ = p.cmd.Wait()
	p.cmd = nil
}

func (p *redisProcess) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)) }

// TestRedisOutageAndRecovery runs its own redis-server, kills it while the
// limiter is in use, restarts it on the same port, and checks that the
// limiter keeps answering from memory meanwhile and goes back to Redis.
func TestRedisOutageAndRecovery(t *testing.T) {
	if _, err := os.Stat(redisServerBin); err != nil {
		t.Skipf("%s not available (%v): skipping the outage test", redisServerBin, err)
	}
	srv := &redisProcess{t: t, port: freeLoopbackPort(t), password: randomPassword(t), dir: t.TempDir()}
	srv.start()
	t.Cleanup(srv.kill)

	clock := newFakeClock()
	logs := &logBuffer{}
	var fallbacks atomic.Int64
	url := fmt.Sprintf("redis://:%s@%s/0", srv.password, srv.addr())
	r, hook := openWithHook(t, url, Options{
		Logger:     logs.logger(),
		OnFallback: func() { fallbacks.Add(1) },
		Now:        clock.Now,
	})
	admin := redis.NewClient(&redis.Options{Addr: srv.addr(), Password: srv.password, MaxRetries: -1})
	t.Cleanup(func() { _ = admin.Close() })
	ctx := context.Background()
	const limit, window = 3, 1000 * time.Hour

	// 1. Redis up: the limit is kept in Redis.
	for i := range limit {
		if res := mustAllow(t, r, "before", limit, window); !res.Allowed {
			t.Fatalf("hit %d rejected", i+1)
		}
	}
	if res := mustAllow(t, r, "before", limit, window); res.Allowed {
		t.Fatal("hit 4 allowed with Redis up")
	}
	if fallbacks.Load() != 0 {
		t.Fatal("fallback used while Redis is up")
	}
	if admin.Exists(ctx, keyPrefix+"before").Val() != 1 {
		t.Fatal("count not stored in Redis")
	}

	// 2. Redis killed: answers keep coming, from memory, still limited.
	srv.kill()
	for i := range limit + 1 {
		res, err := r.Allow(ctx, "during", limit, window)
		if err != nil {
			t.Fatalf("hit %d during outage: %v", i+1, err)
		}
		if res.Allowed != (i < limit) {
			t.Fatalf("hit %d during outage: Allowed = %v, want %v", i+1, res.Allowed, i < limit)
		}
	}
	if n := fallbacks.Load(); n != limit+1 {
		t.Fatalf("OnFallback called %d times, want %d", n, limit+1)
	}
	callsWhileOpen := hook.calls.Load()
	mustAllow(t, r, "during", limit, window)
	if hook.calls.Load() != callsWhileOpen {
		t.Fatal("Redis tried again while the breaker is open")
	}

	// 3. Redis back on the same port: within a few retry intervals the
	// limiter uses it again by itself. The first probes may still fail
	// (pooled connections to the dead server), hence the loop; its real-time
	// deadline only bounds the waiting.
	srv.start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		clock.Advance(r.retryEvery)
		before := fallbacks.Load()
		mustAllow(t, r, "after", limit, window)
		if fallbacks.Load() == before {
			break // served by Redis
		}
		if time.Now().After(deadline) {
			t.Fatalf("limiter did not go back to Redis; logs:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if admin.Exists(ctx, keyPrefix+"after").Val() != 1 {
		t.Fatal("after recovery the count is not in Redis")
	}
	// And it stays on Redis: the next hits are counted there too.
	before := fallbacks.Load()
	if res := mustAllow(t, r, "after", limit, window); !res.Allowed || res.Remaining != limit-2 {
		t.Fatalf("second hit after recovery: %+v, want allowed with Remaining %d", res, limit-2)
	}
	if fallbacks.Load() != before {
		t.Fatal("fallback used after recovery")
	}

	if n := logs.count("WARN"); n != 1 {
		t.Fatalf("%d WARN lines, want 1 for the whole outage:\n%s", n, logs)
	}
	if n := logs.count("INFO"); n != 1 {
		t.Fatalf("%d INFO lines, want 1 for the recovery:\n%s", n, logs)
	}
	if strings.Contains(logs.String(), srv.password) {
		t.Fatalf("password leaked into the logs:\n%s", logs)
	}
	t.Logf("limiter logs:\n%s", logs)
}

// faultHook injects failures and delays into a client's commands, one plan
// entry per command in order; commands beyond the plan pass untouched.
type faultHook struct {
	mu   sync.Mutex
	plan []func() error
}

func (h *faultHook) then(f func() error) {
	h.mu.Lock()
	h.plan = append(h.plan, f)
	h.mu.Unlock()
}

func (h *faultHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *faultHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.mu.Lock()
		var f func() error
		if len(h.plan) > 0 {
			f, h.plan = h.plan[0], h.plan[1:]
		}
		h.mu.Unlock()
		if f != nil {
			if err := f(); err != nil {
				cmd.SetErr(err)
				return err
			}
		}
		return next(ctx, cmd)
	}
}

func (h *faultHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestRedisInFlightSuccessKeepsBreakerOpen: a request that was already on
// its way to Redis when another one failed must not close the breaker when
// it succeeds; only the probe after retryEvery may. Otherwise a flapping
// Redis would log a WARN/INFO pair per request.
func TestRedisInFlightSuccessKeepsBreakerOpen(t *testing.T) {
	url := testRedisURL(t)
	client := newTestClient(t, url)
	prefix := uniqueKeys(t, client)
	clock := newFakeClock()
	logs := &logBuffer{}
	var fallbacks atomic.Int64
	r := NewRedis(client, Options{Logger: logs.logger(), OnFallback: func() { fallbacks.Add(1) }, Now: clock.Now})
	r.timeout = 5 * time.Second // the held command must not time out
	hook := &faultHook{}
	client.AddHook(hook)
	const limit, window = 100, time.Hour
	key := prefix + "k"
	mustAllow(t, r, key, limit, window) // loads the script, so each Allow is one command from here on

	entered, release := make(chan struct{}), make(chan struct{})
	hook.then(func() error { close(entered); <-release; return nil })
	hook.then(func() error { return errors.New("injected failure") })

	inFlight := make(chan Result)
	go func() {
		res, _ := r.Allow(context.Background(), key, limit, window)
		inFlight <- res
	}()
	<-entered
	mustAllow(t, r, key, limit, window) // fails → breaker opens, served from memory
	if fallbacks.Load() != 1 || logs.count("WARN") != 1 {
		t.Fatalf("after the injected failure: %d fallbacks, logs:\n%s", fallbacks.Load(), logs)
	}
	close(release)
	if res := <-inFlight; res.Remaining != limit-2 {
		t.Fatalf("in-flight request: %+v, want it answered by Redis (Remaining %d)", res, limit-2)
	}

	mustAllow(t, r, key, limit, window)
	if fallbacks.Load() != 2 {
		t.Fatal("an in-flight success closed the breaker before retryEvery")
	}
	if logs.count("INFO") != 0 {
		t.Fatalf("recovery logged by a non-probe:\n%s", logs)
	}

	clock.Advance(r.retryEvery)
	if res := mustAllow(t, r, key, limit, window); res.Remaining != limit-3 || fallbacks.Load() != 2 {
		t.Fatalf("probe after retryEvery: %+v, %d fallbacks; want it served by Redis", res, fallbacks.Load())
	}
	if logs.count("WARN") != 1 || logs.count("INFO") != 1 {
		t.Fatalf("want exactly one WARN and one INFO:\n%s", logs)
	}
}
