// The daily dashboard: timer panel, schedule, notes, activity and progress,
// all drawn from GET /api/v1/days/{date} and kept in step with the server.
// The server owns every fact; this page renders its last answer, ticks the
// clock locally in between, and re-syncs on load, on focus, when the tab
// becomes visible, when the network returns and every 30 seconds.
//
// User text is only ever set with textContent or as Text nodes.

const root = document.getElementById('dashboard');

// Static files have content-hashed names, so sibling modules are loaded by
// the URLs the template gives rather than by relative imports.
const [{ api }, { Clock, formatClock, formatDuration, isoDuration, spokenDuration }] = root
  ? await Promise.all([import(root.dataset.appJs), import(root.dataset.timerJs)])
  : [{}, {}];

const SYNC_EVERY_MS = 30_000;
const NOTE_DEBOUNCE_MS = 800;
const STATUS_LABEL = { pending: 'To do', 'in-progress': 'In progress', paused: 'Paused', completed: 'Done' };
const NOTE_TYPE_LABEL = { general: 'General', reflection: 'Reflection', idea: 'Idea', reminder: 'Reminder' };
const SOURCE_LABEL = { timer: 'Timer', manual: 'Manual', capped: 'Capped', imported: 'Imported' };

const $ = (id) => document.getElementById(id);

// h builds an element. Attributes whose name starts with "on" are listeners;
// children are nodes or strings (turned into Text nodes, never parsed).
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const vh = (text) => h('span', { class: 'vh' }, text);

// ---------------------------------------------------------------- formatting

const localTime = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const localDateTime = (iso) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

function timeEl(iso, text) {
  return h('time', { datetime: iso, title: localDateTime(iso) }, text ?? localTime(iso));
}

// toLocalInput renders a Date for <input type="datetime-local">, to the
// minute or, with seconds, to the second (for step="1" inputs).
function toLocalInput(d, seconds = false) {
  const p = (n) => String(n).padStart(2, '0');
  const s = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  return seconds ? `${s}:${p(d.getSeconds())}` : s;
}

function fromLocalInput(v) {
  const d = new Date(v); // "YYYY-MM-DDTHH:MM" is read as local time
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function weekdayShort(date) {
  return new Date(`${date}T12:00:00`).toLocaleDateString([], { weekday: 'short' });
}
function weekdayLong(date) {
  return new Date(`${date}T12:00:00`).toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long' });
}
function shortDate(date) {
  return new Date(`${date}T12:00:00`).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });
}

// compactDuration fits a week bar's label: "25m", "1.5h".
function compactDuration(ms) {
  const m = Math.floor((ms || 0) / 60000);
  if (m < 60) return `${m}m`;
  const h = m / 60;
  return `${h >= 10 ? Math.round(h) : Math.round(h * 10) / 10}h`;
}

function plannedText(t) {
  if (!t.start_time && !t.duration_minutes) return '';
  if (t.start_time && t.duration_minutes) {
    const [hh, mm] = t.start_time.split(':').map(Number);
    const end = (hh * 60 + mm + t.duration_minutes) % 1440;
    const p = (n) => String(n).padStart(2, '0');
    return `${t.start_time}–${p(Math.floor(end / 60))}:${p(end % 60)} (${t.duration_minutes} min)`;
  }
  return t.start_time ? `at ${t.start_time}` : `${t.duration_minutes} min`;
}

// ---------------------------------------------------------------- state

const S = {
  date: root?.dataset.date,
  today: root?.dataset.today,
  goalMs: Number(root?.dataset.goalMinutes || 0) * 60000,
  tasks: [],
  byId: new Map(),
  notes: [],
  activity: [],
  progress: null,
  streak: 0,
  week: [],
  clock: null,
  loaded: false,
  epoch: 0, // bumped by every change this page makes; stale reads are dropped
  timerBusy: false,
  taskSig: '',
};

const idKey = (id) => String(id);
const taskOf = (id) => (id === null || id === undefined ? undefined : S.byId.get(idKey(id)));

// ---------------------------------------------------------------- flash

let flashTimer = 0;
function flash(text, kind = 'info') {
  const el = $('flash');
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { el.hidden = true; el.textContent = ''; }, kind === 'error' ? 12000 : 8000);
}

function signedOut(e) {
  if (e?.status !== 401) return false;
  flash('Your session has ended. Sign in again to keep working; unsaved text stays on this page.', 'error');
  return true;
}

// ---------------------------------------------------------------- loading

let inflight = null;
let again = false;
let failures = 0;
let retryTimer = 0;

