// The focus timer as the page sees it: the server's state plus a local clock
// that ticks between syncs. The server is the only authority; this module
// only extrapolates from its last answer, and every answer replaces it.

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
  // answer is taken as fresh, with the last known offset kept.
  adopt(timer, serverTime) {
    const now = Date.now();
    if (serverTime) {
      const t = Date.parse(serverTime);
      if (!Number.isNaN(t)) this.offset = t - now;
    }
    this.timer = timer || null;
    this.receivedAt = now;
  }

  get state() { return this.timer ? this.timer.state : 'idle'; }
  get taskId() { return this.timer ? this.timer.task_id : null; }
  get version() { return this.timer ? this.timer.version : null; }

  // elapsed is the task's total spent time now, in ms.
  elapsed(now = Date.now()) {
    if (!this.timer) return 0;
    const base = Number(this.timer.elapsed_ms) || 0;
    if (this.timer.state !== 'running') return base;
    return base + Math.max(0, now - this.receivedAt);
  }

  // live is the part of elapsed() that the server has not reported yet.
  live(now = Date.now()) {
    return this.timer && this.timer.state === 'running' ? Math.max(0, now - this.receivedAt) : 0;
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

// formatDuration renders ms for people: "45s", "12m", "1h 05m".
export function formatDuration(ms) {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return s === 0 ? '0m' : `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h ${pad(m % 60)}m`;
}

// spokenDuration is formatDuration in words, for screen readers.
export function spokenDuration(ms) {
  const m = Math.floor(Math.max(0, ms) / 60000);
  const h = Math.floor(m / 60);
  const parts = [];
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m % 60 || !h) parts.push(`${m % 60} minute${m % 60 === 1 ? '' : 's'}`);
  return parts.join(' ');
}
