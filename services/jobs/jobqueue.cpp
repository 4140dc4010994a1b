#include "jobs/jobqueue.h"

#include "core/ids.h"

#include <QJsonDocument>

namespace twinops {

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
        "last_error, cancel_requested, created_at, updated_at, started_at, finished_at");
    return columns;
}

Job jobFromRow(const Row &row)
{
    Job job;
    job.id = row.text(0);
    job.tenantId = row.text(1);
    job.twinId = row.text(2);
    job.type = row.text(3);
    job.payload = QJsonDocument::fromJson(row.text(4).toUtf8()).object();
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
    return job;
}

Result<Job> JobQueue::enqueue(const NewJob &request)
{
    const QDateTime now = nowUtc();
    const QDateTime runAt = request.runAt.isValid() ? request.runAt : now;
    const QString id = newId();
    auto inserted = m_db.query(
        QStringLiteral("INSERT INTO jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, "
                       "run_at, idempotency_key, cancel_requested, crash_count, created_at, updated_at) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, 0, $12, $12) "
                       "ON CONFLICT (type, idempotency_key) DO NOTHING"),
        {id, request.tenantId.isEmpty() ? QVariant() : QVariant(request.tenantId),
         request.twinId.isEmpty() ? QVariant() : QVariant(request.twinId), request.type,
         QString::fromUtf8(QJsonDocument(request.payload).toJson(QJsonDocument::Compact)),
         jobStateName(runAt > now ? JobState::Scheduled : JobState::Available), request.priority, request.maxAttempts,
         runAt, request.idempotencyKey.isEmpty() ? QVariant() : QVariant(request.idempotencyKey), false, now});
    if (!inserted.ok())
        return inserted.error();
    auto rows = inserted->rowsAffected() == 1
        ? m_db.query(QStringLiteral("SELECT ") + jobColumns() + QStringLiteral(" FROM jobs WHERE id = $1"), {id})
        : m_db.query(QStringLiteral("SELECT ") + jobColumns() + QStringLiteral(" FROM jobs WHERE type = $1 AND idempotency_key = $2"),
                     {request.type, request.idempotencyKey});
    if (!rows.ok())
        return rows.error();
    if (rows->isEmpty())
        return Error::internal(QStringLiteral("enqueued job vanished"));
    return jobFromRow(rows->first());
}

Result<Job> JobQueue::get(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return Error::notFound(QStringLiteral("job not found"));
    auto rows = m_db.query(QStringLiteral("SELECT ") + jobColumns() + QStringLiteral(" FROM jobs WHERE tenant_id = $1 AND id = $2"),
                           {tenantId, id});
    if (!rows.ok())
        return rows.error();
    if (rows->isEmpty())
        return Error::notFound(QStringLiteral("job not found"));
    return jobFromRow(rows->first());
}

} // namespace twinops
