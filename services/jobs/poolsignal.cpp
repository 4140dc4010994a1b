#include "jobs/poolsignal.h"

#include "core/logging.h"
#include "storage/database.h"

#include <QThread>

namespace twinops {

void PoolSignal::wake()
{
    const std::lock_guard locker(m_mutex);
    ++m_wakeups;
    m_wakeUp.notify_all();
}

bool PoolSignal::waitForWork(std::chrono::milliseconds timeout)
{
    std::unique_lock locker(m_mutex);
    const quint64 seen = m_wakeups;
    if (m_stopping)
        return false;
    m_wakeUp.wait_for(locker, timeout);
    return m_wakeups != seen;
}

void PoolSignal::requestStop()
{
    m_stopping = true;
    wake();
}

void PoolSignal::clearStop()
{
    m_stopping = false;
}

std::unique_ptr<Database> connectUntilStopped(const DatabaseUrl &url, const PoolSignal &signal, const char *who)
{
    bool reported = false;
    while (!signal.stopping()) {
        auto db = Database::open(url);
        if (db.ok())
            return std::move(db).value();
        if (!reported)
            qCWarning(lcJobs).noquote() << who << "waiting for the database:" << db.error().message;
        reported = true;
        QThread::msleep(500);
    }
    return nullptr;
}

} // namespace twinops
