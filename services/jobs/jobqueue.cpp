#include "jobs/jobqueue.h"

#include "auth/crypto.h"
#include "core/ids.h"
#include "core/json.h"
#include "jobs/jobhandler.h"
#include "tenancy/tenantrepository.h"

#include <QJsonArray>

namespace twinops {

namespace {


// The dialect-specific statements of the queue (batch enqueue, completion, logs) are set-based over one JSON
// array parameter, so that a batch costs one round trip on either database.

Error jobNotFound()
{
    return Error::notFound(QStringLiteral("job not found"));
}

} // namespace

QString jobStateName(JobState state)
{
    switch (state) {
    case JobState::Scheduled: return QStringLiteral("scheduled");
    case JobState::Available: return QStringLiteral("available");
    case JobState::Running: return QStringLiteral("running");
    case JobState::Retryable: return QStringLiteral("retryable");
    case JobState::Completed: return QStringLiteral("completed");
    case JobState::Discarded: return QStringLiteral("discarded");
    case JobState::Cancelled: return QStringLiteral("cancelled");
    }
    return QStringLiteral("available");
}

std::optional<JobState> jobStateFromString(const QString &text)
{
    for (JobState state : {JobState::Scheduled, JobState::Available, JobState::Running, JobState::Retryable,
                           JobState::Completed, JobState::Discarded, JobState::Cancelled}) {
        if (jobStateName(state) == text)
            return state;
    }
    return std::nullopt;
}

const QString &jobColumns()
{
    static const QString columns = QStringLiteral(
        "id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, run_at, idempotency_key, "
        "last_error, cancel_requested, created_at, updated_at, started_at, finished_at, result, crash_count, "
        "lease_owner");
    return columns;
}

Job jobFromRow(const Row &row)
{
    Job job;
    job.id = row.text(0);
    job.tenantId = row.text(1);
    job.twinId = row.text(2);
    job.type = row.text(3);
    job.payload = row.jsonObject(4);
    job.state = jobStateFromString(row.text(5)).value_or(JobState::Discarded);
    job.priority = int(row.integer(6));
    job.attempt = int(row.integer(7));
    job.maxAttempts = int(row.integer(8));
    job.runAt = row.time(9);
    job.idempotencyKey = row.text(10);
    job.lastError = row.text(11);
    job.cancelRequested = row.boolean(12);
    job.createdAt = row.time(13);
    job.updatedAt = row.time(14);
    job.startedAt = row.time(15);
    job.finishedAt = row.time(16);
    job.result = row.jsonObject(17);
    job.crashCount = int(row.integer(18));
    job.leaseOwner = row.text(19);
    return job;
}

Result<Job> JobQueue::enqueue(const NewJob &request)
{
    const QDateTime now = nowUtc();
    const QDateTime runAt = request.runAt.isValid() ? request.runAt : now;
    const QString id = newId();
    auto inserted = m_db.query(
        QStringLiteral(
            "INSERT INTO jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, "
            "run_at, idempotency_key, cancel_requested, crash_count, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, 0, $12, $12) "
            "ON CONFLICT (type, idempotency_key) DO NOTHING"),
        {id, request.tenantId.isEmpty() ? QVariant() : QVariant(request.tenantId),
         request.twinId.isEmpty() ? QVariant() : QVariant(request.twinId), request.type, compactJson(request.payload),
         jobStateName(runAt > now ? JobState::Scheduled : JobState::Available), request.priority, request.maxAttempts,
         runAt, request.idempotencyKey.isEmpty() ? QVariant() : QVariant(request.idempotencyKey), false, now});
    if (!inserted.ok())
        return inserted.error();
    if (inserted->rowsAffected() == 1 && m_db.dialect() == Dialect::Postgres)
        TWINOPS_TRY(m_db.query(QStringLiteral("SELECT pg_notify($1, '')"), {QString::fromLatin1(kNotifyChannel)}));
    auto rows = inserted->rowsAffected() == 1
        ? m_db.query(QStringLiteral("SELECT ") + jobColumns() + QStringLiteral(" FROM jobs WHERE id = $1"), {id})
        : m_db.query(QStringLiteral("SELECT ") + jobColumns()
                         + QStringLiteral(" FROM jobs WHERE type = $1 AND idempotency_key = $2"),
                     {request.type, request.idempotencyKey});
    if (!rows.ok())
        return rows.error();
    if (rows->isEmpty())
        return Error::internal(QStringLiteral("enqueued job vanished"));
    return jobFromRow(rows->first());
}

Result<int> JobQueue::enqueueBatch(const QList<NewJob> &jobs)
{
    if (jobs.isEmpty())
        return 0;
    const QDateTime now = nowUtc();
    QJsonArray rows;
    for (const NewJob &job : jobs) {
        const QDateTime runAt = job.runAt.isValid() ? job.runAt : now;
        rows.append(QJsonObject{
            {QStringLiteral("id"), newId()},
            {QStringLiteral("tenant_id"), job.tenantId.isEmpty() ? QJsonValue() : QJsonValue(job.tenantId)},
            {QStringLiteral("twin_id"), job.twinId.isEmpty() ? QJsonValue() : QJsonValue(job.twinId)},
            {QStringLiteral("type"), job.type},
            {QStringLiteral("payload"), compactJson(job.payload)},
            {QStringLiteral("state"), jobStateName(runAt > now ? JobState::Scheduled : JobState::Available)},
            {QStringLiteral("priority"), job.priority},
            {QStringLiteral("max_attempts"), job.maxAttempts},
            {QStringLiteral("run_at"), runAt.toMSecsSinceEpoch()},
            {QStringLiteral("idempotency_key"),
             job.idempotencyKey.isEmpty() ? QJsonValue() : QJsonValue(job.idempotencyKey)}});
    }
    // Times travel as epoch milliseconds inside the JSON; each dialect turns them back into its own time type.
    const QString sql = m_db.dialect() == Dialect::Postgres
        ? QStringLiteral(
            "INSERT INTO public.jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, "
            "run_at, idempotency_key, cancel_requested, crash_count, created_at, updated_at) "
            "SELECT x.id, x.tenant_id, x.twin_id, x.type, x.payload::jsonb, x.state, x.priority, 0, x.max_attempts, "
            "to_timestamp(x.run_at / 1000.0), x.idempotency_key, false, 0, $2, $2 "
            "FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, tenant_id uuid, twin_id uuid, type text, payload text, "
            "state text, priority int, max_attempts int, run_at bigint, idempotency_key text) "
            "ON CONFLICT (type, idempotency_key) DO NOTHING")
        : QStringLiteral(
            "INSERT INTO jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, "
            "run_at, idempotency_key, cancel_requested, crash_count, created_at, updated_at) "
            "SELECT value ->> 'id', value ->> 'tenant_id', value ->> 'twin_id', value ->> 'type', value ->> 'payload', "
            "value ->> 'state', value ->> 'priority', 0, value ->> 'max_attempts', value ->> 'run_at', "
            "value ->> 'idempotency_key', 0, 0, $2, $2 FROM json_each($1) WHERE true "
            "ON CONFLICT (type, idempotency_key) DO NOTHING");
    auto inserted = m_db.query(sql, {compactJson(rows), now});
    if (!inserted.ok())
        return inserted.error();
    if (inserted->rowsAffected() > 0 && m_db.dialect() == Dialect::Postgres)
        TWINOPS_TRY(m_db.query(QStringLiteral("SELECT pg_notify($1, '')"), {QString::fromLatin1(kNotifyChannel)}));
    return int(inserted->rowsAffected());
}

Result<Job> JobQueue::get(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || (!tenantId.isEmpty() && !isUuid(tenantId)))
        return jobNotFound();
    auto rows = tenantId.isEmpty()
        ? m_db.query(QStringLiteral("SELECT ") + jobColumns() + QStringLiteral(" FROM jobs WHERE id = $1"), {id})
        : m_db.query(QStringLiteral("SELECT ") + jobColumns()
                         + QStringLiteral(" FROM jobs WHERE tenant_id = $1 AND id = $2"),
                     {tenantId, id});
    if (!rows.ok())
        return rows.error();
    if (rows->isEmpty())
        return jobNotFound();
    return jobFromRow(rows->first());
}

