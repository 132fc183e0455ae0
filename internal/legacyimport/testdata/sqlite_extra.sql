-- Rows only a SQLite file can hold: text that is not a date or a time, an
-- ISO "T" timestamp, and rows whose user does not exist (SQLite did not
-- enforce the foreign keys). frank's password is frank-old-pass-6
-- (pbkdf2_hmac('sha256', pw, salt, 1000)).
INSERT INTO users (id, username, email, password_hash, created_at) VALUES (6, 'frank', 'frank@example.com', 'pbkdf2:sha256:1000$Fk2Lq8Zr5Wn1Xc7V$6f5e2b136046db95c81d98acc01e7734641ea70a00c275605b6c194653642a83', '2025-05-01T08:00:00');
INSERT INTO user_tasks (id, user_id, entry_date, title, description, start_time, duration_minutes, status, time_spent, timer_start_time, timer_session_id, last_sync_time, created_at) VALUES (30, 6, '2025-06-31', 'Bad date task', NULL, '25:00', 30, 'pending', 60000, NULL, NULL, NULL, '2025-06-20 10:00:00');
INSERT INTO user_tasks (id, user_id, entry_date, title, description, start_time, duration_minutes, status, time_spent, timer_start_time, timer_session_id, last_sync_time, created_at) VALUES (31, 6, '2025-06-20', 'Short time', NULL, '9:05', NULL, 'completed', 120000, NULL, NULL, NULL, '2025-06-20T09:00:00');
INSERT INTO daily_entries (id, user_id, entry_date, notes) VALUES (10, 6, '2025-06-20', 'Frank''s day');
INSERT INTO user_tasks (id, user_id, entry_date, title, description, start_time, duration_minutes, status, time_spent, timer_start_time, timer_session_id, last_sync_time, created_at) VALUES (40, 99, '2025-06-20', 'Orphan task', NULL, NULL, NULL, 'completed', 120000, NULL, NULL, NULL, '2025-06-20 10:00:00');
INSERT INTO activity_log (id, user_id, message, "timestamp", task_db_id) VALUES (40, 99, 'Added task: Orphan task', '2025-06-20 10:00:00', 40);