// loadDay fetches the whole day and renders it. Calls while one is in flight
// coalesce into one more fetch afterwards; an answer that raced a change this
// page made is dropped and fetched again.
function loadDay() {
  if (inflight) { again = true; return inflight; }
  inflight = (async () => {
    const epoch = S.epoch;
    try {
      const d = await api('GET', `/api/v1/days/${encodeURIComponent(S.date)}`);
      if (epoch !== S.epoch) { again = true; return; }
      failures = 0;
      clearTimeout(retryTimer);
      applyDay(d);
      $('timer-sync').textContent = '';
    } catch (e) {
      if (!signedOut(e)) {
        $('timer-sync').textContent = navigator.onLine === false
          ? 'Offline: showing the last known state. It will update when you are back online.'
          : 'Cannot reach the server: showing the last known state. Retrying…';
        // Sooner than the 30-second sync, backing off.
        clearTimeout(retryTimer);
        retryTimer = setTimeout(loadDay, Math.min(SYNC_EVERY_MS, 2000 * 2 ** failures++));
      }
      if (!S.loaded) $('tasks-empty').textContent = 'Could not load this day. It will retry shortly.';
    } finally {
      inflight = null;
      if (again) { again = false; loadDay(); }
    }
  })();
  return inflight;
}

function applyDay(d) {
  S.tasks = d.tasks || [];
  S.byId = new Map(S.tasks.map((t) => [idKey(t.id), t]));
  for (const t of S.tasks) titles.set(idKey(t.id), t.title);
  S.notes = d.notes || [];
  S.activity = d.activity || [];
  S.progress = d.progress || null;
  if (S.progress?.goal_ms) S.goalMs = S.progress.goal_ms;
  S.streak = d.streak ?? 0;
  S.week = d.week || [];
  S.clock.adopt(d.timer, d.server_time);
  S.loaded = true;
  root.dataset.loaded = 'true';
  renderAll();
  dayNote.fromServer(d.note);
}

function renderAll() {
  renderTasks();
  renderTimer();
  renderProgress();
  renderWeek();
  renderNotes();
  renderActivity();
  renderCapped();
}

// ---------------------------------------------------------------- focus keeping

// rerender replaces a list's content and puts keyboard focus back on the
// control with the same data-key, so a background sync never throws a
// keyboard user out of the list.
function rerender(container, build) {
  const active = document.activeElement;
  const key = container.contains(active) ? active.dataset.key : undefined;
  container.replaceChildren(...build());
  if (key) {
    const el = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (el && !el.disabled) el.focus();
    else container.closest('section')?.querySelector('h2')?.focus();
  }
}

// ---------------------------------------------------------------- timer panel

let tickTimer = 0;

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

function renderTimer() {
  const c = S.clock;
  const st = c.state;
  const panel = $('timer-panel');
  panel.dataset.state = st;
  $('timer-state').textContent = st === 'running' ? 'Running' : st === 'paused' ? 'Paused' : 'Idle';
  $('timer-state').dataset.state = st;
  $('timer-task').textContent = st === 'idle' ? 'No task is being timed.' : timerTaskTitle();

  // The task picker is rebuilt only when its choices change, so that a sync
  // does not close it under the user's pointer.
  const sel = $('timer-select');
  const open = sortTasks(S.tasks.filter((t) => t.status !== 'completed'));
  const optSig = JSON.stringify([open.map((t) => [t.id, t.title]), S.tasks.length > 0, idKey(c.taskId ?? '')]);
  if (sel.dataset.sig !== optSig) {
    const prev = sel.value;
    const opts = open.map((t) => h('option', { value: idKey(t.id) }, t.title));
    if (!opts.length) opts.push(h('option', { value: '' }, S.tasks.length ? 'All tasks are done' : 'Add a task first'));
    sel.replaceChildren(...opts);
    const want = [idKey(c.taskId ?? ''), prev].find((v) => v && open.some((t) => idKey(t.id) === v));
    if (want) sel.value = want;
    sel.disabled = !open.length;
    sel.dataset.sig = optSig;
  }

  const busy = S.timerBusy;
  const chosen = sel.value;
  $('timer-start').disabled = busy || !chosen || (st !== 'idle' && chosen === idKey(c.taskId));
  $('timer-pause').disabled = busy || st !== 'running';
  $('timer-resume').disabled = busy || st !== 'paused';
  $('timer-stop').disabled = busy || st === 'idle';

  clearInterval(tickTimer);
  if (st === 'running') tickTimer = setInterval(tick, 250);
  tick();
}

// tick redraws what moves with the clock: the big clock, the running task's
// spent time and today's focus total. A long gap between ticks means the
// machine slept: ask the server for the truth at once.
let lastTick = 0;
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

async function timerAction(action, taskId) {
  if (S.timerBusy) return;
  const fromPanel = $('timer-panel').contains(document.activeElement);
  S.timerBusy = true;
  S.epoch++;
  renderTimer();
  try {
    const body = action === 'start' ? { task_id: taskId } : { version: S.clock.version };
    const r = await api('POST', `/api/v1/timer/${action}`, body);
    S.clock.adopt(r.timer);
    if (action === 'stop') flash('Timer stopped and the task marked done.');
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
    if (fromPanel && (document.activeElement === document.body || document.activeElement?.disabled)) {
      const next = ['timer-pause', 'timer-resume', 'timer-start', 'timer-stop'].map($).find((b) => !b.disabled);
      (next || $('timer-select')).focus();
    }
    loadDay();
  }
}

