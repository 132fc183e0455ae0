// Action menus (the ARIA menu button pattern): a button that opens a list
// of actions. Enter, Space or ↓ opens it on its first item, ↑ on its last;
// ↑/↓, Home and End move between items; Escape closes it and gives focus
// back to the button; Tab, a click outside or choosing an item closes it.
//
// One menu is open at a time. It is remembered by its button's data-key,
// so a list redrawn by a sync while a menu is open draws it open again.

import { $, h } from './dom.js';

let openKey = null;

const buttonOf = (key) => (key ? document.querySelector(`[data-key="${CSS.escape(key)}"][aria-haspopup]`) : null);
const listOf = (button) => (button ? $(button.getAttribute('aria-controls')) : null);
const itemsOf = (list) => [...list.querySelectorAll('[role="menuitem"]')];

// closeMenu closes the open menu; refocus puts focus back on its button.
export function closeMenu(refocus) {
  const button = buttonOf(openKey);
  openKey = null;
  if (!button) return;
  button.setAttribute('aria-expanded', 'false');
  listOf(button).hidden = true;
  if (refocus) button.focus();
}

function openMenu(button, at) {
  if (openKey && openKey !== button.dataset.key) closeMenu(false);
  openKey = button.dataset.key;
  button.setAttribute('aria-expanded', 'true');
  const list = listOf(button);
  list.hidden = false;
  const items = itemsOf(list);
  items[at === 'last' ? items.length - 1 : 0]?.focus();
}

// onButtonKey opens the menu on ↓ or ↑; Enter and Space press the
// button, which opens it on its first item.
function onButtonKey(ev) {
  const open = { ArrowDown: 'first', ArrowUp: 'last' }[ev.key];
  if (!open || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  ev.preventDefault();
  ev.stopPropagation();
  openMenu(ev.currentTarget, open);
}

function onListKey(ev) {
  if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const items = itemsOf(ev.currentTarget);
  const at = items.indexOf(document.activeElement);
  const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[ev.key];
  if (next !== undefined) {
    ev.preventDefault();
    items[(next + items.length) % items.length].focus();
  } else if (ev.key === 'Escape') {
    ev.preventDefault();
    closeMenu(true);
  } else if (ev.key === 'Tab') {
    closeMenu(false);
    return;
  } else {
    return;
  }
  ev.stopPropagation();
}

// menuButton builds the button and its list. key names the button
// (data-key); label is the button's content; each item has key, action,
// label (content) and run(button), called after the menu closed, with the
// button, to which dialogs give focus back.
export function menuButton({ key, label, className, items }) {
  const listId = `menu-${key}`;
  const open = openKey === key;
  const button = h('button', { type: 'button', class: `menu-button ${className || ''}`, dataset: { key },
    'aria-haspopup': 'menu', 'aria-expanded': String(open), 'aria-controls': listId,
    onclick: (ev) => (openKey === key ? closeMenu(false) : openMenu(ev.currentTarget, 'first')),
    onkeydown: onButtonKey }, ...label);
  const list = h('ul', { class: 'menu', id: listId, role: 'menu', hidden: !open, onkeydown: onListKey },
    items.map((item) => h('li', { role: 'none' },
      h('button', { type: 'button', role: 'menuitem', tabindex: '-1', class: item.className,
        'aria-keyshortcuts': item.shortcut, dataset: { key: item.key, action: item.action },
        onclick: () => { closeMenu(false); item.run(buttonOf(key) || button); } }, ...item.label))));
  // A name for the list: the button's own (its content, or aria-label).
  list.setAttribute('aria-labelledby', `${listId}-by`);
  button.id = `${listId}-by`;
  return h('div', { class: 'menu-wrap' }, button, list);
}

// menuOpen reports whether focus is in an open menu (its keys are its own).
export const menuOpen = () => buttonOf(openKey)?.getAttribute('aria-expanded') === 'true';

// initMenus closes the open menu on a click or tap outside it.
export function initMenus() {
  document.addEventListener('pointerdown', (ev) => {
    const button = buttonOf(openKey);
    if (button && !button.parentElement.contains(ev.target)) closeMenu(false);
  });
}
