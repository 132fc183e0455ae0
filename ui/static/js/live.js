// Live updates, one stream per browser. The tabs of a browser elect a
// leader with the Web Locks API; only the leader opens GET /api/v1/events
// and it relays every event to the other tabs over a BroadcastChannel, so
// that any number of tabs fit in HTTP/1.1's six connections per host and
// in the server's streams per user. When the leader closes, or is frozen
// (it steps down on the page lifecycle's freeze event), the next tab in
// line takes over and resumes from the last event relayed. A stream that
// cannot be opened is retried with backoff while the pages poll instead.

const NAME = 'focusflow-events';
const KINDS = ['timer', 'phase', 'day', 'settings', 'resync', 'goodbye'];
const FIRST_RETRY_MS = 5000;
const LAST_RETRY_MS = 60000;
const doc = document.documentElement;

let on = null; // { event(kind, data), status(state), poll() }
let channel = null;
let leader = false;
let release = null; // ends the leader's hold on the lock
let waiting = null; // aborts a lock request still in line
let source = null;
let lastId = '';
let state = '';
let retryIn = FIRST_RETRY_MS;
let retryTimer = 0;
// A leader's term is when it took the lock: a follower heeds the state of
// the newest leader only (the one that stepped down may be heard late).
let term = 0;
let heardTerm = 0;

// liveState: live (a stream is open), connecting, polling (no stream; it
// is retried), paused (superseded: no stream until a reload) or
// unsupported (this browser lacks what sharing needs: the page polls).
export const liveState = () => state;

// signalsHere says whether this tab is the one that signals phase ends.
export const signalsHere = () => leader || state === 'unsupported';

function setState(s) {
  if (state === s) return;
  state = s;
  doc.dataset.live = s;
  if (leader) announceState();
  on.status(s);
}

function announceState(s = state) {
  channel.postMessage({ type: 'state', state: s, lastId, term });
}

function parse(text) {
  try { return JSON.parse(text || '{}') || {}; } catch { return {}; }
}

function fromStream(kind, ev) {
  if (ev.lastEventId) lastId = ev.lastEventId;
  const data = parse(ev.data);
  channel.postMessage({ type: 'event', kind, data, id: lastId });
  if (kind === 'goodbye') {
    // The stream ends for good: never reconnect.
    closeSource();
    if (data.reason !== 'signed_out') setState('paused');
  }
  on.event(kind, data);
}

function closeSource() {
  if (source) source.close();
  source = null;
}

function openStream() {
  clearTimeout(retryTimer);
  closeSource();
  const es = new EventSource(`/api/v1/events${lastId ? `?last_event_id=${encodeURIComponent(lastId)}` : ''}`);
  source = es;
  es.onopen = () => { retryIn = FIRST_RETRY_MS; setState('live'); };
  es.onerror = () => {
    if (source !== es) return;
    // CONNECTING: the browser reconnects by itself, sending the last id.
    if (es.readyState === EventSource.CLOSED) retryLater();
    else setState('connecting');
  };
  for (const kind of KINDS) es.addEventListener(kind, (ev) => fromStream(kind, ev));
}

// retryLater polls now and tries the stream again after a growing wait
// (a 503 when the server has too many streams, or no server at all).
function retryLater() {
  closeSource();
  setState('polling');
  on.poll();
  retryTimer = setTimeout(openStream, retryIn);
  retryIn = Math.min(retryIn * 2, LAST_RETRY_MS);
}

function lead() {
  waiting = null;
  leader = true;
  term = Math.max(Date.now(), heardTerm + 1);
  doc.dataset.liveRole = 'leader';
  state = ''; // announce this term's state even if it looks the same
  setState('connecting');
  openStream();
  return new Promise((resolve) => { release = resolve; });
}

function elect() {
  if (leader || waiting) return;
  waiting = new AbortController();
  navigator.locks.request(NAME, { signal: waiting.signal }, lead)
    .catch(() => { /* aborted: this page froze while in line */ });
}

// stepDown gives the stream up (the page is being frozen): the next tab
// in line takes over from the last event relayed.
function stepDown() {
  if (waiting) { waiting.abort(); waiting = null; }
  if (!leader) return;
  clearTimeout(retryTimer);
  closeSource();
  leader = false;
  doc.dataset.liveRole = 'follower';
  announceState('connecting');
  heardTerm = term;
  if (release) release();
  release = null;
}

function onMessage(m) {
  if (!m || typeof m !== 'object') return;
  if (m.type === 'hello' && leader) announceState();
  if (leader) return;
  if (m.lastId || m.id) lastId = m.lastId || m.id;
  if (m.type === 'state' && Number(m.term) >= heardTerm) {
    heardTerm = Number(m.term);
    setState(m.state);
  }
  if (m.type === 'event') on.event(m.kind, m.data || {});
}

// retryNow tries a failed stream again at once when there is reason to
// think it may work (the network is back, the user looks at the page).
function retryNow() {
  if (!leader || state !== 'polling') return;
  retryIn = FIRST_RETRY_MS;
  openStream();
}

function comeBack() {
  setState('connecting');
  channel.postMessage({ type: 'hello' }); // the leader, if any, says how the stream is
  elect();
  on.poll();
}

// startLive joins the browser's election. handlers.event(kind, data) gets
// every event, handlers.status(state) each change of liveState(), and
// handlers.poll() is called when the page should read the server itself.
export function startLive(handlers) {
  on = handlers;
  if (!navigator.locks || typeof BroadcastChannel !== 'function' || typeof EventSource !== 'function') {
    setState('unsupported');
    return;
  }
  channel = new BroadcastChannel(NAME);
  channel.onmessage = (ev) => onMessage(ev.data);
  doc.dataset.liveRole = 'follower';
  setState('connecting');
  channel.postMessage({ type: 'hello' });
  elect();
  document.addEventListener('freeze', stepDown);
  document.addEventListener('resume', comeBack);
  window.addEventListener('pagehide', (ev) => { if (ev.persisted) stepDown(); });
  window.addEventListener('pageshow', (ev) => { if (ev.persisted) comeBack(); });
  window.addEventListener('online', retryNow);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') retryNow(); });
}
