package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// keyPrefix namespaces our keys in a Redis that may be shared.
	keyPrefix = "focusflow:rl:"

	// defaultCallTimeout bounds one Allow's Redis round trip. A rate limit
	// check sits in front of every request; when Redis is slow it is better
	// to answer from memory than to make the user wait.
	defaultCallTimeout = 100 * time.Millisecond

	// defaultRetryEvery is how long the circuit breaker stays open: while
	// Redis is down we stop paying a failed round trip (up to the call
	// timeout) on every request and try again at most this often.
	defaultRetryEvery = 2 * time.Second
)

// gcraLua is gcra() from ratelimit.go as a Redis script, so a decision is one
// atomic round trip. Times are in microseconds.
//
//	KEYS[1]  the limiter key
//	ARGV[1]  emission interval T
//	ARGV[2]  limit
//	ARGV[3]  optional current time; only tests pass it, normally the
//	         script reads the server clock so that all instances agree
//
// Returns {allowed (0/1), remaining, reset, retry_after}.
//
// The TAT is written with string.format('%.0f') because Redis would render
// a Lua number as "1.7e+15" and lose precision. The key expires when its
// TAT passes: from then on it is indistinguishable from an absent key.
const gcraLua = `
if redis.replicate_commands then redis.replicate_commands() end -- Redis < 5: allow writes after TIME
local interval = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now
if ARGV[3] then
  now = tonumber(ARGV[3])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local burst = (limit - 1) * interval
local full = limit * interval
local stored = tonumber(redis.call('GET', KEYS[1]) or '')
local tat = stored
local clamped = false
if stored == nil or stored < now then
  tat = now
elseif stored - now > full then
  tat = now + full
  clamped = true
end
local diff = tat - now
if diff > burst then
  if clamped then
    redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil(diff / 1000))
  end
  return {0, 0, diff, diff - burst}
end
tat = tat + interval
diff = diff + interval
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil(diff / 1000))
return {1, limit - math.ceil(diff / interval), diff, 0}
`

// Redis is a Limiter whose counts live in Redis and are therefore shared by
// all app instances. When Redis fails or is slow it answers from an
// in-memory Limiter instead and never returns an error for valid
// arguments. During an outage limits are therefore per instance and
// counted from zero, and hits served from memory are not added to Redis
// when it comes back: availability over precision, for a few seconds.
type Redis struct {
	client     redis.UniversalClient
	script     *redis.Script
	mem        *Memory // the fallback
	log        *slog.Logger
	onFallback func()
	now        func() time.Time
	epoch      time.Time // breaker times are offsets from here (monotonic with time.Now)
	addr       string    // redacted; for logs
	secret     string    // the Redis password, scrubbed from logged errors

	timeout    time.Duration
	retryEvery time.Duration

	// downUntil is the circuit breaker: 0 while Redis is healthy; otherwise
	// the time (ns since epoch) before which Redis is not tried again.
	// A single atomic keeps the healthy path free of locks.
	downUntil atomic.Int64
	downSince atomic.Int64 // for the recovery log line

	// clientClock makes the script use r.now instead of the server's TIME.
	// Only tests set it, to drive Redis and Memory with the same fake clock.
	clientClock bool
}

// NewRedis returns a Limiter backed by client. The caller keeps ownership
// of client. For the per-call timeout to bound the whole call (connection
// handshake and socket I/O included) the client must be created with
// ContextTimeoutEnabled; Open does that.
func NewRedis(client redis.UniversalClient, opts Options) *Redis {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	r := &Redis{
		client:     client,
		script:     redis.NewScript(gcraLua),
		mem:        NewMemory(now),
		log:        logger,
		onFallback: opts.OnFallback,
		now:        now,
		epoch:      now(),
		timeout:    defaultCallTimeout,
		retryEvery: defaultRetryEvery,
	}
	switch c := client.(type) {
	case *redis.Client:
		o := c.Options()
		r.addr, r.secret = o.Addr, o.Password
		if !o.ContextTimeoutEnabled {
			logger.Warn("ratelimit: Redis client has ContextTimeoutEnabled=false; a hung Redis can delay requests beyond the limiter's timeout",
				"redis", r.addr, "timeout", r.timeout)
		}
	case *redis.ClusterClient:
		o := c.Options()
		r.addr, r.secret = strings.Join(o.Addrs, ","), o.Password
	}
	return r
}

