-- The ids and validity windows of the access-token signing keys, shared by every instance on the database. No key
-- material: a key is HMAC-SHA256(the instance's signing secret, id), so reading this table does not let anyone mint
-- tokens. The newest key signs; a retired key still verifies until its last tokens have expired, then it is deleted.
CREATE TABLE signing_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
