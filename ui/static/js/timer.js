// The focus timer as the page sees it: the server's state plus a local clock
// that ticks between syncs, and the timer card that shows and drives it. The
// server is the only authority; this module only extrapolates from its last
// answer, and every answer replaces it.

import { api, flash, signedOut } from './api.js';
import { S, idKey, loadDay, renderFocusTotal, sortTasks, taskOf } from './day.js';
import { $, h } from './dom.js';
import { formatDuration } from './format.js';

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

// ---------------------------------------------------------------- timer card

let tickTimer = 0;
let lastTick = 0;

// titles remembers task titles seen on any day this page loaded, for a
// timer that runs on a task of another day than the one shown.
const titles = new Map();
const titleLookups = new Set();

function timerTaskTitle() {
  const id = S.clock.taskId;
  const t = taskOf(id);
  if (t) return t.title;
  if (S.clock.timer?.task_title) return S.clock.timer.task_title;
  if (titles.has(idKey(id))) return titles.get(idKey(id));
  // Most often the timer runs on a task of today: look there once.
  if (S.date !== S.today && !titleLookups.has(idKey(id))) {
    titleLookups.add(idKey(id));
    api('GET', `/api/v1/days/${encodeURIComponent(S.today)}`).then((d) => {
      for (const x of d.tasks || []) titles.set(idKey(x.id), x.title);
      if (titles.has(idKey(id))) renderTimer();
    }).catch(() => {});
  }
  return 'A task from another day';
}

// timerView draws the card from a new answer about the day.
export function timerView() {
  for (const t of S.tasks) titles.set(idKey(t.id), t.title);
  renderTimer();
}

export function renderTimer() {
  const st = S.clock.state;
  $('timer-panel').dataset.state = st;
  $('timer-state').textContent = st === 'running' ? 'Running' : st === 'paused' ? 'Paused' : 'Idle';
  $('timer-state').dataset.state = st;
  $('timer-task').textContent = st === 'idle' ? 'No task is being timed.' : timerTaskTitle();
  renderPicker();
  renderButtons();
  clearInterval(tickTimer);
  if (st === 'running') tickTimer = setInterval(tick, 250);
  tick();
}

// renderPicker rebuilds the task picker only when its choices change, so
// that a sync does not close it under the user's pointer.
function renderPicker() {
  const c = S.clock;
  const sel = $('timer-select');
  const open = sortTasks(S.tasks.filter((t) => t.status !== 'completed'));
  const optSig = JSON.stringify([open.map((t) => [t.id, t.title]), S.tasks.length > 0, idKey(c.taskId ?? '')]);
  if (sel.dataset.sig === optSig) return;
  const prev = sel.value;
  const opts = open.map((t) => h('option', { value: idKey(t.id) }, t.title));
  if (!opts.length) opts.push(h('option', { value: '' }, S.tasks.length ? 'All tasks are done' : 'Add a task first'));
  sel.replaceChildren(...opts);
  const want = [idKey(c.taskId ?? ''), prev].find((v) => v && open.some((t) => idKey(t.id) === v));
  if (want) sel.value = want;
  sel.disabled = !open.length;
  sel.dataset.sig = optSig;
}

function renderButtons() {
  const st = S.clock.state;
  const busy = S.timerBusy;
  const chosen = $('timer-select').value;
  $('timer-start').disabled = busy || !chosen || (st !== 'idle' && chosen === idKey(S.clock.taskId));
  $('timer-pause').disabled = busy || st !== 'running';
  $('timer-resume').disabled = busy || st !== 'paused';
  $('timer-stop').disabled = busy || st === 'idle';
}

// tick redraws what moves with the clock: the big clock, the running task's
// spent time and today's focus total. A long gap between ticks means the
// machine slept: ask the server for the truth at once.
function tick() {
  const now = Date.now();
  if (lastTick && now - lastTick > 5000 && S.clock.state === 'running') loadDay();
  lastTick = S.clock.state === 'running' ? now : 0;
  const c = S.clock;
  const ms = c.elapsed();
  const clock = $('timer-clock');
  const text = formatClock(ms);
  if (clock.textContent !== text) {
    clock.textContent = text;
    clock.setAttribute('datetime', isoDuration(ms));
  }
  if (c.taskId !== null) {
    const spent = document.querySelector(`[data-spent="${CSS.escape(idKey(c.taskId))}"]`);
    if (spent) {
      const t = formatDuration(ms);
      if (spent.textContent !== t) spent.textContent = t;
    }
  }
  renderFocusTotal();
}

export async function timerAction(action, taskId) {
  if (S.timerBusy) return;
  const fromPanel = $('timer-panel').contains(document.activeElement);
  S.timerBusy = true;
  S.epoch++;
  renderTimer();
  try {
    const body = action === 'start' ? { task_id: taskId } : { version: S.clock.version };
    const r = await api('POST', `/api/v1/timer/${action}`, body);
    S.clock.adopt(r.timer);
    if (action === 'complete') flash('Timer stopped and the task marked done.');
  } catch (e) {
    if (e.status === 409 && e.data && 'timer' in e.data) {
      S.clock.adopt(e.data.timer);
      flash('The timer was changed in another tab; this page now shows its current state.', 'warn');
    } else if (!signedOut(e)) {
      flash(`The timer could not ${action}: ${e.message}`, 'error');
    }
  } finally {
    S.timerBusy = false;
    renderTimer();
    if (fromPanel) keepFocusInPanel();
    loadDay();
  }
}

// keepFocusInPanel moves focus to the next useful control when the one
// that was pressed has just been disabled.
function keepFocusInPanel() {
  if (document.activeElement !== document.body && !document.activeElement?.disabled) return;
  const next = ['timer-pause', 'timer-resume', 'timer-start', 'timer-stop'].map($).find((b) => !b.disabled);
  (next || $('timer-select')).focus();
}

export function initTimer() {
  S.clock = new Clock();
  $('timer-select').addEventListener('change', renderTimer);
  $('timer-start').addEventListener('click', () => {
    const t = taskOf($('timer-select').value);
    if (t) timerAction('start', t.id);
  });
  $('timer-pause').addEventListener('click', () => timerAction('pause'));
  $('timer-resume').addEventListener('click', () => timerAction('resume'));
  $('timer-stop').addEventListener('click', () => timerAction('complete'));
}
