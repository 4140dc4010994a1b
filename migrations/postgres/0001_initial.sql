-- TwinOps schema v1 for PostgreSQL (15+).
--
-- Run by the migrator with PQexec inside one transaction (no BEGIN/COMMIT here); the migrator owns the
-- schema_migrations table. The SQLite twin of this file is migrations/sqlite/0001_initial.sql: both define the
-- same tables, columns, constraint names and indexes, so that repositories can run the same SQL text with
-- $1..$n placeholders on either database.
--
-- Conventions:
--   ids       uuid made by the application (SQLite: TEXT). job_logs, graph_edge_evidence and audit_log use a
--             bigint identity instead.
--   times     timestamptz, UTC; column names end in _at; always supplied by the application (no defaults, so
--             that both dialects behave the same).
--   booleans  boolean (SQLite: INTEGER 0/1).
--   JSON      jsonb, with a jsonb_typeof() check where the shape is fixed (SQLite: TEXT + json_valid).
--   enums     text with a CHECK listing the allowed values.
-- Every object is schema-qualified. Every tenant-owned row carries tenant_id directly (denormalised where
-- needed); every foreign key column is the leading column of some index.
-- Runbook P0-C: the only SECURITY DEFINER function (public.job_queue_stats) pins search_path = '',
-- qualifies every reference and has EXECUTE revoked from PUBLIC. No row-level security.

-- ---------------------------------------------------------------------------------------------------------
-- Tenancy and auth
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE public.tenants (
    id          uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL CHECK (name <> ''),
    status      text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT tenants_name_key UNIQUE (name)
);

