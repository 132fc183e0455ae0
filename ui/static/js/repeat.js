// The task dialog's Repeat controls: a new task can repeat (every day, on
// chosen weekdays every N weeks, or monthly on a day), and an occurrence of
// a repeating task is changed either on its own ("this one") or with the
// series from its day on ("this and following").

import { api } from './api.js';
import { $ } from './dom.js';

let series = null; // the series of the occurrence being edited, when loaded

function weekdayBoxes() {
  return [...document.querySelectorAll('#task-repeat-weekly input[name="weekdays"]')];
}

function showKind() {
  const kind = $('task-repeat').value;
  $('task-repeat-weekly').hidden = kind !== 'weekly';
  $('task-repeat-monthly').hidden = kind !== 'monthly';
  $('task-repeat-end').hidden = kind === '';
}

// showScope shows the Repeat controls when they apply: for a new task,
// and for an occurrence changed with the following ones.
function showScope() {
  const following = $('task-scope-following').checked;
  $('task-repeat-box').hidden = !$('task-scope').hidden && !following;
}

function fillRule(r) {
  $('task-repeat').value = r?.kind ?? '';
  const days = r?.weekdays ?? [];
  weekdayBoxes().forEach((b) => { b.checked = days.includes(b.value); });
  $('task-interval').value = r?.interval ?? 1;
  $('task-month-day').value = r?.month_day ?? '';
  $('task-end-date').value = r?.end_date ?? '';
  showKind();
}

// setupRepeat prepares the controls for a new task (t null, on date) or
// for editing t. A task that does not repeat cannot start repeating here.
export async function setupRepeat(t, date) {
  series = null;
  const occurrence = !!t?.series;
  $('task-scope').hidden = !occurrence;
  $('task-scope-this').checked = true;
  $('task-repeat').querySelector('option[value=""]').disabled = occurrence;
  fillRule(null);
  $('task-month-day').value = Number(date.slice(8, 10));
  if (t && !occurrence) $('task-repeat-box').hidden = true;
  else showScope();
  if (occurrence) {
    try {
      series = await api('GET', `/api/v1/series/${encodeURIComponent(t.series.id)}`);
      fillRule(series.repeat);
    } catch { /* the series is gone: only "this one" is left */ }
  }
}

// repeatRule is the rule the controls describe, or null for Never.
export function repeatRule() {
  const kind = $('task-repeat').value;
  if (!kind) return null;
  const rule = { kind };
  if (kind === 'weekly') {
    rule.weekdays = weekdayBoxes().filter((b) => b.checked).map((b) => b.value);
    rule.interval = Number($('task-interval').value || 1);
  }
  if (kind === 'monthly') rule.month_day = Number($('task-month-day').value);
  rule.end_date = $('task-end-date').value || null;
  return rule;
}

// scope is "this" or "following" for an occurrence, null otherwise.
export function scope() {
  if ($('task-scope').hidden) return null;
  return $('task-scope-following').checked ? 'following' : 'this';
}

// seriesChanged reports whether the rule differs from the loaded series'.
export function ruleChanged(rule) {
  if (!series) return true;
  const r = series.repeat;
  return JSON.stringify([rule.kind, rule.weekdays ?? null, rule.interval ?? null, rule.month_day ?? null, rule.end_date]) !==
    JSON.stringify([r.kind, r.weekdays ?? null, r.interval ?? null, r.month_day ?? null, r.end_date ?? null]);
}

export function initRepeat() {
  $('task-repeat').addEventListener('change', showKind);
  $('task-scope').addEventListener('change', showScope);
}
