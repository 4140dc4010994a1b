-- Reverses 0006_access_ends_with_user.sql's columns. The keys and sessions it revoked stay revoked (and audited):
-- un-revoking them would give back access that the rule it enforced had already ended.
ALTER TABLE public.users DROP COLUMN sessions_valid_after;
ALTER TABLE public.api_keys DROP COLUMN revoked_reason;
