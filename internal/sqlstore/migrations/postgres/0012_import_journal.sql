-- The import journal (see the SQLite migration of the same number). On
-- PostgreSQL an import is one transaction that takes row locks only, so
-- its journal row and the rows it writes are committed together or not
-- at all; the row is there to keep one schema and one code path, and the
-- import ids (a sequence) are never reused.
CREATE TABLE import_journal (
    id           BIGSERIAL PRIMARY KEY,
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
