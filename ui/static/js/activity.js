// The day's activity: what happened, newest first, as the server logged it.
// A line about a task's plan (an edit, a deletion, manual time) is on the
// task's day even when it happened on another: it shows its date too.
//
// The day view brings the latest lines; "Show more" appends older pages
// (GET /api/v1/days/{date}/activity). A redraw of the day keeps the lines
// already shown: the fresh latest lines go on top of those older than
// them. When the fresh lines no longer reach the shown ones (many lines
// arrived in between, or the day lost lines), the list goes back to the
// day view's latest lines, and says so.

import { api, signedOut } from './api.js';
import { S } from './day.js';
import { $, h, timeEl } from './dom.js';
import { localDate, localDateTime } from './format.js';

const PAGE = 20;

let shown = []; // the lines on screen, newest first
let next = null; // the cursor older lines continue from
let expanded = false; // whether "Show more" was used since the list last reset
let era = 0; // bumped when the list goes back to the day view's lines
let loading = false;

function lineTime(at) {
  return localDate(at) === S.date ? timeEl(at) : timeEl(at, localDateTime(at));
}

function lineEl(a) {
  return h('li', { dataset: { kind: a.kind, id: a.id } }, lineTime(a.at), ' ', h('span', {}, a.message));
}

function draw() {
  $('activity-empty').hidden = shown.length > 0;
  $('activity-list').replaceChildren(...shown.map(lineEl));
  const btn = $('activity-more');
  if (!next && document.activeElement === btn) $('activity-h').focus();
  btn.hidden = !next;
}

// renderActivity draws the day view's lines, with the older lines already
// shown below them when the two still meet.
export function renderActivity() {
  const head = S.activity;
  const last = head[head.length - 1];
  const at = expanded && last ? shown.findIndex((a) => a.id === last.id) : -1;
  if (at >= 0) {
    shown = [...head, ...shown.slice(at + 1)];
  } else {
    if (expanded) $('activity-status').textContent = 'The activity list was updated and shows the latest lines again.';
    shown = [...head];
    next = S.activityNext;
    expanded = false;
    era++;
  }
  draw();
}

async function showMore() {
  if (loading || !next) return;
  loading = true;
  const btn = $('activity-more');
  btn.setAttribute('aria-busy', 'true');
  const began = era;
  expanded = true; // a redraw while the page loads keeps the lines it continues from
  try {
    const url = `/api/v1/days/${encodeURIComponent(S.date)}/activity?limit=${PAGE}&before=${encodeURIComponent(next)}`;
    const p = await api('GET', url);
    if (began !== era) return; // the list went back to the day view's lines meanwhile
    const known = new Set(shown.map((a) => a.id));
    const added = p.activity.filter((a) => !known.has(a.id));
    shown.push(...added);
    next = p.next;
    draw();
    const n = added.length;
    $('activity-status').textContent = `${n} older line${n === 1 ? '' : 's'} added${next ? '' : '; that is all of the day'}.`;
    // The button keeps focus while there is more; else the first added line takes it.
    if (!next && n > 0) {
      const first = $('activity-list').children[shown.length - n];
      first.tabIndex = -1;
      first.focus();
    }
  } catch (e) {
    if (!signedOut(e)) $('activity-status').textContent = `Could not load older activity: ${e.message}`;
  } finally {
    loading = false;
    btn.removeAttribute('aria-busy');
  }
}

export function initActivity() {
  $('activity-more').addEventListener('click', showMore);
}
