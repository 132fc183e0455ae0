// The search box: "/" puts the cursor in it from anywhere on the page,
// unless the user is typing somewhere else (a field, an editable area),
// holds a modifier or turned single-key shortcuts off; Escape in an empty
// box gives the focus back.

// typing reports whether el takes text, where a key is the user's text.
export function typing(el) {
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

// Single-key shortcuts ("/" here, the dashboard's own) can be turned off,
// in this browser: they get in the way of some screen readers and of voice
// control.
const OFF_KEY = 'focusflow.shortcuts';

export function singleKeysOn() {
  try { return localStorage.getItem(OFF_KEY) !== 'off'; } catch { return true; }
}

export function setSingleKeys(on) {
  try {
    if (on) localStorage.removeItem(OFF_KEY);
    else localStorage.setItem(OFF_KEY, 'off');
  } catch { /* private mode: this page only */ }
}

export function wireSearchShortcut(doc = document) {
  const box = doc.getElementById('search-q');
  if (!box) return;
  let before = null;
  doc.addEventListener('keydown', (ev) => {
    if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    if (!singleKeysOn() || typing(doc.activeElement) || doc.querySelector('dialog[open]')) return;
    ev.preventDefault();
    before = doc.activeElement;
    box.focus();
    box.select();
  });
  box.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && box.value === '' && before && before !== box) {
      before.focus();
      before = null;
    }
  });
}
