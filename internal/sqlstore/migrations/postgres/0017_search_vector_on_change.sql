-- The search vector was a stored generated column, which PostgreSQL
-- computes again on every update of the row: each timer action (a status
-- or a spent time change) paid for it twice, about ten times the cost of
-- the update itself. It becomes a plain column that a trigger computes
-- only when a row is inserted or its search words (or owner) change.
-- Dropping the expression keeps every value and rewrites nothing.
CREATE FUNCTION search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := search_vector(NEW.user_id, NEW.search_words);
    RETURN NEW;
END
$$;

ALTER TABLE tasks ALTER COLUMN search_vector DROP EXPRESSION;
ALTER TABLE notes ALTER COLUMN search_vector DROP EXPRESSION;
ALTER TABLE day_notes ALTER COLUMN search_vector DROP EXPRESSION;

CREATE TRIGGER tasks_search_vector_insert BEFORE INSERT ON tasks
    FOR EACH ROW EXECUTE FUNCTION search_vector_refresh();
CREATE TRIGGER tasks_search_vector_update BEFORE UPDATE OF search_words, user_id ON tasks
    FOR EACH ROW WHEN (OLD.search_words IS DISTINCT FROM NEW.search_words OR OLD.user_id <> NEW.user_id)
    EXECUTE FUNCTION search_vector_refresh();
CREATE TRIGGER notes_search_vector_insert BEFORE INSERT ON notes
    FOR EACH ROW EXECUTE FUNCTION search_vector_refresh();
CREATE TRIGGER notes_search_vector_update BEFORE UPDATE OF search_words, user_id ON notes
    FOR EACH ROW WHEN (OLD.search_words IS DISTINCT FROM NEW.search_words OR OLD.user_id <> NEW.user_id)
    EXECUTE FUNCTION search_vector_refresh();
CREATE TRIGGER day_notes_search_vector_insert BEFORE INSERT ON day_notes
    FOR EACH ROW EXECUTE FUNCTION search_vector_refresh();
CREATE TRIGGER day_notes_search_vector_update BEFORE UPDATE OF search_words, user_id ON day_notes
    FOR EACH ROW WHEN (OLD.search_words IS DISTINCT FROM NEW.search_words OR OLD.user_id <> NEW.user_id)
    EXECUTE FUNCTION search_vector_refresh();
-- As the generated column was, the vector is computed for every write,
-- also where triggers are off (session_replication_role = replica: bulk
-- loads, logical replicas).
ALTER TABLE tasks ENABLE ALWAYS TRIGGER tasks_search_vector_insert;
ALTER TABLE tasks ENABLE ALWAYS TRIGGER tasks_search_vector_update;
ALTER TABLE notes ENABLE ALWAYS TRIGGER notes_search_vector_insert;
ALTER TABLE notes ENABLE ALWAYS TRIGGER notes_search_vector_update;
ALTER TABLE day_notes ENABLE ALWAYS TRIGGER day_notes_search_vector_insert;
ALTER TABLE day_notes ENABLE ALWAYS TRIGGER day_notes_search_vector_update;
