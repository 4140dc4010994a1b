#pragma once

#include "jobs/jobretention.h"
#include "jobs/poolsignal.h"
#include "storage/databaseurl.h"

#include <atomic>
#include <chrono>
#include <memory>

class QThread;

namespace twinops {

class Counter;
class MetricsRegistry;

struct JobPrunerOptions
{
    JobRetention retention;
    std::chrono::milliseconds interval{std::chrono::minutes(1)}; // between rounds that found nothing more to do
    int batchSize = 1000; // jobs per DELETE (docs/benchmarks.md, "Job retention's cost to the queue")
    int batchesPerRound = 100; // then the advisory lock is let go and the cutoff recomputed
    // After each batch it sleeps pauseFactor × the time the batch took (at most maxPause), so that it holds the write
    // lock (SQLite's only one) about 1 / (1 + pauseFactor) of the time while it works through a backlog: 5 %, as
    // SQLite's workers, which need that lock for every claim and completion, lose at least that share.
    int pauseFactor = 19;
    std::chrono::milliseconds maxPause{10'000};
};

// River's cleaner: deletes finished jobs past their retention (pruneJobs) on a thread of its own with its own
// connection, every `interval`, pacing itself between batches so that the queue keeps its throughput while a backlog
// goes; one instance at a time on PostgreSQL (pruneJobs' advisory lock). Counts twinops_jobs_pruned_total{state}.
// Destroying it stops it within one batch.
class JobPruner final
{
public:
    JobPruner(DatabaseUrl url, MetricsRegistry &metrics, JobPrunerOptions options);
    ~JobPruner();
    Q_DISABLE_COPY_MOVE(JobPruner)

    // Completed rounds (whether they deleted anything or failed): lets tests wait for one instead of sleeping.
    int rounds() const { return m_rounds; }

private:
    void run();
    // One round; whether it was cut short with jobs left to delete.
    bool round(Database &db);

    const DatabaseUrl m_url;
    const JobPrunerOptions m_options;
    Counter *m_completed;
    Counter *m_cancelled;
    Counter *m_discarded;
    std::chrono::milliseconds m_pause{0}; // after the latest batch
    std::atomic<int> m_rounds{0};
    PoolSignal m_signal; // only its stop and its interruptible wait
    std::unique_ptr<QThread> m_thread;
};

} // namespace twinops
