-- The original FocusFlow's schema as its earlier deployments kept it in a
-- SQLite file: the same five tables, dates as YYYY-MM-DD text, times as
-- HH:MM text, timestamps in DATETIME columns holding ISO text, integer ids.
-- Foreign keys were declared but SQLite does not enforce them unless asked,
-- so orphans exist.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT UNIQUE NOT NULL,
    email         TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE user_tasks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    entry_date       TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT,
    start_time       TEXT,
    duration_minutes INTEGER,
    status           TEXT DEFAULT 'pending',
    time_spent       INTEGER DEFAULT 0,
    timer_start_time DATETIME,
    timer_session_id TEXT,
    last_sync_time   DATETIME,
    created_at       DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE daily_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    entry_date TEXT NOT NULL,
    notes      TEXT,
    UNIQUE (user_id, entry_date)
);

CREATE TABLE user_notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    entry_date TEXT NOT NULL,
    title      TEXT,
    content    TEXT,
    note_type  TEXT DEFAULT 'general',
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE activity_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    message    TEXT NOT NULL,
    timestamp  DATETIME DEFAULT CURRENT_TIMESTAMP,
    task_db_id INTEGER
);