namespace {

// WHERE clause (after "WHERE 1 = 1") and parameters of a filter.
void appendFilter(Dialect dialect, const JobFilter &filter, QString &sql, QVariantList &params)
{
    auto add = [&](const QString &clause, const QVariant &value) {
        params << value;
        sql += clause.arg(params.size());
    };
    if (!filter.tenantId.isEmpty())
        add(QStringLiteral(" AND tenant_id = $%1"), filter.tenantId);
    if (filter.state)
        add(QStringLiteral(" AND state = $%1"), jobStateName(*filter.state));
    if (!filter.type.isEmpty())
        add(QStringLiteral(" AND type = $%1"), filter.type);
    if (!filter.twinId.isEmpty())
        add(QStringLiteral(" AND twin_id = $%1"), filter.twinId);
    if (!filter.text.isEmpty()) {
        params << likePattern(filter.text);
        sql += QStringLiteral(" AND (lower(CAST(payload AS TEXT)) LIKE $%1 ESCAPE '\\' OR lower(COALESCE(last_error, "
                              "'')) LIKE $%1 ESCAPE '\\')")
                   .arg(params.size());
    }
    if (!filter.ids.isEmpty()) // one JSON array parameter, so the statement text does not depend on the count
        add(dialect == Dialect::Postgres
                ? QStringLiteral(" AND id IN (SELECT jsonb_array_elements_text($%1::jsonb)::uuid)")
                : QStringLiteral(" AND id IN (SELECT value FROM json_each($%1))"),
            compactJson(QJsonArray::fromStringList(filter.ids)));
}

} // namespace

