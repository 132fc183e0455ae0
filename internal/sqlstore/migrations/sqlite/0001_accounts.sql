-- Accounts, sessions and the security audit trail.
-- Instants are Unix milliseconds (UTC) so comparisons behave the same on
-- both engines; *_key columns hold the lower-cased value for uniqueness
-- that ignores case.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL,
    username_key   TEXT    NOT NULL UNIQUE,
    email          TEXT    NOT NULL,
    email_key      TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    timezone       TEXT    NOT NULL DEFAULT 'UTC',
    theme          TEXT    NOT NULL DEFAULT 'auto',
    focus_mode     BOOLEAN NOT NULL DEFAULT FALSE,
    daily_goal_ms  BIGINT  NOT NULL DEFAULT 7200000,
    timer_cap_ms   BIGINT  NOT NULL DEFAULT 14400000,
    created_at     BIGINT  NOT NULL,
    last_login_at  BIGINT,
    locked_at      BIGINT
);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,
    user_id       BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    idle_timeout_ms BIGINT NOT NULL,
    remember      BOOLEAN NOT NULL DEFAULT FALSE,
    last_seen_at  BIGINT  NOT NULL,
    ip            TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Failed logins per normalised login name, whether or not the account exists.
CREATE TABLE login_failures (
    login_key       TEXT   PRIMARY KEY,
    failures        INTEGER NOT NULL,
    first_failed_at BIGINT NOT NULL,
    last_failed_at  BIGINT NOT NULL
);

-- The audit trail outlives deleted accounts: user_id is then cleared and
-- user_ref keeps an opaque reference until retention removes the row.
CREATE TABLE security_events (
    id          INTEGER PRIMARY KEY,
    at          BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    user_id     BIGINT,
    user_ref    TEXT    NOT NULL DEFAULT '',
    login       TEXT    NOT NULL DEFAULT '',
    ip          TEXT    NOT NULL DEFAULT '',
    user_agent  TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    count       INTEGER NOT NULL DEFAULT 1,
    agg_key     TEXT UNIQUE
);
CREATE INDEX security_events_user ON security_events(user_id, at);
CREATE INDEX security_events_at ON security_events(at);
