#pragma once

#include <QElapsedTimer>

#include <chrono>

namespace twinops {

class Counter;
class JobQueue;
class MetricsRegistry;

// Hands jobs whose lease expired (their worker crashed or stalled) back to the queue, or discards those that
// crashed their worker maxCrashes times. One per process is enough, and every process has one, so a dead
// process's jobs come back. It runs between claims on one worker's thread and connection (JobWorker).
class JobRescuer final
{
public:
    JobRescuer(MetricsRegistry &metrics, std::chrono::milliseconds interval, int maxCrashes);

    // Rescues if `interval` has passed since the last time (at once the first time).
    void rescueIfDue(JobQueue &queue);

private:
    const std::chrono::milliseconds m_interval;
    const int m_maxCrashes;
    QElapsedTimer m_sinceLast; // invalid until the first rescue
    Counter *m_rescued;
};

} // namespace twinops
