// The day's schedule: the task list with each task's actions, and the
// dialog that adds or edits a task.

import { api, flash, signedOut } from './api.js';
import { S, idKey, loadDay, sendChange } from './day.js';
import { clearErrors, confirmDialog, openDialog, showError } from './dialogs.js';
import { $, h, rerender, timeEl, vh } from './dom.js';
import { openEntries } from './entries.js';
import { formatDuration, plannedText, shortDate } from './format.js';
import { moveTask, onRowKey, ordered, startDrag } from './order.js';
import { repeatRule, ruleChanged, scope, setupRepeat } from './repeat.js';
import { menuButton } from './menu.js';
import { isBreak, kind } from './session.js';
import { chosenTagIds, showTagChoices } from './tagpick.js';
import { timerAction } from './timer.js';

const STATUS_LABEL = { pending: 'To do', 'in-progress': 'In progress', paused: 'Paused', completed: 'Done' };

let editing = null; // the task being edited, or null when adding

function taskSpent(t) {
  return S.clock.taskId !== null && idKey(S.clock.taskId) === idKey(t.id) ? S.clock.elapsed() : (t.spent_ms || 0);
}

export function renderTasks() {
  // Skip the redraw when nothing it shows changed (the 30-second sync).
  const filter = $('tag-filter').value;
  const sig = JSON.stringify([S.tasks, S.clock.taskId, kind(S.clock.timer), S.clock.timer?.phase, filter]);
  if (sig === S.taskSig) return;
  S.taskSig = sig;
  fillTagFilter(filter);
  const list = ordered();
  const shown = list.filter((t) => !filter || (filter === 'none' ? !t.tags?.length : t.tags?.some((g) => String(g.id) === filter)));
  const empty = $('tasks-empty');
  empty.textContent = list.length ? 'No task of this day has that tag.' : 'No tasks for this day yet. Add one to plan it.';
  empty.hidden = shown.length > 0;
  // Moving needs the whole day in view: the order sent lists every task.
  rerender($('task-list'), () => shown.map((t, i) => taskItem(t, filter ? -1 : i, list.length)));
}

// fillTagFilter offers the tags of the day's tasks in the filter, keeping
// the one chosen.
function fillTagFilter(chosen) {
  const sel = $('tag-filter');
  const tags = new Map();
  for (const t of S.tasks) for (const g of t.tags || []) tags.set(String(g.id), g.name);
  if (chosen && chosen !== 'none' && !tags.has(chosen)) tags.set(chosen, 'a tag not on this day');
  const options = [...tags].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => h('option', { value: id }, `Tagged ${name}`));
  sel.replaceChildren(h('option', { value: '' }, 'All tasks'), h('option', { value: 'none' }, 'Untagged tasks'), ...options);
  sel.value = chosen;
}

// primaryButton is the row's one direct action: for a done task Reopen;
// else its timer control: Pause while it is in focus, Resume while its
// focus is paused, Focus now during its break or wait, Start otherwise.
function primaryButton(t, id, quoted) {
  const k = idKey(S.clock.taskId ?? '') === id ? kind(S.clock.timer) : null;
  const label = vh(` timer for ${quoted}`);
  const key = `${id}-primary`;
  if (k === 'focus') {
    return h('button', { type: 'button', class: 'small secondary', dataset: { key, action: 'pause' },
      onclick: () => timerAction('pause') }, 'Pause', label);
  }
  if (k === 'paused' && !isBreak(S.clock.timer.phase)) {
    return h('button', { type: 'button', class: 'small', dataset: { key, action: 'resume' },
      onclick: () => timerAction('resume') }, 'Resume', label);
  }
  if (t.status === 'completed') {
    return h('button', { type: 'button', class: 'small secondary', dataset: { key, action: 'reopen' },
      onclick: () => setStatus(t, 'pending') }, 'Reopen', vh(` ${quoted}`));
  }
  return h('button', { type: 'button', class: 'small', dataset: { key, action: 'start' },
    onclick: () => timerAction('start', t.id) }, k ? 'Focus now' : 'Start', label);
}

// taskItem is one row; index is its place in the day, or -1 while a
// filter hides some tasks (no moving then).
function taskItem(t, index, count) {
  const id = idKey(t.id);
  const titleId = `task-${id}-title`;
  const quoted = `“${t.title}”`;
  const movable = index >= 0;
  return h('li', { class: 'task', id: `task-${id}`, dataset: { status: t.status, taskId: id },
    onkeydown: movable ? (ev) => onRowKey(ev, t) : undefined },
    movable ? h('button', { type: 'button', class: 'drag-handle', dataset: { key: `${id}-drag` }, title: 'Drag to move (or Alt+↑/↓)',
      'aria-label': `Move ${quoted}: drag, or press Alt+Up or Alt+Down`, onpointerdown: (ev) => startDrag(ev, t) }, '⠿')
      : h('span', { class: 'drag-handle', 'aria-hidden': 'true' }),
    taskMain(t, id, titleId),
    h('div', { class: 'task-actions', role: 'group', 'aria-labelledby': titleId },
      primaryButton(t, id, quoted),
      menuButton({ key: `${id}-more`, className: 'small secondary',
        label: [h('span', { 'aria-hidden': 'true' }, '⋯'), vh(`More actions for ${quoted}`)],
        items: menuItems(t, id, quoted, index, count) })));
}

