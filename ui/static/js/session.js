// What a focus session's timer means for the page: the words for its mode
// and phase, the time to show, the round of a pomodoro cycle, which
// actions apply, and what a phase's end says. Pure functions of the
// server's timer JSON (and the page's clock); nothing here draws.

import { localTime } from './format.js';

export const MODES = { stopwatch: 'Stopwatch', countdown: 'Countdown', pomodoro: 'Pomodoro', flowtime: 'Flowtime' };
const PHASES = { focus: 'Focus', short_break: 'Short break', long_break: 'Long break' };

export const isBreak = (phase) => phase === 'short_break' || phase === 'long_break';
const isFocus = (t) => !t.phase || t.phase === 'focus';
const waitingFor = (t, next) => t.phase === 'waiting' && (next === 'break' ? isBreak(t.next_phase) : t.next_phase === next);

// kind is what the timer is doing: idle, focus, break (running), paused
// (a paused focus or break) or waiting (for the user to start the next).
export function kind(t) {
  if (!t) return 'idle';
  if (t.phase === 'waiting') return 'waiting';
  if (t.state !== 'running') return 'paused';
  return isBreak(t.phase) ? 'break' : 'focus';
}

const nextName = (t) => (t.next_phase === 'long_break' ? 'long break' : isBreak(t.next_phase) ? 'break' : 'next focus');

export function phaseLabel(t) {
  if (!t) return '';
  if (t.phase === 'waiting') return `Waiting: start the ${nextName(t)}`;
  return PHASES[t.phase] || 'Focus';
}

// badge is the one-word state of the card's badge.
export function badge(t) {
  return { idle: 'Idle', focus: 'Running', break: 'Break', paused: 'Paused', waiting: 'Waiting' }[kind(t)];
}

// hasEnd: the phase has a planned end (running towards it, or paused
// with time left).
export const hasEnd = (t) => !!t && t.phase !== 'waiting' && (!!t.phase_ends_at || Number(t.phase_left_ms) > 0);

const upToSecond = (ms) => Math.ceil(Math.max(0, ms) / 1000) * 1000;

// shown is the time the card shows now: what is left of a phase with an
// end (rounded up: 00:00 is the end), else the task's time. clock is the
// page's Clock.
export function shown(t, clock, now = Date.now()) {
  if (t && t.state === 'running' && t.phase_ends_at) {
    return { ms: upToSecond(Date.parse(t.phase_ends_at) - clock.serverNow(now)), what: 'left' };
  }
  if (t && t.state !== 'running' && Number(t.phase_left_ms) > 0 && t.phase !== 'waiting') {
    return { ms: upToSecond(Number(t.phase_left_ms)), what: 'left' };
  }
  return { ms: clock.elapsed(now), what: t && t.phase === 'waiting' ? 'spent' : 'elapsed' };
}

// endsAt is the server instant (ms) the running phase ends, or NaN.
export const endsAt = (t) => (t && t.state === 'running' && t.phase_ends_at ? Date.parse(t.phase_ends_at) : NaN);

// cycle is a pomodoro's round: "Round 2 of 4", "Round 2 of 4 done".
export function cycle(t) {
  if (!t || t.mode !== 'pomodoro' || !t.plan?.long_break_every) return '';
  const every = t.plan.long_break_every;
  if (isBreak(t.phase) || waitingFor(t, 'break')) return `Round ${Math.min(t.cycle, every) || every} of ${every} done`;
  return `Round ${(t.cycle % every) + 1} of ${every}`;
}

// actions lists the card's buttons that apply, in order.
export function actions(t) {
  if (!t) return ['start'];
  const list = [t.state === 'running' ? 'pause' : 'resume'];
  if ((isFocus(t) && hasEnd(t)) || isBreak(t.phase) || waitingFor(t, 'break')) list.push('skip');
  if (hasEnd(t)) list.push('extend');
  return [...list, 'stop', 'complete'];
}

// labels are the words of the buttons whose meaning moves with the phase.
export function labels(t) {
  const l = { pause: 'Pause', resume: 'Resume', skip: 'Skip break' };
  if (!t) return l;
  if (t.mode === 'flowtime' && isFocus(t)) l.pause = 'Take a break';
  if (t.phase === 'waiting') l.resume = `Start ${nextName(t) === 'next focus' ? 'focus' : nextName(t)}`;
  if (isFocus(t)) l.skip = t.mode === 'countdown' ? 'Finish now' : 'Skip to break';
  return l;
}

// ended names the phase that ended at a boundary, from the timer after
// it: focus (the timer now offers or takes a break, or a countdown is
// over) or break.
export function ended(t) {
  if (!t) return 'focus';
  if (isBreak(t.phase) || waitingFor(t, 'break')) return 'focus';
  return t.mode === 'countdown' ? 'focus' : 'break';
}

// endText is what a phase's end says, for the notification: endedPhase
// (focus or break), the timer after the end when known, the task's title
// and the session's mode.
export function endText(endedPhase, after, taskTitle, mode) {
  if (endedPhase === 'break') {
    return { title: 'Break over', body: after && isFocus(after) ? `Back to focus on ${taskTitle}.` : 'Time to focus again.' };
  }
  if (mode === 'countdown') return { title: 'Time’s up', body: `Your focus on ${taskTitle} ended.` };
  if (after && isBreak(after.phase) && after.phase_ends_at) {
    const until = localTime(after.phase_ends_at);
    return { title: 'Focus done', body: `${PHASES[after.phase]} until ${until}.` };
  }
  return { title: 'Focus done', body: 'Time for a break.' };
}

const pad = (n) => String(n).padStart(2, '0');

// shortClock renders ms as MM:SS, or H:MM:SS from an hour, for the title.
export function shortClock(ms) {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(s / 3600);
  return h ? `${h}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}` : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}
