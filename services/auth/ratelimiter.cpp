#include "auth/ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace twinops {

namespace {

// Enough to shrink the table faster than one call can grow it, few enough that no call pays for a backlog.
constexpr int kDropsPerCall = 8;

} // namespace

RateLimiter::RateLimiter(int perMinute, int burst, qsizetype capacity, Clock clock)
    : m_perSecond(perMinute / 60.0)
    , m_burst(burst)
    , m_capacity(capacity)
    , m_clock(std::move(clock))
{ }

double RateLimiter::tokensAt(const Bucket &bucket, std::chrono::steady_clock::time_point now) const
{
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    return std::min(double(m_burst), bucket.tokens + elapsed * m_perSecond);
}

void RateLimiter::dropFullBuckets(std::chrono::steady_clock::time_point now)
{
    // Least recently used first: once the oldest bucket is not full yet, a younger one rarely is, and it will be
    // reached when its turn comes.
    for (int i = 0; i < kDropsPerCall && !m_byAge.empty() && tokensAt(m_byAge.front(), now) >= m_burst; ++i) {
        m_buckets.remove(m_byAge.front().key);
        m_byAge.pop_front();
    }
}

bool RateLimiter::allow(const QString &key, int *retryAfterSeconds)
{
    const auto now = m_clock();
    QMutexLocker locker(&m_mutex);
    dropFullBuckets(now);
    auto found = m_buckets.find(key);
    if (found == m_buckets.end()) {
        if (m_buckets.size() >= m_capacity)
            return true; // untracked: a new bucket would be full (see the class comment)
        m_byAge.push_back(Bucket{key, double(m_burst), now});
        found = m_buckets.insert(key, std::prev(m_byAge.end()));
    }
    const Buckets::iterator bucket = *found;
    m_byAge.splice(m_byAge.end(), m_byAge, bucket); // now the most recently used
    bucket->tokens = tokensAt(*bucket, now);
    bucket->updated = now;
    if (bucket->tokens >= 1.0) {
        bucket->tokens -= 1.0;
        return true;
    }
    *retryAfterSeconds = int(std::ceil((1.0 - bucket->tokens) / m_perSecond));
    return false;
}

qsizetype RateLimiter::size() const
{
    QMutexLocker locker(&m_mutex);
    return m_buckets.size();
}

} // namespace twinops
