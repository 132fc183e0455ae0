// Signals at the end of a phase: a short chime at the user's volume, a
// desktop notification and a vibration. Only the tab that holds the
// browser's event stream signals (live.js decides), and each boundary
// once: the boundaries already signalled are kept in localStorage, which
// the browser's tabs share, so a tab that takes over does not repeat one.

const SEEN_KEY = 'focusflow-signalled';
const STALE_MS = 2 * 60_000; // a boundary this old (a replay after sleep) is not worth a chime
const doc = document.documentElement;

// notificationState says what this browser allows, without asking.
export function notificationState() {
  if (!('Notification' in window)) return { state: 'unsupported', message: 'This browser cannot show notifications.' };
  if (!window.isSecureContext) {
    return { state: 'insecure', message: 'Notifications need HTTPS (or localhost), and this page is served without it.' };
  }
  if (Notification.permission === 'denied') {
    return { state: 'denied', message: 'This browser blocks notifications from FocusFlow. Allow them in its site settings to get them here; your other devices are not affected.' };
  }
  if (Notification.permission === 'granted') return { state: 'granted', message: 'This browser shows FocusFlow’s notifications.' };
  return { state: 'default', message: '' };
}

// firstTime records key and reports whether it was new.
function firstTime(key) {
  let seen = [];
  try { seen = JSON.parse(localStorage.getItem(SEEN_KEY) || '[]'); } catch { seen = []; }
  if (!Array.isArray(seen)) seen = [];
  if (seen.includes(key)) return false;
  seen.push(key);
  try { localStorage.setItem(SEEN_KEY, JSON.stringify(seen.slice(-20))); } catch { /* private mode: this tab still signals once */ }
  return true;
}

let blockedShown = false;
let onBlocked = () => {};

// whenSoundBlocked sets what to do, once, when the browser refuses to play
// before the user has interacted with the page.
export function whenSoundBlocked(fn) { onBlocked = fn; }

function playSound(url, signals) {
  if (signals.sound_muted || signals.sound_volume <= 0) { doc.dataset.sound = 'muted'; return; }
  const audio = new Audio(url);
  audio.volume = Math.min(1, Math.max(0, signals.sound_volume / 100));
  doc.dataset.sound = 'pending';
  audio.play().then(() => { doc.dataset.sound = 'resolved'; }, (e) => {
    doc.dataset.sound = `rejected:${e?.name || 'Error'}`;
    if (e?.name === 'NotAllowedError' && !blockedShown) { blockedShown = true; onBlocked(); }
  });
}

function showNotification(key, text, icon) {
  if (notificationState().state !== 'granted') return;
  try {
    const n = new Notification(text.title, { body: text.body, tag: `focusflow-${key}`, icon });
    doc.dataset.notified = text.title;
    n.onshow = () => { doc.dataset.notificationShown = text.title; };
    n.onerror = () => { doc.dataset.notificationError = text.title; };
    n.onclick = () => { window.focus(); n.close(); };
  } catch (e) {
    // Some mobile browsers allow notifications only from a service worker.
    doc.dataset.notificationError = e?.name || 'Error';
  }
}

// signal announces the boundary at boundaryMs (the instant a phase ended)
// unless it was announced already or is long past. text is {title, body};
// opts carries the user's signals and the sound's and icon's URLs.
export function signal(boundaryMs, text, opts) {
  if (!Number.isFinite(boundaryMs) || Date.now() + (opts.offset || 0) - boundaryMs > STALE_MS) return false;
  if (!firstTime(String(boundaryMs))) return false;
  doc.dataset.signals = String(Number(doc.dataset.signals || 0) + 1);
  doc.dataset.lastSignal = text.title;
  const signals = opts.signals || { sound_volume: 60, sound_muted: false, notify: false };
  playSound(opts.soundURL, signals);
  if (signals.notify) showNotification(boundaryMs, text, opts.iconURL);
  // Browsers refuse (and complain) before the user has interacted.
  if (typeof navigator.vibrate === 'function' && navigator.userActivation?.hasBeenActive) {
    try { navigator.vibrate([180, 90, 180]); } catch { /* not allowed here */ }
  }
  return true;
}
