-- Issue #12: a user's access ends with the user. Revoking, deactivating or deleting a user revokes the API keys the
-- user created (api_keys.revoked_reason says why a key stopped working) and ends every session: the refresh tokens
-- are revoked, and access tokens issued before users.sessions_valid_after are refused, so that restoring the user
-- later brings none of them back.
ALTER TABLE public.api_keys ADD COLUMN revoked_reason text
    CHECK (revoked_reason IS NULL OR revoked_reason IN ('manual', 'creator_revoked', 'creator_deactivated',
                                                        'creator_deleted'));
ALTER TABLE public.users ADD COLUMN sessions_valid_after timestamptz;

UPDATE public.api_keys SET revoked_reason = 'manual' WHERE revoked_at IS NOT NULL;

-- What the old rule left alive, ended now and written to the audit log: keys whose creator is revoked or inactive,
-- and keys a user created (so says the audit log) whose creator was deleted since (created_by became NULL).
INSERT INTO public.audit_log (tenant_id, actor_type, action, target_type, target_id, details, created_at)
SELECT k.tenant_id, 'system', 'api_key.revoke', 'api_key', k.id::text,
       pg_catalog.jsonb_build_object('reason', CASE WHEN u.revoked_at IS NOT NULL THEN 'creator_revoked'
                                                    ELSE 'creator_deactivated' END,
                                     'by', 'migration 0006'),
       pg_catalog.now()
FROM public.api_keys k JOIN public.users u ON u.id = k.created_by
WHERE k.revoked_at IS NULL AND (u.revoked_at IS NOT NULL OR NOT u.is_active);
UPDATE public.api_keys k
SET revoked_at = pg_catalog.now(),
    revoked_reason = CASE WHEN u.revoked_at IS NOT NULL THEN 'creator_revoked' ELSE 'creator_deactivated' END
FROM public.users u
WHERE u.id = k.created_by AND k.revoked_at IS NULL AND (u.revoked_at IS NOT NULL OR NOT u.is_active);

INSERT INTO public.audit_log (tenant_id, actor_type, action, target_type, target_id, details, created_at)
SELECT k.tenant_id, 'system', 'api_key.revoke', 'api_key', k.id::text,
       pg_catalog.jsonb_build_object('reason', 'creator_deleted', 'by', 'migration 0006'), pg_catalog.now()
FROM public.api_keys k
WHERE k.revoked_at IS NULL AND k.created_by IS NULL AND NOT k.is_admin
  AND k.id::text IN (SELECT target_id FROM public.audit_log WHERE action = 'api_key.create' AND actor_type = 'user');
UPDATE public.api_keys SET revoked_at = pg_catalog.now(), revoked_reason = 'creator_deleted'
WHERE revoked_at IS NULL AND created_by IS NULL AND NOT is_admin
  AND id::text IN (SELECT target_id FROM public.audit_log WHERE action = 'api_key.create' AND actor_type = 'user');

-- Sessions of users who are revoked or inactive now must not come back when they are restored.
UPDATE public.refresh_tokens SET revoked_at = pg_catalog.now()
WHERE revoked_at IS NULL
  AND user_id IN (SELECT id FROM public.users WHERE revoked_at IS NOT NULL OR NOT is_active);
UPDATE public.users SET sessions_valid_after = pg_catalog.date_trunc('second', pg_catalog.now()) + interval '1 second'
WHERE revoked_at IS NOT NULL OR NOT is_active;
