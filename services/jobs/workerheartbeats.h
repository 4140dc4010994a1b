#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <chrono>
#include <mutex>
#include <vector>

namespace twinops {

// When each of a pool's job workers last came round its loop (claimed, waited, finished a transaction) and what it
// holds, for the process's /health and for the workers table (WorkerRegistry): a worker that has not come round
// for longer than its lease is wedged, in a job or waiting for its database, and its jobs are being rescued by
// others. Safe to use from any thread.
class WorkerHeartbeats final
{
public:
    struct Summary
    {
        int workers = 0;
        int responsive = 0;
    };
    // One worker as the workers table shows it.
    struct Worker
    {
        QDateTime beatAt; // wall clock, UTC
        QString jobId; // the job it runs; empty when between jobs
        QString jobType;
        QDateTime jobStartedAt;
        int jobsInHand = 0; // claimed and not yet finished, the running one included
    };

    // A pool of `workers` starts (each counts as having just beaten), or stops (0).
    void reset(int workers, std::chrono::milliseconds limit);
    void beat(int worker);
    // The worker starts `jobId` with `inHand` jobs of its claim left, or (an empty id) holds none any more.
    void holding(int worker, const QString &jobId, const QString &jobType, int inHand);
    Summary summary() const;
    QList<Worker> workers() const;

private:
    struct State
    {
        std::chrono::steady_clock::time_point beat; // steady: /health must not jump with the wall clock
        Worker shown;
    };
    // Standard, not Qt, primitives, as in PoolSignal.
    mutable std::mutex m_mutex;
    std::vector<State> m_states;
    std::chrono::milliseconds m_limit{0};
};

} // namespace twinops
