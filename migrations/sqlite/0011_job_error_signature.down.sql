-- Reverses 0011_job_error_signature.sql.
DROP INDEX idx_jobs_error_signature;
ALTER TABLE jobs DROP COLUMN error_signature;
