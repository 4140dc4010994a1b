#include "jobs/poolsignal.h"

#include "core/logging.h"
#include "storage/database.h"

#include <QDeadlineTimer>
#include <QThread>

namespace twinops {

void PoolSignal::wake()
{
    QMutexLocker locker(&m_mutex);
    ++m_wakeups;
    m_wakeUp.wakeAll();
}

bool PoolSignal::waitForWork(std::chrono::milliseconds timeout)
{
    QMutexLocker locker(&m_mutex);
    const quint64 seen = m_wakeups;
    if (m_stopping)
        return false;
    m_wakeUp.wait(&m_mutex, QDeadlineTimer(timeout.count()));
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
