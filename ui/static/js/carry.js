// Carry forward: today's page offers the unfinished tasks of earlier days
// ("3 unfinished from earlier"), to move to today one by one or all at
// once. Their time stays on the days it was spent.

import { api, flash, signedOut } from './api.js';
import { S, loadDay } from './day.js';
import { $, h, rerender, vh } from './dom.js';
import { shortDate } from './format.js';

let offered = [];
let lastSig = null;

function render() {
  const banner = $('carry-banner');
  banner.hidden = offered.length === 0;
  if (!offered.length) return;
  $('carry-h').textContent = `${offered.length} unfinished from earlier`;
  rerender($('carry-list'), () => offered.map((t) => {
    const id = String(t.id);
    return h('li', { id: `carry-${id}`, dataset: { taskId: id } },
      h('span', { class: 'carry-title' }, t.title), ' ',
      h('span', { class: 'muted' }, `(${shortDate(t.date)})`), ' ',
      h('button', { type: 'button', class: 'small secondary', dataset: { key: `carry-${id}-move`, action: 'move' },
        onclick: () => move(t) }, 'Move to today', vh(` “${t.title}”`)));
  }));
  $('carry-all').textContent = offered.length === 1 ? 'Move it to today' : `Move all ${offered.length} to today`;
}

async function refresh() {
  try {
    offered = (await api('GET', '/api/v1/carry-forward')).tasks;
  } catch (e) {
    if (!signedOut(e)) offered = [];
  }
  render();
}

async function send(method, url, done) {
  S.epoch++;
  try {
    await api(method, url);
    flash(done);
  } catch (e) {
    if (!signedOut(e)) flash(`Could not move: ${e.message}`, 'error');
  }
  await Promise.all([refresh(), loadDay()]);
}

async function move(t) {
  await send('POST', `/api/v1/tasks/${encodeURIComponent(t.id)}/move-to-today`, `Moved “${t.title}” to today.`);
  const next = document.querySelector('#carry-list button') || $('add-task');
  next.focus();
}

// renderCarry runs with every drawing of the day: on today's page it asks
// again whenever the day's tasks changed (a move from another tab, say).
export function renderCarry() {
  if (S.date !== S.today) return;
  const sig = JSON.stringify(S.tasks.map((t) => [t.id, t.date]));
  if (sig === lastSig) return;
  lastSig = sig;
  refresh();
}

export function initCarry() {
  $('carry-all').addEventListener('click', async () => {
    const n = offered.length;
    await send('POST', '/api/v1/carry-forward', n === 1 ? 'Moved 1 task to today.' : `Moved ${n} tasks to today.`);
    $('add-task').focus();
  });
}
