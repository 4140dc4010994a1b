-- Reverses 0005_message_outcome.sql.
ALTER TABLE messages DROP COLUMN fallback;
ALTER TABLE messages DROP COLUMN partial;
