#include "jobs/enqueuelistener.h"

#include "jobs/poolsignal.h"
#include "jobs/queuestatements.h"
#include "storage/database.h"

namespace twinops {

using namespace std::chrono_literals;

EnqueueListener::EnqueueListener(DatabaseUrl url, PoolSignal &signal)
    : m_url(std::move(url))
    , m_signal(signal)
{
    setObjectName(QStringLiteral("job-listener"));
}

void EnqueueListener::run()
{
    while (!m_signal.stopping()) {
        auto db = connectUntilStopped(m_url, m_signal, "job listener");
        if (!db)
            return;
        if (!db->query(QueueStatements::of(db->dialect()).listen).ok()) {
            QThread::msleep(500);
            continue;
        }
        while (!m_signal.stopping()) {
            auto notified = db->waitForNotification(250ms); // also how quickly stop() is noticed
            if (!notified.ok())
                break; // reconnect
            if (*notified)
                m_signal.wake();
        }
    }
}

} // namespace twinops
