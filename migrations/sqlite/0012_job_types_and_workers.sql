-- Job types whose processing a platform admin paused (POST /api/v1/admin/jobs/types/{type}/pause): every claim of
-- every instance skips them, so their jobs wait, still available, until the type is resumed (the row deleted).
CREATE TABLE paused_job_types (
    type       TEXT    NOT NULL PRIMARY KEY CHECK (type <> ''),
    paused_by  TEXT    NOT NULL,
    paused_at  INTEGER NOT NULL,
    reason     TEXT
);

-- Each worker pool of each process, while it runs and for a while after (services/jobs/workerregistry.*): the
-- "Workers" view of the jobs triage (GET /api/v1/admin/workers). heartbeat_at is when the pool last wrote its
-- workers' state; a row whose heartbeat is older than lease_ms belongs to a process that died or hangs.
CREATE TABLE job_instances (
    id            TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    host          TEXT    NOT NULL,
    pid           INTEGER NOT NULL,
    version       TEXT    NOT NULL,
    job_type      TEXT,
    lease_ms      INTEGER NOT NULL CHECK (lease_ms > 0),
    started_at    INTEGER NOT NULL,
    heartbeat_at  INTEGER NOT NULL,
    stopped_at    INTEGER
);
CREATE INDEX idx_job_instances_heartbeat ON job_instances (heartbeat_at);

-- One row per worker thread of an instance: when it last came round its loop and the job it is running, if any.
CREATE TABLE job_worker_heartbeats (
    instance_id   TEXT    NOT NULL REFERENCES job_instances (id) ON DELETE CASCADE,
    worker        INTEGER NOT NULL CHECK (worker >= 0),
    beat_at       INTEGER NOT NULL,
    job_id        TEXT,
    job_type      TEXT,
    job_started_at INTEGER,
    jobs_in_hand  INTEGER NOT NULL DEFAULT 0 CHECK (jobs_in_hand >= 0),
    PRIMARY KEY (instance_id, worker)
);