// ---------------------------------------------------------------- schedule

function sortTasks(tasks) {
  return [...tasks].sort((a, b) => {
    if (a.start_time && b.start_time && a.start_time !== b.start_time) return a.start_time < b.start_time ? -1 : 1;
    if (!!a.start_time !== !!b.start_time) return a.start_time ? -1 : 1;
    if ((a.position ?? 0) !== (b.position ?? 0)) return (a.position ?? 0) - (b.position ?? 0);
    return String(a.created_at).localeCompare(String(b.created_at));
  });
}

function taskSpent(t) {
  return S.clock.taskId !== null && idKey(S.clock.taskId) === idKey(t.id) ? S.clock.elapsed() : (t.spent_ms || 0);
}

function renderTasks() {
  // Skip the redraw when nothing it shows changed (the 30-second sync).
  const sig = JSON.stringify([S.tasks, S.clock.taskId, S.clock.state]);
  if (sig === S.taskSig) return;
  S.taskSig = sig;
  const empty = $('tasks-empty');
  empty.textContent = 'No tasks for this day yet. Add one to plan it.';
  empty.hidden = S.tasks.length > 0;
  rerender($('task-list'), () => sortTasks(S.tasks).map(taskItem));
}

function taskItem(t) {
  const id = idKey(t.id);
  const titleId = `task-${id}-title`;
  const running = idKey(S.clock.taskId ?? '') === id ? S.clock.state : null;
  const done = t.status === 'completed';
  const quoted = `“${t.title}”`;

  let timerBtn = null;
  if (running === 'running') {
    timerBtn = h('button', { type: 'button', class: 'small secondary', dataset: { key: `${id}-timer`, action: 'pause' },
      onclick: () => timerAction('pause') }, 'Pause', vh(` timer for ${quoted}`));
  } else if (running === 'paused') {
    timerBtn = h('button', { type: 'button', class: 'small', dataset: { key: `${id}-timer`, action: 'resume' },
      onclick: () => timerAction('resume') }, 'Resume', vh(` timer for ${quoted}`));
  } else if (!done) {
    timerBtn = h('button', { type: 'button', class: 'small', dataset: { key: `${id}-timer`, action: 'start' },
      onclick: () => timerAction('start', t.id) }, 'Start', vh(` timer for ${quoted}`));
  }

  const planned = plannedText(t);
  return h('li', { class: 'task', id: `task-${id}`, dataset: { status: t.status, taskId: id } },
    h('div', { class: 'task-main' },
      h('h3', { class: 'task-title', id: titleId }, t.title),
      h('p', { class: 'task-meta' },
        h('span', { class: 'badge', dataset: { status: t.status } }, STATUS_LABEL[t.status] || t.status),
        planned && h('span', { class: 'planned' }, vh('Planned '), planned),
        h('span', { class: 'spent' }, 'Spent ', h('span', { dataset: { spent: id } }, formatDuration(taskSpent(t)))),
        done && t.completed_at && h('span', { class: 'muted' }, 'done at ', timeEl(t.completed_at))),
      t.description && h('p', { class: 'task-desc' }, t.description)),
    h('div', { class: 'task-actions', role: 'group', 'aria-labelledby': titleId },
      timerBtn,
      h('button', { type: 'button', class: 'small secondary', dataset: { key: `${id}-done`, action: done ? 'reopen' : 'complete' },
        onclick: () => setStatus(t, done ? 'pending' : 'completed') }, done ? 'Reopen' : 'Complete', vh(` ${quoted}`)),
      h('button', { type: 'button', class: 'small secondary', dataset: { key: `${id}-edit`, action: 'edit' },
        onclick: (ev) => openTaskDialog(t, ev.currentTarget) }, 'Edit', vh(` ${quoted}`)),
      h('button', { type: 'button', class: 'small secondary', dataset: { key: `${id}-log`, action: 'log' },
        onclick: (ev) => openEntries(t.id, ev.currentTarget) }, 'Time log', vh(` of ${quoted}`)),
      h('button', { type: 'button', class: 'small secondary danger-text', dataset: { key: `${id}-delete`, action: 'delete' },
        onclick: (ev) => deleteTask(t, ev.currentTarget) }, 'Delete', vh(` ${quoted}`))));
}

async function setStatus(t, status) {
  S.epoch++;
  try {
    await api('PATCH', `/api/v1/tasks/${encodeURIComponent(t.id)}`, { status });
    flash(status === 'completed' ? `Marked “${t.title}” done.` : `Reopened “${t.title}”.`);
  } catch (e) {
    if (!signedOut(e)) flash(`Could not update “${t.title}”: ${e.message}`, 'error');
  }
  await loadDay();
}

