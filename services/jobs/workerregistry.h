#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <chrono>

namespace twinops {

// One worker thread of an instance, as last written (WorkerHeartbeats::Worker plus its index).
struct WorkerRecord
{
    int worker = 0;
    QDateTime beatAt;
    QString jobId; // empty: between jobs
    QString jobType;
    QDateTime jobStartedAt;
    int jobsInHand = 0;
};

// A worker pool of one process: who it is, when it last wrote, and its workers.
struct WorkerInstance
{
    QString id; // one per start of a pool
    QString name; // WorkerPoolOptions::owner: host:pid, with "/notifications" for the alert notifications' pool
    QString host;
    qint64 pid = 0;
    QString version;
    QString jobType; // the one platform job type the pool runs; empty = every type
    std::chrono::milliseconds lease{0};
    QDateTime startedAt;
    QDateTime heartbeatAt;
    QDateTime stoppedAt; // invalid while it runs
    QList<WorkerRecord> workers;

    // Not heard of for longer than its lease while not stopped: its process died or hangs.
    bool stale(const QDateTime &now) const { return !stoppedAt.isValid() && heartbeatAt.msecsTo(now) > lease.count(); }
    // A worker that has not come round its loop for longer than the lease (the instance's own stale or not).
    bool stuck(const WorkerRecord &worker, const QDateTime &now) const
    {
        return !stoppedAt.isValid() && worker.beatAt.msecsTo(now) > lease.count();
    }
};

// The job_instances and job_worker_heartbeats tables (migration 0012): every pool writes its own rows
// (InstanceHeartbeat); the Workers view of the jobs triage reads them all.
class WorkerRegistry
{
public:
    // After this long without a heartbeat an instance's rows are deleted (docs/decisions.md, issue #16).
    static constexpr std::chrono::hours kGoneRetention{24 * 7};

    explicit WorkerRegistry(Database &db)
        : m_db(db)
    { }

    // Writes the instance (heartbeat_at = `now`) and its workers, in one transaction.
    Status record(const WorkerInstance &instance, const QDateTime &now);
    // The pool stopped: its workers hold nothing any more.
    Status stopped(const QString &instanceId, const QDateTime &now);
    // Deletes the instances not heard of since `before`; returns how many.
    Result<int> pruneGone(const QDateTime &before);
    // Every instance with its workers: the running ones, then the stale ones (as of `now`), then the stopped ones;
    // by name within each, so that a view refreshed on a timer keeps its order.
    Result<QList<WorkerInstance>> list(const QDateTime &now);

private:
    Database &m_db;
};

} // namespace twinops
