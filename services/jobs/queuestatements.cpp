#include "jobs/queuestatements.h"

#include "jobs/job.h"

namespace twinops {

namespace {

// The statements both dialects run as they are.
QueueStatements shared()
{
    QueueStatements s;
    s.jobColumns = QStringLiteral(
        "id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, run_at, idempotency_key, "
        "last_error, cancel_requested, created_at, updated_at, started_at, finished_at, result, crash_count, "
        "lease_owner");
    s.insert = QStringLiteral(
        "INSERT INTO jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, "
        "run_at, idempotency_key, cancel_requested, crash_count, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, 0, $12, $12) "
        "ON CONFLICT (type, idempotency_key) DO NOTHING");

    s.selectById = QStringLiteral("SELECT ") + s.jobColumns + QStringLiteral(" FROM jobs WHERE id = $1");
    s.selectByTenantAndId
        = QStringLiteral("SELECT ") + s.jobColumns + QStringLiteral(" FROM jobs WHERE tenant_id = $1 AND id = $2");
    s.selectByIdempotencyKey = QStringLiteral("SELECT ") + s.jobColumns
        + QStringLiteral(" FROM jobs WHERE type = $1 AND idempotency_key = $2");
    s.selectWhere = QStringLiteral("SELECT ") + s.jobColumns + QStringLiteral(" FROM jobs WHERE 1 = 1");
    s.countWhere = QStringLiteral("SELECT count(*) FROM jobs WHERE 1 = 1");
    s.countByStateWhere = QStringLiteral("SELECT state, count(*) FROM jobs WHERE 1 = 1");
    s.idsWhere = QStringLiteral("SELECT id FROM jobs WHERE 1 = 1");
    s.logs
        = QStringLiteral("SELECT id, attempt, level, message, created_at FROM job_logs WHERE job_id = $1 ORDER BY id");
    // One statement per shape, with or without the tenant predicate, so every parameter has a type to infer.
    const QString queueTimes
        = QStringLiteral("SELECT (SELECT min(run_at) FROM jobs WHERE state IN ('available', 'retryable', 'scheduled') "
                         "AND run_at <= $1%1), (SELECT max(started_at) FROM jobs WHERE started_at <= $1 "
                         "AND type <> '%2'%1)");
    s.queueTimes = queueTimes.arg(QString(), jobtypes::webhookNotification);
    s.queueTimesOfTenant = queueTimes.arg(QStringLiteral(" AND tenant_id = $2"), jobtypes::webhookNotification);

    // Not yet running: cancelled at once. Running: the handler is asked to stop and decides.
    s.cancel = QStringLiteral("UPDATE jobs SET "
                              "cancel_requested = CASE WHEN state = 'running' THEN $3 ELSE cancel_requested END, "
                              "finished_at = CASE WHEN state = 'running' THEN finished_at ELSE $2 END, "
                              "state = CASE WHEN state = 'running' THEN state ELSE 'cancelled' END, updated_at = $2 "
                              "WHERE id = $1 AND state IN ('scheduled', 'available', 'retryable', 'running')");
    s.retry = QStringLiteral("UPDATE jobs SET state = 'available', attempt = 0, crash_count = 0, run_at = $2, "
                             "cancel_requested = $3, finished_at = NULL, updated_at = $2 "
                             "WHERE id = $1 AND state IN ('discarded', 'cancelled', 'completed')");
    // Given up by hand: only a job that waits to run (a running one is cancelled instead, and its handler decides).
    s.discard = QStringLiteral("UPDATE jobs SET state = 'discarded', finished_at = $2, updated_at = $2 "
                               "WHERE id = $1 AND state IN ('scheduled', 'available', 'retryable')");
    s.setErrorSignature = QStringLiteral("UPDATE jobs SET error_signature = $2 WHERE id = $1");

    s.heartbeat = QStringLiteral(
        "UPDATE jobs SET lease_expires_at = $2, heartbeat_at = $3 WHERE lease_token = $1 AND state = 'running'");
    s.completeOne
        = QStringLiteral("UPDATE jobs SET state = 'completed', result = $2, lease_token = NULL, "
                         "lease_expires_at = NULL, last_error = NULL, error_signature = NULL, finished_at = $3, "
                         "updated_at = $3 WHERE id = $1 AND lease_token = $4 AND state = 'running'");
    s.fail = QStringLiteral("UPDATE jobs SET state = $3, run_at = $4, last_error = $5, error_signature = $8, "
                            "lease_token = NULL, lease_expires_at = NULL, updated_at = $6, finished_at = $7 "
                            "WHERE id = $1 AND lease_token = $2 AND state = 'running'");
    return s;
}

// updated_at is when the job last changed; for a job with an error that is its failure, unless it was cancelled or
// retried by hand since. %1 = the dialect's index.
const QString kErrorGroupsWhere = QStringLiteral("SELECT error_signature, state, tenant_id, count(*), min(updated_at), "
                                                 "max(updated_at) FROM jobs%1 WHERE error_signature IS NOT NULL");
const QString kErrorExampleWhere
    = QStringLiteral("SELECT id, last_error FROM jobs%1 WHERE error_signature IS NOT NULL AND error_signature = $1");

// A claim: the sub-select picks the jobs (`choice`: more predicates, the order and LIMIT %1); its `index` and `lock`
// are the dialect's. The batch size (%1) is left for arg(): it is part of the text (an integer, not input), since
// with LIMIT $n PostgreSQL may switch the prepared claim to a generic plan that scans the whole table.
QString claimStatement(const QString &index, const QString &choice, const QString &lock, const QString &columns)
{
    return QStringLiteral(
               "UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_token = $1, lease_owner = $2, "
               "lease_expires_at = $3, started_at = $4, heartbeat_at = $4, updated_at = $4 "
               "WHERE id IN (SELECT id FROM jobs%1 WHERE state IN ('available', 'retryable', 'scheduled') "
               "AND run_at <= $4 %2%3) RETURNING %4")
        .arg(index, choice, lock, columns);
}
// Paused types (paused_job_types, POST /api/v1/admin/jobs/types/{type}/pause) wait: read by every claim, so a pause
// holds in every instance at once. The platform jobs' claim below needs no such test: their type cannot be paused.
const QString kAnyJob
    = QStringLiteral("AND type NOT IN (SELECT type FROM paused_job_types) ORDER BY priority DESC, run_at, id LIMIT %1");
// The platform (tenantless) jobs of one type ($5), oldest first, through the (tenant_id, type, created_at) index:
// a worker of their own finds its few jobs without walking the backlog of all the others.
const QString kPlatformJobsOfType
    = QStringLiteral("AND tenant_id IS NULL AND type = $5 ORDER BY created_at, id LIMIT %1");

// run_at stays as it was: a rescued job keeps its place at the front of the queue. %1 = the dialect's index.
const QString kRescueExpired = QStringLiteral(
    "UPDATE jobs%1 SET "
    "state = CASE WHEN crash_count + 1 >= $2 OR attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END, "
    "finished_at = CASE WHEN crash_count + 1 >= $2 OR attempt >= max_attempts THEN $1 ELSE NULL END, "
    "last_error = CASE WHEN crash_count + 1 >= $2 THEN 'discarded: crashed its worker ' || (crash_count + 1) "
    "|| ' times' "
    "ELSE 'attempt ' || attempt || ' lost its lease (' || COALESCE(lease_owner, 'unknown worker') || ' crashed "
    "or stalled)' END, "
    "crash_count = crash_count + 1, lease_token = NULL, lease_expires_at = NULL, updated_at = $1 "
    "WHERE state = 'running' AND lease_expires_at < $1 RETURNING ");

// Gives back claimed jobs that were never started; %1 = the dialect's list of the ids in the JSON array $2.
const QString kRelease
    = QStringLiteral("UPDATE jobs SET state = 'available', attempt = attempt - 1, lease_token = NULL, "
                     "lease_owner = NULL, lease_expires_at = NULL, updated_at = $3 "
                     "WHERE lease_token = $1 AND state = 'running' AND id IN (%1)");

// The batch statements (enqueue, completion, logs) are set-based over one JSON array parameter, so that a batch
// costs one round trip. Times travel as epoch milliseconds inside the JSON; each dialect turns them back into its
// own time type.
QueueStatements postgres()
{
    QueueStatements s = shared();
    s.insertBatch = QStringLiteral(
        "INSERT INTO public.jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, "
        "run_at, idempotency_key, cancel_requested, crash_count, created_at, updated_at) "
        "SELECT x.id, x.tenant_id, x.twin_id, x.type, x.payload::jsonb, x.state, x.priority, 0, x.max_attempts, "
        "to_timestamp(x.run_at / 1000.0), x.idempotency_key, false, 0, $2, $2 "
        "FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, tenant_id uuid, twin_id uuid, type text, payload text, "
        "state text, priority int, max_attempts int, run_at bigint, idempotency_key text) "
        "ON CONFLICT (type, idempotency_key) DO NOTHING");
    s.notify = QStringLiteral("SELECT pg_notify($1, '')");
    s.listen = QStringLiteral("LISTEN ") + QLatin1String(QueueStatements::kNotifyChannel);
    s.idsFilter = QStringLiteral(" AND id IN (SELECT jsonb_array_elements_text($%1::jsonb)::uuid)");
    // SKIP LOCKED lets many workers in many processes claim side by side.
    s.claim = claimStatement({}, kAnyJob, QStringLiteral(" FOR UPDATE SKIP LOCKED"), s.jobColumns);
    s.claimOfType = claimStatement({}, kPlatformJobsOfType, QStringLiteral(" FOR UPDATE SKIP LOCKED"), s.jobColumns);
    s.completeMany
        = QStringLiteral("UPDATE public.jobs AS j SET state = 'completed', result = x.result, lease_token = NULL, "
                         "lease_expires_at = NULL, last_error = NULL, error_signature = NULL, finished_at = $2, "
                         "updated_at = $2 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, result jsonb) "
                         "WHERE j.id = x.id AND j.lease_token = $3 AND j.state = 'running'");
    s.release = kRelease.arg(QStringLiteral("SELECT jsonb_array_elements_text($2::jsonb)::uuid"));
    s.rescueExpired = kRescueExpired.arg(QString()) + s.jobColumns;
    s.errorGroupsWhere = kErrorGroupsWhere.arg(QString());
    s.errorExampleWhere = kErrorExampleWhere.arg(QString());
    s.insertLogs
        = QStringLiteral("INSERT INTO public.job_logs (job_id, tenant_id, attempt, level, message, created_at) "
                         "SELECT x.job_id, x.tenant_id, x.attempt, x.level, x.message, $2 "
                         "FROM jsonb_to_recordset($1::jsonb) AS x(job_id uuid, tenant_id uuid, attempt int, "
                         "level text, message text)");
    return s;
}

QueueStatements sqlite()
{
    QueueStatements s = shared();
    s.insertBatch = QStringLiteral(
        "INSERT INTO jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, "
        "run_at, idempotency_key, cancel_requested, crash_count, created_at, updated_at) "
        "SELECT value ->> 'id', value ->> 'tenant_id', value ->> 'twin_id', value ->> 'type', value ->> 'payload', "
        "value ->> 'state', value ->> 'priority', 0, value ->> 'max_attempts', value ->> 'run_at', "
        "value ->> 'idempotency_key', 0, 0, $2, $2 FROM json_each($1) WHERE true "
        "ON CONFLICT (type, idempotency_key) DO NOTHING");
    s.idsFilter = QStringLiteral(" AND id IN (SELECT value FROM json_each($%1))");
    // SQLite has one writer at a time anyway (BEGIN IMMEDIATE), so the plain sub-select is already exclusive.
    // Without statistics SQLite picks the (state, created_at) index and sorts every waiting job on each claim,
    // which makes a claim O(queue length); the partial claim index serves the ORDER BY … LIMIT directly.
    s.claim = claimStatement(QStringLiteral(" INDEXED BY idx_jobs_claim"), kAnyJob, {}, s.jobColumns);
    s.claimOfType = claimStatement(QStringLiteral(" INDEXED BY idx_jobs_tenant_type_created"), kPlatformJobsOfType, {},
                                   s.jobColumns);
    // In-process statements cost microseconds, and SQLite's UPDATE … FROM json_each rescans the array for every
    // running row: one primary-key update per job (completeOne) is the cheap form here.
    s.release = kRelease.arg(QStringLiteral("SELECT value FROM json_each($2)"));
    s.rescueExpired = kRescueExpired.arg(QStringLiteral(" INDEXED BY idx_jobs_lease_expiry")) + s.jobColumns;
    // Left to itself SQLite may serve a state or tenant filter from that column's index and visit the table for
    // every row; the covering signature index answers from the index alone (docs/benchmarks.md, issue #16).
    s.errorGroupsWhere = kErrorGroupsWhere.arg(QStringLiteral(" INDEXED BY idx_jobs_error_signature"));
    s.errorExampleWhere = kErrorExampleWhere.arg(QStringLiteral(" INDEXED BY idx_jobs_error_signature"));
    s.insertLogs = QStringLiteral("INSERT INTO job_logs (job_id, tenant_id, attempt, level, message, created_at) "
                                  "SELECT value ->> 'job_id', value ->> 'tenant_id', value ->> 'attempt', "
                                  "value ->> 'level', value ->> 'message', $2 FROM json_each($1)");
    return s;
}

} // namespace

const QueueStatements &QueueStatements::of(Dialect dialect)
{
    static const QueueStatements postgresStatements = postgres();
    static const QueueStatements sqliteStatements = sqlite();
    return dialect == Dialect::Postgres ? postgresStatements : sqliteStatements;
}

} // namespace twinops
