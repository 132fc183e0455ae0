// Shared page behaviour: CSRF token refresh for scripts, the time-zone
// field, the password strength hint and confirmation prompts. Every text a
// user typed is set with textContent, never innerHTML.

const meta = document.querySelector('meta[name="csrf-token"]');

// csrfToken returns a token for the X-CSRF-Token header, fetching a fresh
// one when the page's token may have expired (pages left open all day).
let tokenFetchedAt = Date.now();
export async function csrfToken() {
  if (Date.now() - tokenFetchedAt > 30 * 60 * 1000) {
    const res = await fetch('/api/v1/csrf', { credentials: 'same-origin' });
    if (res.ok) {
      meta.content = (await res.json()).csrf_token;
      tokenFetchedAt = Date.now();
    }
  }
  return meta.content;
}

// api sends a JSON request with the CSRF header and returns the parsed
// body; a failed request throws an Error carrying status and field.
export async function api(method, url, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = await csrfToken();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(data?.error?.message || `Request failed (${res.status})`);
    err.status = res.status; err.field = data?.error?.field; err.data = data;
    throw err;
  }
  return data;
}

function fillTimezone() {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll('[data-fill-timezone]').forEach((el) => { if (!el.value && tz) el.value = tz; });
  document.querySelectorAll('[data-tz-list]').forEach((el) => {
    const list = document.getElementById(el.dataset.tzList);
    if (!list || typeof Intl.supportedValuesOf !== 'function') return;
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      const opt = document.createElement('option');
      opt.value = zone;
      list.append(opt);
    }
  });
}

// A rough hint only; the server's policy is what decides.
function strength(pw) {
  if (pw.length < 8) return 0;
  let score = pw.length >= 16 ? 3 : pw.length >= 12 ? 2 : 1;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
  if (kinds >= 3) score++;
  if (/^(.)\1+$/.test(pw) || /^(?:0123|1234|abcd|qwer|pass)/i.test(pw)) score = 1;
  return Math.min(score, 4);
}
const labels = ['Too short: at least 8 characters.', 'Weak: make it longer.', 'Fair: longer is stronger.',
  'Good.', 'Strong.'];

function strengthHints() {
  document.querySelectorAll('input[data-strength]').forEach((input) => {
    const out = document.getElementById(input.dataset.strength);
    input.addEventListener('input', () => {
      const s = strength(input.value);
      out.dataset.score = String(s);
      out.textContent = labels[s];
    });
  });
}

function confirmations() {
  document.querySelectorAll('[data-confirm]').forEach((btn) => {
    btn.addEventListener('click', (ev) => { if (!window.confirm(btn.dataset.confirm)) ev.preventDefault(); });
  });
}

fillTimezone();
strengthHints();
confirmations();
