#include "auth/useraccess.h"

#include "core/ids.h"
#include "storage/database.h"

namespace twinops {

Status endUserSessions(Database &db, const QString &userId)
{
    const QDateTime now = nowUtc();
    // An access token's iat has second precision: the next whole second is the first time no token of the ended
    // sessions can carry. A login right after a restore gets that iat (AuthService issues no earlier one).
    QDateTime validAfter = utcFromMSecs((now.toSecsSinceEpoch() + 1) * 1000);
    // A session opened right after the previous end carries that end as its iat (AuthService never issues an earlier
    // one), which may still lie ahead: this end must come after it, or that session would survive.
    TWINOPS_TRY_ASSIGN(const auto previous,
                       db.query(QStringLiteral("SELECT sessions_valid_after FROM users WHERE id = $1"), {userId}));
    if (!previous.isEmpty() && !previous.first().isNull(0) && previous.first().time(0) >= validAfter)
        validAfter = previous.first().time(0).addSecs(1);
    TWINOPS_TRY(
        db.query(QStringLiteral("UPDATE users SET sessions_valid_after = $2 WHERE id = $1"), {userId, validAfter}));
    TWINOPS_TRY(
        db.query(QStringLiteral("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"),
                 {userId, now}));
    return {};
}

Result<QStringList> endUserAccess(Database &db, const QString &userId, KeyRevocation reason)
{
    TWINOPS_TRY(endUserSessions(db, userId));
    return ApiKeyRepository(db).revokeCreatedBy(userId, reason);
}

} // namespace twinops
