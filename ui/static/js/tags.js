// The tags page: rename and recolour a tag in its row, merge one into
// another, delete one. After each change the page fetches itself again
// and swaps the list in, so that a row's markup lives in the server's
// template only; the focus goes back to the row's control.

import { api } from './api.js';
import { $, h } from './dom.js';
import { clearErrors, showError } from './dialogs.js';

const form = $('tag-edit');
let editing = null; // the row whose tag is in the edit form
let subject = null; // { row, opener } of the open merge or delete dialog

const say = (text) => { $('tags-status').textContent = text; };

// refresh swaps in the list as the server has it now and focuses the
// control with data-key key (the list's heading when it is gone).
async function refresh(key) {
  closeEditor(false);
  const res = await fetch('/tags', { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  const fresh = res.ok && new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('tag-list-box');
  if (!fresh) { location.reload(); return; }
  $('tag-list-box').replaceWith(document.adoptNode(fresh));
  const el = key && document.querySelector(`[data-key="${CSS.escape(key)}"]`);
  (el || $('tags-h')).focus();
}

function openEditor(row) {
  closeEditor(false);
  editing = row;
  clearErrors(form);
  form.elements.name.value = row.dataset.name;
  form.setAttribute('aria-label', `Edit the tag “${row.dataset.name}”`);
  const color = form.querySelector(`input[name="color"][value="${CSS.escape(row.dataset.color)}"]`);
  if (color) color.checked = true;
  row.append(form);
  form.hidden = false;
  row.querySelector('[data-action="edit"]').setAttribute('aria-expanded', 'true');
  form.elements.name.focus();
  form.elements.name.select();
}

function closeEditor(giveFocusBack = true) {
  if (!editing) return;
  const btn = editing.querySelector('[data-action="edit"]');
  btn.setAttribute('aria-expanded', 'false');
  form.hidden = true;
  $('tag-edit-home').append(form);
  editing = null;
  if (giveFocusBack) btn.focus();
}

async function saveEdit(ev) {
  ev.preventDefault();
  const row = editing;
  clearErrors(form);
  const name = form.elements.name.value;
  const color = form.querySelector('input[name="color"]:checked')?.value;
  const body = {};
  if (name.trim() !== row.dataset.name) body.name = name;
  if (color && color !== row.dataset.color) body.color = color;
  if (Object.keys(body).length === 0) { closeEditor(); return; }
  let tag;
  try {
    tag = await api('PATCH', `/api/v1/tags/${row.dataset.id}`, body);
  } catch (e) {
    showError(form, 'tag-edit', e.field, e.message);
    return;
  }
  say(`Saved the tag “${tag.name}” (${tag.color}).`);
  await refresh(`edit-${row.dataset.id}`);
}

function openConfirm(dlg, row, opener, first) {
  subject = { row, opener, done: false };
  clearErrors(dlg.querySelector('form'));
  dlg.returnValue = '';
  dlg.showModal();
  first.focus();
}

function openMerge(row, opener) {
  const name = row.dataset.name;
  const others = [...document.querySelectorAll('.tag-row')].filter((r) => r !== row);
  $('merge-into').replaceChildren(...others.map((r) => h('option', { value: r.dataset.id }, r.dataset.name)));
  $('merge-text').textContent = `Every task tagged “${name}” gets the tag you choose instead, and “${name}” is ` +
    'deleted. A task that had both keeps one.';
  openConfirm($('merge-dialog'), row, opener, $('merge-into'));
}

function openDelete(row, opener) {
  const n = Number(row.dataset.tasks);
  const tasks = n === 1 ? 'The 1 task that has it keeps existing' : n === 0 ? 'No task has it'
    : `The ${n} tasks that have it keep existing`;
  $('delete-text').textContent = `Delete the tag “${row.dataset.name}”? ${tasks}; only the tag is taken off. ` +
    'This cannot be undone.';
  openConfirm($('delete-dialog'), row, opener, $('delete-no'));
}

// confirmed runs a dialog's action when its yes button submitted it;
// an error keeps the dialog open and shows next to its field.
function confirmed(dlg, prefix, action) {
  dlg.querySelector('form').addEventListener('submit', async (ev) => {
    if (ev.submitter?.value !== 'yes') return; // Cancel closes the dialog
    ev.preventDefault();
    const form = dlg.querySelector('form');
    clearErrors(form);
    let key;
    try {
      key = await action(subject.row);
    } catch (e) {
      showError(form, prefix, e.field, e.message);
      return;
    }
    subject.done = true;
    dlg.close('yes');
    await refresh(key);
  });
  dlg.addEventListener('close', () => {
    if (dlg.open) return; // the close of an earlier opening, come late
    if (subject && !subject.done && subject.opener?.isConnected) subject.opener.focus();
    subject = null;
  });
}

function wire() {
  $('tags-page').addEventListener('click', (ev) => {
    const btn = ev.target.closest('button[data-action]');
    const row = btn && btn.closest('.tag-row');
    if (!row) return;
    if (btn.dataset.action === 'edit') {
      if (editing === row) closeEditor();
      else openEditor(row);
    } else if (btn.dataset.action === 'merge') openMerge(row, btn);
    else if (btn.dataset.action === 'delete') openDelete(row, btn);
  });
  form.addEventListener('submit', saveEdit);
  $('tag-edit-cancel').addEventListener('click', () => closeEditor());
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); closeEditor(); }
  });
  confirmed($('merge-dialog'), 'merge', async (row) => {
    const into = $('merge-into').value;
    const tag = await api('POST', `/api/v1/tags/${row.dataset.id}/merge`, { into: Number(into) });
    say(`Merged “${row.dataset.name}” into “${tag.name}”.`);
    return `edit-${into}`;
  });
  confirmed($('delete-dialog'), 'delete', async (row) => {
    await api('DELETE', `/api/v1/tags/${row.dataset.id}`);
    say(`Deleted the tag “${row.dataset.name}”.`);
    const next = row.nextElementSibling || row.previousElementSibling;
    return next ? `edit-${next.dataset.id}` : undefined;
  });
}

wire();
