-- The planner: a user's own tags on tasks, and the user's order of a day.
--
-- name_fold is the name case- and accent-folded (computed by the
-- application, identically for every engine), so that "Élan" and "elan"
-- are one tag.
CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT   NOT NULL,
    name_fold   TEXT   NOT NULL,
    color       TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (user_id, name_fold)
);

-- Deleting a task or a tag takes its links with it; the tasks of a
-- deleted tag stay.
CREATE TABLE task_tags (
    task_id     BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    tag_id      BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, tag_id)
);
CREATE INDEX task_tags_tag ON task_tags(tag_id, task_id);

-- A day is now shown in the user's order (position), which a new task
-- takes from its start time. Existing days keep the order they showed
-- (timed tasks by start time, then untimed ones), numbered from 1.
UPDATE tasks SET position = ranked.n
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY user_id, date
        ORDER BY CASE WHEN start_time IS NULL THEN 1 ELSE 0 END, start_time, position, id) AS n
      FROM tasks) AS ranked
WHERE tasks.id = ranked.id AND tasks.position <> ranked.n;
CREATE INDEX tasks_user_date_position ON tasks(user_id, date, position);
DROP INDEX tasks_user_date;
