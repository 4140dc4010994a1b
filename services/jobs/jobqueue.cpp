#include "jobs/jobqueue.h"

#include "auth/crypto.h"
#include "core/ids.h"
#include "core/json.h"
#include "jobs/errorsignature.h"
#include "tenancy/tenantrepository.h"

#include <QJsonArray>

namespace twinops {

namespace {

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
    TWINOPS_TRY_ASSIGN(
        const Rows inserted,
        m_db.query(m_sql.insert,
                   {id, request.tenantId.isEmpty() ? QVariant() : QVariant(request.tenantId),
                    request.twinId.isEmpty() ? QVariant() : QVariant(request.twinId), request.type,
                    compactJson(request.payload), jobStateName(runAt > now ? JobState::Scheduled : JobState::Available),
                    request.priority, request.maxAttempts, runAt,
                    request.idempotencyKey.isEmpty() ? QVariant() : QVariant(request.idempotencyKey), false, now}));
    if (inserted.rowsAffected() == 1)
        TWINOPS_TRY(notify());
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       inserted.rowsAffected() == 1
                           ? m_db.query(m_sql.selectById, {id})
                           : m_db.query(m_sql.selectByIdempotencyKey, {request.type, request.idempotencyKey}));
    if (rows.isEmpty())
        return Error::internal(QStringLiteral("enqueued job vanished"));
    return jobFromRow(rows.first());
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
    TWINOPS_TRY_ASSIGN(const Rows inserted, m_db.query(m_sql.insertBatch, {compactJson(rows), now}));
    if (inserted.rowsAffected() > 0)
        TWINOPS_TRY(notify());
    return int(inserted.rowsAffected());
}

Result<Job> JobQueue::get(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || (!tenantId.isEmpty() && !isUuid(tenantId)))
        return jobNotFound();
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       tenantId.isEmpty() ? m_db.query(m_sql.selectById, {id})
                                          : m_db.query(m_sql.selectByTenantAndId, {tenantId, id}));
    if (rows.isEmpty())
        return jobNotFound();
    return jobFromRow(rows.first());
}

namespace {

// WHERE clause (after "WHERE 1 = 1") and parameters of a filter.
void appendFilter(const QueueStatements &statements, const JobFilter &filter, QString &sql, QVariantList &params)
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
        QString search = QStringLiteral(" AND (lower(CAST(payload AS TEXT)) LIKE $%1 ESCAPE '\\' OR lower(COALESCE("
                                        "last_error, '')) LIKE $%1 ESCAPE '\\'")
                             .arg(params.size());
        // A whole job id finds that job (a link to a job, a pasted id); a part of one is never compared, so that a
        // word made of hex letters does not match ids by chance.
        if (const QString id = filter.text.trimmed().toLower(); isUuid(id)) {
            params << id;
            search += QStringLiteral(" OR id = $%1").arg(params.size());
        }
        sql += search + u')';
    }
    if (!filter.ids.isEmpty()) // one JSON array parameter, so the statement text does not depend on the count
        add(statements.idsFilter, compactJson(QJsonArray::fromStringList(filter.ids)));
    if (!filter.errorSignature.isEmpty())
        add(QStringLiteral(" AND error_signature = $%1"), filter.errorSignature);
    if (filter.updatedSince.isValid())
        add(QStringLiteral(" AND updated_at >= $%1"), filter.updatedSince);
}

} // namespace

Result<Page<Job>> JobQueue::list(const JobFilter &filter, const PageRequest &page)
{
    if (!filter.tenantId.isEmpty() && !isUuid(filter.tenantId))
        return Page<Job>{};
    QString sql = m_sql.selectWhere;
    QVariantList params;
    appendFilter(m_sql, filter, sql, params);
    return fetchPage(m_db, sql, params, page, jobFromRow);
}

Result<qint64> JobQueue::count(const JobFilter &filter)
{
    QString sql = m_sql.countWhere;
    QVariantList params;
    appendFilter(m_sql, filter, sql, params);
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(sql, params));
    return rows.first().integer(0);
}

