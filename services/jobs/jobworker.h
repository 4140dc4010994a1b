#pragma once

#include "jobs/jobexecutor.h"
#include "jobs/jobrescuer.h"
#include "storage/databaseurl.h"

#include <QThread>

#include <memory>
#include <optional>

namespace twinops {

class Counter;
class JobCompleter;
class JobQueue;
class MetricsRegistry;
class PoolSignal;
struct Claim;
struct WorkerPoolOptions;

// One worker thread with its own connection: claims a batch, runs it in as few transactions as the jobs allow
// (JobExecutor, JobCompleter), repeats; waits for the pool's signal when the queue is empty. Worker 0 also runs
// the process's rescuer between claims.
class JobWorker final : public QThread
{
public:
    JobWorker(DatabaseUrl url, PoolSignal &signal, const WorkerPoolOptions &options, const JobHandlers &handlers,
              MetricsRegistry &metrics, int index);

protected:
    void run() override;

private:
    void beat(); // tells the pool's heartbeats (WorkerPoolOptions) that this worker came round
    void hold(const QString &jobId, const QString &jobType, int inHand); // and what it runs (none: empty id)
    void process(JobQueue &queue, JobCompleter &completer, const Claim &claim);
    int runTransaction(JobCompleter &completer, const QString &leaseToken, const QList<Job> &jobs, bool oneAtATime);
    int runOutsideTransaction(JobCompleter &completer, const QString &leaseToken, const Job &job);

    const DatabaseUrl m_url;
    PoolSignal &m_signal;
    const WorkerPoolOptions &m_options;
    const JobExecutor m_executor;
    MetricsRegistry &m_metrics;
    const QString m_owner; // names this worker in lease_owner and in the failure lines
    const int m_index;
    std::optional<JobRescuer> m_rescuer; // worker 0 only
    Counter *m_claims;
    std::unique_ptr<Database> m_db; // opened and closed on the worker's thread
};

} // namespace twinops