-- Login is by email, so email is unique across all tenants; the application stores it lower-cased.
CREATE TABLE public.users (
    id             uuid        NOT NULL PRIMARY KEY,
    tenant_id      uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    email          text        NOT NULL CHECK (email <> '' AND email = pg_catalog.lower(email)),
    password_hash  text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
    is_active      boolean     NOT NULL DEFAULT true,
    revoked_at     timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    last_login_at  timestamptz,
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX idx_users_tenant_created ON public.users (tenant_id, created_at, id);

-- Rotating refresh tokens, stored hashed. A family is one login; reusing a rotated token (used_at set)
-- revokes the whole family. replaced_by is the id of the token that superseded this one (informational,
-- no foreign key so that purging old rows never has to touch their successors).
CREATE TABLE public.refresh_tokens (
    id           uuid        NOT NULL PRIMARY KEY,
    tenant_id    uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    user_id      uuid        NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    family_id    uuid        NOT NULL,
    token_hash   text        NOT NULL,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    used_at      timestamptz,
    revoked_at   timestamptz,
    replaced_by  uuid,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX idx_refresh_tokens_tenant ON public.refresh_tokens (tenant_id);
CREATE INDEX idx_refresh_tokens_user ON public.refresh_tokens (user_id);
CREATE INDEX idx_refresh_tokens_family ON public.refresh_tokens (family_id);
CREATE INDEX idx_refresh_tokens_expires ON public.refresh_tokens (expires_at);

-- ---------------------------------------------------------------------------------------------------------
-- Twins and knowledge
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE public.twins (
    id           uuid        NOT NULL PRIMARY KEY,
    tenant_id    uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (name <> ''),
    description  text        NOT NULL DEFAULT '',
    settings     jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (pg_catalog.jsonb_typeof(settings) = 'object'),
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT twins_tenant_name_key UNIQUE (tenant_id, name)
);
CREATE INDEX idx_twins_tenant_created ON public.twins (tenant_id, created_at, id);

-- created_by is the id of the principal that uploaded the source (a user or an API key), hence no foreign key.
CREATE TABLE public.sources (
    id             uuid        NOT NULL PRIMARY KEY,
    tenant_id      uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    twin_id        uuid        NOT NULL REFERENCES public.twins (id) ON DELETE CASCADE,
    filename       text        NOT NULL CHECK (filename <> ''),
    mime_type      text        NOT NULL,
    content        text        NOT NULL,
    content_hash   text        NOT NULL,
    size_bytes     bigint      NOT NULL CHECK (size_bytes >= 0),
    status         text        NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'indexed', 'rejected', 'failed')),
    health         text        NOT NULL DEFAULT 'unknown'
                   CHECK (health IN ('unknown', 'healthy', 'needs_attention', 'failed')),
    health_checks  jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (pg_catalog.jsonb_typeof(health_checks) = 'array'),
    chunk_count    integer     NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
    last_error     text,
    created_by     uuid,
    approved_at    timestamptz,
    indexed_at     timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX idx_sources_tenant_twin_created ON public.sources (tenant_id, twin_id, created_at, id);
CREATE INDEX idx_sources_twin ON public.sources (twin_id);

-- Retrieval units of an indexed source. search_vector feeds full-text retrieval; queries must use the same
-- configuration, e.g.  search_vector @@ websearch_to_tsquery('english', $2).
CREATE TABLE public.chunks (
    id             uuid        NOT NULL PRIMARY KEY,
    tenant_id      uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    twin_id        uuid        NOT NULL,
    source_id      uuid        NOT NULL REFERENCES public.sources (id) ON DELETE CASCADE,
    ordinal        integer     NOT NULL CHECK (ordinal >= 0),
    content        text        NOT NULL,
    token_count    integer     NOT NULL DEFAULT 0 CHECK (token_count >= 0),
    created_at     timestamptz NOT NULL,
    search_vector  tsvector    GENERATED ALWAYS AS (pg_catalog.to_tsvector('english'::regconfig, content)) STORED,
    CONSTRAINT chunks_source_ordinal_key UNIQUE (source_id, ordinal)
);
CREATE INDEX idx_chunks_tenant_twin ON public.chunks (tenant_id, twin_id);
CREATE INDEX idx_chunks_search_vector ON public.chunks USING gin (search_vector);

-- ---------------------------------------------------------------------------------------------------------
-- Share links, conversations, messages
-- ---------------------------------------------------------------------------------------------------------

-- The token is shown once and stored hashed; token_prefix (its first characters) is for display only.
CREATE TABLE public.share_links (
    id            uuid        NOT NULL PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    twin_id       uuid        NOT NULL REFERENCES public.twins (id) ON DELETE CASCADE,
    token_hash    text        NOT NULL,
    token_prefix  text        NOT NULL,
    created_by    uuid        REFERENCES public.users (id) ON DELETE SET NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    created_at    timestamptz NOT NULL,
    CONSTRAINT share_links_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX idx_share_links_tenant_twin_created ON public.share_links (tenant_id, twin_id, created_at, id);
CREATE INDEX idx_share_links_twin ON public.share_links (twin_id);
CREATE INDEX idx_share_links_created_by ON public.share_links (created_by);

-- last_seq is the seq of the newest message: the next message takes
--   UPDATE conversations SET last_seq = last_seq + 1, updated_at = $2 WHERE id = $1 RETURNING last_seq
CREATE TABLE public.conversations (
    id             uuid        NOT NULL PRIMARY KEY,
    tenant_id      uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    twin_id        uuid        NOT NULL REFERENCES public.twins (id) ON DELETE CASCADE,
    share_link_id  uuid        REFERENCES public.share_links (id) ON DELETE SET NULL,
    title          text        NOT NULL DEFAULT '',
    last_seq       bigint      NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX idx_conversations_tenant_twin_updated ON public.conversations (tenant_id, twin_id, updated_at, id);
CREATE INDEX idx_conversations_twin ON public.conversations (twin_id);
CREATE INDEX idx_conversations_share_link ON public.conversations (share_link_id);

CREATE TABLE public.messages (
    id               uuid        NOT NULL PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    conversation_id  uuid        NOT NULL REFERENCES public.conversations (id) ON DELETE CASCADE,
    twin_id          uuid        NOT NULL,
    seq              bigint      NOT NULL CHECK (seq >= 0),
    role             text        NOT NULL CHECK (role IN ('user', 'assistant')),
    content          text        NOT NULL,
    citations        jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (pg_catalog.jsonb_typeof(citations) = 'array'),
    provider         text,
    model            text,
    ttft_ms          integer     CHECK (ttft_ms >= 0),
    latency_ms       integer     CHECK (latency_ms >= 0),
    created_at       timestamptz NOT NULL,
    CONSTRAINT messages_conversation_seq_key UNIQUE (conversation_id, seq)
);
CREATE INDEX idx_messages_conversation_created ON public.messages (conversation_id, created_at, id);
CREATE INDEX idx_messages_tenant_twin_created ON public.messages (tenant_id, twin_id, created_at);

-- ---------------------------------------------------------------------------------------------------------
-- Job queue
-- ---------------------------------------------------------------------------------------------------------

-- tenant_id is NULL for platform jobs. (type, idempotency_key) is a plain UNIQUE constraint (NULL keys never
-- collide) so that  INSERT ... ON CONFLICT (type, idempotency_key) DO NOTHING  works on both databases.
-- A running job always holds a lease.
CREATE TABLE public.jobs (
    id                uuid        NOT NULL PRIMARY KEY,
    tenant_id         uuid        REFERENCES public.tenants (id) ON DELETE CASCADE,
    twin_id           uuid,
    type              text        NOT NULL CHECK (type <> ''),
    payload           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    state             text        NOT NULL DEFAULT 'available'
                      CHECK (state IN ('scheduled', 'available', 'running', 'retryable', 'completed',
                                       'discarded', 'cancelled')),
    priority          integer     NOT NULL DEFAULT 0,
    attempt           integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts      integer     NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
    run_at            timestamptz NOT NULL,
    idempotency_key   text,
    lease_token       text,
    lease_owner       text,
    lease_expires_at  timestamptz,
    heartbeat_at      timestamptz,
    cancel_requested  boolean     NOT NULL DEFAULT false,
    crash_count       integer     NOT NULL DEFAULT 0 CHECK (crash_count >= 0),
    last_error        text,
    result            jsonb,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz,
    CONSTRAINT jobs_type_idempotency_key_key UNIQUE (type, idempotency_key),
    CONSTRAINT jobs_running_has_lease CHECK (state <> 'running'
                                             OR (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- Claim: WHERE state IN ('available', 'retryable', 'scheduled') AND run_at <= $now
--        ORDER BY priority DESC, run_at, id  FOR UPDATE SKIP LOCKED
CREATE INDEX idx_jobs_claim ON public.jobs (priority DESC, run_at, id)
    WHERE state IN ('available', 'retryable', 'scheduled');
-- Lease rescue: WHERE state = 'running' AND lease_expires_at < $now
CREATE INDEX idx_jobs_lease_expiry ON public.jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX idx_jobs_tenant_created ON public.jobs (tenant_id, created_at, id);
CREATE INDEX idx_jobs_tenant_state_created ON public.jobs (tenant_id, state, created_at, id);
CREATE INDEX idx_jobs_tenant_type_created ON public.jobs (tenant_id, type, created_at, id);
CREATE INDEX idx_jobs_state_created ON public.jobs (state, created_at, id);
CREATE INDEX idx_jobs_twin_created ON public.jobs (twin_id, created_at);

-- Log lines of every attempt. tenant_id copies jobs.tenant_id (NULL for platform jobs); the rows go with
-- their job, so there is no separate foreign key to tenants.
CREATE TABLE public.job_logs (
    id          bigint      GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES public.jobs (id) ON DELETE CASCADE,
    tenant_id   uuid,
    attempt     integer     NOT NULL CHECK (attempt >= 0),
    level       text        NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
    message     text        NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX idx_job_logs_job ON public.job_logs (job_id, id);

-- ---------------------------------------------------------------------------------------------------------
-- Knowledge graph
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE public.graph_nodes (
    id               uuid        NOT NULL PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    twin_id          uuid        NOT NULL REFERENCES public.twins (id) ON DELETE CASCADE,
    name             text        NOT NULL CHECK (name <> ''),
    normalized_name  text        NOT NULL CHECK (normalized_name <> ''),
    type             text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    mention_count    integer     NOT NULL DEFAULT 1 CHECK (mention_count >= 0),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT graph_nodes_twin_name_type_key UNIQUE (twin_id, normalized_name, type)
);
CREATE INDEX idx_graph_nodes_tenant_twin ON public.graph_nodes (tenant_id, twin_id);

CREATE TABLE public.graph_edges (
    id            uuid             NOT NULL PRIMARY KEY,
    tenant_id     uuid             NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    twin_id       uuid             NOT NULL REFERENCES public.twins (id) ON DELETE CASCADE,
    from_node_id  uuid             NOT NULL REFERENCES public.graph_nodes (id) ON DELETE CASCADE,
    to_node_id    uuid             NOT NULL REFERENCES public.graph_nodes (id) ON DELETE CASCADE,
    type          text             NOT NULL,
    weight        double precision NOT NULL DEFAULT 1,
    created_at    timestamptz      NOT NULL,
    updated_at    timestamptz      NOT NULL,
    CONSTRAINT graph_edges_twin_from_to_type_key UNIQUE (twin_id, from_node_id, to_node_id, type)
);
CREATE INDEX idx_graph_edges_tenant_twin ON public.graph_edges (tenant_id, twin_id);
CREATE INDEX idx_graph_edges_from_node ON public.graph_edges (from_node_id);
CREATE INDEX idx_graph_edges_to_node ON public.graph_edges (to_node_id);

-- One row per (edge, message): re-running an extraction for the same exchange adds nothing. message_id and
-- conversation_id deliberately have no foreign keys (evidence is kept as written); when a conversation is
-- deleted the application deletes its evidence through idx_graph_edge_evidence_tenant_conversation.
CREATE TABLE public.graph_edge_evidence (
    id               bigint      GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    edge_id          uuid        NOT NULL REFERENCES public.graph_edges (id) ON DELETE CASCADE,
    message_id       uuid        NOT NULL,
    conversation_id  uuid        NOT NULL,
    snippet          text        NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    CONSTRAINT graph_edge_evidence_edge_message_key UNIQUE (edge_id, message_id)
);
CREATE INDEX idx_graph_edge_evidence_tenant_conversation ON public.graph_edge_evidence (tenant_id, conversation_id);

-- ---------------------------------------------------------------------------------------------------------
-- API keys and audit
-- ---------------------------------------------------------------------------------------------------------

-- A key is either a platform-admin key (is_admin, tenant_id NULL) or a tenant key (NOT is_admin, tenant_id
-- set). prefix is the public lookup id; the secret part is stored as key_hash only.
-- twin_ids is an optional allow-list (JSON array of twin ids); NULL means every twin of the tenant.
CREATE TABLE public.api_keys (
    id            uuid        NOT NULL PRIMARY KEY,
    tenant_id     uuid        REFERENCES public.tenants (id) ON DELETE CASCADE,
    name          text        NOT NULL CHECK (name <> ''),
    prefix        text        NOT NULL CHECK (prefix <> ''),
    key_hash      text        NOT NULL,
    scopes        jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (pg_catalog.jsonb_typeof(scopes) = 'array'),
    twin_ids      jsonb       CHECK (pg_catalog.jsonb_typeof(twin_ids) = 'array'),
    is_admin      boolean     NOT NULL DEFAULT false,
    created_by    uuid        REFERENCES public.users (id) ON DELETE SET NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    created_at    timestamptz NOT NULL,
    CONSTRAINT api_keys_prefix_key UNIQUE (prefix),
    CONSTRAINT api_keys_admin_xor_tenant CHECK (is_admin = (tenant_id IS NULL))
);
CREATE INDEX idx_api_keys_tenant_created ON public.api_keys (tenant_id, created_at, id);
CREATE INDEX idx_api_keys_created_by ON public.api_keys (created_by);

-- Append-only. tenant_id has no foreign key on purpose: the trail must outlive the tenant it describes
-- (including the record of its deletion). actor_type names the principal kind (user, api_key, share_link,
-- console, system); actor_id and target_id are free text ids.
CREATE TABLE public.audit_log (
    id           bigint      GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant_id    uuid,
    actor_type   text        NOT NULL CHECK (actor_type <> ''),
    actor_id     text,
    action       text        NOT NULL CHECK (action <> ''),
    target_type  text,
    target_id    text,
    details      jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (pg_catalog.jsonb_typeof(details) = 'object'),
    request_id   text,
    created_at   timestamptz NOT NULL
);
CREATE INDEX idx_audit_log_tenant_created ON public.audit_log (tenant_id, created_at);
CREATE INDEX idx_audit_log_created ON public.audit_log (created_at);

-- Login throttling shared by every process on the database. key is e.g. 'email:<address>' or 'ip:<address>'.
CREATE TABLE public.auth_throttle (
    key                text        NOT NULL PRIMARY KEY,
    failures           integer     NOT NULL DEFAULT 0 CHECK (failures >= 0),
    window_started_at  timestamptz NOT NULL,
    blocked_until      timestamptz
);
CREATE INDEX idx_auth_throttle_window ON public.auth_throttle (window_started_at);

-- ---------------------------------------------------------------------------------------------------------
-- Metrics history and checklists (platform-wide, not tenant-owned)
-- ---------------------------------------------------------------------------------------------------------

-- One row per minute, instance, metric and label set. labels is the canonical rendering of the label set
-- ('' when none); buckets holds histogram bucket counts as JSON.
CREATE TABLE public.metric_rollups (
    minute_at  timestamptz      NOT NULL,
    instance   text             NOT NULL,
    name       text             NOT NULL,
    labels     text             NOT NULL DEFAULT '',
    count      bigint           NOT NULL DEFAULT 0 CHECK (count >= 0),
    sum        double precision NOT NULL DEFAULT 0,
    min        double precision,
    max        double precision,
    buckets    jsonb,
    PRIMARY KEY (minute_at, instance, name, labels)
);
CREATE INDEX idx_metric_rollups_name_minute ON public.metric_rollups (name, minute_at);

CREATE TABLE public.checklist_runs (
    id            uuid        NOT NULL PRIMARY KEY,
    checklist_id  text        NOT NULL,
    title         text        NOT NULL,
    target        text        NOT NULL,
    started_by    text        NOT NULL,
    status        text        NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'passed', 'failed', 'warning', 'cancelled')),
    summary       jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (pg_catalog.jsonb_typeof(summary) = 'object'),
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz CHECK (finished_at >= started_at)
);
CREATE INDEX idx_checklist_runs_started ON public.checklist_runs (started_at);
CREATE INDEX idx_checklist_runs_checklist_started ON public.checklist_runs (checklist_id, started_at);

-- ordinal keeps the checklist's own item order for display and export.
CREATE TABLE public.checklist_results (
    id           uuid        NOT NULL PRIMARY KEY,
    run_id       uuid        NOT NULL REFERENCES public.checklist_runs (id) ON DELETE CASCADE,
    item_id      text        NOT NULL,
    ordinal      integer     NOT NULL DEFAULT 0,
    section      text        NOT NULL,
    title        text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('automated', 'manual')),
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'pass', 'warn', 'fail', 'skipped')),
    message      text        NOT NULL DEFAULT '',
    evidence     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    note         text        NOT NULL DEFAULT '',
    checked_by   text,
    checked_at   timestamptz,
    duration_ms  integer     CHECK (duration_ms >= 0),
    CONSTRAINT checklist_results_run_item_key UNIQUE (run_id, item_id)
);

-- ---------------------------------------------------------------------------------------------------------
-- Runbook P0-C: hardened SECURITY DEFINER function
-- ---------------------------------------------------------------------------------------------------------

-- Queue depth per state for monitoring roles that may not read public.jobs itself. SECURITY DEFINER, so:
-- an empty search_path, every table and function schema-qualified, and no EXECUTE for PUBLIC (grant it to a
-- monitoring role explicitly).
CREATE FUNCTION public.job_queue_stats()
    RETURNS TABLE (state text, jobs bigint, oldest_run_at timestamptz)
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
    SET search_path = ''
AS $$
    SELECT j.state, pg_catalog.count(*), pg_catalog.min(j.run_at)
      FROM public.jobs AS j
     GROUP BY j.state
     ORDER BY j.state
$$;

REVOKE EXECUTE ON FUNCTION public.job_queue_stats() FROM PUBLIC;
