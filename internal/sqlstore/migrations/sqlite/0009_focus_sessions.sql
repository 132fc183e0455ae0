-- Focus sessions: planned lengths, breaks and cycles run by the server.
--
-- users: the default session plan (overridable per start) and how phase
-- ends are signalled on the user's devices.
ALTER TABLE users ADD COLUMN session_mode TEXT NOT NULL DEFAULT 'stopwatch'
    CHECK (session_mode IN ('stopwatch', 'countdown', 'pomodoro', 'flowtime'));
ALTER TABLE users ADD COLUMN focus_ms INTEGER NOT NULL DEFAULT 1500000;
ALTER TABLE users ADD COLUMN short_break_ms INTEGER NOT NULL DEFAULT 300000;
ALTER TABLE users ADD COLUMN long_break_ms INTEGER NOT NULL DEFAULT 900000;
ALTER TABLE users ADD COLUMN long_break_every INTEGER NOT NULL DEFAULT 4;
ALTER TABLE users ADD COLUMN flow_break_ratio INTEGER NOT NULL DEFAULT 5;
ALTER TABLE users ADD COLUMN auto_start_breaks BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN auto_start_focus BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN sound_volume INTEGER NOT NULL DEFAULT 70;
ALTER TABLE users ADD COLUMN sound_muted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN notify BOOLEAN NOT NULL DEFAULT FALSE;

-- timers: the running session. The plan it runs with is copied at its
-- start (a later change of the user's settings does not move its phases).
-- phase_ends_at is when the current phase ends by itself (NULL: it has no
-- end, or it is paused, when phase_left_ms says what remains).
ALTER TABLE timers ADD COLUMN mode TEXT;
ALTER TABLE timers ADD COLUMN phase TEXT CHECK (phase IN ('focus', 'short_break', 'long_break', 'waiting'));
ALTER TABLE timers ADD COLUMN phase_started_at INTEGER;
ALTER TABLE timers ADD COLUMN phase_ends_at INTEGER;
ALTER TABLE timers ADD COLUMN phase_len_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN phase_left_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN next_phase TEXT;
ALTER TABLE timers ADD COLUMN cycle INTEGER NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN flow_focus_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN plan_focus_ms INTEGER NOT NULL DEFAULT 1500000;
ALTER TABLE timers ADD COLUMN plan_short_ms INTEGER NOT NULL DEFAULT 300000;
ALTER TABLE timers ADD COLUMN plan_long_ms INTEGER NOT NULL DEFAULT 900000;
ALTER TABLE timers ADD COLUMN plan_every INTEGER NOT NULL DEFAULT 4;
ALTER TABLE timers ADD COLUMN plan_ratio INTEGER NOT NULL DEFAULT 5;
ALTER TABLE timers ADD COLUMN plan_auto_breaks BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE timers ADD COLUMN plan_auto_focus BOOLEAN NOT NULL DEFAULT FALSE;

-- A timer that was on when this runs is a stopwatch session in focus.
UPDATE timers SET mode = 'stopwatch', phase = 'focus', phase_started_at = updated_at WHERE state IS NOT NULL;

-- The scheduler finds the phases about to end.
CREATE INDEX timers_phase_ends ON timers(phase_ends_at) WHERE phase_ends_at IS NOT NULL;

-- Finished phases: focus phases beside their time entries, and breaks,
-- which are never time entries (they are not focus).
CREATE TABLE timer_phases (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    task_id     INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('focus', 'short_break', 'long_break')),
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER NOT NULL,
    planned_ms  INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT NOT NULL CHECK (outcome IN ('completed', 'skipped', 'stopped', 'ended', 'capped')),
    CHECK (ended_at >= started_at)
);
CREATE INDEX timer_phases_user ON timer_phases(user_id, started_at);
