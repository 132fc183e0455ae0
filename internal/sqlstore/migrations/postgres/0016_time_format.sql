-- How a user reads clock times: 'auto' (the browser's locale decides),
-- '12' or '24' hours. Stored as chosen, so 'auto' stays 'auto'.
ALTER TABLE users ADD COLUMN time_format TEXT NOT NULL DEFAULT 'auto'
    CHECK (time_format IN ('auto', '12', '24'));
