-- The daily dashboard: tasks, time entries (the truth behind focus time),
-- the per-user timer, notes, activity, and per-day figures kept up to date
-- in the same transaction as the writes so that streaks and statistics
-- cost the same at any history size.
CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY,
    user_id          BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date             TEXT    NOT NULL,            -- YYYY-MM-DD, the user's calendar day
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    start_time       TEXT,                        -- HH:MM or NULL
    duration_minutes INTEGER,
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'in-progress', 'paused', 'completed')),
    position         INTEGER NOT NULL DEFAULT 0,
    spent_ms         BIGINT  NOT NULL DEFAULT 0,  -- sum of closed entries; server-maintained
    completed_at     BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE INDEX tasks_user_date ON tasks(user_id, date);

CREATE TABLE time_entries (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    task_id     BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT,                           -- NULL while running
    source      TEXT   NOT NULL CHECK (source IN ('timer', 'manual', 'capped', 'imported')),
    created_at  BIGINT NOT NULL,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- One running entry per user, enforced by the database itself.
CREATE UNIQUE INDEX time_entries_one_running ON time_entries(user_id) WHERE ended_at IS NULL;
CREATE INDEX time_entries_user_started ON time_entries(user_id, started_at);
CREATE INDEX time_entries_task ON time_entries(task_id);

-- The timer of each user. version increments with every timer action, so a
-- stale client (another tab acted first, a replay) is detected.
CREATE TABLE timers (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    task_id     BIGINT REFERENCES tasks(id) ON DELETE SET NULL,
    state       TEXT CHECK (state IN ('running', 'paused')),
    version     BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE day_notes (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date        TEXT   NOT NULL,
    text        TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, date)
);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date        TEXT   NOT NULL,
    type        TEXT   NOT NULL CHECK (type IN ('general', 'reflection', 'idea', 'reminder')),
    title       TEXT   NOT NULL DEFAULT '',
    content     TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX notes_user_date ON notes(user_id, date);

-- Activity keeps its task id without a foreign key: the history of a
-- deleted task stays readable.
CREATE TABLE activity (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date        TEXT   NOT NULL,
    at          BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    message     TEXT   NOT NULL,
    task_id     BIGINT
);
CREATE INDEX activity_user_date ON activity(user_id, date, at);
CREATE INDEX activity_user_at ON activity(user_id, at);

-- Per-day figures: focus time (split at local midnight and by hour) and
-- task counts, maintained with every write.
CREATE TABLE daily_stats (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date        TEXT   NOT NULL,
    focus_ms    BIGINT NOT NULL DEFAULT 0,
    manual_ms   BIGINT NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    completed   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, date)
);

CREATE TABLE hourly_focus (
    user_id     BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date        TEXT    NOT NULL,
    hour        INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    focus_ms    BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, date, hour)
);

CREATE TABLE achievements (
    user_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    achievement_id TEXT   NOT NULL,
    unlocked_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, achievement_id)
);
