package ratelimit

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/config"
	"github.com/focusflow/focusflow/internal/fake"
	"github.com/redis/go-redis/v9"
)

// testRedisURL returns the shared test Redis or skips the test.
func testRedisURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("FOCUSFLOW_TEST_REDIS_URL")
	if u == "" {
		t.Skip("FOCUSFLOW_TEST_REDIS_URL not set: skipping Redis tests")
	}
	return u
}

// newTestClient returns a client configured like Open's, closed at cleanup.
func newTestClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("parse Redis URL %s: %v", config.RedactURL(url), err)
	}
	tuneForRateLimiting(opt)
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// uniqueKeys returns a key prefix no other test (or parallel run) uses and
// deletes that prefix's keys when the test ends.
func uniqueKeys(t testing.TB, c *redis.Client) string {
	t.Helper()
	var b [6]byte
	_, _ = crand.Read(b[:])
	prefix := "test:" + strings.ReplaceAll(t.Name(), "/", "_") + ":" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, keyPrefix+prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return prefix
}

// logBuffer collects slog output from concurrent goroutines.
type logBuffer struct{ fake.Buffer }

func (l *logBuffer) count(level string) int {
	return strings.Count(l.String(), "level="+level+" ")
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, nil))
}

// newAlgorithmTestRedis returns a Redis limiter for tests of the algorithm
// itself: a hit served by the fallback would make them meaningless, so it
// fails the test, and the call timeout is generous so that a slow CI
// machine (-race) does not cause such fallbacks.
func newAlgorithmTestRedis(t testing.TB, client *redis.Client, opts Options) *Redis {
	opts.OnFallback = func() { t.Error("hit served by the memory fallback: Redis failed (see logs)") }
	r := NewRedis(client, opts)
	r.timeout = 5 * time.Second
	return r
}

// TestRedisMatchesMemory drives the Lua script and the Go implementation
// with the same fake clock through a long pseudo-random sequence (several
// keys, limits changing on a key, clock jumps both ways) and requires
// identical answers. The detailed expectations live in the Memory tests;
// this proves the script is the same algorithm.
func TestRedisMatchesMemory(t *testing.T) {
	url := testRedisURL(t)
	client := newTestClient(t, url)
	prefix := uniqueKeys(t, client)

	clock := newFakeClock()
	mem := NewMemory(clock.Now)
	// The clock also jumps back below. Sweeping drops keys whose TAT has
	// passed, which a later backward jump would resurrect in Redis (whose
	// keys expire in real time, i.e. not during this test) but not in
	// memory; so the reference must not sweep.
	mem.sweepEvery = 1 << 62
	logs := &logBuffer{}
	r := newAlgorithmTestRedis(t, client, Options{Now: clock.Now, Logger: logs.logger()})
	r.clientClock = true

	// Intervals of at least 12 minutes keep every key's Redis TTL far
	// longer than the test runs, so real time cannot expire a key that the
	// fake clock still considers live. All values are whole minutes, so
	// nanosecond (memory) and microsecond (Redis) arithmetic agree exactly.
	limits := []int{1, 2, 3, 5}
	windows := []time.Duration{time.Hour, 2 * time.Hour}
	advances := []time.Duration{0, 0, 0, time.Minute, 7 * time.Minute, 20 * time.Minute, 3 * time.Hour, -30 * time.Minute}
	rng := rand.New(rand.NewPCG(1, 2))
	allowed, rejected := 0, 0
	for i := range 400 {
		clock.Advance(advances[rng.IntN(len(advances))])
		key := prefix + string(rune('a'+rng.IntN(3)))
		limit := limits[rng.IntN(len(limits))]
		if rng.IntN(10) > 0 { // mostly a stable limit per key
			limit = limits[int(key[len(key)-1]-'a')]
		}
		window := windows[rng.IntN(len(windows))]

		want := mustAllow(t, mem, key, limit, window)
		got := mustAllow(t, r, key, limit, window)
		if got != want {
			t.Fatalf("step %d (%s, %d per %v): Redis %+v, memory %+v\nlogs:\n%s", i, key, limit, window, got, want, logs)
		}
		if want.Allowed {
			allowed++
		} else {
			rejected++
		}
	}
	// Guard against a sequence that never exercises one of the branches.
	if allowed < 50 || rejected < 50 {
		t.Fatalf("unbalanced sequence: %d allowed, %d rejected", allowed, rejected)
	}
}

// TestRedisServerTime uses the production path (Redis TIME), so exact
// durations are unknown; the window is long enough that the test's own
// run time is negligible against the bounds checked.
func TestRedisServerTime(t *testing.T) {
	url := testRedisURL(t)
	client := newTestClient(t, url)
	prefix := uniqueKeys(t, client)
	r := newAlgorithmTestRedis(t, client, Options{})

	const limit, window = 5, 1000 * time.Hour
	interval := time.Duration(emissionInterval(window, limit))
	key := prefix + "k"
	for i := range limit {
		res := mustAllow(t, r, key, limit, window)
		if !res.Allowed || res.Remaining != limit-1-i {
			t.Fatalf("hit %d: %+v", i+1, res)
		}
		if hi, lo := time.Duration(i+1)*interval, time.Duration(i)*interval; res.Reset > hi || res.Reset <= lo {
			t.Fatalf("hit %d: Reset %v not in (%v, %v]", i+1, res.Reset, lo, hi)
		}
	}
	res := mustAllow(t, r, key, limit, window)
	if res.Allowed || res.Remaining != 0 || res.RetryAfter > interval {
		t.Fatalf("hit %d: %+v, want rejected with 0 < RetryAfter <= %v", limit+1, res, interval)
	}

	ctx := context.Background()
	if n := client.Exists(ctx, keyPrefix+key).Val(); n != 1 {
		t.Fatalf("key %q not found in Redis under prefix %q", key, keyPrefix)
	}
	if ttl := client.PTTL(ctx, keyPrefix+key).Val(); ttl <= 0 || ttl > window {
		t.Fatalf("PTTL = %v, want in (0, %v]: keys must expire on their own", ttl, window)
	}
}

// TestRedisInstancesShareCounts: two limiters with their own clients, as
// two app instances would have, enforce one limit together.
func TestRedisInstancesShareCounts(t *testing.T) {
	url := testRedisURL(t)
	c1, c2 := newTestClient(t, url), newTestClient(t, url)
	prefix := uniqueKeys(t, c1)
	a, b := newAlgorithmTestRedis(t, c1, Options{}), newAlgorithmTestRedis(t, c2, Options{})

	const limit, window = 4, 1000 * time.Hour
	key := prefix + "shared"
	for i, l := range []Limiter{a, b, a, b} {
		res := mustAllow(t, l, key, limit, window)
		if !res.Allowed || res.Remaining != limit-1-i {
			t.Fatalf("hit %d: %+v, want allowed with Remaining %d", i+1, res, limit-1-i)
		}
	}
	for name, l := range map[string]Limiter{"a": a, "b": b} {
		if res := mustAllow(t, l, key, limit, window); res.Allowed {
			t.Fatalf("instance %s allowed hit %d: counts are not shared", name, limit+1)
		}
	}
}

func BenchmarkRedisAllow(b *testing.B) {
	url := testRedisURL(b)
	client := newTestClient(b, url)
	prefix := uniqueKeys(b, client)
	r := newAlgorithmTestRedis(b, client, Options{})
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Allow(ctx, prefix+"k", 1<<30, time.Second); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
