#include "auth/ratelimiter.h"

#include <QDateTime>

#include <cmath>

namespace twinops {

bool RateLimiter::allow(const QString &key, int *retryAfterSeconds)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const double perMs = m_perMinute / 60000.0;
    QMutexLocker locker(&m_mutex);
    if (m_buckets.size() > 100'000) // forget idle keys rather than grow without bound
        m_buckets.clear();
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket{double(m_burst), now});
    it->tokens = std::min(double(m_burst), it->tokens + double(now - it->updatedMs) * perMs);
    it->updatedMs = now;
    if (it->tokens >= 1.0) {
        it->tokens -= 1.0;
        return true;
    }
    *retryAfterSeconds = int(std::ceil((1.0 - it->tokens) / perMs / 1000.0));
    return false;
}

} // namespace twinops