Result<Page<Job>> JobQueue::list(const JobFilter &filter, const PageRequest &page)
{
    if (!filter.tenantId.isEmpty() && !isUuid(filter.tenantId))
        return Page<Job>{};
    QString sql = QStringLiteral("SELECT ") + jobColumns() + QStringLiteral(" FROM jobs WHERE 1 = 1");
    QVariantList params;
    appendFilter(m_db.dialect(), filter, sql, params);
    return fetchPage(m_db, sql, params, page, jobFromRow);
}

Result<qint64> JobQueue::count(const JobFilter &filter)
{
    QString sql = QStringLiteral("SELECT count(*) FROM jobs WHERE 1 = 1");
    QVariantList params;
    appendFilter(m_db.dialect(), filter, sql, params);
    auto rows = m_db.query(sql, params);
    if (!rows.ok())
        return rows.error();
    return rows->first().integer(0);
}

Result<QHash<QString, qint64>> JobQueue::countByState(const JobFilter &filter)
{
    if (!filter.tenantId.isEmpty() && !isUuid(filter.tenantId))
        return QHash<QString, qint64>{};
    QString sql = QStringLiteral("SELECT state, count(*) FROM jobs WHERE 1 = 1");
    QVariantList params;
    appendFilter(m_db.dialect(), filter, sql, params);
    auto rows = m_db.query(sql + QStringLiteral(" GROUP BY state"), params);
    if (!rows.ok())
        return rows.error();
    QHash<QString, qint64> counts;
    for (const Row row : *rows)
        counts.insert(row.text(0), row.integer(1));
    return counts;
}

Result<QStringList> JobQueue::ids(const JobFilter &filter, int limit)
{
    QString sql = QStringLiteral("SELECT id FROM jobs WHERE 1 = 1");
    QVariantList params;
    appendFilter(m_db.dialect(), filter, sql, params);
    params << limit;
    sql += QStringLiteral(" ORDER BY created_at, id LIMIT $%1").arg(params.size());
    auto rows = m_db.query(sql, params);
    if (!rows.ok())
        return rows.error();
    QStringList result;
    for (const Row row : *rows)
        result << row.text(0);
    return result;
}

