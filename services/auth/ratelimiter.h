#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

#include <chrono>
#include <functional>
#include <list>

namespace twinops {

// A token bucket per key (client address, share link …), in memory: limits abuse of one process. Thread-safe.
//
// Time is monotonic: a wall clock set back would refill nobody, set forward everybody. A bucket that has refilled
// to its burst behaves exactly like an absent one, so such buckets are dropped, oldest first, a few at every call.
// At most `capacity` buckets are held; when every one of them is still holding its key back, a new key is let through
// without a bucket (a new bucket would be full and let it through too) rather than forgetting a bucket that limits
// someone. So a spray of new keys can never reset anyone's limit.
class RateLimiter final
{
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr qsizetype kDefaultCapacity = 100'000;

    RateLimiter(int perMinute, int burst, qsizetype capacity = kDefaultCapacity,
                Clock clock = &std::chrono::steady_clock::now);

    // True if the key may proceed now; otherwise *retryAfterSeconds says when it may.
    bool allow(const QString &key, int *retryAfterSeconds);

    // How many buckets are held (for tests and diagnostics).
    qsizetype size() const;

private:
    struct Bucket
    {
        QString key;
        double tokens = 0;
        std::chrono::steady_clock::time_point updated;
    };
    using Buckets = std::list<Bucket>; // least recently used first

    double tokensAt(const Bucket &bucket, std::chrono::steady_clock::time_point now) const;
    void dropFullBuckets(std::chrono::steady_clock::time_point now);

    const double m_perSecond;
    const int m_burst;
    const qsizetype m_capacity;
    const Clock m_clock;
    mutable QMutex m_mutex;
    Buckets m_byAge;
    QHash<QString, Buckets::iterator> m_buckets;
};

} // namespace twinops
