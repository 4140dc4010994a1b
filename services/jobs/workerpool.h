#pragma once

#include "jobs/jobhandlers.h"
#include "jobs/poolsignal.h"
#include "storage/databaseurl.h"

#include <QString>

#include <chrono>
#include <memory>
#include <vector>

class QThread;

namespace twinops {

class InstanceHeartbeat;
class MetricsRegistry;
class WorkerHeartbeats;

struct WorkerPoolOptions
{
    int workers = 2; // 0 = enqueue only
    int batchSize = 100; // jobs claimed at once
    std::chrono::milliseconds lease{60'000}; // a claim not finished (or heartbeated) within this is rescued
    std::chrono::milliseconds batchTime{100}; // a transaction commits at least this often while jobs run
    std::chrono::milliseconds pollInterval{1'000}; // wake-up without a notification (SQLite, lost NOTIFY)
    std::chrono::milliseconds rescueInterval{5'000};
    int maxCrashes = 3; // a job that crashed its worker this often is discarded
    QString owner; // names this process in lease_owner (host:pid)
    WorkerHeartbeats *heartbeats = nullptr; // where the workers say they are alive (the process's /health), or none
    QString platformJobType; // non-empty: claim only the platform (tenantless) jobs of this type (JobQueue::claim)
    // How often the pool writes its workers' heartbeats into the workers table (InstanceHeartbeat); at most a third
    // of the lease, so that a live worker never looks stuck.
    std::chrono::milliseconds registryInterval{5'000};
};

// Worker threads, each with its own database connection, that claim jobs in batches and run them. A job's
// effects and its completion commit in one transaction, conditional on the lease, so a job is done exactly once
// in effect even when workers die mid-batch: its claim expires and the rescuer hands it to another worker.
// The pool composes the units and owns their threads: JobWorker (claims; worker 0 also runs the JobRescuer),
// JobExecutor and JobCompleter inside each worker, on PostgreSQL an EnqueueListener, and the InstanceHeartbeat that
// shows the pool and its workers in the workers table.
class WorkerPool
{
public:
    WorkerPool(DatabaseUrl url, const JobHandlers &handlers, MetricsRegistry &metrics, WorkerPoolOptions options);
    ~WorkerPool();

    void start();
    // Workers finish the transaction in hand, give back what they claimed but did not start, and exit.
    void stop();
    // Something was enqueued in this process: look now rather than at the next poll.
    void wake();
    const WorkerPoolOptions &options() const { return m_options; }

private:
    DatabaseUrl m_url;
    const JobHandlers &m_handlers;
    MetricsRegistry &m_metrics;
    WorkerPoolOptions m_options;
    PoolSignal m_signal;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::unique_ptr<WorkerHeartbeats> m_ownHeartbeats; // when the options name none
    std::unique_ptr<InstanceHeartbeat> m_instanceHeartbeat;
};

} // namespace twinops
