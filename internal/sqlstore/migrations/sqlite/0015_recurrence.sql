-- Recurring tasks. A series is a repeat rule and the template its
-- occurrences are copied from. An occurrence is an ordinary task that
-- remembers its series and the day the rule gave it (series_date, which
-- stays when the task is moved): the unique (series_id, series_date) makes
-- creating an occurrence exactly once, however many instances and
-- restarts try at the same time. An occurrence edited on its own is
-- detached: later changes to the series leave it alone.
CREATE TABLE task_series (
    id               INTEGER PRIMARY KEY,
    user_id          BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL CHECK (kind IN ('daily', 'weekly', 'monthly')),
    interval_weeks   INTEGER NOT NULL DEFAULT 0,
    weekdays         TEXT    NOT NULL DEFAULT '',   -- "mon,wed" for weekly rules
    month_day        INTEGER NOT NULL DEFAULT 0,
    start_date       TEXT    NOT NULL,              -- YYYY-MM-DD
    end_date         TEXT    NOT NULL,              -- the last day covered: the end date or the cap
    open_end         BOOLEAN NOT NULL DEFAULT FALSE, -- no end date was given
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    start_time       TEXT,
    duration_minutes INTEGER,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE INDEX task_series_user_dates ON task_series(user_id, start_date, end_date);

ALTER TABLE tasks ADD COLUMN series_id BIGINT REFERENCES task_series(id) ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN series_date TEXT;
ALTER TABLE tasks ADD COLUMN series_detached BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX tasks_series_date ON tasks(series_id, series_date);

-- Days whose occurrence the user deleted: it is not created again.
CREATE TABLE series_skips (
    series_id   BIGINT NOT NULL REFERENCES task_series(id) ON DELETE CASCADE,
    date        TEXT   NOT NULL,
    PRIMARY KEY (series_id, date)
);

-- The tags each occurrence of a series is given when it is created.
CREATE TABLE series_tags (
    series_id   BIGINT NOT NULL REFERENCES task_series(id) ON DELETE CASCADE,
    tag_id      BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (series_id, tag_id)
);
CREATE INDEX series_tags_tag ON series_tags(tag_id);

-- Carry forward: move unfinished tasks of earlier days to today at local
-- midnight, for users who ask for it.
ALTER TABLE users ADD COLUMN carry_forward_auto BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX users_carry_forward ON users(id) WHERE carry_forward_auto;
