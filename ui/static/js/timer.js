// The timer card: the session's mode, phase, round and clock, and only
// the actions that apply now. It draws S.clock (the server's last word,
// see clock.js) and sends the user's actions; the server decides.

import { api, flash, signedOut } from './api.js';
import { Clock, formatClock, isoDuration } from './clock.js';
import { S, idKey, loadDay, renderFocusTotal, sortTasks, taskOf } from './day.js';
import { $, h } from './dom.js';
import { formatDuration } from './format.js';
import { MODES, actions, badge, cycle, endsAt, isBreak, kind, labels, phaseLabel, shown } from './session.js';
import { renderTab } from './tabtitle.js';

// timerHooks.boundary(atMs, endedPhase, timer) runs once when this page
// sees a running phase reach its end.
export const timerHooks = { boundary: () => {} };

const BUTTONS = ['start', 'pause', 'resume', 'skip', 'extend', 'stop', 'complete'];
const WHAT = { left: 'left', elapsed: 'on this task', spent: 'on this task so far' };

let tickTimer = 0;
let lastTick = 0;
let seenBoundary = '';

// titles remembers task titles seen on any day this page loaded, for a
// timer that runs on a task of another day than the one shown.
const titles = new Map();
const titleLookups = new Set();

export function timerTaskTitle() {
  const id = S.clock.taskId;
  if (id === null) return '';
  const t = taskOf(id);
  if (t) return t.title;
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
  const t = S.clock.timer;
  const panel = $('timer-panel');
  panel.dataset.state = S.clock.state;
  panel.dataset.kind = kind(t);
  $('timer-state').textContent = badge(t);
  $('timer-state').dataset.state = kind(t) === 'break' ? 'break' : S.clock.state;
  $('timer-task').textContent = t ? timerTaskTitle() : 'No task is being timed.';
  $('timer-session').hidden = !t;
  $('timer-mode').textContent = t ? MODES[t.mode] || 'Stopwatch' : '';
  $('timer-phase').textContent = phaseLabel(t);
  $('timer-cycle').textContent = cycle(t);
  // Nothing to pick (no task, or all done): the hint says what to do.
  const offered = renderPicker();
  $('timer-pick').hidden = !!t || !offered;
  renderButtons();
  clearInterval(tickTimer);
  if (S.clock.state === 'running') tickTimer = setInterval(tick, 250);
  tick();
}

// renderPicker rebuilds the task picker only when its choices change, so
// that a sync does not close it under the user's pointer. It returns how
// many tasks it offers.
function renderPicker() {
  const sel = $('timer-select');
  const open = sortTasks(S.tasks.filter((t) => t.status !== 'completed'));
  const optSig = JSON.stringify([open.map((t) => [t.id, t.title]), S.tasks.length > 0]);
  const modeSel = $('timer-mode-select');
  if (!modeSel.dataset.touched && S.me?.session?.mode) modeSel.value = S.me.session.mode;
  if (sel.dataset.sig === optSig) return open.length;
  const prev = sel.value;
  const opts = open.map((t) => h('option', { value: idKey(t.id) }, t.title));
  if (!opts.length) opts.push(h('option', { value: '' }, S.tasks.length ? 'All tasks are done' : 'Add a task first'));
  sel.replaceChildren(...opts);
  if (prev && open.some((t) => idKey(t.id) === prev)) sel.value = prev;
  sel.dataset.sig = optSig;
  return open.length;
}

// renderButtons shows only the actions that apply, never a disabled one:
// while an action is under way the card says so (aria-busy) and a second
// press waits for nothing (timerAction ignores it).
function renderButtons() {
  const t = S.clock.timer;
  const apply = actions(t);
  const words = labels(t);
  $('timer-panel').querySelector('.timer-buttons').setAttribute('aria-busy', String(S.timerBusy));
  for (const name of BUTTONS) {
    const b = $(`timer-${name}`);
    const on = apply.includes(name) && (name !== 'start' || !!$('timer-select').value);
    b.hidden = !on;
    if (words[name] && b.firstChild?.nodeType === Node.TEXT_NODE && b.firstChild.data !== words[name]) b.firstChild.data = words[name];
  }
  $('timer-start-hint').hidden = !(apply.includes('start') && !$('timer-select').value);
}

