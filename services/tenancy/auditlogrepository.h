#pragma once

#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace twinops {

// What GET /api/v1/admin/audit narrows the log to; an empty field does not filter.
struct AuditFilter
{
    QString tenantId; // a UUID
    QString actor; // the actor's id, or a user's email
    QString action; // exact, e.g. "tenant.update"
    QString text; // a case-insensitive substring of the action, target, actor, client address or details
    QDateTime since; // inclusive
    QDateTime until; // exclusive
};

// One audit_log row with the readable names that are cheap to find (empty when the object is gone or has none).
struct AuditRecord
{
    QString id; // the bigint identity, as text: the cursor's id and exact in JSON whatever its size
    QDateTime createdAt;
    QString tenantId;
    QString tenantName;
    QString actorType;
    QString actorId;
    QString actorName; // a user's email or an API key's name
    QString action;
    QString targetType;
    QString targetId;
    QString targetName; // for tenant, user, twin and api_key targets
    QJsonObject details;
    QString requestId;
    QString clientAddress;
};

// Reads the audit log (storage/auditlog.h writes it), newest first. Platform-admin code paths only: it spans tenants.
class AuditLogRepository
{
public:
    explicit AuditLogRepository(Database &db)
        : m_db(db)
    { }

    // `page` must ask for the newest first and carry a CursorId::Serial cursor.
    Result<Page<AuditRecord>> list(const AuditFilter &filter, const PageRequest &page);

private:
    Status addNames(QList<AuditRecord> &records);

    Database &m_db;
};

} // namespace twinops
