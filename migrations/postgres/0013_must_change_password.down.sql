-- Reverses 0013_must_change_password.sql. A user who had still to change a generated password keeps it as an
-- ordinary one.
ALTER TABLE public.users DROP COLUMN must_change_password;
