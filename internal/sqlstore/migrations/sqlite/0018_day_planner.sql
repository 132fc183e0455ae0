-- PostgreSQL gains a function the day view calls; SQLite plans the same
-- subqueries in process at no cost worth saving, so nothing changes here.
SELECT 1;
