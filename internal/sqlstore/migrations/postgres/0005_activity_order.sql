-- The day's activity is read newest first with id as the tie-break; with id
-- in the index the read stops after the rows shown instead of sorting the
-- whole day (thousands of rows for a busy account).
DROP INDEX activity_user_date;
CREATE INDEX activity_user_date ON activity(user_id, date, at, id);