Result<QList<JobLogLine>> JobQueue::logs(const QString &tenantId, const QString &jobId)
{
    auto job = get(tenantId, jobId);
    if (!job.ok())
        return job.error();
    auto rows = m_db.query(
        QStringLiteral("SELECT id, attempt, level, message, created_at FROM job_logs WHERE job_id = $1 ORDER BY id"),
        {jobId});
    if (!rows.ok())
        return rows.error();
    QList<JobLogLine> lines;
    for (const Row row : *rows)
        lines.append({row.integer(0), int(row.integer(1)), row.text(2), row.text(3), row.time(4)});
    return lines;
}

Result<QueueStats> JobQueue::stats(const QString &tenantId)
{
    if (!tenantId.isEmpty() && !isUuid(tenantId))
        return QueueStats{};
    JobFilter tenantJobs;
    tenantJobs.tenantId = tenantId;
    auto byState = countByState(tenantJobs);
    if (!byState.ok())
        return byState.error();
    QueueStats stats;
    stats.byState = std::move(byState).value();
    // One statement per shape, with or without the tenant predicate, so every parameter has a type to infer.
    const bool scoped = !tenantId.isEmpty();
    const QString tenantClause = scoped ? QStringLiteral(" AND tenant_id = $2") : QString();
    QVariantList params{nowUtc()};
    if (scoped)
        params << tenantId;
    auto times = m_db.query(
        QStringLiteral("SELECT (SELECT min(run_at) FROM jobs WHERE state IN ('available', 'retryable', 'scheduled') "
                       "AND run_at <= $1%1), (SELECT max(started_at) FROM jobs WHERE started_at <= $1%1)")
            .arg(tenantClause),
        params);
    if (!times.ok())
        return times.error();
    stats.oldestAvailable = times->first().time(0);
    stats.lastStarted = times->first().time(1);
    stats.available
        = stats.byState.value(QStringLiteral("available")) + stats.byState.value(QStringLiteral("retryable"));
    stats.running = stats.byState.value(QStringLiteral("running"));
    return stats;
}

Result<Job> JobQueue::transition(const QString &tenantId, const QString &id, const QString &sql,
                                 const QVariantList &extra, const QString &refusal, const QString &logLine)
{
    if (!isUuid(id) || (!tenantId.isEmpty() && !isUuid(tenantId)))
        return jobNotFound();
    QVariantList params{id, nowUtc()};
    params.append(extra);
    QString statement = sql;
    if (!tenantId.isEmpty()) {
        params << tenantId;
        statement += QStringLiteral(" AND tenant_id = $%1").arg(params.size());
    }
    auto rows = m_db.query(statement + QStringLiteral(" RETURNING ") + jobColumns(), params);
    if (!rows.ok())
        return rows.error();
    if (rows->isEmpty()) {
        auto existing = get(tenantId, id);
        if (!existing.ok())
            return existing.error();
        return Error::conflict(refusal.arg(jobStateName(existing->state)));
    }
    const Job job = jobFromRow(rows->first());
    TWINOPS_TRY(writeLogs({{job.id, job.tenantId, job.attempt, QStringLiteral("info"), logLine}}));
    return job;
}

Result<Job> JobQueue::cancel(const QString &tenantId, const QString &id, const QString &actor)
{
    // Not yet running: cancelled at once. Running: the handler is asked to stop and decides.
    return transition(
        tenantId, id,
        QStringLiteral("UPDATE jobs SET "
                       "cancel_requested = CASE WHEN state = 'running' THEN $3 ELSE cancel_requested END, "
                       "finished_at = CASE WHEN state = 'running' THEN finished_at ELSE $2 END, "
                       "state = CASE WHEN state = 'running' THEN state ELSE 'cancelled' END, updated_at = $2 "
                       "WHERE id = $1 AND state IN ('scheduled', 'available', 'retryable', 'running')"),
        {true}, QStringLiteral("a %1 job cannot be cancelled"), QStringLiteral("cancel requested by %1").arg(actor));
}

