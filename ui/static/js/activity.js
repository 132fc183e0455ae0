// The day's activity: what happened, newest first, as the server logged it.
// A line about a task's plan (an edit, a deletion, manual time) is on the
// task's day even when it happened on another: it shows its date too.

import { S } from './day.js';
import { $, h, timeEl } from './dom.js';
import { localDate, localDateTime } from './format.js';

function lineTime(at) {
  return localDate(at) === S.date ? timeEl(at) : timeEl(at, localDateTime(at));
}

export function renderActivity() {
  const items = [...S.activity].sort((a, b) => String(b.at).localeCompare(String(a.at)));
  $('activity-empty').hidden = items.length > 0;
  $('activity-list').replaceChildren(...items.map((a) => h('li', { dataset: { kind: a.kind } },
    lineTime(a.at), ' ', h('span', {}, a.message))));
}
