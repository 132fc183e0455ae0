// The user's order of the day: move a task up or down (its menu, or
// Alt+↑/↓ on its row) or drag it by its handle with a mouse, pen or
// finger. Every move sends the day's whole order in one request, so two
// tabs reordering at once end in one of their orders: the server refuses
// an order made from a stale view, and the day is read again.

import { api, flash, signedOut } from './api.js';
import { S, idKey, loadDay, sortTasks } from './day.js';
import { $ } from './dom.js';
import { closeMenu } from './menu.js';

// ordered is the day's tasks in the order shown.
export const ordered = () => sortTasks(S.tasks);

// sendOrder sends ids as the day's order and reads the day again; focusKey
// names the control to focus once the list is drawn anew.
async function sendOrder(ids, message, focusKey) {
  S.epoch++;
  const byId = new Map(S.tasks.map((t) => [idKey(t.id), t]));
  ids.forEach((id, i) => { const t = byId.get(idKey(id)); if (t) t.position = i + 1; });
  S.taskSig = null;
  try {
    await api('PUT', `/api/v1/days/${encodeURIComponent(S.date)}/order`, { task_ids: ids.map(Number) });
    flash(message);
  } catch (e) {
    if (!signedOut(e)) flash(`Could not reorder: ${e.message}`, 'error');
  }
  await loadDay();
  if (focusKey) document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

// moveTask moves task t by delta places (−1 up, +1 down).
export function moveTask(t, delta, focusKey) {
  const ids = ordered().map((x) => idKey(x.id));
  const from = ids.indexOf(idKey(t.id));
  const to = from + delta;
  if (from < 0 || to < 0 || to >= ids.length) return;
  ids.splice(to, 0, ...ids.splice(from, 1));
  sendOrder(ids, `Moved “${t.title}” ${delta < 0 ? 'up' : 'down'} to place ${to + 1} of ${ids.length}.`, focusKey);
}

// onRowKey handles Alt+↑ and Alt+↓ anywhere in a task's row; focus stays
// on the control that had it (the row's menu button when that was an item
// of its menu).
export function onRowKey(ev, t) {
  if (!ev.altKey || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return;
  ev.preventDefault();
  const inMenu = ev.target.closest('[role="menu"]');
  if (inMenu) closeMenu(false);
  const key = (!inMenu && ev.target.dataset?.key) || `${idKey(t.id)}-more`;
  moveTask(t, ev.key === 'ArrowUp' ? -1 : 1, key);
}

// startDrag follows a pointer pressed on task t's handle: the row moves
// with it between the other rows, and letting go sends the new order.
export function startDrag(ev, t) {
  if (ev.button !== 0) return;
  ev.preventDefault();
  // The row moves in the list as the pointer goes, which would end a
  // pointer capture on its handle: the window follows the pointer instead.
  const list = $('task-list');
  const row = ev.currentTarget.closest('li');
  const pointer = ev.pointerId;
  row.classList.add('dragging');
  const move = (e) => {
    if (e.pointerId !== pointer) return;
    const rows = [...list.children].filter((r) => r !== row);
    const before = rows.find((r) => { const b = r.getBoundingClientRect(); return e.clientY < b.top + b.height / 2; });
    if (before) { if (row.nextElementSibling !== before) list.insertBefore(row, before); }
    else if (list.lastElementChild !== row) list.append(row);
  };
  const end = (e) => {
    if (e.pointerId !== pointer) return;
    window.removeEventListener('pointermove', move);
    window.removeEventListener('pointerup', end);
    window.removeEventListener('pointercancel', end);
    row.classList.remove('dragging');
    const ids = [...list.children].map((r) => r.dataset.taskId);
    const old = ordered().map((x) => idKey(x.id));
    if (ids.join() === old.join()) return;
    const place = ids.indexOf(idKey(t.id)) + 1;
    sendOrder(ids, `Moved “${t.title}” to place ${place} of ${ids.length}.`, `${idKey(t.id)}-drag`);
  };
  window.addEventListener('pointermove', move);
  window.addEventListener('pointerup', end);
  window.addEventListener('pointercancel', end);
}
