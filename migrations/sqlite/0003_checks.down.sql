-- Reverses 0003_checks.sql.
DROP INDEX idx_job_logs_tenant;
ALTER TABLE checklist_results DROP COLUMN check_id;
