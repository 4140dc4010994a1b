-- Alert rules, the state of each rule and label set, its history and the silences (docs/alerts.md). The evaluator
-- (services/alerts) reads the rules and writes states and history; one instance at a time on PostgreSQL.
CREATE TABLE public.alert_rules (
    id          uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (name <> ''),
    kind        text        NOT NULL CHECK (kind <> ''),
    params      jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (pg_catalog.jsonb_typeof(params) = 'object'),
    comparison  text        NOT NULL CHECK (comparison IN ('>', '>=', '<', '<=')),
    threshold   double precision NOT NULL,
    for_seconds integer     NOT NULL DEFAULT 0 CHECK (for_seconds >= 0),
    severity    text        NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
    labels      jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (pg_catalog.jsonb_typeof(labels) = 'object'),
    runbook     text        NOT NULL DEFAULT '',
    enabled     boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- One row per rule and label set the rule has produced; `fingerprint` is a hash of the rule id and the label set.
-- `false_since`: when a firing alert's condition became false (it resolves once that has lasted the damping time).
CREATE TABLE public.alert_states (
    rule_id           uuid        NOT NULL REFERENCES public.alert_rules (id) ON DELETE CASCADE,
    fingerprint       text        NOT NULL,
    labels            jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (pg_catalog.jsonb_typeof(labels) = 'object'),
    state             text        NOT NULL CHECK (state IN ('inactive', 'pending', 'firing')),
    since             timestamptz NOT NULL,
    active_at         timestamptz,
    false_since       timestamptz,
    last_value        double precision,
    last_evaluated_at timestamptz NOT NULL,
    silenced          boolean     NOT NULL DEFAULT false,
    acknowledged_by   text,
    acknowledged_at   timestamptz,
    PRIMARY KEY (rule_id, fingerprint)
);

-- Every transition, kept like the metric rollups (TWINOPS_METRICS_RETENTION_DAYS). The rule's name is copied so
-- that history outlives a deleted rule.
CREATE TABLE public.alert_history (
    id          uuid        NOT NULL PRIMARY KEY,
    rule_id     uuid        NOT NULL,
    rule_name   text        NOT NULL,
    fingerprint text        NOT NULL,
    labels      jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (pg_catalog.jsonb_typeof(labels) = 'object'),
    state       text        NOT NULL CHECK (state IN ('pending', 'firing', 'resolved', 'inactive')),
    value       double precision,
    silenced    boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL
);
CREATE INDEX idx_alert_history_created ON public.alert_history (created_at, id);
CREATE INDEX idx_alert_history_rule_created ON public.alert_history (rule_id, created_at);

-- A silence matches an alert of `rule_id` (NULL: of any rule) whose labels include every pair of `matchers`.
CREATE TABLE public.alert_silences (
    id          uuid        NOT NULL PRIMARY KEY,
    rule_id     uuid        REFERENCES public.alert_rules (id) ON DELETE CASCADE,
    matchers    jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (pg_catalog.jsonb_typeof(matchers) = 'object'),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
    comment     text        NOT NULL CHECK (comment <> ''),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX idx_alert_silences_ends ON public.alert_silences (ends_at);

-- The "new job error" rule reads the failures of the last day and a bit: only the jobs that carry an error.
CREATE INDEX idx_jobs_errors_updated ON public.jobs (updated_at) WHERE last_error IS NOT NULL;

-- The runbook's thresholds (checks/check.h, Thresholds; tst_alerts compares them) and the queue, job and login
-- rules, shipped enabled. Fixed ids, so that a release can refer to them.
INSERT INTO public.alert_rules (id, name, kind, params, comparison, threshold, for_seconds, severity, labels, runbook,
                                created_at, updated_at) VALUES
('00000000-0000-4000-8000-000000000001', 'HTTP error rate', 'error_rate', '{"window_seconds":300}', '>=', 0.01, 300,
 'critical', '{}', 'More than 1 % of requests answered 5xx. Look at the 5xx per route alert and the journal.', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-000000000002', 'Chat time to first token', 'ttft_p95', '{"window_seconds":300}', '>=', 3,
 300, 'warning', '{}', 'p95 time to first token is 3 s or more. Check the chat provider and the http-work pool.', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-000000000003', 'Graph job success', 'job_success_rate',
 '{"type":"graph_extraction","window_seconds":900}', '<=', 0.95, 600, 'warning', '{}',
 'Graph extraction succeeds 95 % of the time or less. Look at the discarded jobs and their errors.', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-000000000004', '401/403 spike', 'auth_failure_rate', '{"window_seconds":300}', '>', 0.05,
 300, 'warning', '{}', 'Over 5 % of requests were refused 401 or 403: a broken client or someone guessing keys.', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-000000000005', 'Database errors', 'database_errors', '{"window_seconds":300}', '>', 0, 0,
 'critical', '{}', 'Requests failed because the database was unavailable. Check the database server and the disk.',
 '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-000000000006', 'Job queue stalled', 'queue_stalled', '{}', '>=', 1, 60, 'critical', '{}',
 'Jobs wait and none was claimed for a minute: no worker runs anywhere, or every worker is wedged.', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-000000000007', 'Discarded jobs', 'discarded_jobs_per_minute', '{"window_seconds":300}',
 '>', 1, 300, 'warning', '{}', 'More than one job a minute is discarded. Look at the jobs list, state discarded.',
 '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-000000000008', '5xx on a route', 'route_server_errors_per_minute',
 '{"window_seconds":300}', '>', 1, 300, 'warning', '{}',
 'A route answers 5xx more than once a minute (the route label says which).', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-000000000009', 'Login failures', 'login_failures_per_minute', '{"window_seconds":300}',
 '>', 10, 300, 'warning', '{}', 'More than 10 failed logins a minute: password guessing or a broken client.', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),
('00000000-0000-4000-8000-00000000000a', 'New job error', 'new_job_error', '{"window_seconds":600}', '>=', 1, 0,
 'info', '{}', 'A job failed with an error not seen in the 24 hours before (the signature label).', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z');
