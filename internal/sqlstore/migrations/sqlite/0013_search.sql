-- Search over tasks and notes. Each row keeps search_words: its texts
-- folded (lower case, no accents) and cut into distinct words by the
-- application, so that both engines index exactly the same words. An FTS5
-- index per table reads that column; triggers keep it in step with every
-- insert, update and delete (cascades included), in the same transaction.
-- The words are back-filled by the application right after this script.
ALTER TABLE tasks ADD COLUMN search_words TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN search_words TEXT NOT NULL DEFAULT '';

-- A day note gets an id: the FTS index needs a stable integer key, and an
-- implicit rowid may change on VACUUM.
CREATE TABLE day_notes_new (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date         TEXT   NOT NULL,
    text         TEXT   NOT NULL,
    updated_at   BIGINT NOT NULL,
    search_words TEXT   NOT NULL DEFAULT '',
    UNIQUE (user_id, date)
);
INSERT INTO day_notes_new (user_id, date, text, updated_at)
    SELECT user_id, date, text, updated_at FROM day_notes ORDER BY user_id, date;
DROP TABLE day_notes;
ALTER TABLE day_notes_new RENAME TO day_notes;

CREATE VIRTUAL TABLE tasks_search USING fts5(search_words, content = 'tasks', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
CREATE VIRTUAL TABLE notes_search USING fts5(search_words, content = 'notes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
CREATE VIRTUAL TABLE day_notes_search USING fts5(search_words, content = 'day_notes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');

-- prefix: short prefixes (one to three letters, the most common searches
-- and the widest) read one list of rows instead of merging the lists of
-- every word that starts with them.

-- Results come newest day first, then by id: a user's tasks are walked in
-- that order, each checked against the search's matches, so that a page
-- of a common word stops after a few dozen rows.
CREATE INDEX tasks_user_date_id ON tasks(user_id, date, id);

-- Every existing row enters its index (with no words until the data step
-- fills them), so that the update triggers find what they remove.
INSERT INTO tasks_search (tasks_search) VALUES ('rebuild');
INSERT INTO notes_search (notes_search) VALUES ('rebuild');
INSERT INTO day_notes_search (day_notes_search) VALUES ('rebuild');

CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_search (rowid, search_words) VALUES (new.id, new.search_words);
END;
CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_search (tasks_search, rowid, search_words) VALUES ('delete', old.id, old.search_words);
END;
CREATE TRIGGER tasks_search_update AFTER UPDATE OF search_words ON tasks
WHEN old.search_words IS NOT new.search_words BEGIN
    INSERT INTO tasks_search (tasks_search, rowid, search_words) VALUES ('delete', old.id, old.search_words);
    INSERT INTO tasks_search (rowid, search_words) VALUES (new.id, new.search_words);
END;

CREATE TRIGGER notes_search_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_search (rowid, search_words) VALUES (new.id, new.search_words);
END;
CREATE TRIGGER notes_search_delete AFTER DELETE ON notes BEGIN
    INSERT INTO notes_search (notes_search, rowid, search_words) VALUES ('delete', old.id, old.search_words);
END;
CREATE TRIGGER notes_search_update AFTER UPDATE OF search_words ON notes
WHEN old.search_words IS NOT new.search_words BEGIN
    INSERT INTO notes_search (notes_search, rowid, search_words) VALUES ('delete', old.id, old.search_words);
    INSERT INTO notes_search (rowid, search_words) VALUES (new.id, new.search_words);
END;

CREATE TRIGGER day_notes_search_insert AFTER INSERT ON day_notes BEGIN
    INSERT INTO day_notes_search (rowid, search_words) VALUES (new.id, new.search_words);
END;
CREATE TRIGGER day_notes_search_delete AFTER DELETE ON day_notes BEGIN
    INSERT INTO day_notes_search (day_notes_search, rowid, search_words) VALUES ('delete', old.id, old.search_words);
END;
CREATE TRIGGER day_notes_search_update AFTER UPDATE OF search_words ON day_notes
WHEN old.search_words IS NOT new.search_words BEGIN
    INSERT INTO day_notes_search (day_notes_search, rowid, search_words) VALUES ('delete', old.id, old.search_words);
    INSERT INTO day_notes_search (rowid, search_words) VALUES (new.id, new.search_words);
END;

