-- Issue #16: a password an admin generated (adding a user, resetting a password) is one-time: until the user sets
-- their own through POST /api/v1/auth/password, every credential of theirs reaches only that route, /auth/me,
-- /auth/logout and /auth/refresh. Existing users chose their passwords, so they start without the flag.
ALTER TABLE public.users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
