// Keyboard shortcuts of the dashboard: single keys for the core loop (a
// new task, the timer, the days, focus mode) and "?" for the list of them.
// They never act while the user types in a field, holds Ctrl, Alt or Meta,
// has a dialog or a menu open; each says what it did in the page's live
// region. They can be turned off (in this browser) from the list.

import { flash } from './api.js';
import { S, taskOf } from './day.js';
import { openDialog } from './dialogs.js';
import { $, h } from './dom.js';
import { menuOpen } from './menu.js';
import { setSingleKeys, singleKeysOn, typing } from './search.js';
import { actions, kind } from './session.js';
import { newTask } from './tasks.js';
import { timerAction, timerTaskTitle } from './timer.js';

const say = (text) => flash(text);

// runTimer sends a timer action and says what became of it.
async function runTimer(action, taskId, done) {
  if (await timerAction(action, taskId)) say(done());
}

function startOrPause() {
  const t = S.clock.timer;
  const k = kind(t);
  if (k === 'focus' || k === 'break') return runTimer('pause', undefined, () => 'Timer paused.');
  if (k === 'paused' || k === 'waiting') return runTimer('resume', undefined, () => `Timer running on “${timerTaskTitle()}”.`);
  const task = taskOf($('timer-select').value);
  if (!task) return say('There is no task to time: press N to add one.');
  return runTimer('start', task.id, () => `Timer started on “${task.title}”.`);
}

// endTimer stops the timer or marks its task done; the timer's own flash
// says how it went.
function endTimer(action) {
  if (!actions(S.clock.timer).includes(action)) return say('The timer is not running.');
  return timerAction(action);
}

function goToDay(selector, words) {
  const link = document.querySelector(selector);
  if (link.getAttribute('aria-current') === 'date') return say('This is already today.');
  say(`Opening ${words}…`);
  location.assign(link.href);
}

// focusedOr is the control that has focus, for a dialog to give it back
// to, or fallback when none has.
const focusedOr = (fallback) => (document.activeElement && document.activeElement !== document.body ? document.activeElement : fallback);

function toggleFocusMode() {
  $('focus-toggle').click();
  say($('focus-toggle').getAttribute('aria-pressed') === 'true' ? 'Focus mode on.' : 'Focus mode off.');
}

// SHORTCUTS lists every shortcut, in the order the help shows them. "/"
// (search) is handled where the search box is.
const SHORTCUTS = [
  { key: 'n', label: 'N', what: 'Add a task', run: () => newTask(focusedOr($('add-task'))) },
  { key: 's', label: 'S', what: 'Start the timer (on the task chosen in the timer card), pause or resume it', run: startOrPause },
  { key: 'x', label: 'X', what: 'Stop the timer; the task keeps its time', run: () => endTimer('stop') },
  { key: 'd', label: 'D', what: 'Done: stop the timer and mark its task done', run: () => endTimer('complete') },
  { key: '[', label: '[', what: 'Previous day', run: () => goToDay('.day-nav a[rel="prev"]', 'the previous day') },
  { key: ']', label: ']', what: 'Next day', run: () => goToDay('.day-nav a[rel="next"]', 'the next day') },
  { key: 't', label: 'T', what: 'Today', run: () => goToDay('.day-nav a[href="/dashboard"]', 'today') },
  { key: 'f', label: 'F', what: 'Focus mode on or off (only the timer shows)', run: toggleFocusMode },
  { key: '/', label: '/', what: 'Search tasks and notes', run: null },
  { key: '?', label: '?', what: 'This list of shortcuts', run: () => openHelp(focusedOr(null)) },
];

function onKey(ev) {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing || ev.repeat) return;
  const s = SHORTCUTS.find((x) => x.key === ev.key && x.run);
  if (!s || !singleKeysOn() || typing(document.activeElement) || document.querySelector('dialog[open]') || menuOpen()) return;
  ev.preventDefault();
  s.run();
}

// ---------------------------------------------------------------- the help

function openHelp(opener) {
  $('keys-on').checked = singleKeysOn();
  // The heading takes focus: the list is read from its start.
  openDialog($('keys-dialog'), opener, $('keys-h'));
}

// trapTab keeps Tab and Shift+Tab inside the open dialog.
function trapTab(ev) {
  if (ev.key !== 'Tab') return;
  const all = [...ev.currentTarget.querySelectorAll('button, input, a[href]')].filter((el) => !el.disabled && el.offsetParent);
  const first = all[0];
  const last = all[all.length - 1];
  const at = all.indexOf(document.activeElement); // -1 on the heading
  if (ev.shiftKey && at <= 0) { ev.preventDefault(); last.focus(); }
  else if (!ev.shiftKey && at === all.length - 1) { ev.preventDefault(); first.focus(); }
}

export function initKeys() {
  $('keys-list').replaceChildren(...SHORTCUTS.map((s) => h('tr', {},
    h('th', { scope: 'row' }, h('kbd', {}, s.label)), h('td', {}, s.what))));
  for (const s of SHORTCUTS) {
    document.querySelectorAll(`[data-shortcut="${CSS.escape(s.key)}"]`).forEach((el) => el.setAttribute('aria-keyshortcuts', s.key));
  }
  $('keys-open').addEventListener('click', (ev) => openHelp(ev.currentTarget));
  $('keys-on').addEventListener('change', (ev) => {
    setSingleKeys(ev.currentTarget.checked);
    say(ev.currentTarget.checked ? 'Single-key shortcuts on.' : 'Single-key shortcuts off.');
  });
  $('keys-dialog').addEventListener('keydown', trapTab);
  document.addEventListener('keydown', onKey);
}