Result<QHash<QString, qint64>> JobQueue::countByState(const JobFilter &filter)
{
    if (!filter.tenantId.isEmpty() && !isUuid(filter.tenantId))
        return QHash<QString, qint64>{};
    QString sql = m_sql.countByStateWhere;
    QVariantList params;
    appendFilter(m_sql, filter, sql, params);
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(sql + QStringLiteral(" GROUP BY state"), params));
    QHash<QString, qint64> counts;
    for (const Row row : rows)
        counts.insert(row.text(0), row.integer(1));
    return counts;
}

Result<QStringList> JobQueue::ids(const JobFilter &filter, int limit)
{
    QString sql = m_sql.idsWhere;
    QVariantList params;
    appendFilter(m_sql, filter, sql, params);
    params << limit;
    sql += QStringLiteral(" ORDER BY created_at, id LIMIT $%1").arg(params.size());
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(sql, params));
    QStringList result;
    for (const Row row : rows)
        result << row.text(0);
    return result;
}

Result<QList<JobLogLine>> JobQueue::logs(const QString &tenantId, const QString &jobId)
{
    TWINOPS_TRY(get(tenantId, jobId));
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(m_sql.logs, {jobId}));
    QList<JobLogLine> lines;
    for (const Row row : rows)
        lines.append({row.integer(0), int(row.integer(1)), row.text(2), row.text(3), row.time(4)});
    return lines;
}

Result<QueueStats> JobQueue::stats(const QString &tenantId)
{
    if (!tenantId.isEmpty() && !isUuid(tenantId))
        return QueueStats{};
    JobFilter tenantJobs;
    tenantJobs.tenantId = tenantId;
    QueueStats stats;
    TWINOPS_TRY_ASSIGN(stats.byState, countByState(tenantJobs));
    TWINOPS_TRY_ASSIGN(const Rows times,
                       tenantId.isEmpty() ? m_db.query(m_sql.queueTimes, {nowUtc()})
                                          : m_db.query(m_sql.queueTimesOfTenant, {nowUtc(), tenantId}));
    stats.oldestAvailable = times.first().time(0);
    stats.lastStarted = times.first().time(1);
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
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query(statement + QStringLiteral(" RETURNING ") + m_sql.jobColumns, params));
    if (rows.isEmpty()) {
        TWINOPS_TRY_ASSIGN(const Job existing, get(tenantId, id));
        return Error::conflict(refusal.arg(jobStateName(existing.state)));
    }
    const Job job = jobFromRow(rows.first());
    TWINOPS_TRY(writeLogs({{job.id, job.tenantId, job.attempt, QStringLiteral("info"), logLine}}));
    return job;
}

Result<Job> JobQueue::cancel(const QString &tenantId, const QString &id, const QString &actor)
{
    return transition(tenantId, id, m_sql.cancel, {true}, QStringLiteral("a %1 job cannot be cancelled"),
                      QStringLiteral("cancel requested by %1").arg(actor));
}

Result<Job> JobQueue::retry(const QString &tenantId, const QString &id, const QString &actor)
{
    return transition(tenantId, id, m_sql.retry, {false},
                      QStringLiteral("a %1 job cannot be retried; only discarded, cancelled or completed ones"),
                      QStringLiteral("manual retry by %1").arg(actor));
}

Result<Job> JobQueue::discard(const QString &tenantId, const QString &id, const QString &actor)
{
    return transition(tenantId, id, m_sql.discard, {},
                      QStringLiteral("a %1 job cannot be discarded; only scheduled, available or retryable ones"),
                      QStringLiteral("discarded by %1").arg(actor));
}

Result<QList<Job>> JobQueue::many(const QString &tenantId, const QStringList &ids,
                                  const std::function<Result<Job>(const QString &id)> &operation)
{
    TWINOPS_TRY_ASSIGN(Transaction tx, Transaction::begin(m_db));
    for (const QString &id : ids)
        TWINOPS_TRY(get(tenantId, id)); // every id must exist (and be the tenant's) before anything changes
    QList<Job> changed;
    for (const QString &id : ids) {
        TWINOPS_TRY_ASSIGN(const Job job, operation(id));
        changed << job;
    }
    TWINOPS_TRY(tx.commit());
    return changed;
}

