#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <QDateTime>
#include <QStringList>

#include <optional>

namespace twinops {

struct ApiKey
{
    QString id;
    QString tenantId; // empty for a platform-admin key
    QString name;
    QString prefix; // the public part of the key, shown in lists
    QStringList scopes;
    std::optional<QStringList> twinIds;
    bool isAdmin = false;
    QString createdBy;
    QDateTime expiresAt; // invalid = never
    QDateTime revokedAt;
    QDateTime lastUsedAt;
    QDateTime createdAt;
};

struct NewApiKey
{
    QString name;
    QStringList scopes;
    std::optional<QStringList> twinIds;
    std::optional<int> expiresInDays;
    QString createdBy; // user id, may be empty
};

// "twk_" + public prefix + "_" + secret. Only a SHA-256 of the whole key is stored (the secret has 256 bits of
// entropy, so a slow hash would add nothing); the key is shown once, when created.
class ApiKeyRepository
{
public:
    explicit ApiKeyRepository(Database &db)
        : m_db(db)
    { }

    struct Issued
    {
        ApiKey key;
        QString secret; // the full key, shown once
    };
    Result<Issued> create(const QString &tenantId, const NewApiKey &key);
    Result<Issued> createPlatformAdmin(const QString &name);
    Result<Page<ApiKey>> list(const QString &tenantId, const PageRequest &page);
    Status revoke(const QString &tenantId, const QString &id);

    // The principal a presented key stands for: Unauthorized unless it exists, matches, is not revoked and has
    // not expired; Forbidden when its tenant is suspended.
    Result<Principal> authenticate(const QString &presentedKey);

private:
    Result<Issued> insert(const QString &tenantId, const NewApiKey &key, bool isAdmin);
    Database &m_db;
};

} // namespace twinops
