// Keeping the dashboard live: the events of the browser's one stream
// (live.js) applied as they come, the user's session and signal settings,
// and the signal at each phase's end, from the tab that holds the stream.

import { api, signedOut } from './api.js';
import { S, loadDay, root } from './day.js';
import { $ } from './dom.js';
import { signalsHere, startLive } from './live.js';
import { endText, ended } from './session.js';
import { notificationState, signal, whenSoundBlocked } from './signals.js';
import { renderTasks } from './tasks.js';
import { renderTimer, timerHooks, timerTaskTitle } from './timer.js';

const STATUS = {
  polling: 'Live updates are unavailable right now: this page checks the server every so often and keeps trying.',
  paused: 'Live updates are paused in this browser, because FocusFlow is open on more devices than the server streams to. '
    + 'This page checks for changes every 30 seconds; reload it to go live again.',
};

// loadMe reads the user's session plan and signals.
export async function loadMe() {
  try {
    const me = await api('GET', '/api/v1/me');
    S.me = { session: me.session, signals: me.signals };
    renderTimer();
  } catch (e) {
    signedOut(e);
  }
}

// announce signals a phase's end at atMs (server time), once per browser.
function announce(atMs, endedPhase, after, mode) {
  if (!signalsHere()) return;
  signal(atMs, endText(endedPhase, after, timerTaskTitle() || 'your task', mode),
    { signals: S.me?.signals, soundURL: root.dataset.sound, iconURL: root.dataset.iconFocus, offset: S.clock.offset });
}

let refreshTimer = 0;

// shows reports whether the page already shows timer t (the event of
// this page's own action, whose answer came first).
function shows(t) {
  const c = S.clock.timer;
  return !!c && !!t && c.version === t.version && c.state === t.state && c.phase === t.phase;
}

// adoptTimer takes the timer an event carries at once; the tasks' statuses
// and times that changed with it follow from a read of the day.
function adoptTimer(kind, data) {
  const t = data.timer ?? null;
  if (!shows(t)) {
    S.epoch++; // a read under way started before this change: it is read again
    if (!S.clock.adopt(t, data.server_time)) return;
    renderTimer();
    renderTasks();
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(loadDay, 300);
  }
  if (kind === 'phase' && t) announce(Date.parse(t.phase_started_at), ended(t), t, t.mode);
}

function onEvent(kind, data) {
  switch (kind) {
    case 'timer':
    case 'phase':
      adoptTimer(kind, data);
      break;
    case 'day':
      if (!data.date || data.date === S.date) loadDay();
      break;
    case 'settings':
    case 'resync':
      loadMe();
      loadDay();
      break;
    case 'goodbye':
      if (data.reason === 'signed_out') location.assign('/login?notice=signed-out');
      break;
    default:
  }
}

let wasLive = false;

function showStatus(state) {
  $('live-status').textContent = STATUS[state] || '';
  // Back from a gap: what happened meanwhile is read once.
  if (state === 'live' && !wasLive && S.loaded) loadDay();
  wasLive = state === 'live';
}

function soundBlocked() {
  const el = $('sound-blocked');
  el.textContent = S.me?.signals?.notify && notificationState().state === 'granted'
    ? 'Sound is blocked until you click somewhere on the page; notifications still arrive.'
    : 'Sound is blocked until you click somewhere on the page.';
  el.hidden = false;
  const hide = () => { el.hidden = true; };
  document.addEventListener('pointerdown', hide, { once: true });
  document.addEventListener('keydown', hide, { once: true });
}

export function startSync() {
  timerHooks.boundary = (atMs, endedPhase, before) => {
    if (document.visibilityState === 'visible') announce(atMs, endedPhase, null, before.mode);
  };
  whenSoundBlocked(soundBlocked);
  startLive({ event: onEvent, status: showStatus, poll: () => loadDay() });
  loadMe();
}
