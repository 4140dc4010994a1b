-- Reverses 0009_alerts.sql: the rules (the shipped ones included), their states, history and silences go.
DROP TABLE public.alert_defaults;
DROP INDEX public.idx_jobs_errors_updated;
DROP TABLE public.alert_silences;
DROP TABLE public.alert_history;
DROP TABLE public.alert_states;
DROP TABLE public.alert_rules;