async function deleteTask(t, opener) {
  const ok = await confirmDialog(`Delete “${t.title}” and all the time recorded on it? This cannot be undone.`, 'Delete task', opener);
  if (!ok) return;
  S.epoch++;
  try {
    await api('DELETE', `/api/v1/tasks/${encodeURIComponent(t.id)}`);
    flash(`Deleted “${t.title}”.`);
  } catch (e) {
    if (!signedOut(e)) flash(`Could not delete “${t.title}”: ${e.message}`, 'error');
  }
  await loadDay();
  if (!document.activeElement || document.activeElement === document.body) $('add-task').focus();
}

// ---------------------------------------------------------------- dialogs

const returnFocus = new WeakMap();

function openDialog(dlg, opener, first) {
  returnFocus.set(dlg, { el: opener, key: opener?.dataset?.key });
  dlg.showModal();
  (first || dlg.querySelector('input, select, textarea, button'))?.focus();
}

function wireDialogs() {
  document.querySelectorAll('#dashboard dialog').forEach((dlg) => {
    dlg.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => dlg.close('cancel')));
    dlg.addEventListener('close', () => {
      const back = returnFocus.get(dlg);
      returnFocus.delete(dlg);
      let el = back?.el;
      if (!el?.isConnected && back?.key) el = document.querySelector(`[data-key="${CSS.escape(back.key)}"]`);
      if (el?.isConnected && !el.disabled) el.focus();
    });
  });
}

function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const top = form.querySelector('[role="alert"]');
  if (top) { top.hidden = true; top.textContent = ''; }
}

