-- How an answer ended, for the conversations views and support: cut short (the provider failed mid-answer or the
-- client left, which stops the generation) or given by the grounded fallback because the configured provider failed
-- before its first token.
ALTER TABLE messages ADD COLUMN partial INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1));
ALTER TABLE messages ADD COLUMN fallback INTEGER NOT NULL DEFAULT 0 CHECK (fallback IN (0, 1));
