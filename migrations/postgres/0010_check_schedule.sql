-- The checklist schedule of this environment (docs/checks.md, "Scheduled runs"): one row, shared by every instance
-- on the database. No row, or interval_minutes 0: no scheduled runs. Scheduled runs are checklist_runs rows whose
-- started_by is 'schedule'.
CREATE TABLE public.check_schedule (
    id               smallint    NOT NULL PRIMARY KEY CHECK (id = 1),
    interval_minutes integer     NOT NULL CHECK (interval_minutes BETWEEN 0 AND 10080),
    checklist_id     text        NOT NULL CHECK (checklist_id <> ''),
    updated_by       text        NOT NULL,
    updated_at       timestamptz NOT NULL
);

-- The newest scheduled run (the scheduler's due time, the checklist_item_failed alert) without reading every run.
CREATE INDEX idx_checklist_runs_started_by ON public.checklist_runs (started_by, started_at);
