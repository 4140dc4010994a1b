#pragma once

#include "tenancy/tenancy.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace twinops {

// Who is asking. Every tenant-scoped query takes tenantId from here, never from the request.
struct Principal
{
    enum class Kind { Anonymous, User, ApiKey, ShareLink, PlatformAdmin };

    Kind kind = Kind::Anonymous;
    QString tenantId; // empty for Anonymous, and for PlatformAdmin unless it acts inside a tenant (X-Twinops-Tenant)
    QString userId; // User
    Role role = Role::Viewer; // User: the role stored now, not the one in the token; Owner for an acting admin
    QString apiKeyId; // ApiKey and admin keys
    QStringList scopes; // ApiKey
    std::optional<QStringList> twinAllowList; // ApiKey: twins outside it are invisible
    QString shareLinkId; // ShareLink
    QString shareTwinId; // ShareLink
    // User, or an API key the user created: the user's password is one an admin generated, so the router lets the
    // request reach only the routes that allow it (Access::beforePasswordChange).
    bool mustChangePassword = false;

    // A twin outside an API key's allow-list does not exist for that key.
    bool canSeeTwin(const QString &twinId) const { return !twinAllowList || twinAllowList->contains(twinId); }
    QString actorId() const { return kind == Kind::User ? userId : apiKeyId; }
};

// The API-key scopes of resources/api/openapi.json.
namespace scopes {
inline const QString twinsRead = QStringLiteral("twins:read");
inline const QString twinsWrite = QStringLiteral("twins:write");
inline const QString sourcesWrite = QStringLiteral("sources:write");
inline const QString chat = QStringLiteral("chat");
inline const QString jobsRead = QStringLiteral("jobs:read");
inline const QString jobsWrite = QStringLiteral("jobs:write");
inline QStringList all()
{
    return {twinsRead, twinsWrite, sourcesWrite, chat, jobsRead, jobsWrite};
}
} // namespace scopes

} // namespace twinops
