// The day shown: what the server last said about it, fetched from
// GET /api/v1/days/{date} and kept in step, and the progress, streak and
// week drawn from it. The server owns every fact; the page renders its last
// answer and re-syncs on load, on focus, when the tab becomes visible, when
// the network returns, on the live events that concern it (sync.js) and,
// while no event stream is live, every 30 seconds.

import { api, flash, signedOut } from './api.js';
import { $, h } from './dom.js';
import { liveState } from './live.js';
import { compactDuration, formatDuration, spokenDuration, weekdayLong, weekdayShort } from './format.js';

export const root = document.getElementById('dashboard');

const SYNC_EVERY_MS = 30_000;

export const S = {
  date: root?.dataset.date,
  today: root?.dataset.today,
  goalMs: Number(root?.dataset.goalMinutes || 0) * 60000,
  tasks: [],
  byId: new Map(),
  notes: [],
  note: null, // the day's free text
  activity: [], // the latest lines, newest first
  activityNext: null, // where older lines continue (null: there are none)
  progress: null,
  streak: 0,
  week: [],
  clock: null,
  me: null, // the user's session plan and signals (GET /api/v1/me)
  loaded: false,
  epoch: 0, // bumped by every change this page makes; stale reads are dropped
  timerBusy: false,
  taskSig: '',
};

export const idKey = (id) => String(id);
export const taskOf = (id) => (id === null || id === undefined ? undefined : S.byId.get(idKey(id)));

// sortTasks is the user's order of the day (the server's position; a new
// task takes the place its start time implies).
export function sortTasks(tasks) {
  return [...tasks].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || Number(a.id) - Number(b.id));
}

// sendChange sends a change to the day and flashes how it went: done on
// success, failed followed by the server's reason otherwise. It bumps the
// epoch so that a read which raced the change is dropped.
export async function sendChange(method, url, body, done, failed) {
  S.epoch++;
  try {
    await api(method, url, body);
    flash(done);
  } catch (e) {
    if (!signedOut(e)) flash(`${failed}: ${e.message}`, 'error');
  }
}

// ---------------------------------------------------------------- loading

const views = [];
let inflight = null;
let again = false;
let failures = 0;
let retryTimer = 0;
let reading = null; // aborts the read under way
const READ_TIMEOUT_MS = 20_000;

// drawDayWith sets the functions that draw the day, in the order they run
// after every answer; each reads S.
export function drawDayWith(...draw) {
  views.push(...draw);
}

// loadDay fetches the whole day and renders it. Calls while one is in flight
// coalesce into one more fetch afterwards; an answer that raced a change this
// page made is dropped and fetched again.
export function loadDay() {
  if (inflight) { again = true; return inflight; }
  inflight = (async () => {
    try {
      await fetchDay();
    } finally {
      inflight = null;
      if (again) { again = false; loadDay(); }
    }
  })();
  return inflight;
}

// reloadDay reads the day again at once, dropping a read under way: one
// that began before the page was frozen or slept may never end.
export function reloadDay() {
  if (inflight) { again = true; reading?.abort('restart'); return inflight; }
  return loadDay();
}

async function fetchDay() {
  const epoch = S.epoch;
  const ctl = new AbortController();
  reading = ctl;
  const timeout = setTimeout(() => ctl.abort('timeout'), READ_TIMEOUT_MS);
  try {
    const d = await api('GET', `/api/v1/days/${encodeURIComponent(S.date)}`, undefined, ctl.signal);
    if (epoch !== S.epoch) { again = true; return; }
    failures = 0;
    clearTimeout(retryTimer);
    applyDay(d);
    $('timer-sync').textContent = '';
  } catch (e) {
    if (ctl.signal.reason === 'restart') return;
    if (!signedOut(e)) retryLater();
    if (!S.loaded) $('tasks-empty').textContent = 'Could not load this day. It will retry shortly.';
  } finally {
    clearTimeout(timeout);
  }
}

function retryLater() {
  $('timer-sync').textContent = navigator.onLine === false
    ? 'Offline: showing the last known state. It will update when you are back online.'
    : 'Cannot reach the server: showing the last known state. Retrying…';
  // Sooner than the 30-second sync, backing off.
  clearTimeout(retryTimer);
  retryTimer = setTimeout(loadDay, Math.min(SYNC_EVERY_MS, 2000 * 2 ** failures++));
}

