// Times, dates and durations as people read them, in the browser's locale
// and time zone. Dates ("YYYY-MM-DD") are read at noon so that no time zone
// moves them to another day.

const pad = (n) => String(n).padStart(2, '0');

export const localTime = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
export const localDateTime = (iso) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

// toLocalInput renders a Date for <input type="datetime-local">, to the
// minute or, with seconds, to the second (for step="1" inputs).
export function toLocalInput(d, seconds = false) {
  const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${s}:${pad(d.getSeconds())}` : s;
}

export function fromLocalInput(v) {
  const d = new Date(v); // "YYYY-MM-DDTHH:MM" is read as local time
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
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
