#include "auth/auththrottle.h"

#include "core/environment.h"

#include <QHostAddress>

#include <algorithm>

namespace twinops {

namespace {

static_assert(AuthLimits{}.loginPerAccount.window <= AuthLimits::kLongestWindow
                  && AuthLimits{}.loginPerAddress.window <= AuthLimits::kLongestWindow
                  && AuthLimits{}.signupPerAddress.window <= AuthLimits::kLongestWindow
                  && AuthLimits{}.shareReadPerAddress.window <= AuthLimits::kLongestWindow
                  && AuthLimits{}.shareChatPerAddress.window <= AuthLimits::kLongestWindow
                  && AuthLimits{}.shareChatPerLink.window <= AuthLimits::kLongestWindow,
              "prune() would delete rows whose window is still running");

} // namespace

Result<AuthLimits> AuthLimits::fromEnvironment()
{
    AuthLimits limits;
    TWINOPS_TRY_ASSIGN(limits.loginPerAddress.limit,
                       integerFromEnvironment("TWINOPS_LOGIN_FAILURES_PER_ADDRESS", limits.loginPerAddress.limit, 0,
                                              1'000'000, QStringLiteral("0 (no limit)")));
    TWINOPS_TRY_ASSIGN(limits.signupPerAddress.limit,
                       integerFromEnvironment("TWINOPS_SIGNUPS_PER_ADDRESS", limits.signupPerAddress.limit, 0,
                                              1'000'000, QStringLiteral("0 (no limit)")));
    return limits;
}

QString AuthThrottle::clientOf(const QString &peerAddress)
{
    QHostAddress address(peerAddress);
    if (address.isNull())
        return peerAddress; // not an IP address (the console's in-process calls)
    bool mapped = false;
    if (const quint32 ipv4 = address.toIPv4Address(&mapped); mapped)
        return QHostAddress(ipv4).toString();
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address.toString();
    Q_IPV6ADDR bytes = address.toIPv6Address();
    std::fill(std::begin(bytes.c) + 8, std::end(bytes.c), quint8(0));
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

Result<AuthThrottle::Taken> AuthThrottle::take(const QString &key, const ThrottleRule &rule, const QDateTime &now,
                                               const QString &refusal)
{
    // One statement decides and counts: a waiting key's row is left alone (the WHERE of DO UPDATE, so RETURNING
    // gives nothing), an ended window starts again at 1, and the attempt that reaches the limit sets the block.
    const QDateTime blockEnds = now.addSecs(rule.block.count());
    TWINOPS_TRY_ASSIGN(
        const auto counted,
        m_db.query(
            QStringLiteral(
                "INSERT INTO auth_throttle (key, failures, window_started_at, blocked_until) VALUES ($1, 1, $2, $3) "
                "ON CONFLICT (key) DO UPDATE SET "
                "failures = CASE WHEN auth_throttle.window_started_at > $4 THEN auth_throttle.failures + 1 ELSE 1 END, "
                "window_started_at = CASE WHEN auth_throttle.window_started_at > $4 "
                "THEN auth_throttle.window_started_at ELSE $2 END, "
                "blocked_until = CASE WHEN (CASE WHEN auth_throttle.window_started_at > $4 "
                "THEN auth_throttle.failures + 1 ELSE 1 END) >= $5 THEN $6 ELSE auth_throttle.blocked_until END "
                "WHERE auth_throttle.blocked_until IS NULL OR auth_throttle.blocked_until <= $2 "
                "RETURNING failures"),
            {key, now, rule.limit <= 1 ? QVariant(blockEnds) : QVariant(), now.addSecs(-rule.window.count()),
             rule.limit, blockEnds}));
    if (!counted.isEmpty())
        return Taken{key, counted.first().integer(0) >= rule.limit ? blockEnds : QDateTime()};

    TWINOPS_TRY(waiting(key, now, refusal));
    return Error{ErrorCode::RateLimited, refusal, {}, 1}; // the block ended in between: try again in a second
}

Status AuthThrottle::waiting(const QString &key, const QDateTime &now, const QString &refusal)
{
    TWINOPS_TRY_ASSIGN(const auto blocked,
                       m_db.query(QStringLiteral("SELECT blocked_until FROM auth_throttle WHERE key = $1"), {key}));
    if (blocked.isEmpty() || blocked.first().isNull(0) || blocked.first().time(0) <= now)
        return {};
    return Error{ErrorCode::RateLimited, refusal, {}, std::max(1, int(now.secsTo(blocked.first().time(0))) + 1)};
}

Status AuthThrottle::giveBack(const Taken &taken)
{
    return discardRows(
        m_db.query(QStringLiteral("UPDATE auth_throttle SET failures = failures - 1, "
                                  "blocked_until = CASE WHEN blocked_until = $2 THEN NULL ELSE blocked_until END "
                                  "WHERE key = $1 AND failures > 0"),
                   {taken.key, taken.blockStarted.isValid() ? QVariant(taken.blockStarted) : QVariant()}));
}

Status AuthThrottle::clear(const QString &key)
{
    return discardRows(m_db.query(QStringLiteral("DELETE FROM auth_throttle WHERE key = $1"), {key}));
}

Result<qint64> AuthThrottle::prune(Database &db, const QDateTime &now, int batchSize)
{
    // The conditions are repeated outside the subquery so that PostgreSQL re-checks them on a row that a
    // concurrent attempt has just taken from (its window restarted) and leaves it alone.
    const QString spent = QStringLiteral("window_started_at < $1 AND (blocked_until IS NULL OR blocked_until <= $2)");
    const QString sql = QStringLiteral("DELETE FROM auth_throttle WHERE key IN (SELECT key FROM auth_throttle WHERE %1 "
                                       "LIMIT $3) AND %1")
                            .arg(spent);
    const QDateTime windowsBegunBefore = now.addSecs(-AuthLimits::kLongestWindow.count());
    qint64 removed = 0;
    for (;;) {
        TWINOPS_TRY_ASSIGN(const auto deleted, db.query(sql, {windowsBegunBefore, now, batchSize}));
        removed += deleted.rowsAffected();
        if (deleted.rowsAffected() < batchSize)
            return removed;
    }
}

} // namespace twinops
