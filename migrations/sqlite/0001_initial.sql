-- TwinOps schema v1 for SQLite (3.40+; needs the built-in JSON functions and FTS5).
--
-- Run by the migrator inside one transaction (no BEGIN/COMMIT here) after it has set the connection pragmas
-- (foreign_keys = ON among them); the migrator owns the schema_migrations table. The PostgreSQL twin of this
-- file is migrations/postgres/0001_initial.sql: both define the same tables, columns, constraint names and
-- indexes, so that repositories can run the same SQL text with $1..$n placeholders on either database.
--
-- Conventions:
--   ids       TEXT holding a lower-case UUID made by the application (PostgreSQL: uuid). Every id column is
--             declared NOT NULL explicitly, because a SQLite rowid table lets a TEXT PRIMARY KEY hold NULL.
--             job_logs, graph_edge_evidence and audit_log use INTEGER PRIMARY KEY AUTOINCREMENT instead.
--   times     INTEGER, milliseconds since the Unix epoch, UTC; column names end in _at; always supplied by
--             the application (no defaults).
--   booleans  INTEGER 0/1 with CHECK (col IN (0, 1)).
--   JSON      TEXT with CHECK (json_valid(col)) and, where the shape is fixed, a json_type() check; nullable
--             JSON columns say "col IS NULL OR ..." because json_valid(NULL) is 0 in SQLite 3.40.
--   enums     TEXT with a CHECK listing the allowed values.
-- Every tenant-owned row carries tenant_id directly (denormalised where needed); every foreign key column
-- is the leading column of some index.

-- ---------------------------------------------------------------------------------------------------------
-- Tenancy and auth
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE tenants (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (name <> ''),
    status      TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CONSTRAINT tenants_name_key UNIQUE (name)
);

-- Login is by email, so email is unique across all tenants; the application stores it lower-cased.
CREATE TABLE users (
    id             TEXT    NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email          TEXT    NOT NULL CHECK (email <> '' AND email = lower(email)),
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
    is_active      INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    revoked_at     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_login_at  INTEGER,
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX idx_users_tenant_created ON users (tenant_id, created_at, id);

-- Rotating refresh tokens, stored hashed. A family is one login; reusing a rotated token (used_at set)
-- revokes the whole family. replaced_by is the id of the token that superseded this one (informational,
-- no foreign key so that purging old rows never has to touch their successors).
CREATE TABLE refresh_tokens (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id    TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL,
    expires_at   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    used_at      INTEGER,
    revoked_at   INTEGER,
    replaced_by  TEXT,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX idx_refresh_tokens_tenant ON refresh_tokens (tenant_id);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX idx_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX idx_refresh_tokens_expires ON refresh_tokens (expires_at);

-- ---------------------------------------------------------------------------------------------------------
-- Twins and knowledge
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE twins (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL CHECK (name <> ''),
    description  TEXT    NOT NULL DEFAULT '',
    settings     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(settings) AND json_type(settings) = 'object'),
    status       TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CONSTRAINT twins_tenant_name_key UNIQUE (tenant_id, name)
);
CREATE INDEX idx_twins_tenant_created ON twins (tenant_id, created_at, id);

-- created_by is the id of the principal that uploaded the source (a user or an API key), hence no foreign key.
CREATE TABLE sources (
    id             TEXT    NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    twin_id        TEXT    NOT NULL REFERENCES twins (id) ON DELETE CASCADE,
    filename       TEXT    NOT NULL CHECK (filename <> ''),
    mime_type      TEXT    NOT NULL,
    content        TEXT    NOT NULL,
    content_hash   TEXT    NOT NULL,
    size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
    status         TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'indexed', 'rejected', 'failed')),
    health         TEXT    NOT NULL DEFAULT 'unknown'
                   CHECK (health IN ('unknown', 'healthy', 'needs_attention', 'failed')),
    health_checks  TEXT    NOT NULL DEFAULT '[]'
                   CHECK (json_valid(health_checks) AND json_type(health_checks) = 'array'),
    chunk_count    INTEGER NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
    last_error     TEXT,
    created_by     TEXT,
    approved_at    INTEGER,
    indexed_at     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX idx_sources_tenant_twin_created ON sources (tenant_id, twin_id, created_at, id);
CREATE INDEX idx_sources_twin ON sources (twin_id);

-- Retrieval units of an indexed source. chunks must stay a rowid table: chunks_fts is an FTS5 external-content
-- index keyed by chunks.rowid. VACUUM keeps these rowids, but a .dump/reload renumbers them: after restoring a
-- database from a dump run  INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
CREATE TABLE chunks (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    twin_id      TEXT    NOT NULL,
    source_id    TEXT    NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    ordinal      INTEGER NOT NULL CHECK (ordinal >= 0),
    content      TEXT    NOT NULL,
    token_count  INTEGER NOT NULL DEFAULT 0 CHECK (token_count >= 0),
    created_at   INTEGER NOT NULL,
    CONSTRAINT chunks_source_ordinal_key UNIQUE (source_id, ordinal)
);
CREATE INDEX idx_chunks_tenant_twin ON chunks (tenant_id, twin_id);

