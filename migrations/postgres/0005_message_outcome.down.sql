-- Reverses 0005_message_outcome.sql.
ALTER TABLE public.messages DROP COLUMN fallback;
ALTER TABLE public.messages DROP COLUMN partial;
