-- Every tenant's jobs in keyset order (the platform admin's list and the console's Jobs panel, unfiltered or filtered
-- by a column without an index of its own): without it each page of GET /api/v1/admin/jobs scanned and sorted the
-- whole table, seconds per page at 1,000,000 jobs.
CREATE INDEX idx_jobs_created ON jobs (created_at, id);
