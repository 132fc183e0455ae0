// The tab's title and icon follow the timer, so that a glance at the tab
// strip says where a session stands: "▶ 18:42 · Write report" while
// focusing (time left, or elapsed for open-ended focus), "☕ 04:12 · Short
// break" on a break, "⏸ …" when paused or waiting, and the page's own
// title when idle. The icons are small SVG files of our own (the CSP
// allows no data: URLs for them to be drawn from).

import { isBreak, kind, phaseLabel, shortClock, shown } from './session.js';

const plainTitle = document.title;
const link = document.querySelector('link[rel="icon"]');

let icons = null;

// initTab reads the icons' URLs from the element that carries them.
export function initTab(el) {
  icons = { idle: link?.href, focus: el.dataset.iconFocus, break: el.dataset.iconBreak, paused: el.dataset.iconPaused };
}

function titleOf(t, clock, taskTitle) {
  const k = kind(t);
  if (k === 'idle') return [plainTitle, 'idle'];
  const time = shortClock(shown(t, clock).ms);
  switch (k) {
    case 'focus': return [`▶ ${time} · ${taskTitle}`, 'focus'];
    case 'break': return [`☕ ${time} · ${phaseLabel(t)}`, 'break'];
    case 'waiting': return [`⏸ ${phaseLabel(t)} · ${taskTitle}`, 'paused'];
    default: return [`⏸ ${time} · ${isBreak(t.phase) ? phaseLabel(t) : taskTitle}`, 'paused'];
  }
}

// renderTab writes the title and icon, only when they change.
export function renderTab(t, clock, taskTitle) {
  const [title, icon] = titleOf(t, clock, taskTitle);
  if (document.title !== title) document.title = title;
  if (link && icons && link.dataset.icon !== icon && icons[icon]) {
    link.href = icons[icon];
    link.dataset.icon = icon;
  }
}
