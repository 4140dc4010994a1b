-- Reverses 0012_job_types_and_workers.sql.
DROP TABLE job_worker_heartbeats;
DROP INDEX idx_job_instances_heartbeat;
DROP TABLE job_instances;
DROP TABLE paused_job_types;
