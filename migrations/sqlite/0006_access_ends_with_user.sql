-- Issue #12: a user's access ends with the user. Revoking, deactivating or deleting a user revokes the API keys the
-- user created (api_keys.revoked_reason says why a key stopped working) and ends every session: the refresh tokens
-- are revoked, and access tokens issued before users.sessions_valid_after are refused, so that restoring the user
-- later brings none of them back.
ALTER TABLE api_keys ADD COLUMN revoked_reason TEXT
    CHECK (revoked_reason IS NULL OR revoked_reason IN ('manual', 'creator_revoked', 'creator_deactivated',
                                                        'creator_deleted'));
ALTER TABLE users ADD COLUMN sessions_valid_after INTEGER;

UPDATE api_keys SET revoked_reason = 'manual' WHERE revoked_at IS NOT NULL;

-- What the old rule left alive, ended now and written to the audit log: keys whose creator is revoked or inactive,
-- and keys a user created (so says the audit log) whose creator was deleted since (created_by became NULL).
INSERT INTO audit_log (tenant_id, actor_type, action, target_type, target_id, details, created_at)
SELECT k.tenant_id, 'system', 'api_key.revoke', 'api_key', k.id,
       json_object('reason', CASE WHEN u.revoked_at IS NOT NULL THEN 'creator_revoked' ELSE 'creator_deactivated' END,
                   'by', 'migration 0006'),
       unixepoch() * 1000
FROM api_keys k JOIN users u ON u.id = k.created_by
WHERE k.revoked_at IS NULL AND (u.revoked_at IS NOT NULL OR u.is_active = 0);
UPDATE api_keys
SET revoked_at = unixepoch() * 1000,
    revoked_reason = (SELECT CASE WHEN u.revoked_at IS NOT NULL THEN 'creator_revoked' ELSE 'creator_deactivated' END
                      FROM users u WHERE u.id = api_keys.created_by)
WHERE revoked_at IS NULL
  AND created_by IN (SELECT id FROM users WHERE revoked_at IS NOT NULL OR is_active = 0);

INSERT INTO audit_log (tenant_id, actor_type, action, target_type, target_id, details, created_at)
SELECT k.tenant_id, 'system', 'api_key.revoke', 'api_key', k.id,
       json_object('reason', 'creator_deleted', 'by', 'migration 0006'), unixepoch() * 1000
FROM api_keys k
WHERE k.revoked_at IS NULL AND k.created_by IS NULL AND k.is_admin = 0
  AND k.id IN (SELECT target_id FROM audit_log WHERE action = 'api_key.create' AND actor_type = 'user');
UPDATE api_keys SET revoked_at = unixepoch() * 1000, revoked_reason = 'creator_deleted'
WHERE revoked_at IS NULL AND created_by IS NULL AND is_admin = 0
  AND id IN (SELECT target_id FROM audit_log WHERE action = 'api_key.create' AND actor_type = 'user');

-- Sessions of users who are revoked or inactive now must not come back when they are restored.
UPDATE refresh_tokens SET revoked_at = unixepoch() * 1000
WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE revoked_at IS NOT NULL OR is_active = 0);
UPDATE users SET sessions_valid_after = (unixepoch() + 1) * 1000 WHERE revoked_at IS NOT NULL OR is_active = 0;
