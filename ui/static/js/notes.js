// The day's notes: the free-text day note, saved as the user types, and the
// typed notes (general, reflection, idea, reminder) with their dialog.

import { api, flash, pageToken, signedOut } from './api.js';
import { S, idKey, loadDay, sendChange } from './day.js';
import { clearErrors, confirmDialog, openDialog, showError } from './dialogs.js';
import { $, h, rerender, timeEl, vh } from './dom.js';
import { localTime } from './format.js';

const NOTE_DEBOUNCE_MS = 800;
const NOTE_TYPE_LABEL = { general: 'General', reflection: 'Reflection', idea: 'Idea', reminder: 'Reminder' };

let editingNote = null;

export function renderNotes() {
  $('notes-empty').hidden = S.notes.length > 0;
  const notes = [...S.notes].sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  rerender($('note-list'), () => notes.map(noteItem));
}

function noteItem(n) {
  const id = idKey(n.id);
  const label = n.title || NOTE_TYPE_LABEL[n.type] || 'Note';
  return h('li', { class: 'note', dataset: { type: n.type, noteId: id } },
    h('div', { class: 'note-head' },
      h('span', { class: 'badge', dataset: { type: n.type } }, NOTE_TYPE_LABEL[n.type] || n.type),
      n.title && h('strong', { class: 'note-title' }, n.title),
      h('span', { class: 'muted small-text' }, timeEl(n.updated_at || n.created_at))),
    h('p', { class: 'note-content' }, n.content),
    h('div', { class: 'note-actions' },
      h('button', { type: 'button', class: 'small secondary', dataset: { key: `note-${id}-edit`, action: 'edit' },
        onclick: (ev) => openNoteDialog(n, ev.currentTarget) }, 'Edit', vh(` note “${label}”`)),
      h('button', { type: 'button', class: 'small secondary danger-text', dataset: { key: `note-${id}-delete`, action: 'delete' },
        onclick: (ev) => deleteNote(n, label, ev.currentTarget) }, 'Delete', vh(` note “${label}”`))));
}

function openNoteDialog(n, opener) {
  editingNote = n || null;
  clearErrors($('note-form'));
  $('note-dialog-h').textContent = n ? 'Edit note' : 'Add a note';
  $('note-save').textContent = n ? 'Save changes' : 'Add note';
  $('note-type').value = n?.type ?? 'general';
  $('note-title').value = n?.title ?? '';
  $('note-content').value = n?.content ?? '';
  openDialog($('note-dialog'), opener, n ? $('note-content') : $('note-type'));
}

// sendNote creates the note, or sends only the fields an edit changed.
async function sendNote(type, title, content) {
  if (editingNote) {
    const body = {};
    if (type !== editingNote.type) body.type = type;
    if (title !== (editingNote.title ?? '')) body.title = title;
    if (content !== editingNote.content) body.content = content;
    if (Object.keys(body).length) await api('PATCH', `/api/v1/notes/${encodeURIComponent(editingNote.id)}`, body);
    return;
  }
  const body = { date: S.date, type, content };
  if (title) body.title = title;
  await api('POST', '/api/v1/notes', body);
}

async function submitNote(ev) {
  ev.preventDefault();
  const f = $('note-form');
  clearErrors(f);
  const content = $('note-content').value;
  if (!content.trim()) return showError(f, 'note', 'content', 'Write something in the note.');
  S.epoch++;
  const save = $('note-save');
  save.disabled = true;
  try {
    await sendNote($('note-type').value, $('note-title').value.trim(), content);
    $('note-dialog').close('saved');
    flash(editingNote ? 'Note saved.' : 'Note added.');
  } catch (e) {
    if (!signedOut(e)) showError(f, 'note', e.field, e.message);
  } finally {
    save.disabled = false;
  }
  await loadDay();
}

