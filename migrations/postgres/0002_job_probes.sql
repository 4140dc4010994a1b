-- Probe jobs: a job type whose only effect is counting its own runs. Operators enqueue probes to check that the
-- workers of an environment run jobs exactly once in effect (twinopsd admin enqueue-probes), and the fault
-- tests and benchmarks measure the queue with them.
CREATE TABLE public.job_probes (
    job_id      uuid        NOT NULL PRIMARY KEY,
    runs        integer     NOT NULL CHECK (runs >= 1),
    last_run_at timestamptz NOT NULL
);
