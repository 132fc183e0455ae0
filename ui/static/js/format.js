// Times, dates and durations as people read them. Clock times are in the
// profile's time zone with the profile's 12/24-hour choice (the page's
// focusflow-clock meta), falling back to the browser's; "auto" leaves the
// hours to the browser's language. Dates ("YYYY-MM-DD") are read at noon so
// that no time zone moves them to another day.

const pad = (n) => String(n).padStart(2, '0');

const clockMeta = document.querySelector('meta[name="focusflow-clock"]');
const hours = clockMeta?.content || 'auto';
const zone = (() => {
  const z = clockMeta?.dataset.zone;
  try { return z ? new Intl.DateTimeFormat('en', { timeZone: z }).resolvedOptions().timeZone : undefined; } catch { return undefined; }
})();

// clockOptions adds the user's zone and hour cycle to Intl options.
function clockOptions(o) {
  const out = { ...o };
  if (zone) out.timeZone = zone;
  if (hours === '12') out.hourCycle = 'h12';
  if (hours === '24') out.hourCycle = 'h23';
  return out;
}

export const localTime = (iso) => new Date(iso).toLocaleTimeString([],
  clockOptions({ hour: hours === '12' ? 'numeric' : '2-digit', minute: '2-digit' }));
export const localDateTime = (iso) => new Date(iso).toLocaleString([], clockOptions({ dateStyle: 'medium', timeStyle: 'short' }));

// wallClock is the date and time an instant shows in the user's zone, as
// numbers; zoneOffset how far that wall clock is ahead of UTC, in ms.
function wallClock(d) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, Number(x.value)]));
  return p;
}
function zoneOffset(ms) {
  const p = wallClock(new Date(ms));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

// localDate is the calendar date (YYYY-MM-DD) an instant falls on in the
// user's zone.
export function localDate(iso) {
  const p = wallClock(new Date(iso));
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

// toLocalInput renders a Date for <input type="datetime-local"> in the
// user's zone, to the minute or, with seconds, to the second.
export function toLocalInput(d, seconds = false) {
  if (!zone) {
    const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return seconds ? `${s}:${pad(d.getSeconds())}` : s;
  }
  const p = wallClock(d);
  const s = `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
  return seconds ? `${s}:${pad(p.second)}` : s;
}

// fromLocalInput reads a datetime-local value as a time in the user's zone.
export function fromLocalInput(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(v || '');
  if (!m) return null;
  if (!zone) {
    const d = new Date(v); // read as the browser's local time
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  const [y, mo, da, h, mi, se] = m.slice(1).map((x) => Number(x || 0));
  const wall = Date.UTC(y, mo - 1, da, h, mi, se);
  let t = wall - zoneOffset(wall);
  t = wall - zoneOffset(t); // across a daylight-saving change
  return new Date(t).toISOString();
}

// showClocks rewrites the server's <time data-clock> texts as this
// browser's language has them when the user chose "auto".
export function showClocks() {
  if (hours !== 'auto') return;
  document.querySelectorAll('time[data-clock]').forEach((el) => {
    el.textContent = new Date(el.dateTime).toLocaleString([], clockOptions({ dateStyle: 'medium', timeStyle: 'short' }));
  });
}

export function weekdayShort(date) {
  return new Date(`${date}T12:00:00`).toLocaleDateString([], { weekday: 'short' });
}
export function weekdayLong(date) {
  return new Date(`${date}T12:00:00`).toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long' });
}
export function shortDate(date) {
  return new Date(`${date}T12:00:00`).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });
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

// compactDuration fits a week bar's label: "25m", "1.5h".
export function compactDuration(ms) {
  const m = Math.floor((ms || 0) / 60000);
  if (m < 60) return `${m}m`;
  const h = m / 60;
  return `${h >= 10 ? Math.round(h) : Math.round(h * 10) / 10}h`;
}

// plannedText is a task's planned slot: "09:00–09:30 (30 min)".
export function plannedText(t) {
  if (!t.start_time && !t.duration_minutes) return '';
  if (t.start_time && t.duration_minutes) {
    const [hh, mm] = t.start_time.split(':').map(Number);
    const end = (hh * 60 + mm + t.duration_minutes) % 1440;
    return `${t.start_time}–${pad(Math.floor(end / 60))}:${pad(end % 60)} (${t.duration_minutes} min)`;
  }
  return t.start_time ? `at ${t.start_time}` : `${t.duration_minutes} min`;
}
