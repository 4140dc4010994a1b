-- Reverses 0002_job_probes.sql.
DROP TABLE public.job_probes;
