#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QString>

namespace twinops {

class Database;

// One row of audit_log: who did what to which target. actorType names the principal kind (user, api_key,
// platform_admin, anonymous) or, for what no principal does, "system" (cleanup of a checklist run, a
// user's keys revoked with the user) and "cli" (twinopsd admin).
struct AuditEntry
{
    QString tenantId; // empty: not about one tenant
    QString actorType;
    QString actorId;
    QString action;
    QString targetType;
    QString targetId;
    QJsonObject details;
    QString requestId;
    QString clientAddress; // the request's client (HttpRequest::client); empty when no request made the change
};

// Writes the entry on `db`, inside the caller's transaction if one is open.
Status writeAudit(Database &db, const AuditEntry &entry);

} // namespace twinops
