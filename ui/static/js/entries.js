// A task's time log: its time entries, adding time by hand, deleting a
// manual entry, and correcting the end of an entry the server capped (the
// banner that offers it lives here too).

import { api, flash, signedOut } from './api.js';
import { S, idKey, loadDay, sendChange, taskOf } from './day.js';
import { clearErrors, openDialog, showError } from './dialogs.js';
import { $, h, rerender, timeEl, vh } from './dom.js';
import { formatDuration, fromLocalInput, spokenDuration, toLocalInput } from './format.js';

const SOURCE_LABEL = { timer: 'Timer', manual: 'Manual', capped: 'Capped', imported: 'Imported' };

let entriesTask = null;

export async function openEntries(taskId, opener) {
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
  if (e.source === 'capped' && e.ended_at) li.append(cappedForm(e, id));
  return li;
}

// cappedForm asks when a timer the server capped really stopped; the end
// can only move earlier.
function cappedForm(e, id) {
  const inputId = `entry-${id}-end`;
  const errId = `entry-${id}-end-error`;
  const input = h('input', { id: inputId, type: 'datetime-local', dataset: { capped: id, key: `entry-${id}-end` },
    step: '1', value: toLocalInput(new Date(e.ended_at), true), min: toLocalInput(new Date(e.started_at), true),
    max: toLocalInput(new Date(e.ended_at), true), 'aria-describedby': errId, required: true });
  const err = h('p', { class: 'field-error', id: errId, hidden: true });
  return h('form', { class: 'capped-fix', novalidate: true,
    onsubmit: (ev) => { ev.preventDefault(); correctCapped(e, input, err); } },
  h('p', { class: 'muted' }, 'The server stopped this timer because it ran past your limit. When did you really stop?'),
  h('label', { for: inputId }, 'Actual end time'),
  input, err,
  h('button', { type: 'submit', class: 'small', dataset: { key: `entry-${id}-save` } }, 'Save end time'));
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
  await sendChange('DELETE', `/api/v1/entries/${encodeURIComponent(e.id)}`, undefined, 'Entry deleted.', 'Could not delete the entry');
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

// Dismissed banners are remembered in this browser, by task and time, so
// that a sync does not bring one back.
const DISMISSED_KEY = 'focusflow.cappedDismissed';
function dismissedSet() {
  try { return new Set(JSON.parse(localStorage.getItem(DISMISSED_KEY) || '[]')); } catch { return new Set(); }
}
function saveDismissed(set) {
  try { localStorage.setItem(DISMISSED_KEY, JSON.stringify([...set].slice(-50))); } catch { /* private mode */ }
}
const cappedKey = (a) => `${a.task_id}|${a.at}`;
let cappedShown = null;

export function renderCapped() {
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

export function initEntries() {
  $('entry-form').addEventListener('submit', submitEntry);
  $('capped-fix').addEventListener('click', (ev) => { if (cappedShown) openEntries(cappedShown.task_id, ev.currentTarget); });
  $('capped-dismiss').addEventListener('click', () => {
    if (!cappedShown) return;
    const set = dismissedSet();
    set.add(cappedKey(cappedShown));
    saveDismissed(set);
    renderCapped();
    $('timer-h').focus();
  });
}
