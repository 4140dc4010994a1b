-- Reverses 0010_check_schedule.sql: the schedule goes (scheduled runs stay, as ordinary stored runs).
DROP INDEX idx_checklist_runs_started_by;
DROP TABLE check_schedule;
