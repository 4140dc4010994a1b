#include "jobs/jobtyperepository.h"

#include "core/ids.h"
#include "jobs/job.h"

#include <QMap>
#include <QRegularExpression>

namespace twinops {

Status JobTypeRepository::validType(const QString &type)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_.:-]{1,%1}$").arg(kMaxTypeLength));
    if (!pattern.match(type).hasMatch())
        return Error::badRequest(
            QStringLiteral("a job type is 1 to %1 letters, digits, '_', '-', '.' or ':'").arg(kMaxTypeLength));
    return {};
}

Result<QList<JobTypeStatus>> JobTypeRepository::list()
{
    return read({});
}

Result<JobTypeStatus> JobTypeRepository::get(const QString &type)
{
    TWINOPS_TRY(validType(type));
    TWINOPS_TRY_ASSIGN(const auto found, read(type));
    if (found.isEmpty()) { // no job and not paused: a type the queue has not seen, shown as it would be
        JobTypeStatus unseen;
        unseen.type = type;
        unseen.platform = type == jobtypes::webhookNotification;
        return unseen;
    }
    return found.first();
}

Result<JobTypeStatus> JobTypeRepository::pause(const QString &type, const QString &by, const QString &reason)
{
    TWINOPS_TRY(validType(type));
    if (type == jobtypes::webhookNotification)
        return Error::conflict(QStringLiteral("%1 is a platform job type (the alert notifications): it cannot be "
                                              "paused")
                                   .arg(type));
    if (reason.size() > kMaxReasonLength)
        return Error::badRequest(QStringLiteral("reason is longer than %1 characters").arg(kMaxReasonLength));
    TWINOPS_TRY(m_db.query(QStringLiteral("INSERT INTO paused_job_types (type, paused_by, paused_at, reason) "
                                          "VALUES ($1, $2, $3, $4) ON CONFLICT (type) DO NOTHING"),
                           {type, by, nowUtc(), reason.isEmpty() ? QVariant() : QVariant(reason)}));
    return get(type);
}

Result<JobTypeStatus> JobTypeRepository::resume(const QString &type)
{
    TWINOPS_TRY(validType(type));
    TWINOPS_TRY(m_db.query(QStringLiteral("DELETE FROM paused_job_types WHERE type = $1"), {type}));
    return get(type);
}

// The counts are one GROUP BY over the jobs (the type and state of every job, through an index where the planner
// finds one); the paused types come from their own small table.
Result<QList<JobTypeStatus>> JobTypeRepository::read(const QString &onlyType)
{
    const QString where = onlyType.isEmpty() ? QString() : QStringLiteral(" WHERE type = $1");
    const QVariantList params = onlyType.isEmpty() ? QVariantList() : QVariantList{onlyType};
    QMap<QString, JobTypeStatus> byType;
    const auto entry = [&byType](const QString &type) -> JobTypeStatus & {
        JobTypeStatus &status = byType[type];
        status.type = type;
        status.platform = type == jobtypes::webhookNotification;
        return status;
    };
    TWINOPS_TRY_ASSIGN(
        const auto counts,
        m_db.query(QStringLiteral("SELECT type, state, count(*) FROM jobs%1 GROUP BY type, state").arg(where), params));
    for (const Row row : counts)
        entry(row.text(0)).byState.insert(row.text(1), row.integer(2));
    TWINOPS_TRY_ASSIGN(
        const auto paused,
        m_db.query(QStringLiteral("SELECT type, paused_by, paused_at, reason FROM paused_job_types%1").arg(where),
                   params));
    for (const Row row : paused) {
        JobTypeStatus &status = entry(row.text(0));
        status.paused = true;
        status.pausedBy = row.text(1);
        status.pausedAt = row.time(2);
        status.reason = row.text(3);
    }
    return byType.values();
}

} // namespace twinops