Result<Job> JobQueue::retry(const QString &tenantId, const QString &id, const QString &actor)
{
    return transition(tenantId, id,
                      QStringLiteral("UPDATE jobs SET state = 'available', attempt = 0, crash_count = 0, run_at = $2, "
                                     "cancel_requested = $3, finished_at = NULL, updated_at = $2 "
                                     "WHERE id = $1 AND state IN ('discarded', 'cancelled', 'completed')"),
                      {false},
                      QStringLiteral("a %1 job cannot be retried; only discarded, cancelled or completed ones"),
                      QStringLiteral("manual retry by %1").arg(actor));
}

Result<QList<Job>> JobQueue::cancelMany(const QString &tenantId, const QStringList &ids, const QString &actor)
{
    auto tx = Transaction::begin(m_db);
    if (!tx.ok())
        return tx.error();
    for (const QString &id : ids)
        TWINOPS_TRY(get(tenantId, id)); // every id must exist (and be the tenant's) before anything changes
    QList<Job> changed;
    for (const QString &id : ids) {
        auto job = cancel(tenantId, id, actor);
        if (!job.ok())
            return job.error();
        changed << *job;
    }
    TWINOPS_TRY(tx->commit());
    return changed;
}

Result<QList<Job>> JobQueue::retryMany(const QString &tenantId, const QStringList &ids, const QString &actor)
{
    auto tx = Transaction::begin(m_db);
    if (!tx.ok())
        return tx.error();
    for (const QString &id : ids)
        TWINOPS_TRY(get(tenantId, id));
    QList<Job> changed;
    for (const QString &id : ids) {
        auto job = retry(tenantId, id, actor);
        if (!job.ok())
            return job.error();
        changed << *job;
    }
    TWINOPS_TRY(tx->commit());
    return changed;
}

Result<Claim> JobQueue::claim(const QString &owner, int limit, std::chrono::milliseconds lease)
{
    const QDateTime now = nowUtc();
    Claim claim{{}, crypto::randomToken(16), now.addMSecs(lease.count())};
    // PostgreSQL: SKIP LOCKED lets many workers in many processes claim side by side. SQLite has one writer at a
    // time anyway (BEGIN IMMEDIATE), so the plain sub-select is already exclusive.
    const bool postgres = m_db.dialect() == Dialect::Postgres;
    const QString lock = postgres ? QStringLiteral(" FOR UPDATE SKIP LOCKED") : QString();
    // The batch size is part of the text (an integer, not input): with LIMIT $n PostgreSQL may switch the prepared
    // claim to a generic plan that scans the whole table. Without statistics SQLite picks the (state, created_at) index
    // and sorts every waiting job on each claim, which makes a claim O(queue length); the partial claim index serves
    // the ORDER BY … LIMIT directly.
    const QString index = postgres ? QString() : QStringLiteral(" INDEXED BY idx_jobs_claim");
    auto tx = Transaction::begin(m_db);
    if (!tx.ok())
        return tx.error();
    auto rows = m_db.query(
        QStringLiteral("UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_token = $1, lease_owner = $2, "
                       "lease_expires_at = $3, started_at = $4, heartbeat_at = $4, updated_at = $4 "
                       "WHERE id IN (SELECT id FROM jobs%2 WHERE state IN ('available', 'retryable', 'scheduled') AND "
                       "run_at <= $4 "
                       "ORDER BY priority DESC, run_at, id LIMIT %3%1) RETURNING ")
                .arg(lock, index)
                .arg(limit)
            + jobColumns(),
        {claim.leaseToken, owner, claim.leaseExpiresAt, now});
    if (!rows.ok())
        return rows.error();
    TWINOPS_TRY(tx->commit());
    for (const Row row : *rows)
        claim.jobs.append(jobFromRow(row));
    std::sort(claim.jobs.begin(), claim.jobs.end(), [](const Job &a, const Job &b) {
        return std::tie(b.priority, a.runAt, a.id) < std::tie(a.priority, b.runAt, b.id);
    });
    return claim;
}

