#pragma once

#include "storage/databaseurl.h"

#include <QThread>

namespace twinops {

class PoolSignal;

// PostgreSQL: LISTENs for enqueues from any process on a connection of its own and wakes the pool's idle workers
// at once instead of at their next poll. Reconnects when the connection is lost.
class EnqueueListener final : public QThread
{
public:
    EnqueueListener(DatabaseUrl url, PoolSignal &signal);

protected:
    void run() override;

private:
    const DatabaseUrl m_url;
    PoolSignal &m_signal;
};

} // namespace twinops
