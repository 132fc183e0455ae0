// Shared page behaviour: the time-zone field, the password strength hint
// and confirmation prompts. Every text a user typed is set with
// textContent, never innerHTML.

import { showClocks } from './format.js';
import './offline.js';
import { wireSearchShortcut } from './search.js';

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

// The year heatmap ends today, at its right: on a narrow screen it opens
// scrolled there rather than at last year's start.
function scrollToToday() {
  document.querySelectorAll('.hm-scroll').forEach((el) => { el.scrollLeft = el.scrollWidth; });
}

fillTimezone();
strengthHints();
confirmations();
showClocks();
scrollToToday();
wireSearchShortcut();