Result<int> JobQueue::heartbeat(const QString &leaseToken, std::chrono::milliseconds lease)
{
    const QDateTime now = nowUtc();
    auto rows = m_db.query(
        QStringLiteral(
            "UPDATE jobs SET lease_expires_at = $2, heartbeat_at = $3 WHERE lease_token = $1 AND state = 'running'"),
        {leaseToken, now.addMSecs(lease.count()), now});
    if (!rows.ok())
        return rows.error();
    return int(rows->rowsAffected());
}

Result<int> JobQueue::complete(const QString &leaseToken, const QList<Completion> &completions)
{
    if (completions.isEmpty())
        return 0;
    QJsonArray items;
    for (const Completion &c : completions)
        items.append(QJsonObject{{QStringLiteral("id"), c.id}, {QStringLiteral("result"), c.result}});
    const QString sql = m_db.dialect() == Dialect::Postgres
        ? QStringLiteral("UPDATE public.jobs AS j SET state = 'completed', result = x.result, lease_token = NULL, "
                         "lease_expires_at = NULL, last_error = NULL, finished_at = $2, updated_at = $2 "
                         "FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, result jsonb) "
                         "WHERE j.id = x.id AND j.lease_token = $3 AND j.state = 'running'")
        : QString();
    const QDateTime now = nowUtc();
    if (m_db.dialect() == Dialect::Sqlite) {
        // In-process statements cost microseconds, and SQLite's UPDATE … FROM json_each rescans the array for
        // every running row: one primary-key update per job is the cheap form here.
        int completed = 0;
        for (const Completion &c : completions) {
            auto rows = m_db.query(
                QStringLiteral("UPDATE jobs SET state = 'completed', result = $2, lease_token = NULL, "
                               "lease_expires_at = NULL, last_error = NULL, finished_at = $3, updated_at = $3 "
                               "WHERE id = $1 AND lease_token = $4 AND state = 'running'"),
                {c.id, compactJson(c.result), now, leaseToken});
            if (!rows.ok())
                return rows.error();
            completed += int(rows->rowsAffected());
        }
        return completed;
    }
    auto rows = m_db.query(sql, {compactJson(items), now, leaseToken});
    if (!rows.ok())
        return rows.error();
    return int(rows->rowsAffected());
}

Result<bool> JobQueue::fail(const Job &job, const QString &leaseToken, const Error &error,
                            std::chrono::milliseconds retryDelay, bool permanent)
{
    const QDateTime now = nowUtc();
    const bool cancelled
        = job.cancelRequested && error.code == jobCancelled().code && error.message == jobCancelled().message;
    const JobState next = cancelled                     ? JobState::Cancelled
        : (permanent || job.attempt >= job.maxAttempts) ? JobState::Discarded
                                                        : JobState::Retryable;
    const bool final = next != JobState::Retryable;
    auto rows
        = m_db.query(QStringLiteral("UPDATE jobs SET state = $3, run_at = $4, last_error = $5, lease_token = NULL, "
                                    "lease_expires_at = NULL, updated_at = $6, finished_at = $7 "
                                    "WHERE id = $1 AND lease_token = $2 AND state = 'running'"),
                     {job.id, leaseToken, jobStateName(next), final ? job.runAt : now.addMSecs(retryDelay.count()),
                      error.describe().left(2000), now, final ? QVariant(now) : QVariant()});
    if (!rows.ok())
        return rows.error();
    return rows->rowsAffected() == 1;
}

