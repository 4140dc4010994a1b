-- Alert rules, the state of each rule and label set, its history and the silences (docs/alerts.md). The evaluator
-- (services/alerts) reads the rules and writes states and history; one instance at a time on PostgreSQL.
CREATE TABLE alert_rules (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE CHECK (name <> ''),
    kind        TEXT    NOT NULL CHECK (kind <> ''),
    params      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(params) AND json_type(params) = 'object'),
    comparison  TEXT    NOT NULL CHECK (comparison IN ('>', '>=', '<', '<=')),
    threshold   REAL    NOT NULL,
    for_seconds INTEGER NOT NULL DEFAULT 0 CHECK (for_seconds >= 0),
    severity    TEXT    NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
    labels      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(labels) AND json_type(labels) = 'object'),
    runbook     TEXT    NOT NULL DEFAULT '',
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- One row per rule and label set the rule has produced; `fingerprint` is a hash of the rule id and the label set.
-- `false_since`: when a firing alert's condition became false (it resolves once that has lasted the damping time).
CREATE TABLE alert_states (
    rule_id           TEXT    NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    fingerprint       TEXT    NOT NULL,
    labels            TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(labels) AND json_type(labels) = 'object'),
    state             TEXT    NOT NULL CHECK (state IN ('inactive', 'pending', 'firing')),
    since             INTEGER NOT NULL,
    active_at         INTEGER,
    false_since       INTEGER,
    last_value        REAL,
    last_evaluated_at INTEGER NOT NULL,
    silenced          INTEGER NOT NULL DEFAULT 0 CHECK (silenced IN (0, 1)),
    acknowledged_by   TEXT,
    acknowledged_at   INTEGER,
    PRIMARY KEY (rule_id, fingerprint)
);

-- Every transition, kept like the metric rollups (TWINOPS_METRICS_RETENTION_DAYS). The rule's name is copied so
-- that history outlives a deleted rule.
CREATE TABLE alert_history (
    id          TEXT    NOT NULL PRIMARY KEY,
    rule_id     TEXT    NOT NULL,
    rule_name   TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    labels      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(labels) AND json_type(labels) = 'object'),
    state       TEXT    NOT NULL CHECK (state IN ('pending', 'firing', 'resolved', 'inactive')),
    value       REAL,
    silenced    INTEGER NOT NULL DEFAULT 0 CHECK (silenced IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE INDEX idx_alert_history_created ON alert_history (created_at, id);
CREATE INDEX idx_alert_history_rule_created ON alert_history (rule_id, created_at);

-- A silence matches an alert of `rule_id` (NULL: of any rule) whose labels include every pair of `matchers`.
CREATE TABLE alert_silences (
    id          TEXT    NOT NULL PRIMARY KEY,
    rule_id     TEXT    REFERENCES alert_rules (id) ON DELETE CASCADE,
    matchers    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(matchers) AND json_type(matchers) = 'object'),
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL CHECK (ends_at > starts_at),
    comment     TEXT    NOT NULL CHECK (comment <> ''),
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX idx_alert_silences_ends ON alert_silences (ends_at);
CREATE INDEX idx_alert_silences_rule ON alert_silences (rule_id);

-- The "new job error" rule reads the failures of the last day and a bit: only the jobs that carry an error.
CREATE INDEX idx_jobs_errors_updated ON jobs (updated_at) WHERE last_error IS NOT NULL;

-- The shipped rules (services/alerts, shippedAlertRules()) already added to alert_rules, so that each is added once:
-- a deleted one stays deleted, and a later release's new ones are added on its first start.
CREATE TABLE alert_defaults (
    id        TEXT    NOT NULL PRIMARY KEY,
    seeded_at INTEGER NOT NULL
);
