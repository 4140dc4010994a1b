#pragma once

#include "jobs/jobhandler.h"
#include "storage/databaseurl.h"

#include <QString>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace twinops {

class MetricsRegistry;

// The handlers this process runs, by job type. Built at start-up, read-only afterwards; handlers must be
// stateless (several workers call them at once).
class JobHandlers
{
public:
    void add(std::shared_ptr<JobHandler> handler);
    JobHandler *find(const QString &type) const;
    QStringList types() const;

private:
    std::vector<std::shared_ptr<JobHandler>> m_handlers;
};

struct WorkerPoolOptions
{
    int workers = 2;                                // 0 = enqueue only
    int batchSize = 100;                            // jobs claimed at once
    std::chrono::milliseconds lease{60'000};        // a claim not finished (or heartbeated) within this is rescued
    std::chrono::milliseconds batchTime{100};       // a transaction commits at least this often while jobs run
    std::chrono::milliseconds pollInterval{1'000};  // wake-up without a notification (SQLite, lost NOTIFY)
    std::chrono::milliseconds rescueInterval{5'000};
    int maxCrashes = 3;                             // a job that crashed its worker this often is discarded
    QString owner;                                  // names this process in lease_owner (host:pid)
};

// Worker threads, each with its own database connection, that claim jobs in batches and run them. A job's
// effects and its completion commit in one transaction, conditional on the lease, so a job is done exactly once
// in effect even when workers die mid-batch: its claim expires and the rescuer hands it to another worker.
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
    friend class JobWorker;
    friend class JobListener;
    bool waitForWork(std::chrono::milliseconds timeout);

    DatabaseUrl m_url;
    const JobHandlers &m_handlers;
    MetricsRegistry &m_metrics;
    WorkerPoolOptions m_options;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::atomic<bool> m_stopping{false};
    // Standard, not Qt, primitives: ThreadSanitizer cannot see QWaitCondition::wait release the mutex (see WorkPool).
    std::mutex m_mutex;
    std::condition_variable m_wakeUp;
    quint64 m_wakeups = 0; // guarded by m_mutex: a wake() between two waits is not lost
};

} // namespace twinops