Result<QList<Job>> JobQueue::cancelMany(const QString &tenantId, const QStringList &ids, const QString &actor)
{
    return many(tenantId, ids, [&](const QString &id) { return cancel(tenantId, id, actor); });
}

Result<QList<Job>> JobQueue::retryMany(const QString &tenantId, const QStringList &ids, const QString &actor)
{
    return many(tenantId, ids, [&](const QString &id) { return retry(tenantId, id, actor); });
}

Result<QList<Job>> JobQueue::discardMany(const QString &tenantId, const QStringList &ids, const QString &actor)
{
    return many(tenantId, ids, [&](const QString &id) { return discard(tenantId, id, actor); });
}

Result<QList<ErrorGroup>> JobQueue::errorGroups(const JobFilter &filter, int limit)
{
    if (!filter.tenantId.isEmpty() && !isUuid(filter.tenantId))
        return QList<ErrorGroup>{};
    QString sql = m_sql.errorGroupsWhere;
    QVariantList params;
    appendFilter(m_sql, filter, sql, params);
    // A few rows per signature (states × tenants), folded here: cheaper than a second pass in SQL.
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query(sql + QStringLiteral(" GROUP BY error_signature, state, tenant_id"), params));
    QHash<QString, ErrorGroup> groups;
    for (const Row row : rows) {
        ErrorGroup &group = groups[row.text(0)];
        group.signature = row.text(0);
        const qint64 count = row.integer(3);
        group.count += count;
        group.byState[row.text(1)] += count;
        group.byTenant[row.text(2)] += count;
        const QDateTime first = row.time(4);
        const QDateTime last = row.time(5);
        if (!group.firstSeen.isValid() || first < group.firstSeen)
            group.firstSeen = first;
        if (!group.lastSeen.isValid() || last > group.lastSeen)
            group.lastSeen = last;
    }
    QList<ErrorGroup> largest = groups.values();
    std::sort(largest.begin(), largest.end(), [](const ErrorGroup &a, const ErrorGroup &b) {
        return std::tie(b.count, a.signature) < std::tie(a.count, b.signature);
    });
    if (largest.size() > limit)
        largest.resize(limit);
    for (ErrorGroup &group : largest) {
        JobFilter ofGroup = filter;
        ofGroup.errorSignature.clear(); // the example statement names the signature itself ($1)
        QString example = m_sql.errorExampleWhere;
        QVariantList exampleParams{group.signature};
        appendFilter(m_sql, ofGroup, example, exampleParams);
        TWINOPS_TRY_ASSIGN(const Rows found, m_db.query(example + QStringLiteral(" LIMIT 1"), exampleParams));
        if (!found.isEmpty()) {
            group.exampleJobId = found.first().text(0);
            group.exampleMessage = found.first().text(1);
        }
    }
    return largest;
}

Result<Claim> JobQueue::claim(const QString &owner, int limit, std::chrono::milliseconds lease,
                              const QString &platformType)
{
    const QDateTime now = nowUtc();
    Claim claim{{}, crypto::randomToken(16), now.addMSecs(lease.count())};
    QVariantList params{claim.leaseToken, owner, claim.leaseExpiresAt, now};
    if (!platformType.isEmpty())
        params << platformType;
    TWINOPS_TRY_ASSIGN(Transaction tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query((platformType.isEmpty() ? m_sql.claim : m_sql.claimOfType).arg(limit), params));
    TWINOPS_TRY(tx.commit());
    for (const Row row : rows)
        claim.jobs.append(jobFromRow(row));
    std::sort(claim.jobs.begin(), claim.jobs.end(), [](const Job &a, const Job &b) {
        return std::tie(b.priority, a.runAt, a.id) < std::tie(a.priority, b.runAt, b.id);
    });
    return claim;
}

Result<int> JobQueue::heartbeat(const QString &leaseToken, std::chrono::milliseconds lease)
{
    const QDateTime now = nowUtc();
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(m_sql.heartbeat, {leaseToken, now.addMSecs(lease.count()), now}));
    return int(rows.rowsAffected());
}

