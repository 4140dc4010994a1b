-- Reverses 0012_job_types_and_workers.sql.
DROP TABLE public.job_worker_heartbeats;
DROP INDEX public.idx_job_instances_heartbeat;
DROP TABLE public.job_instances;
DROP TABLE public.paused_job_types;
