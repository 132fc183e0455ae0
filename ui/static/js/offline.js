// The installable app's page side: registers the service worker (sw.js)
// for a signed-in user, keeps the copy of the last day it saved to the
// user it belongs to, and tells the user when what they see is that copy.

import { localTime } from './format.js';

const DAY_CACHE = 'focusflow-day';
const USER_KEY = 'focusflow-user';
const user = document.querySelector('meta[name="focusflow-user"]')?.content || '';

// forgetDay deletes the saved day and dashboard (sign-out, another user).
export async function forgetDay() {
  if (!('caches' in window)) return;
  try { await caches.delete(DAY_CACHE); } catch { /* storage unavailable */ }
}

function remember(key, value) {
  try {
    if (value) localStorage.setItem(key, value); else localStorage.removeItem(key);
  } catch { /* storage unavailable: the cache is still cleared */ }
}

// trackUser clears the saved day on every signed-out page and when the
// signed-in user is not the one it was saved for.
function trackUser() {
  let prev = null;
  try { prev = localStorage.getItem(USER_KEY); } catch { /* unavailable */ }
  if (!user || (prev && prev !== user)) forgetDay();
  remember(USER_KEY, user);
  document.querySelectorAll('form[action="/logout"]').forEach((f) => f.addEventListener('submit', () => forgetDay()));
}

// A page served from the saved copy carries no CSRF token: fetch one once
// the server can be reached.
async function fillBlankTokens() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (!user || !meta || meta.content || navigator.onLine === false) return;
  try {
    const res = await fetch('/api/v1/csrf', { credentials: 'same-origin' });
    if (!res.ok) return;
    meta.content = (await res.json()).csrf_token;
    document.querySelectorAll('input[name="csrf_token"]').forEach((i) => { if (!i.value) i.value = meta.content; });
  } catch { /* still offline */ }
}

let savedAt = null; // when the copy on screen was saved, or null

function drawBanner() {
  const el = document.getElementById('offline-banner');
  if (!el) return;
  const offline = navigator.onLine === false || savedAt !== null;
  el.hidden = !offline;
  if (!offline) return;
  const when = savedAt ? new Date(savedAt) : null;
  const saved = when && !Number.isNaN(when.getTime())
    ? ` It shows this day as saved on this device at ${localTime(when.toISOString())}.`
    : '';
  document.getElementById('offline-text').textContent =
    `${saved} Changes cannot be saved until the connection returns; the page updates by itself then.`;
}

// servedFrom is told by each GET to the API whether its answer came from
// the saved copy (the time it was saved) or from the server (null).
export function servedFrom(saved) {
  if (savedAt === saved) return;
  savedAt = saved;
  drawBanner();
}

trackUser();
if (user && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => { /* no offline copy: the app works as before */ });
}
window.addEventListener('offline', drawBanner);
window.addEventListener('online', () => { drawBanner(); fillBlankTokens(); });
drawBanner();
fillBlankTokens();
