#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

namespace twinops {

// A token bucket per key (client address, share token …), in memory: limits abuse of one process. Thread-safe.
class RateLimiter
{
public:
    RateLimiter(int perMinute, int burst) : m_perMinute(perMinute), m_burst(burst) { }

    // True if the key may proceed now; otherwise *retryAfterSeconds says when it may.
    bool allow(const QString &key, int *retryAfterSeconds);

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    const int m_perMinute;
    const int m_burst;
    QMutex m_mutex;
    QHash<QString, Bucket> m_buckets;
};

} // namespace twinops