Status JobQueue::release(const QString &leaseToken, const QStringList &ids)
{
    if (ids.isEmpty())
        return {};
    const QString idList = m_db.dialect() == Dialect::Postgres
        ? QStringLiteral("SELECT jsonb_array_elements_text($2::jsonb)::uuid")
        : QStringLiteral("SELECT value FROM json_each($2)");
    return discardRows(
        m_db.query(QStringLiteral("UPDATE jobs SET state = 'available', attempt = attempt - 1, lease_token = NULL, "
                                  "lease_owner = NULL, lease_expires_at = NULL, updated_at = $3 "
                                  "WHERE lease_token = $1 AND state = 'running' AND id IN (%1)")
                       .arg(idList),
                   {leaseToken, compactJson(QJsonArray::fromStringList(ids)), nowUtc()}));
}

Result<QList<Job>> JobQueue::rescueExpired(int maxCrashes)
{
    const QDateTime now = nowUtc();
    auto tx = Transaction::begin(m_db);
    if (!tx.ok())
        return tx.error();
    const QString index
        = m_db.dialect() == Dialect::Sqlite ? QStringLiteral(" INDEXED BY idx_jobs_lease_expiry") : QString();
    // run_at stays as it was: a rescued job keeps its place at the front of the queue.
    auto rows = m_db.query(
        QStringLiteral(
            "UPDATE jobs%1 SET "
            "state = CASE WHEN crash_count + 1 >= $2 OR attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END, "
            "finished_at = CASE WHEN crash_count + 1 >= $2 OR attempt >= max_attempts THEN $1 ELSE NULL END, "
            "last_error = CASE WHEN crash_count + 1 >= $2 THEN 'discarded: crashed its worker ' || (crash_count + 1) "
            "|| ' times' "
            "ELSE 'attempt ' || attempt || ' lost its lease (' || COALESCE(lease_owner, 'unknown worker') || ' crashed "
            "or stalled)' END, "
            "crash_count = crash_count + 1, lease_token = NULL, lease_expires_at = NULL, updated_at = $1 "
            "WHERE state = 'running' AND lease_expires_at < $1 RETURNING ")
                .arg(index)
            + jobColumns(),
        {now, maxCrashes});
    if (!rows.ok())
        return rows.error();
    QList<Job> rescued;
    QList<LogEntry> lines;
    for (const Row row : *rows) {
        rescued.append(jobFromRow(row));
        lines.append({rescued.last().id, rescued.last().tenantId, rescued.last().attempt, QStringLiteral("error"),
                      rescued.last().lastError});
    }
    TWINOPS_TRY(writeLogs(lines));
    TWINOPS_TRY(tx->commit());
    return rescued;
}

Status JobQueue::writeLogs(const QList<LogEntry> &entries)
{
    if (entries.isEmpty())
        return {};
    QJsonArray items;
    for (const LogEntry &e : entries)
        items.append(
            QJsonObject{{QStringLiteral("job_id"), e.jobId},
                        {QStringLiteral("tenant_id"), e.tenantId.isEmpty() ? QJsonValue() : QJsonValue(e.tenantId)},
                        {QStringLiteral("attempt"), e.attempt},
                        {QStringLiteral("level"), e.level},
                        {QStringLiteral("message"), e.message.left(4000)}});
    const QString sql = m_db.dialect() == Dialect::Postgres
        ? QStringLiteral("INSERT INTO public.job_logs (job_id, tenant_id, attempt, level, message, created_at) "
                         "SELECT x.job_id, x.tenant_id, x.attempt, x.level, x.message, $2 "
                         "FROM jsonb_to_recordset($1::jsonb) AS x(job_id uuid, tenant_id uuid, attempt int, level "
                         "text, message text)")
        : QStringLiteral("INSERT INTO job_logs (job_id, tenant_id, attempt, level, message, created_at) "
                         "SELECT value ->> 'job_id', value ->> 'tenant_id', value ->> 'attempt', value ->> 'level', "
                         "value ->> 'message', $2 FROM json_each($1)");
    return discardRows(m_db.query(sql, {compactJson(items), nowUtc()}));
}

} // namespace twinops
