#pragma once

#include "storage/auditlog.h"

namespace twinops::app {

// An audit entry for what the operator did on the command line (actor "cli") to a platform-admin key, in the
// caller's transaction.
inline Status auditCli(Database &db, const QString &action, const QString &keyId, const QJsonObject &details = {})
{
    return writeAudit(db, {{}, QStringLiteral("cli"), {}, action, QStringLiteral("api_key"), keyId, details, {}, {}});
}

} // namespace twinops::app
