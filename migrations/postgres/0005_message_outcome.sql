-- How an answer ended, for the conversations views and support: cut short (the provider failed mid-answer or the
-- client left, which stops the generation) or given by the grounded fallback because the configured provider failed
-- before its first token.
ALTER TABLE messages
    ADD COLUMN partial boolean NOT NULL DEFAULT false,
    ADD COLUMN fallback boolean NOT NULL DEFAULT false;
