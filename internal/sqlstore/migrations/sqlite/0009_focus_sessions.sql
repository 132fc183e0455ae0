-- Focus sessions: planned lengths, breaks and cycles run by the server.
--
-- users.focus_settings: the user's default session plan (overridable per
-- start) and how phase ends are signalled on their devices, as one JSON
-- document (sqlstore/sessions.go); NULL means the defaults. It is read on
-- every signed-in request, so it travels as one column, not eleven.
ALTER TABLE users ADD COLUMN focus_settings TEXT;

-- timers: the running session. phase_ends_at is when the current phase
-- ends by itself (NULL: it has no end, or it is paused); the scheduler
-- finds the phases about to end by it. The rest of the session — its
-- phase, what is left of a paused one, the cycle, and the plan copied at
-- its start (a later change of the user's settings does not move its
-- phases) — is one JSON document; NULL on a running timer means a
-- stopwatch in focus, as every timer was before sessions.
ALTER TABLE timers ADD COLUMN phase_ends_at INTEGER;
ALTER TABLE timers ADD COLUMN session TEXT;
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
