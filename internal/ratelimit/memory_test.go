package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/fake"
)

type fakeClock = fake.Clock

func newFakeClock() *fakeClock { return fake.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) }

func mustAllow(t *testing.T, l Limiter, key string, limit int, window time.Duration) Result {
	t.Helper()
	res, err := l.Allow(context.Background(), key, limit, window)
	if err != nil {
		t.Fatalf("Allow(%q, %d, %v): %v", key, limit, window, err)
	}
	if res.Limit != limit {
		t.Fatalf("Allow(%q): Limit = %d, want %d", key, res.Limit, limit)
	}
	if res.Allowed != (res.RetryAfter == 0) {
		t.Fatalf("Allow(%q): Allowed=%v with RetryAfter=%v; RetryAfter must be >0 exactly when rejected", key, res.Allowed, res.RetryAfter)
	}
	if res.Reset < res.RetryAfter {
		t.Fatalf("Allow(%q): Reset %v < RetryAfter %v", key, res.Reset, res.RetryAfter)
	}
	return res
}

func TestMemoryLimitWindowRetryAndRecovery(t *testing.T) {
	tests := []struct {
		limit  int
		window time.Duration
	}{
		{1, time.Second},
		{1, time.Hour},
		{3, time.Second},
		{5, 15 * time.Minute},
		{10, time.Minute},
		{7, time.Minute}, // window not a multiple of limit: T is rounded up
		{1000, time.Second},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d per %v", tc.limit, tc.window), func(t *testing.T) {
			clock := newFakeClock()
			m := NewMemory(clock.Now)
			defer m.Close()
			interval := time.Duration(emissionInterval(tc.window, tc.limit))

			// A burst of exactly `limit` hits is allowed, counting down Remaining.
			var last Result
			for i := range tc.limit {
				last = mustAllow(t, m, "k", tc.limit, tc.window)
				if !last.Allowed {
					t.Fatalf("hit %d of %d rejected", i+1, tc.limit)
				}
				if want := tc.limit - 1 - i; last.Remaining != want {
					t.Fatalf("hit %d: Remaining = %d, want %d", i+1, last.Remaining, want)
				}
				if want := time.Duration(i+1) * interval; last.Reset != want {
					t.Fatalf("hit %d: Reset = %v, want %v", i+1, last.Reset, want)
				}
			}
			// The full quota comes back after about one window.
			if d := last.Reset - tc.window; d < 0 || d >= time.Duration(tc.limit) {
				t.Fatalf("Reset after the burst = %v, want the window %v (+ <%d ns rounding)", last.Reset, tc.window, tc.limit)
			}

			// The next one is rejected; one slot frees up after T.
			res := mustAllow(t, m, "k", tc.limit, tc.window)
			if res.Allowed || res.Remaining != 0 || res.RetryAfter != interval {
				t.Fatalf("hit %d: got %+v, want rejected, Remaining 0, RetryAfter %v", tc.limit+1, res, interval)
			}
			// Rejected hits are not counted: hammering does not move RetryAfter.
			clock.Advance(res.RetryAfter - time.Nanosecond)
			res = mustAllow(t, m, "k", tc.limit, tc.window)
			if res.Allowed || res.RetryAfter != time.Nanosecond {
				t.Fatalf("just before RetryAfter: got %+v, want rejected with RetryAfter 1ns", res)
			}
			clock.Advance(time.Nanosecond)
			if res = mustAllow(t, m, "k", tc.limit, tc.window); !res.Allowed || res.Remaining != 0 {
				t.Fatalf("at RetryAfter: got %+v, want allowed with Remaining 0", res)
			}
			if res = mustAllow(t, m, "k", tc.limit, tc.window); res.Allowed {
				t.Fatalf("right after using the freed slot: got %+v, want rejected", res)
			}

			// After Reset (≈ one window) the whole quota is back.
			clock.Advance(res.Reset)
			for i := range tc.limit {
				if res = mustAllow(t, m, "k", tc.limit, tc.window); !res.Allowed {
					t.Fatalf("after Reset: hit %d of %d rejected: %+v", i+1, tc.limit, res)
				}
			}
			if res = mustAllow(t, m, "k", tc.limit, tc.window); res.Allowed {
				t.Fatalf("after Reset: hit %d allowed", tc.limit+1)
			}
		})
	}
}

// TestMemoryPartialRecovery checks Remaining/Reset/RetryAfter when the
// quota has partly come back: 10 per 10 s (T = 1 s), burst used, 2.5 s later.
func TestMemoryPartialRecovery(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	const limit, window = 10, 10 * time.Second
	for range limit {
		mustAllow(t, m, "k", limit, window)
	}
	clock.Advance(2500 * time.Millisecond)

	steps := []Result{
		// TAT-now was 7.5 s; 2.5 slots have come back, so two hits fit.
		{Allowed: true, Limit: limit, Remaining: 1, Reset: 8500 * time.Millisecond},
		{Allowed: true, Limit: limit, Remaining: 0, Reset: 9500 * time.Millisecond},
		{Allowed: false, Limit: limit, Remaining: 0, Reset: 9500 * time.Millisecond, RetryAfter: 500 * time.Millisecond},
	}
	for i, want := range steps {
		if got := mustAllow(t, m, "k", limit, window); got != want {
			t.Fatalf("step %d: got %+v, want %+v", i, got, want)
		}
	}
}

