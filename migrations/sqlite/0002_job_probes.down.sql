-- Reverses 0002_job_probes.sql.
DROP TABLE job_probes;
