-- Re-importing the original FocusFlow applies what changed there since the
-- last import, unless the row was changed here since. Each mapping an
-- import leaves keeps, beside the ids:
--   owner_id    the account the row belongs to here, so that one account's
--               mappings (its rows deleted here included) are found by an
--               index instead of a scan of every mapping of the kind;
--   source_sig  a signature of the source row as last imported;
--   target_sig  a signature of our row as the import left it (and, for a
--               task, the time entries the import made for it).
-- Mappings left by earlier imports have neither signature: the next import
-- takes their rows as they are then as its starting point.
ALTER TABLE legacy_ids ADD COLUMN owner_id BIGINT;
ALTER TABLE legacy_ids ADD COLUMN source_sig TEXT;
ALTER TABLE legacy_ids ADD COLUMN target_sig TEXT;
UPDATE legacy_ids SET owner_id = new_id WHERE kind IN ('legacy:user', 'legacy:day_note');
UPDATE legacy_ids SET owner_id = (SELECT user_id FROM tasks WHERE tasks.id = legacy_ids.new_id) WHERE kind = 'legacy:task';
UPDATE legacy_ids SET owner_id = (SELECT user_id FROM notes WHERE notes.id = legacy_ids.new_id) WHERE kind = 'legacy:note';
UPDATE legacy_ids SET owner_id = (SELECT user_id FROM activity WHERE activity.id = legacy_ids.new_id) WHERE kind = 'legacy:activity';
CREATE INDEX legacy_ids_owner ON legacy_ids(owner_id, kind) WHERE owner_id IS NOT NULL;
