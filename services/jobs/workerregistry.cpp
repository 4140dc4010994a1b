#include "jobs/workerregistry.h"

#include <QHash>

#include <algorithm>

namespace twinops {

namespace {

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QVariant nullable(const QDateTime &time)
{
    return time.isValid() ? QVariant(time) : QVariant();
}

} // namespace

Status WorkerRegistry::record(const WorkerInstance &instance, const QDateTime &now)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY(m_db.query(
        QStringLiteral("INSERT INTO job_instances (id, name, host, pid, version, job_type, lease_ms, started_at, "
                       "heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                       "ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = NULL"),
        {instance.id, instance.name, instance.host, instance.pid, instance.version, nullable(instance.jobType),
         qint64(instance.lease.count()), instance.startedAt, now}));
    for (const WorkerRecord &worker : instance.workers) {
        TWINOPS_TRY(m_db.query(
            QStringLiteral("INSERT INTO job_worker_heartbeats (instance_id, worker, beat_at, job_id, job_type, "
                           "job_started_at, jobs_in_hand) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                           "ON CONFLICT (instance_id, worker) DO UPDATE SET beat_at = excluded.beat_at, "
                           "job_id = excluded.job_id, job_type = excluded.job_type, "
                           "job_started_at = excluded.job_started_at, jobs_in_hand = excluded.jobs_in_hand"),
            {instance.id, worker.worker, worker.beatAt, nullable(worker.jobId), nullable(worker.jobType),
             nullable(worker.jobStartedAt), worker.jobsInHand}));
    }
    return tx.commit();
}

Status WorkerRegistry::stopped(const QString &instanceId, const QDateTime &now)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY(m_db.query(QStringLiteral("UPDATE job_instances SET stopped_at = $2, heartbeat_at = $2 WHERE id = $1"),
                           {instanceId, now}));
    TWINOPS_TRY(m_db.query(QStringLiteral("UPDATE job_worker_heartbeats SET job_id = NULL, job_type = NULL, "
                                          "job_started_at = NULL, jobs_in_hand = 0 WHERE instance_id = $1"),
                           {instanceId}));
    return tx.commit();
}

Result<int> WorkerRegistry::pruneGone(const QDateTime &before)
{
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral("DELETE FROM job_instances WHERE heartbeat_at < $1"), {before}));
    return int(rows.rowsAffected());
}

Result<QList<WorkerInstance>> WorkerRegistry::list(const QDateTime &now)
{
    TWINOPS_TRY_ASSIGN(
        const auto instances,
        m_db.query(QStringLiteral("SELECT id, name, host, pid, version, job_type, lease_ms, started_at, "
                                  "heartbeat_at, stopped_at FROM job_instances ORDER BY name, started_at DESC")));
    QList<WorkerInstance> result;
    for (const Row row : instances) {
        WorkerInstance instance;
        instance.id = row.text(0);
        instance.name = row.text(1);
        instance.host = row.text(2);
        instance.pid = row.integer(3);
        instance.version = row.text(4);
        instance.jobType = row.text(5);
        instance.lease = std::chrono::milliseconds(row.integer(6));
        instance.startedAt = row.time(7);
        instance.heartbeatAt = row.time(8);
        instance.stoppedAt = row.time(9);
        result.append(instance);
    }
    const auto rank = [&now](const WorkerInstance &instance) {
        return instance.stoppedAt.isValid() ? 2 : instance.stale(now) ? 1 : 0;
    };
    std::stable_sort(result.begin(), result.end(),
                     [&rank](const WorkerInstance &a, const WorkerInstance &b) { return rank(a) < rank(b); });
    QHash<QString, qsizetype> byId;
    for (qsizetype i = 0; i < result.size(); ++i)
        byId.insert(result.at(i).id, i);
    TWINOPS_TRY_ASSIGN(const auto workers,
                       m_db.query(QStringLiteral("SELECT instance_id, worker, beat_at, job_id, job_type, "
                                                 "job_started_at, jobs_in_hand FROM job_worker_heartbeats "
                                                 "ORDER BY instance_id, worker")));
    for (const Row row : workers) {
        const auto at = byId.constFind(row.text(0));
        if (at == byId.constEnd())
            continue; // its instance was pruned between the two reads
        result[*at].workers.append(
            WorkerRecord{int(row.integer(1)), row.time(2), row.text(3), row.text(4), row.time(5), int(row.integer(6))});
    }
    return result;
}

} // namespace twinops
