// The day's activity: what happened, newest first, as the server logged it.

import { S } from './day.js';
import { $, h, timeEl } from './dom.js';

export function renderActivity() {
  const items = [...S.activity].sort((a, b) => String(b.at).localeCompare(String(a.at)));
  $('activity-empty').hidden = items.length > 0;
  $('activity-list').replaceChildren(...items.map((a) => h('li', { dataset: { kind: a.kind } },
    timeEl(a.at), ' ', h('span', {}, a.message))));
}