CREATE VIRTUAL TABLE chunks_fts USING fts5(
    content,
    content = 'chunks',
    content_rowid = 'rowid',
    tokenize = 'porter unicode61'
);

CREATE TRIGGER chunks_fts_after_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, content) VALUES (new.rowid, new.content);
END;

CREATE TRIGGER chunks_fts_after_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;

CREATE TRIGGER chunks_fts_after_update AFTER UPDATE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO chunks_fts (rowid, content) VALUES (new.rowid, new.content);
END;

-- ---------------------------------------------------------------------------------------------------------
-- Share links, conversations, messages
-- ---------------------------------------------------------------------------------------------------------

-- The token is shown once and stored hashed; token_prefix (its first characters) is for display only.
CREATE TABLE share_links (
    id            TEXT    NOT NULL PRIMARY KEY,
    tenant_id     TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    twin_id       TEXT    NOT NULL REFERENCES twins (id) ON DELETE CASCADE,
    token_hash    TEXT    NOT NULL,
    token_prefix  TEXT    NOT NULL,
    created_by    TEXT    REFERENCES users (id) ON DELETE SET NULL,
    expires_at    INTEGER,
    revoked_at    INTEGER,
    last_used_at  INTEGER,
    created_at    INTEGER NOT NULL,
    CONSTRAINT share_links_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX idx_share_links_tenant_twin_created ON share_links (tenant_id, twin_id, created_at, id);
CREATE INDEX idx_share_links_twin ON share_links (twin_id);
CREATE INDEX idx_share_links_created_by ON share_links (created_by);

-- last_seq is the seq of the newest message: the next message takes
--   UPDATE conversations SET last_seq = last_seq + 1, updated_at = $2 WHERE id = $1 RETURNING last_seq
CREATE TABLE conversations (
    id             TEXT    NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    twin_id        TEXT    NOT NULL REFERENCES twins (id) ON DELETE CASCADE,
    share_link_id  TEXT    REFERENCES share_links (id) ON DELETE SET NULL,
    title          TEXT    NOT NULL DEFAULT '',
    last_seq       INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX idx_conversations_tenant_twin_updated ON conversations (tenant_id, twin_id, updated_at, id);
CREATE INDEX idx_conversations_twin ON conversations (twin_id);
CREATE INDEX idx_conversations_share_link ON conversations (share_link_id);

CREATE TABLE messages (
    id               TEXT    NOT NULL PRIMARY KEY,
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_id  TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    twin_id          TEXT    NOT NULL,
    seq              INTEGER NOT NULL CHECK (seq >= 0),
    role             TEXT    NOT NULL CHECK (role IN ('user', 'assistant')),
    content          TEXT    NOT NULL,
    citations        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(citations) AND json_type(citations) = 'array'),
    provider         TEXT,
    model            TEXT,
    ttft_ms          INTEGER CHECK (ttft_ms >= 0),
    latency_ms       INTEGER CHECK (latency_ms >= 0),
    created_at       INTEGER NOT NULL,
    CONSTRAINT messages_conversation_seq_key UNIQUE (conversation_id, seq)
);
CREATE INDEX idx_messages_conversation_created ON messages (conversation_id, created_at, id);
CREATE INDEX idx_messages_tenant_twin_created ON messages (tenant_id, twin_id, created_at);

-- ---------------------------------------------------------------------------------------------------------
-- Job queue
-- ---------------------------------------------------------------------------------------------------------

-- tenant_id is NULL for platform jobs. (type, idempotency_key) is a plain UNIQUE constraint (NULL keys never
-- collide) so that  INSERT ... ON CONFLICT (type, idempotency_key) DO NOTHING  works on both databases.
-- A running job always holds a lease.
CREATE TABLE jobs (
    id                TEXT    NOT NULL PRIMARY KEY,
    tenant_id         TEXT    REFERENCES tenants (id) ON DELETE CASCADE,
    twin_id           TEXT,
    type              TEXT    NOT NULL CHECK (type <> ''),
    payload           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    state             TEXT    NOT NULL DEFAULT 'available'
                      CHECK (state IN ('scheduled', 'available', 'running', 'retryable', 'completed',
                                       'discarded', 'cancelled')),
    priority          INTEGER NOT NULL DEFAULT 0,
    attempt           INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts      INTEGER NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
    run_at            INTEGER NOT NULL,
    idempotency_key   TEXT,
    lease_token       TEXT,
    lease_owner       TEXT,
    lease_expires_at  INTEGER,
    heartbeat_at      INTEGER,
    cancel_requested  INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
    crash_count       INTEGER NOT NULL DEFAULT 0 CHECK (crash_count >= 0),
    last_error        TEXT,
    result            TEXT    CHECK (result IS NULL OR json_valid(result)),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER,
    CONSTRAINT jobs_type_idempotency_key_key UNIQUE (type, idempotency_key),
    CONSTRAINT jobs_running_has_lease CHECK (state <> 'running'
                                             OR (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- Claim: WHERE state IN ('available', 'retryable', 'scheduled') AND run_at <= $now
--        ORDER BY priority DESC, run_at, id
-- Without ANALYZE statistics SQLite's planner prefers idx_jobs_state_created plus a sort; the SQLite claim and
-- rescue queries should say  FROM jobs INDEXED BY idx_jobs_claim  (resp. idx_jobs_lease_expiry), or the
-- database should be ANALYZEd / PRAGMA optimize'd.
CREATE INDEX idx_jobs_claim ON jobs (priority DESC, run_at, id)
    WHERE state IN ('available', 'retryable', 'scheduled');
-- Lease rescue: WHERE state = 'running' AND lease_expires_at < $now
CREATE INDEX idx_jobs_lease_expiry ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX idx_jobs_tenant_created ON jobs (tenant_id, created_at, id);
CREATE INDEX idx_jobs_tenant_state_created ON jobs (tenant_id, state, created_at, id);
CREATE INDEX idx_jobs_tenant_type_created ON jobs (tenant_id, type, created_at, id);
CREATE INDEX idx_jobs_state_created ON jobs (state, created_at, id);
CREATE INDEX idx_jobs_twin_created ON jobs (twin_id, created_at);

-- Log lines of every attempt. tenant_id copies jobs.tenant_id (NULL for platform jobs); the rows go with
-- their job, so there is no separate foreign key to tenants.
CREATE TABLE job_logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id      TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    tenant_id   TEXT,
    attempt     INTEGER NOT NULL CHECK (attempt >= 0),
    level       TEXT    NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
    message     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX idx_job_logs_job ON job_logs (job_id, id);

-- ---------------------------------------------------------------------------------------------------------
-- Knowledge graph
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE graph_nodes (
    id               TEXT    NOT NULL PRIMARY KEY,
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    twin_id          TEXT    NOT NULL REFERENCES twins (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL CHECK (name <> ''),
    normalized_name  TEXT    NOT NULL CHECK (normalized_name <> ''),
    type             TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    mention_count    INTEGER NOT NULL DEFAULT 1 CHECK (mention_count >= 0),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    CONSTRAINT graph_nodes_twin_name_type_key UNIQUE (twin_id, normalized_name, type)
);
CREATE INDEX idx_graph_nodes_tenant_twin ON graph_nodes (tenant_id, twin_id);

CREATE TABLE graph_edges (
    id            TEXT    NOT NULL PRIMARY KEY,
    tenant_id     TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    twin_id       TEXT    NOT NULL REFERENCES twins (id) ON DELETE CASCADE,
    from_node_id  TEXT    NOT NULL REFERENCES graph_nodes (id) ON DELETE CASCADE,
    to_node_id    TEXT    NOT NULL REFERENCES graph_nodes (id) ON DELETE CASCADE,
    type          TEXT    NOT NULL,
    weight        REAL    NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CONSTRAINT graph_edges_twin_from_to_type_key UNIQUE (twin_id, from_node_id, to_node_id, type)
);
CREATE INDEX idx_graph_edges_tenant_twin ON graph_edges (tenant_id, twin_id);
CREATE INDEX idx_graph_edges_from_node ON graph_edges (from_node_id);
CREATE INDEX idx_graph_edges_to_node ON graph_edges (to_node_id);

-- One row per (edge, message): re-running an extraction for the same exchange adds nothing. message_id and
-- conversation_id deliberately have no foreign keys (evidence is kept as written); when a conversation is
-- deleted the application deletes its evidence through idx_graph_edge_evidence_tenant_conversation.
CREATE TABLE graph_edge_evidence (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    edge_id          TEXT    NOT NULL REFERENCES graph_edges (id) ON DELETE CASCADE,
    message_id       TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    snippet          TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    CONSTRAINT graph_edge_evidence_edge_message_key UNIQUE (edge_id, message_id)
);
CREATE INDEX idx_graph_edge_evidence_tenant_conversation ON graph_edge_evidence (tenant_id, conversation_id);

-- ---------------------------------------------------------------------------------------------------------
-- API keys and audit
-- ---------------------------------------------------------------------------------------------------------

-- A key is either a platform-admin key (is_admin = 1, tenant_id NULL) or a tenant key (is_admin = 0,
-- tenant_id set). prefix is the public lookup id; the secret part is stored as key_hash only.
-- twin_ids is an optional allow-list (JSON array of twin ids); NULL means every twin of the tenant.
CREATE TABLE api_keys (
    id            TEXT    NOT NULL PRIMARY KEY,
    tenant_id     TEXT    REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL CHECK (name <> ''),
    prefix        TEXT    NOT NULL CHECK (prefix <> ''),
    key_hash      TEXT    NOT NULL,
    scopes        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(scopes) AND json_type(scopes) = 'array'),
    twin_ids      TEXT    CHECK (twin_ids IS NULL OR (json_valid(twin_ids) AND json_type(twin_ids) = 'array')),
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    created_by    TEXT    REFERENCES users (id) ON DELETE SET NULL,
    expires_at    INTEGER,
    revoked_at    INTEGER,
    last_used_at  INTEGER,
    created_at    INTEGER NOT NULL,
    CONSTRAINT api_keys_prefix_key UNIQUE (prefix),
    CONSTRAINT api_keys_admin_xor_tenant CHECK ((is_admin = 1) = (tenant_id IS NULL))
);
CREATE INDEX idx_api_keys_tenant_created ON api_keys (tenant_id, created_at, id);
CREATE INDEX idx_api_keys_created_by ON api_keys (created_by);

-- Append-only. tenant_id has no foreign key on purpose: the trail must outlive the tenant it describes
-- (including the record of its deletion). actor_type names the principal kind (user, api_key, share_link,
-- console, system); actor_id and target_id are free text ids.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT,
    actor_type   TEXT    NOT NULL CHECK (actor_type <> ''),
    actor_id     TEXT,
    action       TEXT    NOT NULL CHECK (action <> ''),
    target_type  TEXT,
    target_id    TEXT,
    details      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details) AND json_type(details) = 'object'),
    request_id   TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX idx_audit_log_tenant_created ON audit_log (tenant_id, created_at);
CREATE INDEX idx_audit_log_created ON audit_log (created_at);

-- Login throttling shared by every process on the database. key is e.g. 'email:<address>' or 'ip:<address>'.
CREATE TABLE auth_throttle (
    key                TEXT    NOT NULL PRIMARY KEY,
    failures           INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    window_started_at  INTEGER NOT NULL,
    blocked_until      INTEGER
);
CREATE INDEX idx_auth_throttle_window ON auth_throttle (window_started_at);

-- ---------------------------------------------------------------------------------------------------------
-- Metrics history and checklists (platform-wide, not tenant-owned)
-- ---------------------------------------------------------------------------------------------------------

-- One row per minute, instance, metric and label set. labels is the canonical rendering of the label set
-- ('' when none); buckets holds histogram bucket counts as JSON.
CREATE TABLE metric_rollups (
    minute_at  INTEGER NOT NULL,
    instance   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    labels     TEXT    NOT NULL DEFAULT '',
    count      INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
    sum        REAL    NOT NULL DEFAULT 0,
    min        REAL,
    max        REAL,
    buckets    TEXT    CHECK (buckets IS NULL OR json_valid(buckets)),
    PRIMARY KEY (minute_at, instance, name, labels)
);
CREATE INDEX idx_metric_rollups_name_minute ON metric_rollups (name, minute_at);

CREATE TABLE checklist_runs (
    id            TEXT    NOT NULL PRIMARY KEY,
    checklist_id  TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    started_by    TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'passed', 'failed', 'warning', 'cancelled')),
    summary       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(summary) AND json_type(summary) = 'object'),
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER CHECK (finished_at >= started_at)
);
CREATE INDEX idx_checklist_runs_started ON checklist_runs (started_at);
CREATE INDEX idx_checklist_runs_checklist_started ON checklist_runs (checklist_id, started_at);

-- ordinal keeps the checklist's own item order for display and export.
CREATE TABLE checklist_results (
    id           TEXT    NOT NULL PRIMARY KEY,
    run_id       TEXT    NOT NULL REFERENCES checklist_runs (id) ON DELETE CASCADE,
    item_id      TEXT    NOT NULL,
    ordinal      INTEGER NOT NULL DEFAULT 0,
    section      TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('automated', 'manual')),
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'pass', 'warn', 'fail', 'skipped')),
    message      TEXT    NOT NULL DEFAULT '',
    evidence     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(evidence)),
    note         TEXT    NOT NULL DEFAULT '',
    checked_by   TEXT,
    checked_at   INTEGER,
    duration_ms  INTEGER CHECK (duration_ms >= 0),
    CONSTRAINT checklist_results_run_item_key UNIQUE (run_id, item_id)
);
