-- Achievements are stored by a periodic award pass, never by a read. A
-- write that may earn one marks its user here in its own transaction;
-- changes counts the marks, so a pass clears a mark only if no write
-- renewed it while the pass evaluated. due_at defers a user whose figures
-- can earn something without a write (a task completed ahead of its date)
-- to the next local day. The pass walks the primary key: the table holds
-- only the users still to evaluate.
CREATE TABLE achievement_checks (
    user_id  BIGINT NOT NULL PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    due_at   BIGINT NOT NULL DEFAULT 0,
    changes  BIGINT NOT NULL DEFAULT 1
);
-- Until now reads stored what they found: evaluate everyone once.
INSERT INTO achievement_checks (user_id) SELECT id FROM users;
