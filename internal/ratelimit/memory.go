package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

const (
	// numShards spreads keys over independent locks so that concurrent
	// requests for different keys rarely contend. A power of two, so the
	// shard is picked with a mask.
	numShards = 64

	// defaultSweepEvery is how often each shard drops keys whose quota is
	// full again. Between sweeps memory holds at most the keys seen in the
	// last window plus this interval.
	defaultSweepEvery = time.Minute
)

// Memory is an in-process Limiter. It is safe for concurrent use. Its
// limits are per process, so several app instances behind a load balancer
// each allow the full limit; use Redis for shared limits.
type Memory struct {
	now        func() time.Time
	epoch      time.Time    // times are kept as offsets from here; see now()
	seed       maphash.Seed // per instance, so keys cannot be chosen to pile into one shard
	sweepEvery time.Duration
	shards     [numShards]shard
}

type shard struct {
	mu sync.Mutex
	// tats maps key → theoretical arrival time in ns since Memory.epoch.
	// A key whose TAT has passed has its full quota, which is exactly the
	// state of an absent key, so such keys can be deleted at any time.
	tats      map[string]int64
	nextSweep int64 // ns since epoch
	// Pad to a cache line (Mutex 8 + map 8 + int64 8 bytes) so that
	// neighbouring shards' locks do not false-share.
	_ [64 - 24]byte
}

// NewMemory returns an empty in-memory limiter. now is the clock (nil means
// time.Now); tests inject a fake one.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	m := &Memory{
		now:        now,
		epoch:      now(),
		seed:       maphash.MakeSeed(),
		sweepEvery: defaultSweepEvery,
	}
	for i := range m.shards {
		m.shards[i].tats = make(map[string]int64)
	}
	return m
}

// Close is a no-op: expired keys are swept lazily by Allow, so there is no
// background goroutine to stop. It exists so that owners can release every
// backend alike. Allow keeps working after Close.
func (m *Memory) Close() {}

// elapsed returns the current time as ns since construction. Using Sub
// rather than UnixNano means that with time.Now the monotonic clock is
// used, so wall-clock steps (NTP, manual changes) do not block or free keys.
func (m *Memory) elapsed() int64 {
	return int64(m.now().Sub(m.epoch))
}

// Allow implements Limiter. It never blocks on anything but a shard lock
// held for a map lookup and store (plus, once per sweep interval per shard,
// a sweep of that shard), and never returns an error for valid arguments.
func (m *Memory) Allow(_ context.Context, key string, limit int, window time.Duration) (Result, error) {
	if err := validate(limit, window); err != nil {
		return Result{}, err
	}
	interval := emissionInterval(window, limit)
	now := m.elapsed()

	s := &m.shards[maphash.String(m.seed, key)&(numShards-1)]
	s.mu.Lock()
	if now >= s.nextSweep {
		s.sweep(now)
		s.nextSweep = now + int64(m.sweepEvery)
	}
	tat, found := s.tats[key]
	st := gcra(now, tat, found, interval, limit)
	if st.store {
		s.tats[key] = st.tat
	}
	s.mu.Unlock()

	return Result{
		Allowed:    st.allowed,
		Limit:      limit,
		Remaining:  st.remaining,
		Reset:      time.Duration(st.reset),
		RetryAfter: time.Duration(st.retry),
	}, nil
}

// sweep deletes keys whose quota is full again. Called with s.mu held.
func (s *shard) sweep(now int64) {
	for k, tat := range s.tats {
		if tat <= now {
			delete(s.tats, k)
		}
	}
}

// len returns the number of keys held; for tests.
func (m *Memory) len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.tats)
		s.mu.Unlock()
	}
	return n
}

// shardOf returns the index of the shard holding key; for tests.
func (m *Memory) shardOf(key string) int {
	return int(maphash.String(m.seed, key) & (numShards - 1))
}
