-- Reverses 0001_initial.sql: drops every table in reverse dependency order (the FTS index, its triggers and shadow
-- tables go with chunks_fts and chunks). sqlite_sequence cannot be dropped; emptying it restarts the AUTOINCREMENT ids.
DROP TABLE checklist_results;
DROP TABLE checklist_runs;
DROP TABLE metric_rollups;
DROP TABLE auth_throttle;
DROP TABLE audit_log;
DROP TABLE api_keys;
DROP TABLE graph_edge_evidence;
DROP TABLE graph_edges;
DROP TABLE graph_nodes;
DROP TABLE job_logs;
DROP TABLE jobs;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE share_links;
DROP TABLE chunks_fts;
DROP TABLE chunks;
DROP TABLE sources;
DROP TABLE twins;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE tenants;
DELETE FROM sqlite_sequence;
