// The dashboard's modal dialogs: focus goes into a dialog when it opens and
// back to the control that opened it when it closes, even when a sync has
// redrawn that control in the meantime; form errors sit next to their field.

import { $ } from './dom.js';

const returnFocus = new WeakMap();
let confirmResolve = null;

export function openDialog(dlg, opener, first) {
  returnFocus.set(dlg, { el: opener, key: opener?.dataset?.key });
  dlg.showModal();
  (first || dlg.querySelector('input, select, textarea, button'))?.focus();
}

function restoreFocus(dlg) {
  const back = returnFocus.get(dlg);
  returnFocus.delete(dlg);
  let el = back?.el;
  if (!el?.isConnected && back?.key) el = document.querySelector(`[data-key="${CSS.escape(back.key)}"]`);
  if (el?.isConnected && !el.disabled) el.focus();
}

export function wireDialogs() {
  document.querySelectorAll('#dashboard dialog').forEach((dlg) => {
    dlg.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => dlg.close('cancel')));
    dlg.addEventListener('close', () => restoreFocus(dlg));
  });
  $('confirm-dialog').addEventListener('close', () => {
    const r = confirmResolve;
    confirmResolve = null;
    r?.($('confirm-dialog').returnValue === 'yes');
  });
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const top = form.querySelector('[role="alert"]');
  if (top) { top.hidden = true; top.textContent = ''; }
}

// showError puts a message next to the named field (the server's
// error.field), or at the top of the form when it names none we show.
export function showError(form, prefix, field, message) {
  const p = field && form.querySelector(`#${prefix}-${CSS.escape(field)}-error`);
  const input = field && form.querySelector(`[name="${CSS.escape(field)}"]`);
  if (p && input) {
    p.textContent = message;
    p.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  const top = form.querySelector('[role="alert"]') || form.parentElement.querySelector('[role="alert"]');
  top.textContent = message;
  top.hidden = false;
}

// confirmDialog asks a yes/no question and resolves to the answer.
export function confirmDialog(text, yesLabel, opener) {
  const dlg = $('confirm-dialog');
  $('confirm-text').textContent = text;
  $('confirm-yes').textContent = yesLabel;
  dlg.returnValue = ''; // Escape leaves the last value in place
  return new Promise((resolve) => {
    confirmResolve = resolve;
    openDialog(dlg, opener, $('confirm-no'));
  });
}
