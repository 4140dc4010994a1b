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
CREATE INDEX idx_alert_silences_rule ON public.alert_silences (rule_id);

-- The "new job error" rule reads the failures of the last day and a bit: only the jobs that carry an error.
CREATE INDEX idx_jobs_errors_updated ON public.jobs (updated_at) WHERE last_error IS NOT NULL;

-- The shipped rules (services/alerts, shippedAlertRules()) already added to alert_rules, so that each is added once:
-- a deleted one stays deleted, and a later release's new ones are added on its first start.
CREATE TABLE public.alert_defaults (
    id        uuid        NOT NULL PRIMARY KEY,
    seeded_at timestamptz NOT NULL
);