function applyDay(d) {
  S.tasks = d.tasks || [];
  S.byId = new Map(S.tasks.map((t) => [idKey(t.id), t]));
  S.notes = d.notes || [];
  S.note = d.note;
  S.activity = d.activity || [];
  S.activityNext = d.activity_next ?? null;
  S.progress = d.progress || null;
  if (S.progress?.goal_ms) S.goalMs = S.progress.goal_ms;
  S.streak = d.streak ?? 0;
  S.week = d.week || [];
  S.clock.adopt(d.timer, d.server_time);
  S.loaded = true;
  root.dataset.loaded = 'true';
  for (const draw of views) draw();
}

// keepInSync re-syncs with the server's truth after sleep, a lost
// connection or another tab's change.
export function keepInSync() {
  window.addEventListener('focus', () => loadDay());
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') loadDay(); });
  window.addEventListener('online', () => reloadDay());
  window.addEventListener('pageshow', (ev) => { if (ev.persisted) reloadDay(); });
  document.addEventListener('resume', () => reloadDay());
  setInterval(() => { if (document.visibilityState !== 'hidden' && liveState() !== 'live') loadDay(); }, SYNC_EVERY_MS);
}

// forgetNotice drops a one-time notice (?notice=…) from the address, so
// that it does not come back on every reload.
export function forgetNotice() {
  const url = new URL(location.href);
  if (url.searchParams.has('notice')) {
    url.searchParams.delete('notice');
    history.replaceState(history.state, '', url);
  }
}

// ---------------------------------------------------------------- progress & week

// renderFocusTotal runs on every clock tick: it writes only what changed.
export function renderFocusTotal() {
  if (!S.progress) return;
  const live = S.date === S.today ? S.clock.live() : 0;
  const focus = (S.progress.focus_ms || 0) + live;
  const goal = S.progress.goal_ms || S.goalMs;
  const pct = goal > 0 ? Math.floor((focus / goal) * 100) : 0;
  const text = formatDuration(focus);
  const el = $('stat-focus');
  if (el.textContent !== text) el.textContent = text;
  const label = `${pct}% of ${formatDuration(goal)}`;
  if ($('goal-text').textContent !== label) {
    const bar = $('goal-bar');
    bar.setAttribute('value', String(Math.min(100, pct)));
    bar.textContent = `${pct}%`;
    $('goal-text').textContent = label;
  }
}

export function renderProgress() {
  const p = S.progress;
  if (!p) return;
  $('stat-done').textContent = `${p.completed} of ${p.total}`;
  $('stat-streak').textContent = `${S.streak} day${S.streak === 1 ? '' : 's'}`;
  renderFocusTotal();
}

// renderWeek draws Monday–Sunday as CSS bars. Each day is a link to that
// day whose accessible name says everything the bar shows.
export function renderWeek() {
  const days = S.week.map((d) => {
    const pct = Math.round(d.goal_percent || 0);
    return { ...d, pct, level: Math.max(0, Math.min(20, Math.round(Math.min(100, pct) / 5))) };
  });
  $('week-bars').replaceChildren(...days.map(weekDay));
}

function weekDay(d) {
  const label = `${weekdayLong(d.date)}: ${spokenDuration(d.focus_ms)} of focus, ${d.pct}% of the goal, `
    + `${d.completed} of ${d.total} tasks done${d.date === S.today ? ' (today)' : ''}`;
  // The accessible name starts with the text the bar shows ("25m", "Mon")
  // and goes on with the rest, read only by screen readers.
  return h('li', { class: 'wday', dataset: { level: d.level, today: d.date === S.today, shown: d.date === S.date, met: d.pct >= 100 } },
    h('a', { class: 'wlink', href: `/dashboard?date=${encodeURIComponent(d.date)}`, title: label,
      'aria-current': d.date === S.date ? 'date' : null },
    h('span', { class: 'wval' }, compactDuration(d.focus_ms)),
    h('span', { class: 'vh' }, ' of focus, '),
    h('span', { class: 'wbar', 'aria-hidden': 'true' }, h('span', { class: 'wfill' })),
    h('span', { class: 'wlbl' }, weekdayShort(d.date)),
    h('span', { class: 'vh' }, `: ${label}`)));
}
