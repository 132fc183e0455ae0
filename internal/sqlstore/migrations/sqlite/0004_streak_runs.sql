-- run: how many consecutive days with a completed task end at this date
-- (0 when the day has none). Kept up to date with every change of
-- `completed`, so the current streak is one row away at any history size.
ALTER TABLE daily_stats ADD COLUMN run INTEGER NOT NULL DEFAULT 0;
-- Existing rows are filled in by the Go step of this migration
-- (recomputeRuns in streak.go), which seeding tools call too.
