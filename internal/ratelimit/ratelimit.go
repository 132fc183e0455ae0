package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/focusflow/focusflow/internal/config"
	"github.com/redis/go-redis/v9"
)

// Result is the answer to one Allow call, shaped for the RateLimit-* and
// Retry-After response headers.
type Result struct {
	Allowed bool
	Limit   int
	// Remaining is how many more hits would be allowed right now.
	Remaining int
	// Reset is how long until the key has its full quota (Limit hits)
	// again, assuming no further hits: for GCRA this is when the window
	// "resets". It is never less than RetryAfter.
	Reset time.Duration
	// RetryAfter is > 0 exactly when !Allowed: the time after which one more
	// hit will be allowed.
	RetryAfter time.Duration
}

// Limiter decides whether a key may make one more hit.
type Limiter interface {
	// Allow counts one hit for key against `limit` hits per `window` and says whether it is allowed.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (Result, error)
}

// Options configure the Redis backend (and Open).
type Options struct {
	// Logger receives the fallback/recovery transitions. Nil discards them.
	Logger *slog.Logger
	// OnFallback is called once per hit served by the memory fallback (the
	// caller increments a Prometheus counter). It must be cheap and safe for
	// concurrent use.
	OnFallback func()
	// Now drives the memory fallback and the Redis circuit breaker. Nil
	// means time.Now. It does not affect the limits kept in Redis, which
	// always use the Redis server's clock.
	Now func() time.Time
}

// Compile-time checks that both backends satisfy Limiter.
var (
	_ Limiter = (*Memory)(nil)
	_ Limiter = (*Redis)(nil)
)

// Open builds a Limiter from a storage URL:
//
//	memory://                 in-process limits (single instance only)
//	redis://[user:pass@]host:port/db[?opts]   shared limits in Redis, with
//	rediss://…                                an in-memory fallback
//
// The Redis URL is parsed by redis.ParseURL, so its query options work.
// Open does not contact Redis: an unreachable Redis must not stop the app
// from starting; it is detected, logged and bridged on first use instead.
// The returned Closer releases the backend (for Redis: the client Open
// created). Errors never contain the Redis password.
func Open(storageURL string, opts Options) (Limiter, io.Closer, error) {
	scheme, rest, ok := strings.Cut(storageURL, "://")
	if !ok {
		scheme = "" // "memory" or "redis" without "://" is a typo, not a URL
	}
	switch strings.ToLower(scheme) {
	case "memory":
		if rest != "" {
			return nil, nil, fmt.Errorf("ratelimit: storage URL %q: memory:// takes no host, path or options", config.RedactURL(storageURL))
		}
		m := NewMemory(opts.Now)
		return m, closerFunc(func() error { m.Close(); return nil }), nil
	case "redis", "rediss":
		opt, err := redis.ParseURL(storageURL)
		if err != nil {
			return nil, nil, fmt.Errorf("ratelimit: storage URL %s: %w", config.RedactURL(storageURL), sanitizeParseError(err))
		}
		tuneForRateLimiting(opt)
		client := redis.NewClient(opt)
		r := NewRedis(client, opts)
		r.addr = config.RedactURL(storageURL) // more telling in logs than host:port
		return r, closerFunc(func() error { r.mem.Close(); return client.Close() }), nil
	default:
		return nil, nil, fmt.Errorf("ratelimit: unsupported storage URL %q: want memory://, redis:// or rediss://", config.RedactURL(storageURL))
	}
}

// tuneForRateLimiting adjusts client options so that one Allow is one short
// attempt: the limiter has its own retry policy (the circuit breaker) and a
// per-call deadline, and go-redis's default retries and 5 s timeouts would
// otherwise hold requests hostage while Redis is down. Settings given
// explicitly in the URL are kept.
func tuneForRateLimiting(opt *redis.Options) {
	// Without this go-redis ignores our context deadline for socket
	// reads/writes and the connection handshake, and uses ReadTimeout (5 s).
	opt.ContextTimeoutEnabled = true
	if opt.MaxRetries == 0 { // 0 means "default (3)" to go-redis
		opt.MaxRetries = -1
	}
	if opt.DialerRetries == 0 { // 0 means "default (5)" to go-redis
		opt.DialerRetries = 1
	}
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// validate rejects arguments for which "limit per window" means nothing.
// These are programming errors, so they are reported instead of guessed at.
func validate(limit int, window time.Duration) error {
	if limit < 1 {
		return fmt.Errorf("ratelimit: limit must be at least 1, got %d", limit)
	}
	if window <= 0 {
		return fmt.Errorf("ratelimit: window must be positive, got %v", window)
	}
	return nil
}

// ceilDiv returns ⌈a/b⌉ for a >= 0, b > 0.
func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}

// emissionInterval is T = window/limit in nanoseconds, rounded up so the
// sustained rate never exceeds limit per window. It is at least 1.
func emissionInterval(window time.Duration, limit int) int64 {
	return ceilDiv(int64(window), int64(limit))
}

// step is the outcome of one GCRA decision.
type step struct {
	allowed   bool
	tat       int64 // TAT to store (meaningful when store is true)
	store     bool  // whether tat changed and must be written back
	remaining int
	reset     int64
	retry     int64
}

// gcra makes one GCRA decision (see the package doc). All times share one
// unit: now is the current time, tat the stored theoretical arrival time
// (found=false if the key has none), interval the emission interval T.
//
// The Lua script in redis.go mirrors this function line by line; keep them
// in step (TestRedisMatchesMemory compares them).
func gcra(now, tat int64, found bool, interval int64, limit int) step {
	burst := int64(limit-1) * interval // tolerance τ: a burst of `limit` hits
	full := int64(limit) * interval    // TAT-now of a key that used its whole burst
	clamped := false
	switch {
	case !found || tat < now:
		tat = now // idle long enough to have the full quota
	case tat-now > full:
		// Only possible if the clock stepped back or the limit was lowered:
		// cap the debt at one window instead of blocking for the difference.
		tat = now + full
		clamped = true
	}
	diff := tat - now
	if diff > burst {
		return step{tat: tat, store: clamped, reset: diff, retry: diff - burst}
	}
	tat += interval
	diff += interval
	return step{
		allowed:   true,
		tat:       tat,
		store:     true,
		remaining: limit - int(ceilDiv(diff, interval)),
		reset:     diff,
	}
}

// sanitizeParseError drops the part of a URL parse error that repeats the
// raw URL (and so the password): *url.Error quotes its input verbatim.
func sanitizeParseError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}
