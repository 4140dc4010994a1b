-- Probe jobs: a job type whose only effect is counting its own runs. Operators enqueue probes to check that the
-- workers of an environment run jobs exactly once in effect (twinopsd admin enqueue-probes), and the fault
-- tests and benchmarks measure the queue with them.
CREATE TABLE job_probes (
    job_id      TEXT    NOT NULL PRIMARY KEY,
    runs        INTEGER NOT NULL CHECK (runs >= 1),
    last_run_at INTEGER NOT NULL
);
