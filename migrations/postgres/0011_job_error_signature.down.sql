-- Reverses 0011_job_error_signature.sql.
DROP INDEX public.idx_jobs_error_signature;
ALTER TABLE public.jobs DROP COLUMN error_signature;
