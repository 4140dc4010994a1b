-- Reverses 0003_checks.sql.
DROP INDEX public.idx_job_logs_tenant;
ALTER TABLE public.checklist_results DROP COLUMN check_id;
