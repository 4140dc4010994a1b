#include "http/workpool.h"

#include "http/apicontext.h"
#include "metrics/metricsregistry.h"

#include <QThread>

namespace twinops {

WorkPool::WorkPool(ApiShared &shared, QString name, int maxThreads, int maxQueued)
    : m_shared(shared)
    , m_name(std::move(name))
    , m_maxThreads(std::max(1, maxThreads))
    , m_maxQueued(std::max(0, maxQueued))
    , m_tasksGauge(shared.metrics.gauge(QStringLiteral("twinops_http_pool_tasks"),
                                        QStringLiteral("Requests running or waiting on a pool, by pool"),
                                        {{QStringLiteral("pool"), m_name}}))
    , m_rejected(shared.metrics.counter(QStringLiteral("twinops_http_pool_rejected_total"),
                                        QStringLiteral("Requests answered 503 because their pool was full, by pool"),
                                        {{QStringLiteral("pool"), m_name}}))
{
    shared.metrics
        .gauge(QStringLiteral("twinops_http_pool_capacity"),
               QStringLiteral("Requests a pool takes at once (threads plus waiting places), by pool"),
               {{QStringLiteral("pool"), m_name}})
        .set(m_maxThreads + m_maxQueued);
}

WorkPool::~WorkPool()
{
    stop();
}

bool WorkPool::trySubmit(Task task)
{
    const std::lock_guard locker(m_mutex);
    if (m_stopping)
        return false;
    if (m_inFlight >= m_maxThreads + m_maxQueued) {
        m_rejected.inc();
        return false;
    }
    m_tasksGauge.set(++m_inFlight);
    m_queue.push_back(std::move(task));
    // While no more tasks are in flight than there are threads, a thread is idle for every queued task
    // (threads - running >= queued); otherwise one more thread is started, up to the maximum.
    if (m_inFlight <= int(m_threads.size())) {
        m_wake.notify_one();
    } else if (int(m_threads.size()) < m_maxThreads) {
        std::unique_ptr<QThread> thread(QThread::create([this] { work(); }));
        thread->setObjectName(QStringLiteral("%1-%2").arg(m_name).arg(m_threads.size()));
        thread->start();
        m_threads.push_back(std::move(thread));
    }
    return true;
}

void WorkPool::work()
{
    ApiContext api(m_shared); // this thread's database connection, opened by the first task that needs it
    std::unique_lock locker(m_mutex);
    for (;;) {
        while (m_queue.empty() && !m_stopping)
            m_wake.wait(locker);
        if (m_queue.empty())
            return; // stopping, and nothing left to do
        Task task = std::move(m_queue.front());
        m_queue.pop_front();
        locker.unlock();
        task(api);
        task = nullptr; // what the task captured goes before the next one starts
        locker.lock();
        m_tasksGauge.set(--m_inFlight);
    }
}

void WorkPool::stop()
{
    std::vector<std::unique_ptr<QThread>> threads;
    {
        const std::lock_guard locker(m_mutex);
        m_stopping = true;
        m_wake.notify_all();
        threads.swap(m_threads);
    }
    for (auto &thread : threads)
        thread->wait();
}

} // namespace twinops
