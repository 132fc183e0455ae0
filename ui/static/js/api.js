// Talking to the server: JSON requests with the CSRF header, and how a
// failed one is told to the user.

import { $ } from './dom.js';
import { servedFrom } from './offline.js';

const meta = document.querySelector('meta[name="csrf-token"]');

// csrfToken returns a token for the X-CSRF-Token header, fetching a fresh
// one when the page's token may have expired (pages left open all day).
let tokenFetchedAt = Date.now();
export async function csrfToken() {
  if (!meta.content || Date.now() - tokenFetchedAt > 30 * 60 * 1000) {
    const res = await fetch('/api/v1/csrf', { credentials: 'same-origin' });
    if (res.ok) {
      meta.content = (await res.json()).csrf_token;
      tokenFetchedAt = Date.now();
    }
  }
  return meta.content;
}

// pageToken is the token as it stands, for a request that cannot wait for
// a fresh one (the page is going away).
export const pageToken = () => (meta ? meta.content : '');

// api sends a JSON request with the CSRF header and returns the parsed
// body; a failed request throws an Error carrying status and field. A
// signal may abort it.
export async function api(method, url, body, signal) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = await csrfToken();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, credentials: 'same-origin', signal,
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (method === 'GET') servedFrom(res.headers.get('X-FocusFlow-Offline'));
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(data?.error?.message || `Request failed (${res.status})`);
    err.status = res.status; err.field = data?.error?.field; err.data = data;
    throw err;
  }
  return data;
}

let flashTimer = 0;
export function flash(text, kind = 'info') {
  const el = $('flash');
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { el.hidden = true; el.textContent = ''; }, kind === 'error' ? 12000 : 8000);
}

// signedOut tells the user once their session is gone, so that the many
// failures that follow are not each reported as an error of their own.
export function signedOut(e) {
  if (e?.status !== 401) return false;
  flash('Your session has ended. Sign in again to keep working; unsaved text stays on this page.', 'error');
  return true;
}