// showError puts a message next to the named field (the server's
// error.field), or at the top of the form when it names none we show.
function showError(form, prefix, field, message) {
  const p = field && form.querySelector(`#${prefix}-${CSS.escape(field)}-error`);
  const input = field && form.querySelector(`[name="${CSS.escape(field)}"]`);
  if (p && input) {
    p.textContent = message;
    p.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  const top = form.querySelector('[role="alert"]') || form.parentElement.querySelector('[role="alert"]');
  top.textContent = message;
  top.hidden = false;
}

let confirmResolve = null;
function confirmDialog(text, yesLabel, opener) {
  const dlg = $('confirm-dialog');
  $('confirm-text').textContent = text;
  $('confirm-yes').textContent = yesLabel;
  dlg.returnValue = ''; // Escape leaves the last value in place
  return new Promise((resolve) => {
    confirmResolve = resolve;
    openDialog(dlg, opener, $('confirm-no'));
  });
}

// ---------------------------------------------------------------- task dialog

let editing = null; // the task being edited, or null when adding

function openTaskDialog(t, opener) {
  editing = t || null;
  const f = $('task-form');
  clearErrors(f);
  $('task-dialog-h').textContent = t ? 'Edit task' : 'Add a task';
  $('task-save').textContent = t ? 'Save changes' : 'Add task';
  $('task-title').value = t?.title ?? '';
  $('task-description').value = t?.description ?? '';
  $('task-start').value = t?.start_time ?? '';
  $('task-duration').value = t?.duration_minutes ?? '';
  $('task-date').value = t?.date ?? S.date;
  openDialog($('task-dialog'), opener, $('task-title'));
}

async function submitTask(ev) {
  ev.preventDefault();
  const f = $('task-form');
  clearErrors(f);
  const title = $('task-title').value.trim();
  const description = $('task-description').value;
  const start = $('task-start').value || null;
  const durRaw = $('task-duration').value.trim();
  const date = $('task-date').value;
  if (!title) return showError(f, 'task', 'title', 'Give the task a title.');
  let duration = null;
  if (durRaw) {
    duration = Number(durRaw);
    if (!Number.isInteger(duration) || duration < 1 || duration > 1440) {
      return showError(f, 'task', 'duration_minutes', 'Duration must be a whole number of minutes from 1 to 1440.');
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return showError(f, 'task', 'date', 'Pick a day for the task.');

  let body;
  if (!editing) {
    body = { date, title };
    if (description) body.description = description;
    if (start) body.start_time = start;
    if (duration !== null) body.duration_minutes = duration;
  } else {
    body = {};
    if (title !== editing.title) body.title = title;
    if (description !== (editing.description ?? '')) body.description = description;
    if (start !== (editing.start_time ?? null)) body.start_time = start;
    if (duration !== (editing.duration_minutes ?? null)) body.duration_minutes = duration;
    if (date !== editing.date) body.date = date;
    if (!Object.keys(body).length) { $('task-dialog').close('cancel'); return; }
  }
  const save = $('task-save');
  save.disabled = true;
  S.epoch++;
  try {
    const t = editing
      ? await api('PATCH', `/api/v1/tasks/${encodeURIComponent(editing.id)}`, body)
      : await api('POST', '/api/v1/tasks', body);
    $('task-dialog').close('saved');
    if (t && t.date && t.date !== S.date) flash(`“${t.title}” is now on ${shortDate(t.date)}.`);
    else flash(editing ? `Saved “${title}”.` : `Added “${title}”.`);
  } catch (e) {
    if (!signedOut(e)) showError(f, 'task', e.field, e.message);
  } finally {
    save.disabled = false;
  }
  await loadDay();
}

// ---------------------------------------------------------------- time log

let entriesTask = null;

async function openEntries(taskId, opener) {
  entriesTask = taskId;
  const t = taskOf(taskId);
  $('entries-task').textContent = t ? t.title : 'Task';
  const now = new Date();
  now.setSeconds(0, 0);
  $('entry-end').value = toLocalInput(now);
  $('entry-start').value = toLocalInput(new Date(now.getTime() - 30 * 60000));
  $('entry-end').max = toLocalInput(now);
  $('entry-start').max = toLocalInput(now);
  clearErrors($('entry-form'));
  $('entries-error').hidden = true;
  $('entries-list').replaceChildren();
  openDialog($('entries-dialog'), opener, $('entries-dialog').querySelector('[data-close]'));
  await loadEntries();
  const capped = $('entries-list').querySelector('input[data-capped]');
  if (capped) capped.focus();
}

async function loadEntries() {
  const list = $('entries-list');
  try {
    const r = await api('GET', `/api/v1/tasks/${encodeURIComponent(entriesTask)}/entries`);
    const entries = (r.entries || []).slice().sort((a, b) => String(a.started_at).localeCompare(String(b.started_at)));
    $('entries-empty').hidden = entries.length > 0;
    rerender(list, () => entries.map(entryItem));
  } catch (e) {
    if (!signedOut(e)) {
      $('entries-error').textContent = `Could not load the time log: ${e.message}`;
      $('entries-error').hidden = false;
    }
  }
}

function entryItem(e) {
  const id = idKey(e.id);
  const dur = e.duration_ms ?? (e.ended_at ? Date.parse(e.ended_at) - Date.parse(e.started_at) : 0);
  const li = h('li', { class: 'entry', dataset: { source: e.source, entryId: id } },
    h('span', { class: 'badge', dataset: { source: e.source } }, SOURCE_LABEL[e.source] || e.source),
    ' ',
    h('span', { class: 'entry-span' },
      timeEl(e.started_at), ' – ', e.ended_at ? timeEl(e.ended_at) : h('em', {}, 'running')),
    ' ',
    h('span', { class: 'muted', 'aria-label': spokenDuration(dur) }, formatDuration(dur)));

  if (e.source === 'manual') {
    li.append(h('button', { type: 'button', class: 'small secondary danger-text', dataset: { key: `entry-${id}-delete` },
      onclick: () => deleteEntry(e) }, 'Delete', vh(' this entry')));
  }
  if (e.source === 'capped' && e.ended_at) {
    const inputId = `entry-${id}-end`;
    const errId = `entry-${id}-end-error`;
    const input = h('input', { id: inputId, type: 'datetime-local', dataset: { capped: id, key: `entry-${id}-end` },
      step: '1', value: toLocalInput(new Date(e.ended_at), true), min: toLocalInput(new Date(e.started_at), true),
      max: toLocalInput(new Date(e.ended_at), true), 'aria-describedby': errId, required: true });
    const err = h('p', { class: 'field-error', id: errId, hidden: true });
    const form = h('form', { class: 'capped-fix', novalidate: true,
      onsubmit: (ev) => { ev.preventDefault(); correctCapped(e, input, err); } },
    h('p', { class: 'muted' }, 'The server stopped this timer because it ran past your limit. When did you really stop?'),
    h('label', { for: inputId }, 'Actual end time'),
    input, err,
    h('button', { type: 'submit', class: 'small', dataset: { key: `entry-${id}-save` } }, 'Save end time'));
    li.append(form);
  }
  return li;
}

async function correctCapped(e, input, err) {
  err.hidden = true;
  input.removeAttribute('aria-invalid');
  const iso = fromLocalInput(input.value);
  const fail = (msg) => { err.textContent = msg; err.hidden = false; input.setAttribute('aria-invalid', 'true'); input.focus(); };
  if (!iso) return fail('Enter a date and time.');
  if (Date.parse(iso) > Date.parse(e.ended_at)) return fail('The end can only be moved earlier.');
  if (Date.parse(iso) <= Date.parse(e.started_at)) return fail('The end must be after the start.');
  S.epoch++;
  try {
    await api('PATCH', `/api/v1/entries/${encodeURIComponent(e.id)}`, { ended_at: iso });
    dismissCapped(e.task_id);
    flash('End time corrected.');
    await loadEntries();
  } catch (x) {
    if (!signedOut(x)) fail(x.message);
  }
  loadDay();
}

async function deleteEntry(e) {
  S.epoch++;
  try {
    await api('DELETE', `/api/v1/entries/${encodeURIComponent(e.id)}`);
    flash('Entry deleted.');
  } catch (x) {
    if (!signedOut(x)) flash(`Could not delete the entry: ${x.message}`, 'error');
  }
  await loadEntries();
  $('entry-start').focus();
  loadDay();
}

async function submitEntry(ev) {
  ev.preventDefault();
  const f = $('entry-form');
  clearErrors(f);
  const started = fromLocalInput($('entry-start').value);
  const ended = fromLocalInput($('entry-end').value);
  if (!started) return showError(f, 'entry', 'started_at', 'Enter when you started.');
  if (!ended) return showError(f, 'entry', 'ended_at', 'Enter when you stopped.');
  if (Date.parse(ended) <= Date.parse(started)) return showError(f, 'entry', 'ended_at', 'The end must be after the start.');
  if (Date.parse(ended) > Date.now()) return showError(f, 'entry', 'ended_at', 'The end cannot be in the future.');
  S.epoch++;
  try {
    await api('POST', `/api/v1/tasks/${encodeURIComponent(entriesTask)}/entries`, { started_at: started, ended_at: ended });
    flash('Time added.');
    await loadEntries();
  } catch (e) {
    if (!signedOut(e)) showError(f, 'entry', e.field, e.message);
  }
  loadDay();
}

// ---------------------------------------------------------------- capped banner

const DISMISSED_KEY = 'focusflow.cappedDismissed';
function dismissedSet() {
  try { return new Set(JSON.parse(localStorage.getItem(DISMISSED_KEY) || '[]')); } catch { return new Set(); }
}
function saveDismissed(set) {
  try { localStorage.setItem(DISMISSED_KEY, JSON.stringify([...set].slice(-50))); } catch { /* private mode */ }
}
const cappedKey = (a) => `${a.task_id}|${a.at}`;
let cappedShown = null;

function renderCapped() {
  const dismissed = dismissedSet();
  const a = S.activity.find((x) => x.kind === 'timer_capped' && x.task_id && !dismissed.has(cappedKey(x)));
  cappedShown = a || null;
  const banner = $('capped-banner');
  if (!a) { banner.hidden = true; return; }
  const t = taskOf(a.task_id);
  $('capped-text').textContent = a.message
    || `The timer${t ? ` on “${t.title}”` : ''} ran past your limit and was ended there. If you stopped earlier, correct its end.`;
  banner.hidden = false;
}

function dismissCapped(taskId) {
  const set = dismissedSet();
  for (const a of S.activity) {
    if (a.kind === 'timer_capped' && (taskId === undefined || idKey(a.task_id) === idKey(taskId))) set.add(cappedKey(a));
  }
  saveDismissed(set);
  renderCapped();
}

// ---------------------------------------------------------------- progress & week

function renderFocusTotal() {
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

function renderProgress() {
  const p = S.progress;
  if (!p) return;
  $('stat-done').textContent = `${p.completed} of ${p.total}`;
  $('stat-streak').textContent = `${S.streak} day${S.streak === 1 ? '' : 's'}`;
  renderFocusTotal();
}

// renderWeek draws Monday–Sunday as CSS bars. Each day is a link to that
// day whose accessible name says everything the bar shows.
function renderWeek() {
  const days = S.week.map((d) => {
    const pct = Math.round(d.goal_percent || 0);
    return { ...d, pct, level: Math.max(0, Math.min(20, Math.round(Math.min(100, pct) / 5))) };
  });
  $('week-bars').replaceChildren(...days.map((d) => {
    const label = `${weekdayLong(d.date)}: ${spokenDuration(d.focus_ms)} of focus, ${d.pct}% of the goal, `
      + `${d.completed} of ${d.total} tasks done${d.date === S.today ? ' (today)' : ''}`;
    return h('li', { class: 'wday', dataset: { level: d.level, today: d.date === S.today, shown: d.date === S.date, met: d.pct >= 100 } },
      h('a', { class: 'wlink', href: `/dashboard?date=${encodeURIComponent(d.date)}`, 'aria-label': label, title: label,
        'aria-current': d.date === S.date ? 'date' : null },
      h('span', { class: 'wval', 'aria-hidden': 'true' }, compactDuration(d.focus_ms)),
      h('span', { class: 'wbar', 'aria-hidden': 'true' }, h('span', { class: 'wfill' })),
      h('span', { class: 'wlbl', 'aria-hidden': 'true' }, weekdayShort(d.date))));
  }));
}

// ---------------------------------------------------------------- typed notes

let editingNote = null;

function renderNotes() {
  $('notes-empty').hidden = S.notes.length > 0;
  const notes = [...S.notes].sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  rerender($('note-list'), () => notes.map((n) => {
    const id = idKey(n.id);
    const label = n.title || NOTE_TYPE_LABEL[n.type] || 'Note';
    return h('li', { class: 'note', dataset: { type: n.type, noteId: id } },
      h('div', { class: 'note-head' },
        h('span', { class: 'badge', dataset: { type: n.type } }, NOTE_TYPE_LABEL[n.type] || n.type),
        n.title && h('strong', { class: 'note-title' }, n.title),
        h('span', { class: 'muted small-text' }, timeEl(n.updated_at || n.created_at))),
      h('p', { class: 'note-content' }, n.content),
      h('div', { class: 'note-actions' },
        h('button', { type: 'button', class: 'small secondary', dataset: { key: `note-${id}-edit`, action: 'edit' },
          onclick: (ev) => openNoteDialog(n, ev.currentTarget) }, 'Edit', vh(` note “${label}”`)),
        h('button', { type: 'button', class: 'small secondary danger-text', dataset: { key: `note-${id}-delete`, action: 'delete' },
          onclick: (ev) => deleteNote(n, label, ev.currentTarget) }, 'Delete', vh(` note “${label}”`))));
  }));
}

function openNoteDialog(n, opener) {
  editingNote = n || null;
  const f = $('note-form');
  clearErrors(f);
  $('note-dialog-h').textContent = n ? 'Edit note' : 'Add a note';
  $('note-save').textContent = n ? 'Save changes' : 'Add note';
  $('note-type').value = n?.type ?? 'general';
  $('note-title').value = n?.title ?? '';
  $('note-content').value = n?.content ?? '';
  openDialog($('note-dialog'), opener, n ? $('note-content') : $('note-type'));
}

async function submitNote(ev) {
  ev.preventDefault();
  const f = $('note-form');
  clearErrors(f);
  const type = $('note-type').value;
  const title = $('note-title').value.trim();
  const content = $('note-content').value;
  if (!content.trim()) return showError(f, 'note', 'content', 'Write something in the note.');
  S.epoch++;
  const save = $('note-save');
  save.disabled = true;
  try {
    if (editingNote) {
      const body = {};
      if (type !== editingNote.type) body.type = type;
      if (title !== (editingNote.title ?? '')) body.title = title;
      if (content !== editingNote.content) body.content = content;
      if (Object.keys(body).length) await api('PATCH', `/api/v1/notes/${encodeURIComponent(editingNote.id)}`, body);
    } else {
      const body = { date: S.date, type, content };
      if (title) body.title = title;
      await api('POST', '/api/v1/notes', body);
    }
    $('note-dialog').close('saved');
    flash(editingNote ? 'Note saved.' : 'Note added.');
  } catch (e) {
    if (!signedOut(e)) showError(f, 'note', e.field, e.message);
  } finally {
    save.disabled = false;
  }
  await loadDay();
}

async function deleteNote(n, label, opener) {
  if (!await confirmDialog(`Delete the note “${label}”?`, 'Delete note', opener)) return;
  S.epoch++;
  try {
    await api('DELETE', `/api/v1/notes/${encodeURIComponent(n.id)}`);
    flash('Note deleted.');
  } catch (e) {
    if (!signedOut(e)) flash(`Could not delete the note: ${e.message}`, 'error');
  }
  await loadDay();
  if (!document.activeElement || document.activeElement === document.body) $('add-note').focus();
}

// ---------------------------------------------------------------- activity

function renderActivity() {
  const items = [...S.activity].sort((a, b) => String(b.at).localeCompare(String(a.at)));
  $('activity-empty').hidden = items.length > 0;
  $('activity-list').replaceChildren(...items.map((a) => h('li', { dataset: { kind: a.kind } },
    timeEl(a.at), ' ', h('span', {}, a.message))));
}

// ---------------------------------------------------------------- daily note

// dayNote saves the day's free text as the user types. A failed save keeps
// the text, says "Not saved" and retries with backoff until it lands; a
// sync from the server never overwrites text the user has not saved.
const dayNote = {
  el: null,
  status: null,
  date: null,
  saved: '', // the text the server last confirmed
  dirty: false,
  sending: false,
  queued: false,
  timer: 0,
  backoff: 0,

  init() {
    this.el = $('day-note');
    this.status = $('note-status');
    this.date = S.date;
    this.el.addEventListener('input', () => {
      this.dirty = true;
      this.say('Not saved yet…', 'pending');
      this.schedule(NOTE_DEBOUNCE_MS);
    });
    this.el.addEventListener('blur', () => { if (this.dirty && !this.sending) this.schedule(0); });
    window.addEventListener('online', () => { if (this.dirty) this.schedule(0); });
    // A last attempt when the page goes away with unsaved text.
    window.addEventListener('pagehide', () => {
      if (!this.dirty) return;
      const meta = document.querySelector('meta[name="csrf-token"]');
      fetch(this.url(), { method: 'PUT', keepalive: true, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': meta ? meta.content : '' },
        body: JSON.stringify({ text: this.el.value }) }).catch(() => {});
    });
    window.addEventListener('beforeunload', (ev) => { if (this.dirty) ev.preventDefault(); });
  },

  url() { return `/api/v1/days/${encodeURIComponent(this.date)}/note`; },

  say(text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
  },

  fromServer(note) {
    const text = note?.text ?? '';
    this.el.disabled = false;
    if (this.dirty || this.sending) return;
    this.saved = text;
    if (this.el.value !== text && document.activeElement !== this.el) this.el.value = text;
    if (!this.status.textContent && note?.updated_at && text) this.say(`Saved ${localTime(note.updated_at)}`, 'saved');
  },

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), ms);
  },

  async save() {
    if (this.sending) { this.queued = true; return; }
    const text = this.el.value;
    if (text === this.saved) {
      this.dirty = false;
      this.say('Saved', 'saved');
      return;
    }
    this.sending = true;
    this.say('Saving…', 'pending');
    try {
      const r = await api('PUT', this.url(), { text });
      this.saved = r?.text ?? text;
      this.backoff = 0;
      if (this.el.value === text) {
        this.dirty = false;
        this.say(`Saved ${r?.updated_at ? localTime(r.updated_at) : ''}`.trim(), 'saved');
      } else {
        this.queued = true;
      }
    } catch (e) {
      if (e.status === 401) {
        this.say('Not saved: your session has ended. Copy your text, then sign in again.', 'error');
      } else if (e.status === 400 || e.status === 413) {
        this.say(`Not saved: ${e.message}`, 'error');
      } else {
        this.backoff = Math.min(Math.max(this.backoff * 2, 2000), 60000);
        const offline = navigator.onLine === false;
        this.say(offline
          ? 'Not saved: you are offline. It will save when you are back online.'
          : `Not saved: retrying in ${Math.round(this.backoff / 1000)} s.`, 'error');
        this.schedule(this.backoff);
      }
    } finally {
      this.sending = false;
      if (this.queued) { this.queued = false; this.schedule(0); }
    }
  },
};

// ---------------------------------------------------------------- focus mode

function wireFocusMode() {
  const btn = $('focus-toggle');
  btn.addEventListener('click', async () => {
    const on = !root.classList.contains('focus-mode');
    root.classList.toggle('focus-mode', on);
    btn.setAttribute('aria-pressed', String(on));
    btn.textContent = on ? 'Leave focus mode' : 'Focus mode';
    btn.focus();
    // Saved on the profile so that every device opens the same way.
    const meta = document.querySelector('meta[name="csrf-token"]');
    const form = new URLSearchParams({ csrf_token: meta ? meta.content : '', focus_mode_set: '1' });
    if (on) form.set('focus_mode', '1');
    try {
      await fetch('/profile/settings', { method: 'POST', body: form, credentials: 'same-origin', redirect: 'manual' });
    } catch { /* the toggle still works on this page */ }
  });
  if (root.classList.contains('focus-mode')) btn.textContent = 'Leave focus mode';
}

// ---------------------------------------------------------------- start

function init() {
  S.clock = new Clock();
  // A one-time notice (?notice=…) should not come back on every reload.
  const url = new URL(location.href);
  if (url.searchParams.has('notice')) {
    url.searchParams.delete('notice');
    history.replaceState(history.state, '', url);
  }
  dayNote.init();
  wireDialogs();
  wireFocusMode();

  $('add-task').addEventListener('click', (ev) => openTaskDialog(null, ev.currentTarget));
  $('add-note').addEventListener('click', (ev) => openNoteDialog(null, ev.currentTarget));
  $('task-form').addEventListener('submit', submitTask);
  $('note-form').addEventListener('submit', submitNote);
  $('entry-form').addEventListener('submit', submitEntry);
  $('confirm-dialog').addEventListener('close', () => {
    const r = confirmResolve;
    confirmResolve = null;
    r?.($('confirm-dialog').returnValue === 'yes');
  });

  $('timer-select').addEventListener('change', renderTimer);
  $('timer-start').addEventListener('click', () => {
    const t = taskOf($('timer-select').value);
    if (t) timerAction('start', t.id);
  });
  $('timer-pause').addEventListener('click', () => timerAction('pause'));
  $('timer-resume').addEventListener('click', () => timerAction('resume'));
  $('timer-stop').addEventListener('click', () => timerAction('stop'));

  $('capped-fix').addEventListener('click', (ev) => { if (cappedShown) openEntries(cappedShown.task_id, ev.currentTarget); });
  $('capped-dismiss').addEventListener('click', () => {
    if (!cappedShown) return;
    const set = dismissedSet();
    set.add(cappedKey(cappedShown));
    saveDismissed(set);
    renderCapped();
    $('timer-h').focus();
  });
  document.querySelectorAll('#dashboard h2').forEach((el) => el.setAttribute('tabindex', '-1'));

  // Re-sync: the server's truth after sleep, a lost connection or another
  // tab's change.
  window.addEventListener('focus', () => loadDay());
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') loadDay(); });
  window.addEventListener('online', () => loadDay());
  window.addEventListener('pageshow', (ev) => { if (ev.persisted) loadDay(); });
  setInterval(() => { if (document.visibilityState !== 'hidden') loadDay(); }, SYNC_EVERY_MS);

  renderTimer();
  loadDay();
}

if (root) init();
