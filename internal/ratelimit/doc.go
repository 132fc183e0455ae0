// Package ratelimit answers "may this key make one more request?" for
// limits expressed as "N hits per window". There is one interface, Limiter,
// and two backends: Memory (per process) and Redis (shared by every
// instance, falling back to a per-process Memory while Redis is down). Open
// picks one from a storage URL.
//
// # Algorithm: GCRA
//
// Both backends implement the generic cell rate algorithm (GCRA), the
// "virtual scheduling" form of a token bucket. For a limit of N per window
// W, hits are spaced by the emission interval T = W/N (rounded up to the
// backend's clock resolution: 1 ns in memory, 1 µs in Redis), and a burst of
// N back-to-back hits is tolerated. The whole state of a key is one
// timestamp, its theoretical arrival time (TAT): a hit at time t is allowed
// iff TAT - t <= (N-1)·T, and an allowed hit moves TAT to max(TAT, t) + T.
//
// We chose GCRA over the sliding-window counter (previous and current fixed
// windows, the previous one weighted by how much of it still overlaps) because:
//
//   - Its answers are exact and easy to explain: after being rejected the
//     client may retry after exactly RetryAfter, and after Reset it has its
//     full quota again. The sliding-window counter assumes the previous
//     window's hits were spread evenly; with small limits that is badly
//     wrong (with "1 per hour", one hit at the start of an hour blocks the
//     key until the end of the next hour, up to 2W).
//   - Nothing is aligned to wall-clock windows, so there is no boundary at
//     which every key's quota refreshes at once.
//   - The state is a single integer: one map value in memory, one GET/SET
//     of a plain string in Redis, no floating-point estimates.
//
// # Accuracy bound
//
// GCRA is equivalent to a bucket of N tokens refilled at one token per T.
// Hence, in ANY interval of length d, at most N + ⌊d/T⌋ ≈ N + d·N/W hits are
// allowed. That bounds the "window boundary burst": the worst case for an
// interval of one window length is 2N (N saved up by an idle client used at
// once, plus the N that trickle in at the sustained rate during W), and it
// is reached only by a client that was idle for a full window first. A
// fixed-window counter allows 2N within an instant (N just before and N just
// after a boundary); GCRA never allows more than N at once, and the long-run
// rate never exceeds N per W. The sliding-window counter has the same 2N
// worst case for a window-length interval, so it buys no accuracy here. Only
// a sliding log (one timestamp per hit) guarantees at most N in every
// window, at O(N) memory per key, which these limits do not need.
//
// Rejected hits are not counted: a client hammering a closed limit does
// not push its own recovery further out, which keeps RetryAfter truthful.
//
// # Clocks
//
// Memory uses the injected clock, measured as an offset from construction
// so that, with time.Now, the monotonic clock is used and wall-clock steps
// do not disturb it. The Redis script reads the Redis server's TIME, so
// instances with skewed clocks still agree. If a stored TAT lies further in
// the future than a whole window (the clock stepped back, or the limit for
// the key was lowered), it is clamped to one window, so a key is never
// blocked for longer than W by such events.
package ratelimit