// item is one entry of a row's menu.
const item = (id, action, label, run, extra = {}) => ({ key: `${id}-${action}`, action, label, run, ...extra });

// menuItems are a row's other actions, those that apply to it; index is
// its place in the day (-1: no moving).
function menuItems(t, id, quoted, index, count) {
  const more = `${id}-more`;
  const done = t.status === 'completed';
  return [
    !done && item(id, 'complete', ['Complete', vh(` ${quoted}`)], () => setStatus(t, 'completed')),
    item(id, 'edit', ['Edit', vh(` ${quoted}`)], (opener) => openTaskDialog(t, opener)),
    item(id, 'log', ['Time log', vh(` of ${quoted}`)], (opener) => openEntries(t.id, opener)),
    index > 0 && item(id, 'move-up', ['Move up', vh(` ${quoted}`)], () => moveTask(t, -1, more), { shortcut: 'Alt+ArrowUp' }),
    index >= 0 && index < count - 1 && item(id, 'move-down', ['Move down', vh(` ${quoted}`)], () => moveTask(t, 1, more),
      { shortcut: 'Alt+ArrowDown' }),
    !done && S.date < S.today && item(id, 'move-today', ['Move to today', vh(` ${quoted}`)], () => moveToToday(t)),
    t.series && item(id, 'stop-repeat', ['Stop repeating', vh(` ${quoted}`)], (opener) => stopRepeating(t, opener),
      { className: 'danger-text' }),
    item(id, 'delete', ['Delete', vh(` ${quoted}`)], (opener) => deleteTask(t, opener), { className: 'danger-text' }),
  ].filter(Boolean);
}

function taskMain(t, id, titleId) {
  const planned = plannedText(t);
  const tags = t.tags || [];
  return h('div', { class: 'task-main' },
    h('h3', { class: 'task-title', id: titleId }, t.title),
    h('p', { class: 'task-meta' },
      h('span', { class: 'badge', dataset: { status: t.status } }, STATUS_LABEL[t.status] || t.status),
      tags.length > 0 && h('span', { class: 'tag-chips' }, vh('Tags: '),
        tags.map((g) => h('span', { class: `tag-chip tag-c-${g.color}` }, g.name))),
      planned && h('span', { class: 'planned' }, vh('Planned '), planned),
      t.series && h('span', { class: 'repeats' }, t.series.summary ? `Repeats: ${t.series.summary}` : 'Repeats'),
      h('span', { class: 'spent' }, 'Spent ', h('span', { dataset: { spent: id } }, formatDuration(taskSpent(t)))),
      t.status === 'completed' && t.completed_at && h('span', { class: 'muted' }, 'done at ', timeEl(t.completed_at))),
    t.description && h('p', { class: 'task-desc' }, t.description));
}

async function stopRepeating(t, opener) {
  const ok = await confirmDialog(`Stop repeating “${t.title}”? Done and started occurrences stay; untouched ones from today on go.`,
    'Stop repeating', opener);
  if (!ok) return;
  await sendChange('DELETE', `/api/v1/series/${encodeURIComponent(t.series.id)}`, undefined,
    `“${t.title}” no longer repeats.`, `Could not change “${t.title}”`);
  await loadDay();
  if (!document.activeElement || document.activeElement === document.body) $('add-task').focus();
}

async function setStatus(t, status) {
  await sendChange('PATCH', `/api/v1/tasks/${encodeURIComponent(t.id)}`, { status },
    status === 'completed' ? `Marked “${t.title}” done.` : `Reopened “${t.title}”.`, `Could not update “${t.title}”`);
  await loadDay();
}

async function moveToToday(t) {
  await sendChange('POST', `/api/v1/tasks/${encodeURIComponent(t.id)}/move-to-today`, undefined,
    `Moved “${t.title}” to today.`, `Could not move “${t.title}”`);
  await loadDay();
  if (!document.activeElement || document.activeElement === document.body) $('add-task').focus();
}

async function deleteTask(t, opener) {
  const ok = await confirmDialog(`Delete “${t.title}” and all the time recorded on it? This cannot be undone.`, 'Delete task', opener);
  if (!ok) return;
  await sendChange('DELETE', `/api/v1/tasks/${encodeURIComponent(t.id)}`, undefined,
    `Deleted “${t.title}”.`, `Could not delete “${t.title}”`);
  await loadDay();
  if (!document.activeElement || document.activeElement === document.body) $('add-task').focus();
}

// ---------------------------------------------------------------- task dialog

