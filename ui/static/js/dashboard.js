// The daily dashboard: timer card, schedule, notes, activity and progress,
// all drawn from GET /api/v1/days/{date} and kept in step with the server.
// Each area is a module of its own; this one wires them together, and
// holds focus mode, which changes the page as a whole.
//
// User text is only ever set with textContent or as Text nodes.

import { initActivity, renderActivity } from './activity.js';
import { pageToken } from './api.js';
import { drawDayWith, forgetNotice, keepInSync, loadDay, renderProgress, renderWeek, root } from './day.js';
import { wireDialogs } from './dialogs.js';
import { $ } from './dom.js';
import { initEntries, renderCapped } from './entries.js';
import { initKeys } from './keys.js';
import { initMenus } from './menu.js';
import { initNotes, renderDayNote, renderNotes } from './notes.js';
import { startSync } from './sync.js';
import { initTab } from './tabtitle.js';
import { initCarry, renderCarry } from './carry.js';
import { initRepeat } from './repeat.js';
import { initTasks, renderTasks } from './tasks.js';
import { initTimer, renderTimer, timerView } from './timer.js';

function wireFocusMode() {
  const btn = $('focus-toggle');
  btn.addEventListener('click', async () => {
    const on = !root.classList.contains('focus-mode');
    root.classList.toggle('focus-mode', on);
    btn.setAttribute('aria-pressed', String(on));
    btn.textContent = on ? 'Leave focus mode' : 'Focus mode';
    btn.focus();
    // Saved on the profile so that every device opens the same way.
    const form = new URLSearchParams({ csrf_token: pageToken(), focus_mode_set: '1' });
    if (on) form.set('focus_mode', '1');
    try {
      await fetch('/profile/settings', { method: 'POST', body: form, credentials: 'same-origin', redirect: 'manual' });
    } catch { /* the toggle still works on this page */ }
  });
  if (root.classList.contains('focus-mode')) btn.textContent = 'Leave focus mode';
}

function init() {
  initTimer();
  forgetNotice();
  initNotes();
  wireDialogs();
  wireFocusMode();
  initTasks();
  initRepeat();
  initCarry();
  initEntries();
  initActivity();
  initMenus();
  initKeys();
  // Headings take focus when the control a keyboard user was on vanishes.
  document.querySelectorAll('#dashboard h2').forEach((el) => el.setAttribute('tabindex', '-1'));
  drawDayWith(renderTasks, timerView, renderProgress, renderWeek, renderNotes, renderActivity, renderCapped, renderDayNote, renderCarry);
  keepInSync();
  initTab(root);
  renderTimer();
  loadDay();
  startSync();
}

if (root) init();
