#include "jobs/jobretention.h"

#include "core/environment.h"
#include "storage/batchdelete.h"

#include <QScopeGuard>

namespace twinops {

namespace {

Result<std::chrono::hours> hoursFromEnvironment(const char *name, std::chrono::hours fallback)
{
    TWINOPS_TRY_ASSIGN(
        const int hours,
        integerFromEnvironment(name, int(fallback.count()), 0, 24 * 36'500, QStringLiteral("0 (keep all)")));
    return std::chrono::hours(hours);
}

Result<qint64> pruneState(Database &db, const char *state, std::chrono::hours keep, const QDateTime &now, int batchSize,
                          const AfterBatch &afterBatch)
{
    if (keep.count() <= 0)
        return qint64(0);
    // finished_at never precedes created_at, so the created_at bound changes nothing but lets idx_jobs_state_created
    // (state, created_at, id) find the rows: no index of its own to maintain on every finished job. The state is a
    // literal, a fixed word of ours, so that the planners see the equality; SQLite, without ANALYZE statistics, is
    // told which index to use.
    const QString condition
        = QStringLiteral("state = '%1' AND created_at < $1 AND finished_at < $1").arg(QLatin1String(state));
    const QString source
        = db.dialect() == Dialect::Sqlite ? QStringLiteral("jobs INDEXED BY idx_jobs_state_created") : QString();
    return deleteInBatches(db, QStringLiteral("jobs"), condition, {now.addSecs(-3600 * qint64(keep.count()))},
                           batchSize, source, afterBatch);
}

} // namespace

Result<JobRetention> JobRetention::fromEnvironment()
{
    JobRetention retention;
    TWINOPS_TRY_ASSIGN(retention.completed,
                       hoursFromEnvironment("TWINOPS_JOB_RETENTION_COMPLETED_HOURS", retention.completed));
    TWINOPS_TRY_ASSIGN(retention.cancelled,
                       hoursFromEnvironment("TWINOPS_JOB_RETENTION_CANCELLED_HOURS", retention.cancelled));
    TWINOPS_TRY_ASSIGN(retention.discarded,
                       hoursFromEnvironment("TWINOPS_JOB_RETENTION_DISCARDED_HOURS", retention.discarded));
    return retention;
}

Result<PrunedJobs> pruneJobs(Database &db, const JobRetention &retention, const QDateTime &now, int batchSize,
                             const AfterBatch &afterBatch)
{
    PrunedJobs pruned;
    if (db.dialect() == Dialect::Postgres) {
        // A session lock, not a transaction's: each batch commits on its own.
        TWINOPS_TRY_ASSIGN(const auto locked,
                           db.query(QStringLiteral("SELECT pg_try_advisory_lock($1)"), {kJobPrunerLock}));
        if (!locked.first().boolean(0)) {
            pruned.skipped = true;
            return pruned;
        }
    }
    const auto unlock = qScopeGuard([&db] {
        if (db.dialect() == Dialect::Postgres)
            (void)db.query(QStringLiteral("SELECT pg_advisory_unlock($1)"), {kJobPrunerLock});
    });
    const AfterBatch paced = [&](std::chrono::nanoseconds took) {
        pruned.cutShort = afterBatch && !afterBatch(took);
        return !pruned.cutShort;
    };
    for (const auto &[state, keep, count] : {std::tuple("completed", retention.completed, &pruned.completed),
                                             std::tuple("cancelled", retention.cancelled, &pruned.cancelled),
                                             std::tuple("discarded", retention.discarded, &pruned.discarded)}) {
        TWINOPS_TRY_ASSIGN(*count, pruneState(db, state, keep, now, batchSize, paced));
        if (pruned.cutShort)
            break;
    }
    return pruned;
}

} // namespace twinops
