#include "jobs/workerpool.h"

#include "core/ids.h"
#include "core/logging.h"
#include "jobs/enqueuelistener.h"
#include "jobs/instanceheartbeat.h"
#include "jobs/jobworker.h"
#include "jobs/workerheartbeats.h"

#include <QCoreApplication>
#include <QSysInfo>

#include <algorithm>

namespace twinops {

WorkerPool::WorkerPool(DatabaseUrl url, const JobHandlers &handlers, MetricsRegistry &metrics,
                       WorkerPoolOptions options)
    : m_url(std::move(url))
    , m_handlers(handlers)
    , m_metrics(metrics)
    , m_options(std::move(options))
{
    if (!m_options.heartbeats) {
        m_ownHeartbeats = std::make_unique<WorkerHeartbeats>();
        m_options.heartbeats = m_ownHeartbeats.get();
    }
}

WorkerPool::~WorkerPool()
{
    stop();
}

void WorkerPool::start()
{
    m_signal.clearStop();
    m_options.heartbeats->reset(m_options.workers, m_options.lease);
    for (int i = 0; i < m_options.workers; ++i)
        m_threads.push_back(std::make_unique<JobWorker>(m_url, m_signal, m_options, m_handlers, m_metrics, i));
    if (m_options.workers > 0 && m_url.dialect() == Dialect::Postgres)
        m_threads.push_back(std::make_unique<EnqueueListener>(m_url, m_signal));
    for (auto &thread : m_threads)
        thread->start();
    if (m_options.workers > 0) {
        WorkerInstance instance;
        instance.id = newId();
        instance.name = m_options.owner;
        instance.host = QSysInfo::machineHostName();
        instance.pid = QCoreApplication::applicationPid();
        instance.version = QStringLiteral(TWINOPS_VERSION);
        instance.jobType = m_options.platformJobType;
        instance.lease = m_options.lease;
        instance.startedAt = nowUtc();
        m_instanceHeartbeat = std::make_unique<InstanceHeartbeat>(
            m_url, instance, *m_options.heartbeats,
            std::max(std::chrono::milliseconds(100), std::min(m_options.registryInterval, m_options.lease / 3)));
        m_instanceHeartbeat->start();
    }
    if (m_options.workers > 0)
        qCInfo(lcJobs).noquote() << "started" << m_options.workers << "job workers as" << m_options.owner
                                 << (m_options.platformJobType.isEmpty()
                                         ? QString()
                                         : QStringLiteral("for ") + m_options.platformJobType);
}

void WorkerPool::stop()
{
    m_signal.requestStop();
    for (auto &thread : m_threads)
        thread->wait();
    m_threads.clear();
    m_instanceHeartbeat.reset(); // after the workers: its last write shows them holding nothing
    m_options.heartbeats->reset(0, m_options.lease);
}

void WorkerPool::wake()
{
    m_signal.wake();
}

} // namespace twinops
