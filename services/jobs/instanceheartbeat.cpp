#include "jobs/instanceheartbeat.h"

#include "core/ids.h"
#include "core/logging.h"
#include "jobs/workerheartbeats.h"
#include "storage/database.h"

#include <QElapsedTimer>

namespace twinops {

namespace {

constexpr std::chrono::hours kPruneInterval{1};

} // namespace

InstanceHeartbeat::InstanceHeartbeat(DatabaseUrl url, WorkerInstance instance, const WorkerHeartbeats &heartbeats,
                                     std::chrono::milliseconds interval)
    : m_url(std::move(url))
    , m_instance(std::move(instance))
    , m_heartbeats(heartbeats)
    , m_interval(interval)
{
    setObjectName(QStringLiteral("job-heartbeat"));
}

InstanceHeartbeat::~InstanceHeartbeat()
{
    stop();
}

void InstanceHeartbeat::stop()
{
    m_signal.requestStop();
    wait();
}

void InstanceHeartbeat::run()
{
    const std::unique_ptr<Database> db = connectUntilStopped(m_url, m_signal, "the job heartbeat");
    if (!db)
        return;
    WorkerRegistry registry(*db);
    QElapsedTimer sincePrune;
    while (!m_signal.stopping()) {
        if (!sincePrune.isValid() || sincePrune.elapsed() >= std::chrono::milliseconds(kPruneInterval).count()) {
            sincePrune.start();
            auto pruned = registry.pruneGone(
                nowUtc().addMSecs(-std::chrono::milliseconds(WorkerRegistry::kGoneRetention).count()));
            if (pruned.ok() && *pruned > 0)
                qCInfo(lcJobs) << "deleted" << *pruned << "job instances gone for a week";
        }
        write(registry);
        m_signal.waitForWork(m_interval);
    }
    if (auto stopped = registry.stopped(m_instance.id, nowUtc()); !stopped.ok())
        qCWarning(lcJobs).noquote() << "could not mark" << m_instance.name << "stopped:" << stopped.error().message;
}

void InstanceHeartbeat::write(WorkerRegistry &registry)
{
    m_instance.workers.clear();
    int index = 0;
    for (const WorkerHeartbeats::Worker &worker : m_heartbeats.workers())
        m_instance.workers.append(
            WorkerRecord{index++, worker.beatAt, worker.jobId, worker.jobType, worker.jobStartedAt, worker.jobsInHand});
    if (auto recorded = registry.record(m_instance, nowUtc()); !recorded.ok())
        qCWarning(lcJobs).noquote() << "cannot write the heartbeat of" << m_instance.name << ":"
                                    << recorded.error().message;
}

} // namespace twinops