Result<int> JobQueue::complete(const QString &leaseToken, const QList<Completion> &completions)
{
    if (completions.isEmpty())
        return 0;
    const QDateTime now = nowUtc();
    if (m_sql.completeMany.isEmpty()) {
        int completed = 0;
        for (const Completion &c : completions) {
            TWINOPS_TRY_ASSIGN(const Rows rows,
                               m_db.query(m_sql.completeOne, {c.id, compactJson(c.result), now, leaseToken}));
            completed += int(rows.rowsAffected());
        }
        return completed;
    }
    QJsonArray items;
    for (const Completion &c : completions)
        items.append(QJsonObject{{QStringLiteral("id"), c.id}, {QStringLiteral("result"), c.result}});
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(m_sql.completeMany, {compactJson(items), now, leaseToken}));
    return int(rows.rowsAffected());
}

Result<bool> JobQueue::fail(const Job &job, const QString &leaseToken, const Error &error,
                            std::chrono::milliseconds retryDelay, bool permanent)
{
    const QDateTime now = nowUtc();
    const bool cancelled = job.cancelRequested && error.code == ErrorCode::Cancelled;
    const JobState next = cancelled                     ? JobState::Cancelled
        : (permanent || job.attempt >= job.maxAttempts) ? JobState::Discarded
                                                        : JobState::Retryable;
    const bool final = next != JobState::Retryable;
    const QString message = error.describe().left(2000);
    TWINOPS_TRY_ASSIGN(
        const Rows rows,
        m_db.query(m_sql.fail,
                   {job.id, leaseToken, jobStateName(next), final ? job.runAt : now.addMSecs(retryDelay.count()),
                    message, now, final ? QVariant(now) : QVariant(), errorSignature(message)}));
    return rows.rowsAffected() == 1;
}

Status JobQueue::release(const QString &leaseToken, const QStringList &ids)
{
    if (ids.isEmpty())
        return {};
    return discardRows(m_db.query(m_sql.release, {leaseToken, compactJson(QJsonArray::fromStringList(ids)), nowUtc()}));
}

QString JobQueue::failedAttemptLine(int attempt, const QString &worker, qint64 ranMs, const QString &error,
                                    const QString &next)
{
    return QStringLiteral("attempt %1 by %2 failed after %3 s: %4; %5")
        .arg(attempt)
        .arg(worker, QString::number(double(ranMs) / 1000.0, 'f', 3), error, next);
}

Result<QList<Job>> JobQueue::rescueExpired(int maxCrashes)
{
    const QDateTime now = nowUtc();
    TWINOPS_TRY_ASSIGN(Transaction tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(m_sql.rescueExpired, {now, maxCrashes}));
    QList<Job> rescued;
    QList<LogEntry> lines;
    for (const Row row : rows) {
        const Job &job = rescued.emplace_back(jobFromRow(row));
        // The log line has the shape of a worker's failure line (JobCompleter), so that the job detail's attempt
        // timeline shows the worker that held the lease and when the attempt started (the row's started_at is
        // overwritten by the next claim). "After" runs until the rescue, which is when the loss was noticed.
        const QString line = job.startedAt.isValid()
            ? failedAttemptLine(
                job.attempt, job.leaseOwner.isEmpty() ? QStringLiteral("an unknown worker") : job.leaseOwner,
                job.startedAt.msecsTo(now), job.lastError,
                job.state == JobState::Discarded ? QStringLiteral("not retried") : QStringLiteral("retrying in 0.0 s"))
            : job.lastError;
        lines.append({job.id, job.tenantId, job.attempt, QStringLiteral("error"), line});
        // The statement wrote the message; its signature is the normaliser's (rescues are few, one update each).
        TWINOPS_TRY(discardRows(m_db.query(m_sql.setErrorSignature, {job.id, errorSignature(job.lastError)})));
    }
    TWINOPS_TRY(writeLogs(lines));
    TWINOPS_TRY(tx.commit());
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
    return discardRows(m_db.query(m_sql.insertLogs, {compactJson(items), nowUtc()}));
}

Status JobQueue::notify()
{
    if (m_sql.notify.isEmpty())
        return {};
    return discardRows(m_db.query(m_sql.notify, {QString::fromLatin1(QueueStatements::kNotifyChannel)}));
}

} // namespace twinops
