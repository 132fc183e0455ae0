-- Personal access tokens. token_hash is an HMAC of the token under a key
-- derived from SECRET_KEY: the token itself is never stored, and rotating
-- SECRET_KEY makes every token unusable. scopes is a space-separated list.
-- A revoked token keeps its row (revoked_at set) so that its owner sees
-- when it ended; deleting the account deletes its tokens.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT,
    last_used_at  BIGINT,
    last_used_ip  TEXT    NOT NULL DEFAULT '',
    revoked_at    BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id, created_at);

-- The addresses each token has been used from, so that the first use from
-- a new one is an event in the owner's audit trail.
CREATE TABLE api_token_addresses (
    token_id      BIGINT  NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    ip            TEXT    NOT NULL,
    first_used_at BIGINT  NOT NULL,
    PRIMARY KEY (token_id, ip)
);
