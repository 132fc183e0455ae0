-- The original FocusFlow's schema on PostgreSQL: naive TIMESTAMPs (timer
-- instants included) in the server's local time, DATE and TIME columns, and
-- text columns without length limits (which is how over-long titles got in).
CREATE TABLE users (
    id            SERIAL PRIMARY KEY,
    username      VARCHAR(80)  UNIQUE NOT NULL,
    email         VARCHAR(120) UNIQUE NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    created_at    TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE user_tasks (
    id               SERIAL PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    entry_date       DATE NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT,
    start_time       TIME,
    duration_minutes INTEGER,
    status           VARCHAR(20) DEFAULT 'pending',
    time_spent       BIGINT DEFAULT 0,
    timer_start_time TIMESTAMP,
    timer_session_id VARCHAR(100),
    last_sync_time   TIMESTAMP,
    created_at       TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE daily_entries (
    id         SERIAL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    entry_date DATE NOT NULL,
    notes      TEXT,
    UNIQUE (user_id, entry_date)
);

CREATE TABLE user_notes (
    id         SERIAL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    entry_date DATE NOT NULL,
    title      TEXT,
    content    TEXT,
    note_type  VARCHAR(20) DEFAULT 'general',
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE activity_log (
    id         SERIAL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message    TEXT NOT NULL,
    timestamp  TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    task_db_id INTEGER
);
