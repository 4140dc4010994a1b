#pragma once

#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <QDateTime>

#include <optional>

namespace twinops {

struct ShareLink
{
    QString id;
    QString tenantId;
    QString twinId;
    QString tokenPrefix; // first characters of the token, to recognise a link in a list
    QString createdBy;
    QDateTime expiresAt; // invalid = never
    QDateTime revokedAt;
    QDateTime lastUsedAt;
    QDateTime createdAt;
};

// Public links to chat with one twin. The token is shown once; only its SHA-256 is stored. Anything wrong with a
// presented token (unknown, revoked, expired, its twin archived or its tenant suspended) is NotFound: fail closed
// and never say which.
class ShareLinkRepository
{
public:
    explicit ShareLinkRepository(Database &db)
        : m_db(db)
    { }

    struct Issued
    {
        ShareLink link;
        QString token;
    };
    Result<Issued> create(const QString &tenantId, const QString &twinId, std::optional<int> expiresInDays,
                          const QString &createdBy);
    Result<Page<ShareLink>> list(const QString &tenantId, const QString &twinId, const PageRequest &page);
    Status revoke(const QString &tenantId, const QString &id);
    Result<ShareLink> resolve(const QString &token);

private:
    Database &m_db;
};

} // namespace twinops
