// The page's view of the server's timer: the last timer the server
// reported, when it was received, and the server's clock offset. The
// server is the only authority; this only extrapolates from its last
// answer, and every answer replaces it.

// counting: the task's time grows (a running focus; a break does not count).
const counting = (t) => !!t && t.state === 'running' && (!t.phase || t.phase === 'focus');

// Clock holds the last timer the server reported and when it was received.
// elapsed() is the server's elapsed_ms advanced by the local time since the
// answer, so that a skewed client clock does not matter: only the local
// clock's rate does, and a re-sync corrects any drift (sleep, lost network).
export class Clock {
  constructor() {
    this.timer = null;
    this.receivedAt = 0; // local ms when timer was received
    this.offset = 0; // server clock minus local clock, ms
  }

  // adopt takes a timer object (or null) from the server. serverTime is the
  // RFC 3339 server_time of the answer when it carries one; otherwise the
  // answer is taken as fresh, with the last known offset kept. A timer
  // older than the one held (a slow answer overtaken by an event) is
  // dropped; adopt reports whether it took the timer.
  adopt(timer, serverTime) {
    if (timer && this.timer && Number(timer.version) < Number(this.timer.version)) return false;
    const now = Date.now();
    if (serverTime) {
      const t = Date.parse(serverTime);
      if (!Number.isNaN(t)) this.offset = t - now;
    }
    this.timer = timer || null;
    this.receivedAt = now;
    return true;
  }

  get state() { return this.timer ? this.timer.state : 'idle'; }
  get taskId() { return this.timer ? this.timer.task_id : null; }
  get version() { return this.timer ? this.timer.version : null; }
  get counting() { return counting(this.timer); }

  // elapsed is the task's total spent time now, in ms.
  elapsed(now = Date.now()) {
    if (!this.timer) return 0;
    return (Number(this.timer.elapsed_ms) || 0) + this.live(now);
  }

  // live is the part of elapsed() that the server has not reported yet.
  live(now = Date.now()) {
    return counting(this.timer) ? Math.max(0, now - this.receivedAt) : 0;
  }

  // serverNow estimates the server's clock.
  serverNow(now = Date.now()) { return now + this.offset; }
}

const pad = (n) => String(n).padStart(2, '0');

// formatClock renders ms as HH:MM:SS.
export function formatClock(ms) {
  const s = Math.floor(Math.max(0, ms) / 1000);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

// isoDuration renders ms as an ISO 8601 duration for <time datetime>.
export function isoDuration(ms) {
  const s = Math.floor(Math.max(0, ms) / 1000);
  return `PT${Math.floor(s / 3600)}H${Math.floor(s / 60) % 60}M${s % 60}S`;
}