function openTaskDialog(t, opener) {
  editing = t || null;
  clearErrors($('task-form'));
  $('task-dialog-h').textContent = t ? 'Edit task' : 'Add a task';
  $('task-save').textContent = t ? 'Save changes' : 'Add task';
  $('task-title').value = t?.title ?? '';
  $('task-description').value = t?.description ?? '';
  $('task-start').value = t?.start_time ?? '';
  $('task-duration').value = t?.duration_minutes ?? '';
  $('task-date').value = t?.date ?? S.date;
  showTagChoices(t);
  setupRepeat(t, t?.date ?? S.date);
  openDialog($('task-dialog'), opener, $('task-title'));
}

// readTaskForm returns the form's values, or null after showing why they
// cannot be sent.
function readTaskForm(f) {
  const fail = (field, message) => { showError(f, 'task', field, message); return null; };
  const v = { title: $('task-title').value.trim(), description: $('task-description').value,
    start: $('task-start').value || null, duration: null, date: $('task-date').value };
  const durRaw = $('task-duration').value.trim();
  if (!v.title) return fail('title', 'Give the task a title.');
  if (durRaw) {
    v.duration = Number(durRaw);
    if (!Number.isInteger(v.duration) || v.duration < 1 || v.duration > 1440) {
      return fail('duration_minutes', 'Duration must be a whole number of minutes from 1 to 1440.');
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date)) return fail('date', 'Pick a day for the task.');
  return v;
}

// taskBody is a new task's fields, or only those an edit changed.
function taskBody(v) {
  const body = {};
  const had = (editing?.tags || []).map((g) => g.id).sort((a, b) => a - b);
  if (v.tagIds.length || had.length) {
    const now = [...v.tagIds].sort((a, b) => a - b);
    if (now.join() !== had.join()) body.tag_ids = now;
  }
  if (!editing) {
    Object.assign(body, { date: v.date, title: v.title });
    if (v.description) body.description = v.description;
    if (v.start) body.start_time = v.start;
    if (v.duration !== null) body.duration_minutes = v.duration;
    return body;
  }
  if (v.title !== editing.title) body.title = v.title;
  if (v.description !== (editing.description ?? '')) body.description = v.description;
  if (v.start !== (editing.start_time ?? null)) body.start_time = v.start;
  if (v.duration !== (editing.duration_minutes ?? null)) body.duration_minutes = v.duration;
  if (v.date !== editing.date) body.date = v.date;
  return body;
}

// ruleBody is a rule as the API takes it: only the kind's own fields.
function ruleBody(rule) {
  const r = { ...rule };
  if (!r.end_date) delete r.end_date;
  return r;
}

// sendTask creates the task (a series when it repeats) or changes it, for
// an occurrence this one or with the following ones.
async function sendTask(body, v) {
  const rule = repeatRule();
  if (!editing && rule) {
    const sr = await api('POST', '/api/v1/series', { title: body.title, description: body.description, start_time: body.start_time,
      duration_minutes: body.duration_minutes, start_date: body.date, repeat: ruleBody(rule) });
    return { title: sr.title, date: v.date };
  }
  if (!editing) return api('POST', '/api/v1/tasks', body);
  const sc = scope();
  if (sc === 'following') {
    delete body.date;
    await api('PATCH', `/api/v1/tasks/${encodeURIComponent(editing.id)}`, { ...body, scope: sc });
    return { title: v.title, date: S.date };
  }
  return api('PATCH', `/api/v1/tasks/${encodeURIComponent(editing.id)}`, body);
}

async function submitTask(ev) {
  ev.preventDefault();
  const f = $('task-form');
  clearErrors(f);
  const v = readTaskForm(f);
  if (!v) return;
  const save = $('task-save');
  save.disabled = true;
  S.epoch++;
  try {
    v.tagIds = await chosenTagIds();
    const body = taskBody(v);
    const rule = repeatRule();
    if (editing && scope() === 'following' && rule && ruleChanged(rule)) body.repeat = ruleBody(rule);
    if (editing && !Object.keys(body).length) { $('task-dialog').close('cancel'); return; }
    const t = await sendTask(body, v);
    $('task-dialog').close('saved');
    if (t && t.date && t.date !== S.date) flash(`“${t.title}” is now on ${shortDate(t.date)}.`);
    else flash(editing ? `Saved “${v.title}”.` : `Added “${v.title}”.`);
  } catch (e) {
    if (!signedOut(e)) showError(f, 'task', e.field, e.message);
  } finally {
    save.disabled = false;
  }
  await loadDay();
}

// newTask opens the dialog that adds a task; focus goes back to opener.
export const newTask = (opener) => openTaskDialog(null, opener);

export function initTasks() {
  $('add-task').addEventListener('click', (ev) => openTaskDialog(null, ev.currentTarget));
  $('tag-filter').addEventListener('change', () => renderTasks());
  $('task-form').addEventListener('submit', submitTask);
}
