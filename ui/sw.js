// FocusFlow's service worker: the dashboard keeps working offline with the
// last day it loaded. The server puts VERSION and SHELL (every hashed
// static file) in front of this source.
//
// What it touches, and nothing else:
//   - GET /static/…: the app shell, stored at install; these files never
//     change under their name and hold no user data.
//   - GET navigations to /dashboard: network first; the last good answer is
//     kept, with its CSRF tokens blanked, so that the copy carries no token
//     (the page fetches a fresh one when it is back online).
//   - GET /api/v1/days/{date}: network first; the last good answer is kept.
// Every other request (the event stream, any write, every other page) goes
// to the network as if there were no worker. The day cache belongs to one
// signed-in user: the pages delete it on sign-out and when another user
// signs in (offline.js), and so does this worker when /dashboard answers
// with a redirect to sign in.

const SHELL_CACHE = `focusflow-shell-${VERSION}`;
const DAY_CACHE = 'focusflow-day';
const DASHBOARD_KEY = '/dashboard';

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(SHELL_CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('focusflow-shell-') && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/static/')) {
    ev.respondWith(caches.match(req, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(req)));
  } else if (req.mode === 'navigate' && url.pathname === '/dashboard') {
    ev.respondWith(dashboard(req));
  } else if (/^\/api\/v1\/days\/[^/]+$/.test(url.pathname)) {
    ev.respondWith(day(req));
  }
});

// savedCopy marks an answer from the cache, saying when it was saved.
async function savedCopy(res) {
  const headers = new Headers(res.headers);
  headers.set('X-FocusFlow-Offline', res.headers.get('X-FocusFlow-Saved') || '');
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers });
}

// keep stores a copy of an answer with the time it was saved; body, if
// given, replaces the answer's own.
async function keep(key, res, body) {
  const headers = new Headers(res.headers);
  headers.set('X-FocusFlow-Saved', new Date().toISOString());
  headers.delete('Set-Cookie');
  const copy = new Response(body ?? await res.blob(), { status: res.status, statusText: res.statusText, headers });
  const cache = await caches.open(DAY_CACHE);
  await cache.put(key, copy);
}

async function dashboard(req) {
  let res;
  try {
    res = await fetch(req);
  } catch (e) {
    const hit = await caches.match(DASHBOARD_KEY, { cacheName: DAY_CACHE });
    if (hit) return savedCopy(hit);
    throw e;
  }
  if (res.redirected || new URL(res.url).pathname !== '/dashboard') {
    await caches.delete(DAY_CACHE); // signed out: nothing of the last user stays
  } else if (res.ok) {
    const html = (await res.clone().text())
      .replace(/(<meta name="csrf-token" content=")[^"]*"/g, '$1"')
      .replace(/(name="csrf_token" value=")[^"]*"/g, '$1"');
    await keep(DASHBOARD_KEY, res, html);
  }
  return res;
}

async function day(req) {
  let res;
  try {
    res = await fetch(req);
  } catch {
    const hit = await caches.match(req, { cacheName: DAY_CACHE });
    if (hit) return savedCopy(hit);
    return new Response(JSON.stringify({ error: { code: 'offline', message: 'You are offline and this day was not saved on this device.' } }),
      { status: 503, headers: { 'Content-Type': 'application/json' } });
  }
  if (res.ok) {
    // Only the last loaded day is kept.
    const cache = await caches.open(DAY_CACHE);
    for (const old of await cache.keys()) {
      if (new URL(old.url).pathname.startsWith('/api/v1/days/')) await cache.delete(old);
    }
    await keep(req, res.clone());
  }
  return res;
}
