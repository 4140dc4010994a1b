#include "storage/auditlog.h"

#include "core/ids.h"
#include "storage/database.h"

#include <QJsonDocument>

namespace twinops {

Status writeAudit(Database &db, const AuditEntry &entry)
{
    auto orNull = [](const QString &text) { return text.isEmpty() ? QVariant() : QVariant(text); };
    return discardRows(db.query(
        QStringLiteral(
            "INSERT INTO audit_log (tenant_id, actor_type, actor_id, action, target_type, target_id, details, "
            "request_id, client_address, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
        {orNull(entry.tenantId), entry.actorType, orNull(entry.actorId), entry.action, orNull(entry.targetType),
         orNull(entry.targetId), QString::fromUtf8(QJsonDocument(entry.details).toJson(QJsonDocument::Compact)),
         orNull(entry.requestId), orNull(entry.clientAddress), nowUtc()}));
}

} // namespace twinops
