#pragma once

#include <chrono>
#include <mutex>
#include <vector>

namespace twinops {

// When each of a process's job workers last came round its loop (claimed, waited, finished a transaction), for the
// process's /health: a worker that has not done so for longer than its lease is wedged, in a job or waiting for its
// database, and its jobs are being rescued by others. Safe to use from any thread.
class WorkerHeartbeats final
{
public:
    struct Summary
    {
        int workers = 0;
        int responsive = 0;
    };

    // A pool of `workers` starts (each counts as having just beaten), or stops (0).
    void reset(int workers, std::chrono::milliseconds limit);
    void beat(int worker);
    Summary summary() const;

private:
    // Standard, not Qt, primitives, as in PoolSignal.
    mutable std::mutex m_mutex;
    std::vector<std::chrono::steady_clock::time_point> m_beats;
    std::chrono::milliseconds m_limit{0};
};

} // namespace twinops