// Allow implements Limiter. It makes at most one Redis round trip, bounded
// by a short timeout, and falls back to memory if that fails.
func (r *Redis) Allow(ctx context.Context, key string, limit int, window time.Duration) (Result, error) {
	if err := validate(limit, window); err != nil {
		return Result{}, err
	}

	probe := false
	if until := r.downUntil.Load(); until != 0 {
		now := r.elapsed()
		// Half-open: once the pause is over exactly one caller (the CAS
		// winner) probes Redis; everybody else keeps using memory until it
		// reports back, so a dead Redis is tried once per retryEvery, not
		// once per concurrent request.
		if now < until || !r.downUntil.CompareAndSwap(until, now+int64(r.retryEvery)) {
			return r.fallback(ctx, key, limit, window)
		}
		probe = true
	}

	res, err := r.allowRedis(ctx, key, limit, window)
	if err != nil {
		r.markDown(err)
		return r.fallback(ctx, key, limit, window)
	}
	// Only a probe closes the breaker: a request that was already in flight
	// when Redis failed must not reopen the floodgates, or a flapping Redis
	// would produce a WARN/INFO pair per request instead of per retryEvery.
	if probe {
		r.markUp()
	}
	return res, nil
}

func (r *Redis) allowRedis(ctx context.Context, key string, limit int, window time.Duration) (Result, error) {
	interval := ceilDiv(emissionInterval(window, limit), int64(time.Microsecond)) // ns → µs, rounded up
	args := []any{interval, limit}
	if r.clientClock {
		args = append(args, r.now().UnixMicro())
	}
	// WithoutCancel: the hit happened even if the client has gone away
	// meanwhile, and a cancelled request must not count as a Redis failure.
	// The timeout still bounds the call.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
	defer cancel()
	v, err := r.script.Run(ctx, r.client, []string{keyPrefix + key}, args...).Int64Slice()
	if err != nil {
		return Result{}, err
	}
	if len(v) != 4 {
		return Result{}, fmt.Errorf("ratelimit: unexpected script reply %v", v)
	}
	return Result{
		Allowed:    v[0] == 1,
		Limit:      limit,
		Remaining:  int(v[1]),
		Reset:      time.Duration(v[2]) * time.Microsecond,
		RetryAfter: time.Duration(v[3]) * time.Microsecond,
	}, nil
}

func (r *Redis) fallback(ctx context.Context, key string, limit int, window time.Duration) (Result, error) {
	if r.onFallback != nil {
		r.onFallback()
	}
	return r.mem.Allow(ctx, key, limit, window)
}

// markDown opens the breaker and logs if it was closed, so an outage is
// logged once, not once per request.
func (r *Redis) markDown(err error) {
	now := r.elapsed()
	until := now + int64(r.retryEvery)
	if until == 0 { // 0 means "closed"; only a clock far behind epoch gets here
		until = 1
	}
	if r.downUntil.Swap(until) == 0 {
		r.downSince.Store(now)
		r.log.Warn("ratelimit: Redis unavailable, using per-instance in-memory limits until it recovers",
			"redis", r.addr, "err", r.redact(err.Error()), "retry_every", r.retryEvery)
	}
}

// markUp closes the breaker and logs the recovery once.
func (r *Redis) markUp() {
	if r.downUntil.Swap(0) != 0 {
		r.log.Info("ratelimit: Redis reachable again, limits are shared again",
			"redis", r.addr, "down_for", time.Duration(r.elapsed()-r.downSince.Load()))
	}
}

// elapsed is the breaker's clock: ns since construction.
func (r *Redis) elapsed() int64 {
	return int64(r.now().Sub(r.epoch))
}

// redact scrubs the password from an error text. go-redis errors do not
// normally contain it, but this is cheap insurance for the logs.
func (r *Redis) redact(s string) string {
	if r.secret == "" {
		return s
	}
	return strings.ReplaceAll(s, r.secret, "xxxxx")
}
