-- Reverses 0007_audit_client_address.sql.
ALTER TABLE audit_log DROP COLUMN client_address;
