// The search box: "/" puts the cursor in it from anywhere on the page,
// unless the user is typing somewhere else (a field, an editable area) or
// holds a modifier; Escape in an empty box gives the focus back.

function typing(el) {
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

export function wireSearchShortcut(doc = document) {
  const box = doc.getElementById('search-q');
  if (!box) return;
  let before = null;
  doc.addEventListener('keydown', (ev) => {
    if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    if (typing(doc.activeElement) || doc.querySelector('dialog[open]')) return;
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
