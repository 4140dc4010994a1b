#pragma once

// A gate that threads wait at until the test opens it, so that a test can act while a call is certainly under way on
// another thread (and a wait for that thread would never end).
#include <QMutex>
#include <QMutexLocker>
#include <QWaitCondition>

namespace twinops::test {

class Gate
{
public:
    void close()
    {
        QMutexLocker lock(&m_mutex);
        m_open = false;
    }
    void open()
    {
        QMutexLocker lock(&m_mutex);
        m_open = true;
        m_changed.wakeAll();
    }
    // Whether a thread is waiting at the gate now.
    bool holdsSomeone()
    {
        QMutexLocker lock(&m_mutex);
        return m_held > 0;
    }
    // Returns when the gate is open.
    void pass()
    {
        QMutexLocker lock(&m_mutex);
        ++m_held;
        while (!m_open)
            m_changed.wait(&m_mutex);
        --m_held;
    }

private:
    QMutex m_mutex;
    QWaitCondition m_changed;
    bool m_open = true;
    int m_held = 0;
};

} // namespace twinops::test
