// Tags on the task dialog: a checkbox per tag of the user (with its colour
// chip), and a new tag typed in, created when the task is saved.

import { api } from './api.js';
import { $, h } from './dom.js';

// showTagChoices lists the user's tags, checking those of task t.
export async function showTagChoices(t) {
  const list = $('task-tag-list');
  $('task-new-tag').value = '';
  const mine = new Set((t?.tags || []).map((g) => String(g.id)));
  let tags = [];
  try {
    tags = (await api('GET', '/api/v1/tags')).tags || [];
  } catch {
    tags = t?.tags || []; // offline: at least the task's own
  }
  list.replaceChildren(...tags.map((g) => h('label', {},
    h('input', { type: 'checkbox', value: String(g.id), checked: mine.has(String(g.id)) }),
    h('span', { class: `tag-chip tag-c-${g.color}` }, g.name))));
}

// chosenTagIds returns the ids checked, after creating the typed-in tag
// (or taking the user's tag of that name); it throws the API's error.
export async function chosenTagIds() {
  const ids = [...$('task-tag-list').querySelectorAll('input:checked')].map((i) => Number(i.value));
  const name = $('task-new-tag').value.trim();
  if (name) {
    try {
      const g = await api('POST', '/api/v1/tags', { name });
      ids.push(g.id);
    } catch (e) {
      const fold = (s) => s.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
      const same = e.status === 409 && (await api('GET', '/api/v1/tags')).tags.find((g) => fold(g.name) === fold(name));
      if (!same) { e.field = 'tag_ids'; throw e; }
      if (!ids.includes(same.id)) ids.push(same.id);
    }
  }
  return ids;
}
