#pragma once

#include "auth/apikeyrepository.h"
#include "core/result.h"

#include <QStringList>

namespace twinops {

class Database;

// Ends a user's access for good, when the user is revoked, deactivated or deleted: every session (the refresh tokens
// are revoked, and access tokens issued until now are refused from now on through users.sessions_valid_after) and
// every API key the user created (revoked with `reason`). Restoring or reactivating the user later brings none of it
// back. Runs inside the caller's transaction; returns the ids of the keys it revoked, for the audit log.
Result<QStringList> endUserAccess(Database &db, const QString &userId, KeyRevocation reason);

// Ends every session of the user (the first half of endUserAccess) and leaves the user's API keys alone: the user
// signs in again with the password. Runs inside the caller's transaction.
Status endUserSessions(Database &db, const QString &userId);

} // namespace twinops