async function deleteNote(n, label, opener) {
  if (!await confirmDialog(`Delete the note “${label}”?`, 'Delete note', opener)) return;
  await sendChange('DELETE', `/api/v1/notes/${encodeURIComponent(n.id)}`, undefined, 'Note deleted.', 'Could not delete the note');
  await loadDay();
  if (!document.activeElement || document.activeElement === document.body) $('add-note').focus();
}

// ---------------------------------------------------------------- daily note

// dayNote saves the day's free text as the user types. A failed save keeps
// the text, says "Not saved" and retries with backoff until it lands; a
// sync from the server never overwrites text the user has not saved.
const dayNote = {
  el: null,
  status: null,
  date: null,
  saved: '', // the text the server last confirmed
  dirty: false,
  sending: false,
  queued: false,
  timer: 0,
  backoff: 0,

  init() {
    this.el = $('day-note');
    this.status = $('note-status');
    this.date = S.date;
    this.el.addEventListener('input', () => {
      this.dirty = true;
      this.say('Not saved yet…', 'pending');
      this.schedule(NOTE_DEBOUNCE_MS);
    });
    this.el.addEventListener('blur', () => { if (this.dirty && !this.sending) this.schedule(0); });
    window.addEventListener('online', () => { if (this.dirty) this.schedule(0); });
    window.addEventListener('pagehide', () => this.sendOnLeave());
    window.addEventListener('beforeunload', (ev) => { if (this.dirty) ev.preventDefault(); });
  },

  // sendOnLeave is a last attempt when the page goes away with unsaved text.
  sendOnLeave() {
    if (!this.dirty) return;
    fetch(this.url(), { method: 'PUT', keepalive: true, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': pageToken() },
      body: JSON.stringify({ text: this.el.value }) }).catch(() => {});
  },

  url() { return `/api/v1/days/${encodeURIComponent(this.date)}/note`; },

  say(text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
  },

  fromServer(note) {
    const text = note?.text ?? '';
    this.el.disabled = false;
    if (this.dirty || this.sending) return;
    this.saved = text;
    if (this.el.value !== text && document.activeElement !== this.el) this.el.value = text;
    if (!this.status.textContent && note?.updated_at && text) this.say(`Saved ${localTime(note.updated_at)}`, 'saved');
  },

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), ms);
  },

  async save() {
    if (this.sending) { this.queued = true; return; }
    const text = this.el.value;
    if (text === this.saved) {
      this.dirty = false;
      this.say('Saved', 'saved');
      return;
    }
    this.sending = true;
    this.say('Saving…', 'pending');
    try {
      this.landed(text, await api('PUT', this.url(), { text }));
    } catch (e) {
      this.failed(e);
    } finally {
      this.sending = false;
      if (this.queued) { this.queued = false; this.schedule(0); }
    }
  },

  landed(text, r) {
    this.saved = r?.text ?? text;
    this.backoff = 0;
    if (this.el.value === text) {
      this.dirty = false;
      this.say(`Saved ${r?.updated_at ? localTime(r.updated_at) : ''}`.trim(), 'saved');
    } else {
      this.queued = true;
    }
  },

  failed(e) {
    if (e.status === 401) {
      this.say('Not saved: your session has ended. Copy your text, then sign in again.', 'error');
    } else if (e.status === 400 || e.status === 413) {
      this.say(`Not saved: ${e.message}`, 'error');
    } else {
      this.backoff = Math.min(Math.max(this.backoff * 2, 2000), 60000);
      const offline = navigator.onLine === false;
      this.say(offline
        ? 'Not saved: you are offline. It will save when you are back online.'
        : `Not saved: retrying in ${Math.round(this.backoff / 1000)} s.`, 'error');
      this.schedule(this.backoff);
    }
  },
};

export const renderDayNote = () => dayNote.fromServer(S.note);

export function initNotes() {
  dayNote.init();
  $('add-note').addEventListener('click', (ev) => openNoteDialog(null, ev.currentTarget));
  $('note-form').addEventListener('submit', submitNote);
}
