-- Reverses 0009_alerts.sql: the rules (the shipped defaults included), their states, history and silences go.
DROP INDEX public.idx_jobs_errors_updated;
DROP TABLE public.alert_silences;
DROP TABLE public.alert_history;
DROP TABLE public.alert_states;
DROP TABLE public.alert_rules;