func TestMemoryKeysAreIndependent(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	for range 3 {
		mustAllow(t, m, "alice", 3, time.Minute)
	}
	if res := mustAllow(t, m, "alice", 3, time.Minute); res.Allowed {
		t.Fatal("alice's 4th hit allowed")
	}
	for i := range 3 {
		if res := mustAllow(t, m, "bob", 3, time.Minute); !res.Allowed || res.Remaining != 2-i {
			t.Fatalf("bob hit %d: %+v; alice's hits must not count for bob", i+1, res)
		}
	}
}

// TestMemoryClockStepBack checks the clamp: a clock that jumps back an hour
// must not lock a key out for that hour, at most for one window.
func TestMemoryClockStepBack(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	const limit, window = 5, 10 * time.Second // T = 2 s
	mustAllow(t, m, "k", limit, window)
	clock.Advance(-time.Hour)
	res := mustAllow(t, m, "k", limit, window)
	if res.Allowed || res.RetryAfter != 2*time.Second || res.Reset != window {
		t.Fatalf("after the clock stepped back: got %+v, want rejected with RetryAfter 2s, Reset %v", res, window)
	}
	clock.Advance(window)
	if res := mustAllow(t, m, "k", limit, window); !res.Allowed || res.Remaining != limit-1 {
		t.Fatalf("one window after the step: got %+v, want the full quota back", res)
	}
}

func TestMemoryLoweredLimit(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	for range 10 {
		mustAllow(t, m, "k", 10, 10*time.Second)
	}
	// Same key, now 2 per 10 s (T = 5 s): the debt is capped at one window.
	res := mustAllow(t, m, "k", 2, 10*time.Second)
	if res.Allowed || res.RetryAfter != 5*time.Second {
		t.Fatalf("got %+v, want rejected with RetryAfter 5s", res)
	}
}

func TestMemoryInvalidArguments(t *testing.T) {
	m := NewMemory(nil)
	for _, tc := range []struct {
		limit  int
		window time.Duration
	}{{0, time.Second}, {-1, time.Second}, {1, 0}, {1, -time.Second}} {
		if _, err := m.Allow(context.Background(), "k", tc.limit, tc.window); err == nil {
			t.Errorf("Allow(limit=%d, window=%v): no error", tc.limit, tc.window)
		}
	}
}

// TestMemorySweep checks that keys whose quota is full again are dropped,
// and that keys still limited survive the sweep.
func TestMemorySweep(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)

	// One key per shard, to trigger every shard's sweep later.
	perShard := make([]string, numShards)
	found := 0
	for i := 0; found < numShards; i++ {
		k := "touch-" + strconv.Itoa(i)
		if s := m.shardOf(k); perShard[s] == "" {
			perShard[s] = k
			found++
		}
	}

	const n = 5000
	for i := range n {
		mustAllow(t, m, "short-"+strconv.Itoa(i), 5, time.Second)
	}
	mustAllow(t, m, "long", 2, time.Hour) // still limited after the sweep
	if got := m.len(); got != n+1 {
		t.Fatalf("len = %d, want %d", got, n+1)
	}

	// Within the sweep interval nothing is swept, even though the short
	// keys have expired: sweeping is amortised, not per call.
	clock.Advance(2 * time.Second)
	for _, k := range perShard {
		mustAllow(t, m, k, 5, time.Second)
	}
	if got := m.len(); got != n+1+numShards {
		t.Fatalf("before the sweep interval: len = %d, want %d", got, n+1+numShards)
	}

	clock.Advance(m.sweepEvery)
	for _, k := range perShard {
		mustAllow(t, m, k, 5, time.Second)
	}
	if got := m.len(); got != 1+numShards {
		t.Fatalf("after the sweep: len = %d, want %d (the long key and the fresh touch keys)", got, 1+numShards)
	}
	// The surviving key kept its state: one of its two hits is used.
	if res := mustAllow(t, m, "long", 2, time.Hour); !res.Allowed || res.Remaining != 0 {
		t.Fatalf("long key after sweep: %+v, want its second (last) hit", res)
	}
}

// TestMemoryConcurrent hammers a few keys from many goroutines with a
// frozen clock: exactly `limit` hits per key may get through. Run with -race.
func TestMemoryConcurrent(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	const (
		limit      = 500
		keys       = 4
		goroutines = 16
		perG       = 400 // goroutines*perG/keys = 1600 attempts per key
	)
	var allowed [keys]atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perG {
				k := (g + i) % keys
				res, err := m.Allow(context.Background(), "key-"+strconv.Itoa(k), limit, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if res.Allowed {
					allowed[k].Add(1)
				}
			}
		})
	}
	wg.Wait()
	for k := range allowed {
		if got := allowed[k].Load(); got != limit {
			t.Errorf("key-%d: %d allowed, want exactly %d", k, got, limit)
		}
	}
}

func BenchmarkMemoryAllow(b *testing.B) {
	m := NewMemory(nil)
	keys := benchKeys(1024)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := m.Allow(ctx, keys[i&1023], 100, time.Second); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkMemoryAllowParallel(b *testing.B) {
	m := NewMemory(nil)
	keys := benchKeys(1024)
	ctx := context.Background()
	var seq atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		i := int(seq.Add(1)) * 7919 // different goroutines start at different keys
		for pb.Next() {
			if _, err := m.Allow(ctx, keys[i&1023], 100, time.Second); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkMemoryAllowParallelOneKey is the worst case: every goroutine on
// the same key, hence the same shard lock.
func BenchmarkMemoryAllowParallelOneKey(b *testing.B) {
	m := NewMemory(nil)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := m.Allow(ctx, "ip:203.0.113.7", 100, time.Second); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "login:ip:198.51.100." + strconv.Itoa(i)
	}
	return keys
}
