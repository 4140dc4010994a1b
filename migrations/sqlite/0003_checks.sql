-- An automated checklist result remembers which check produced it, so that a stored run reads back complete
-- even after the checklist definition changes.
ALTER TABLE checklist_results ADD COLUMN check_id TEXT CHECK (check_id IS NULL OR kind = 'automated');

-- Found by the database lint (tenant-table-no-index): deleting a tenant cascades to its job logs, and without an
-- index led by tenant_id that cascade scans the whole table.
CREATE INDEX idx_job_logs_tenant ON job_logs (tenant_id);
