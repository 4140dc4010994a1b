#pragma once

#include "jobs/poolsignal.h"
#include "jobs/workerregistry.h"
#include "storage/databaseurl.h"

#include <QThread>

#include <chrono>

namespace twinops {

class WorkerHeartbeats;

// Writes a worker pool's instance and its workers' heartbeats (WorkerHeartbeats) into the workers table every
// `interval`, on a thread and connection of its own: a worker's claims and completions never wait for it, and a
// worker wedged in a job does not stop the others being shown alive. Also deletes the instances gone for
// WorkerRegistry::kGoneRetention, when it starts and then hourly. On stop it marks the instance stopped.
class InstanceHeartbeat final : public QThread
{
public:
    InstanceHeartbeat(DatabaseUrl url, WorkerInstance instance, const WorkerHeartbeats &heartbeats,
                      std::chrono::milliseconds interval);
    ~InstanceHeartbeat() override;
    Q_DISABLE_COPY_MOVE(InstanceHeartbeat)

    // Writes once more, marked stopped, and ends the thread.
    void stop();

protected:
    void run() override;

private:
    void write(WorkerRegistry &registry);

    const DatabaseUrl m_url;
    WorkerInstance m_instance; // its workers refreshed before each write
    const WorkerHeartbeats &m_heartbeats;
    const std::chrono::milliseconds m_interval;
    PoolSignal m_signal; // only its stop and its interruptible wait
};

} // namespace twinops
