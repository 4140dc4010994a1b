#pragma once

// A gate that threads wait at until the test opens it, so that a test can act while a call is certainly under way on
// another thread (and a wait for that thread would never end).
#include <condition_variable>
#include <mutex>

namespace twinops::test {

class Gate
{
public:
    void close()
    {
        const std::lock_guard lock(m_mutex);
        m_open = false;
    }
    void open()
    {
        const std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }
    // Whether a thread is waiting at the gate now.
    bool holdsSomeone()
    {
        const std::lock_guard lock(m_mutex);
        return m_held > 0;
    }
    // Returns when the gate is open.
    void pass()
    {
        std::unique_lock lock(m_mutex);
        ++m_held;
        m_changed.wait(lock, [this] { return m_open; });
        --m_held;
    }

private:
    // Standard primitives: ThreadSanitizer cannot see QWaitCondition::wait release a QMutex.
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_open = true;
    int m_held = 0;
};

} // namespace twinops::test
