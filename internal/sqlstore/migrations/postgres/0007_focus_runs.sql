-- focus_run: how many consecutive days whose focus time reached the daily
-- goal end at this date (0 when the day did not). Kept up to date like run,
-- and recomputed for a user when the goal or time zone changes; with the
-- indexes the longest streaks of both kinds are one index lookup. Existing
-- rows are filled in by the Go step of this migration (streak.go).
ALTER TABLE daily_stats ADD COLUMN focus_run INTEGER NOT NULL DEFAULT 0;
CREATE INDEX daily_stats_run ON daily_stats(user_id, run);
CREATE INDEX daily_stats_focus_run ON daily_stats(user_id, focus_run);
