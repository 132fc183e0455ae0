-- PostgreSQL's search vector becomes a column its own trigger keeps; the
-- SQLite schema has no such column (its search index is kept by the
-- application), so this version changes nothing here.
SELECT 1;
