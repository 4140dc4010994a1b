-- Reverses 0008_signing_keys.sql. Dropping the key ids invalidates every access token that names one (users sign in
-- again with their refresh tokens); the migrator lists the table's rows as data going down would delete.
DROP TABLE public.signing_keys;
