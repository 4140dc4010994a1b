-- Reverses 0009_alerts.sql: the rules (the shipped ones included), their states, history and silences go.
DROP TABLE alert_defaults;
DROP INDEX idx_jobs_errors_updated;
DROP TABLE alert_silences;
DROP TABLE alert_history;
DROP TABLE alert_states;
DROP TABLE alert_rules;
