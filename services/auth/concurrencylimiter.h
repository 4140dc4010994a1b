#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>

namespace twinops {

// At most `limit` holders per key at once (a tenant's chats, a share link's chats). Thread-safe. A key with no
// holder takes no memory, so a spray of keys cannot grow it.
class ConcurrencyLimiter
{
public:
    explicit ConcurrencyLimiter(int limit)
        : m_limit(limit)
    { }

    // Held while the work runs; releases its place when destroyed.
    class Slot
    {
    public:
        Slot(ConcurrencyLimiter &limiter, QString key)
            : m_limiter(limiter)
            , m_key(std::move(key))
        { }
        ~Slot() { m_limiter.release(m_key); }
        Slot(const Slot &) = delete;
        Slot &operator=(const Slot &) = delete;

    private:
        ConcurrencyLimiter &m_limiter;
        QString m_key;
    };

    // A slot, or null when `key` already has `limit` holders.
    std::unique_ptr<Slot> tryAcquire(const QString &key)
    {
        QMutexLocker locker(&m_mutex);
        int &holders = m_holders[key];
        if (holders >= m_limit)
            return nullptr;
        ++holders;
        return std::make_unique<Slot>(*this, key);
    }

    int holders(const QString &key) const
    {
        QMutexLocker locker(&m_mutex);
        return m_holders.value(key);
    }

private:
    void release(const QString &key)
    {
        QMutexLocker locker(&m_mutex);
        if (auto it = m_holders.find(key); it != m_holders.end() && --*it <= 0)
            m_holders.erase(it);
    }

    const int m_limit;
    mutable QMutex m_mutex;
    QHash<QString, int> m_holders;
};

} // namespace twinops
