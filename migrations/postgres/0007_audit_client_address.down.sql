-- Reverses 0007_audit_client_address.sql.
ALTER TABLE public.audit_log DROP COLUMN client_address;
