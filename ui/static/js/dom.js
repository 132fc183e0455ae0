// Building the dashboard from data. User text only ever becomes Text nodes
// or textContent, never markup.

import { localDateTime, localTime } from './format.js';

export const $ = (id) => document.getElementById(id);

// h builds an element. Attributes whose name starts with "on" are listeners;
// children are nodes or strings (turned into Text nodes, never parsed).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// vh is text for screen readers only, which tells apart buttons that look
// alike ("Edit" of which task).
export const vh = (text) => h('span', { class: 'vh' }, text);

export function timeEl(iso, text) {
  return h('time', { datetime: iso, title: localDateTime(iso) }, text ?? localTime(iso));
}

// rerender replaces a list's content and puts keyboard focus back on the
// control with the same data-key, so a background sync never throws a
// keyboard user out of the list.
export function rerender(container, build) {
  const active = document.activeElement;
  const key = container.contains(active) ? active.dataset.key : undefined;
  container.replaceChildren(...build());
  if (key) {
    const el = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (el && !el.disabled) el.focus();
    else container.closest('section')?.querySelector('h2')?.focus();
  }
}
