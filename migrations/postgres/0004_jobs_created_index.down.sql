-- Reverses 0004_jobs_created_index.sql.
DROP INDEX public.idx_jobs_created;
