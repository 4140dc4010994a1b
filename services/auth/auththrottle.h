#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QDateTime>
#include <QMutex>
#include <QString>

#include <chrono>

namespace twinops {

// A budget of attempts: at most `limit` within `window`; the attempt that takes the last of it makes the key wait
// `block`, after which each further attempt within the window takes one more and waits again. limit 0: no budget.
struct ThrottleRule
{
    int limit = 0;
    std::chrono::seconds window{0};
    std::chrono::seconds block{0};
};

// The budgets of the public routes (docs/decisions.md, "Issue #12: abuse controls" and "Issue #13: proxies and
// shared limits", says why these numbers).
struct AuthLimits
{
    ThrottleRule loginPerAccount{5, std::chrono::minutes(15), std::chrono::minutes(5)}; // per email and address
    ThrottleRule loginPerAddress{20, std::chrono::minutes(15), std::chrono::minutes(15)}; // failed logins
    ThrottleRule signupPerAddress{10, std::chrono::hours(1), std::chrono::hours(1)}; // sign-up attempts
    // Share-link visitors: a burst, then the rest of a window as long as the burst takes at the average rate.
    ThrottleRule shareReadPerAddress{20, std::chrono::seconds(20), std::chrono::seconds(20)}; // 60 a minute
    ThrottleRule shareChatPerAddress{10, std::chrono::seconds(20), std::chrono::seconds(20)}; // 30 a minute
    ThrottleRule shareChatPerLink{5, std::chrono::seconds(15), std::chrono::seconds(15)}; // 20 a minute

    // No rule's window is longer: a row whose window began before this and whose block is over is spent.
    static constexpr std::chrono::seconds kLongestWindow = std::chrono::hours(1);

    // The defaults, with the per-address limits from TWINOPS_LOGIN_FAILURES_PER_ADDRESS and
    // TWINOPS_SIGNUPS_PER_ADDRESS (whole numbers, 0 = no per-address limit); BadRequest for anything else.
    static Result<AuthLimits> fromEnvironment();
};

// The limits in force: read by every HTTP thread, replaced while they run (the daemon's SIGHUP reload).
class LiveAuthLimits
{
public:
    explicit LiveAuthLimits(const AuthLimits &limits)
        : m_limits(limits)
    { }
    AuthLimits get() const
    {
        const QMutexLocker locker(&m_mutex);
        return m_limits;
    }
    void set(const AuthLimits &limits)
    {
        const QMutexLocker locker(&m_mutex);
        m_limits = limits;
    }

private:
    mutable QMutex m_mutex;
    AuthLimits m_limits;
};

// Attempt budgets kept in auth_throttle, so that every process sharing the database counts the same attempts (logins,
// sign-ups, share-link visits: one way for every per-address or per-link limit).
// An attempt is taken from its budget before it is made (one conditional upsert, so concurrent attempts can never
// together exceed the limit) and given back if it turns out not to count (a login that succeeds).
class AuthThrottle
{
public:
    // The part of a client address a budget belongs to: an IPv6 client gets its /64 (one subscriber's network,
    // which hands out addresses freely), an IPv4-mapped one its IPv4 address; anything else is used as it is.
    static QString clientOf(const QString &peerAddress);

    // What take() took, for giveBack().
    struct Taken
    {
        QString key;
        QDateTime blockStarted; // the block this attempt started, or invalid
    };

    explicit AuthThrottle(Database &db)
        : m_db(db)
    { }

    // Takes one attempt from key's budget. RateLimited (with retryAfterSeconds and `refusal` as its message) while
    // the key waits; then nothing is taken.
    Result<Taken> take(const QString &key, const ThrottleRule &rule, const QDateTime &now, const QString &refusal);
    // take() for an attempt that is never given back.
    Status spend(const QString &key, const ThrottleRule &rule, const QDateTime &now, const QString &refusal)
    {
        TWINOPS_TRY(take(key, rule, now, refusal));
        return {};
    }
    // RateLimited (with retryAfterSeconds and `refusal` as its message) while the key waits; takes nothing. A read:
    // cheap enough to refuse a spent budget before any work is queued for the attempt.
    Status waiting(const QString &key, const QDateTime &now, const QString &refusal);
    // Returns an attempt that did not count, and lifts the block it started.
    Status giveBack(const Taken &taken);
    // Forgets the key's attempts (a successful login clears its account's budget).
    Status clear(const QString &key);

    // Deletes spent rows (window over and no block), `batchSize` per statement so that neither database holds a
    // lock for long; how many. Run periodically by the core (ServiceCore).
    static Result<qint64> prune(Database &db, const QDateTime &now, int batchSize = 500);

private:
    Database &m_db;
};

} // namespace twinops