// tick redraws what moves with the clock: the big clock, the running task's
// spent time, today's focus total and the tab. A long gap between ticks
// means the machine slept: ask the server for the truth at once.
function tick() {
  const now = Date.now();
  const c = S.clock;
  if (lastTick && now - lastTick > 5000 && c.state === 'running') loadDay();
  lastTick = c.state === 'running' ? now : 0;
  const s = shown(c.timer, c, now);
  const clock = $('timer-clock');
  const text = formatClock(s.ms);
  if (clock.textContent !== text) {
    clock.textContent = text;
    clock.setAttribute('datetime', isoDuration(s.ms));
  }
  const what = c.timer ? WHAT[s.what] : '';
  if ($('timer-clock-what').textContent !== what) $('timer-clock-what').textContent = what;
  if (c.taskId !== null) {
    const spent = document.querySelector(`[data-spent="${CSS.escape(idKey(c.taskId))}"]`);
    const t = formatDuration(c.elapsed(now));
    if (spent && spent.textContent !== t) spent.textContent = t;
  }
  renderFocusTotal();
  renderTab(c.timer, c, timerTaskTitle());
  checkBoundary(now);
}

// checkBoundary notices a running phase reaching its end. The server
// moves on at the same instant and says so over the event stream; if no
// word comes soon (no stream), the page asks.
function checkBoundary(now) {
  const t = S.clock.timer;
  const end = endsAt(t);
  if (!Number.isFinite(end) || S.clock.serverNow(now) < end || seenBoundary === `${t.version}@${end}`) return;
  seenBoundary = `${t.version}@${end}`;
  timerHooks.boundary(end, isBreak(t.phase) ? 'break' : 'focus', t);
  setTimeout(() => { if (S.clock.version === t.version) loadDay(); }, 1500);
}

const DONE = {
  stop: () => 'Timer stopped. The task keeps its time.',
  complete: () => 'Timer stopped and the task marked done.',
  extend: () => 'Added 5 minutes.',
};

function actionBody(action, taskId) {
  if (action === 'start') {
    const body = { task_id: taskId };
    if (!S.clock.timer) body.mode = $('timer-mode-select').value;
    return body;
  }
  return action === 'extend' ? { version: S.clock.version, minutes: 5 } : { version: S.clock.version };
}

// timerAction sends an action and reports whether the server took it.
export async function timerAction(action, taskId) {
  if (S.timerBusy) return false;
  let ok = false;
  const fromPanel = $('timer-panel').contains(document.activeElement);
  S.timerBusy = true;
  S.epoch++;
  renderTimer();
  try {
    const r = await api('POST', `/api/v1/timer/${action}`, actionBody(action, taskId));
    S.clock.adopt(r.timer, r.server_time);
    ok = true;
    if (DONE[action]) flash(DONE[action]());
  } catch (e) {
    if (e.status === 409 && e.data && 'timer' in e.data) {
      S.clock.adopt(e.data.timer, e.data.server_time);
      flash('The timer was changed in another tab or on another device; this page now shows its current state.', 'warn');
    } else if (!signedOut(e)) {
      flash(`The timer could not ${action}: ${e.message}`, 'error');
    }
  } finally {
    S.timerBusy = false;
    renderTimer();
    if (fromPanel) keepFocusInPanel();
    loadDay();
  }
  return ok;
}

// keepFocusInPanel moves focus to the next useful control when the one
// that was pressed has just gone.
function keepFocusInPanel() {
  const a = document.activeElement;
  if (a && a !== document.body && !a.disabled && !a.hidden) return;
  const next = ['pause', 'resume', 'start', 'stop'].map((n) => $(`timer-${n}`)).find((b) => !b.hidden && !b.disabled);
  (next || $('timer-select')).focus();
}

export function initTimer() {
  S.clock = new Clock();
  $('timer-select').addEventListener('change', renderTimer);
  $('timer-mode-select').addEventListener('change', (ev) => { ev.currentTarget.dataset.touched = 'true'; });
  $('timer-start').addEventListener('click', () => {
    const t = taskOf($('timer-select').value);
    if (t) timerAction('start', t.id);
  });
  for (const name of BUTTONS.slice(1)) $(`timer-${name}`).addEventListener('click', () => timerAction(name));
}
