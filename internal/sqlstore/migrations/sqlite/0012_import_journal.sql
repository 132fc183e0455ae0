-- An import of a user's export document is written in short transactions
-- on SQLite (one writer: a long one would stall every other user), yet
-- stays all or nothing: the journal has a row per import under way, and
-- every row it writes carries its id, so that what a failed import (or one
-- cut short by a crash) wrote is found and removed. The row goes when the
-- import finishes; ids are never reused (AUTOINCREMENT), so a finished
-- import's rows are never taken for a later one's.
CREATE TABLE import_journal (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL   -- each short transaction renews it: a stale one was cut short
);
-- One import per user at a time, whatever the instance.
CREATE UNIQUE INDEX import_journal_user ON import_journal(user_id);

ALTER TABLE tasks ADD COLUMN import_id BIGINT;
ALTER TABLE time_entries ADD COLUMN import_id BIGINT;
ALTER TABLE notes ADD COLUMN import_id BIGINT;
ALTER TABLE activity ADD COLUMN import_id BIGINT;
ALTER TABLE timer_phases ADD COLUMN import_id BIGINT;
ALTER TABLE legacy_ids ADD COLUMN import_id BIGINT;
CREATE INDEX tasks_import ON tasks(import_id) WHERE import_id IS NOT NULL;
CREATE INDEX time_entries_import ON time_entries(import_id) WHERE import_id IS NOT NULL;
CREATE INDEX notes_import ON notes(import_id) WHERE import_id IS NOT NULL;
CREATE INDEX activity_import ON activity(import_id) WHERE import_id IS NOT NULL;
CREATE INDEX timer_phases_import ON timer_phases(import_id) WHERE import_id IS NOT NULL;
CREATE INDEX legacy_ids_import ON legacy_ids(import_id) WHERE import_id IS NOT NULL;
