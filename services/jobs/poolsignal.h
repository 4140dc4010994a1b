#pragma once

#include <QtGlobal>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace twinops {

class Database;
class DatabaseUrl;

// What the worker pool tells its threads: work may be waiting (wake), or stop. Shared by the pool, its workers
// and its listener; every member is safe to call from any thread.
class PoolSignal final
{
public:
    // Wakes every thread waiting for work.
    void wake();
    // Waits until woken, asked to stop or the timeout passes; returns whether it was woken.
    bool waitForWork(std::chrono::milliseconds timeout);

    void requestStop();
    void clearStop();
    bool stopping() const { return m_stopping; }

private:
    std::atomic<bool> m_stopping{false};
    // Standard, not Qt, primitives: ThreadSanitizer cannot see QWaitCondition::wait release the mutex (see WorkPool).
    std::mutex m_mutex;
    std::condition_variable m_wakeUp;
    quint64 m_wakeups = 0; // guarded by m_mutex; tells a waiter whether it was woken
};

// Opens the database, retrying every 500 ms until it succeeds or stop is requested (then null). `who` names the
// thread in the one warning it logs.
std::unique_ptr<Database> connectUntilStopped(const DatabaseUrl &url, const PoolSignal &signal, const char *who);

} // namespace twinops
