-- Job types whose processing a platform admin paused (POST /api/v1/admin/jobs/types/{type}/pause): every claim of
-- every instance skips them, so their jobs wait, still available, until the type is resumed (the row deleted).
CREATE TABLE public.paused_job_types (
    type       text        NOT NULL PRIMARY KEY CHECK (type <> ''),
    paused_by  text        NOT NULL,
    paused_at  timestamptz NOT NULL,
    reason     text
);

-- Each worker pool of each process, while it runs and for a while after (services/jobs/workerregistry.*): the
-- "Workers" view of the jobs triage (GET /api/v1/admin/workers). heartbeat_at is when the pool last wrote its
-- workers' state; a row whose heartbeat is older than lease_ms belongs to a process that died or hangs.
CREATE TABLE public.job_instances (
    id            uuid        NOT NULL PRIMARY KEY,
    name          text        NOT NULL,
    host          text        NOT NULL,
    pid           bigint      NOT NULL,
    version       text        NOT NULL,
    job_type      text,
    lease_ms      bigint      NOT NULL CHECK (lease_ms > 0),
    started_at    timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL,
    stopped_at    timestamptz
);
CREATE INDEX idx_job_instances_heartbeat ON public.job_instances (heartbeat_at);

-- One row per worker thread of an instance: when it last came round its loop and the job it is running, if any.
CREATE TABLE public.job_worker_heartbeats (
    instance_id    uuid        NOT NULL REFERENCES public.job_instances (id) ON DELETE CASCADE,
    worker         integer     NOT NULL CHECK (worker >= 0),
    beat_at        timestamptz NOT NULL,
    job_id         uuid,
    job_type       text,
    job_started_at timestamptz,
    jobs_in_hand   integer     NOT NULL DEFAULT 0 CHECK (jobs_in_hand >= 0),
    PRIMARY KEY (instance_id, worker)
);
