-- Where imported rows came from: the original FocusFlow's ids (kind
-- 'legacy:user', 'legacy:task', …) and the rows of export documents
-- imported into another account (kind 'doc:<account>:<user>:task', …),
-- each mapped to the id of the row the import created. Re-running an
-- import looks here first and skips what is already there; a mapping whose
-- row was deleted since is simply written again.
CREATE TABLE legacy_ids (
    kind       TEXT   NOT NULL,
    legacy_id  BIGINT NOT NULL,
    new_id     BIGINT NOT NULL,
    PRIMARY KEY (kind, legacy_id)
);
