-- The normalised signature of a job's last error (services/jobs/errorsignature.*: numbers, ids and quoted values
-- taken out), written with last_error when an attempt fails, so that the error groups of the jobs triage
-- (GET /api/v1/admin/jobs/error-groups) are one GROUP BY over an index rather than the normaliser run on every row.
-- Jobs that failed before this migration have none and are not grouped until they fail again.
ALTER TABLE jobs ADD COLUMN error_signature TEXT;
-- Covers the grouping (signature, state, tenant, first/last seen) so it reads the index alone, in signature order.
CREATE INDEX idx_jobs_error_signature ON jobs (error_signature, state, tenant_id, updated_at)
    WHERE error_signature IS NOT NULL;
