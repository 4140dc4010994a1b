#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <QDateTime>
#include <QStringList>

#include <optional>

namespace twinops {

// Why a key stopped working (api_keys.revoked_reason): revoked by hand, or ended with its creator's access.
enum class KeyRevocation { Manual, CreatorRevoked, CreatorDeactivated, CreatorDeleted };
QString keyRevocationName(KeyRevocation reason);

struct ApiKey
{
    QString id;
    QString tenantId; // empty for a platform-admin key
    QString name;
    QString prefix; // the public part of the key, shown in lists
    QStringList scopes;
    std::optional<QStringList> twinIds;
    bool isAdmin = false;
    QString createdBy; // the user who created it; empty for admin keys, keys made by a platform admin, and keys
                       // whose creator was deleted (revoked then, see revokedReason)
    QDateTime expiresAt; // invalid = never
    QDateTime revokedAt;
    QDateTime lastUsedAt;
    QDateTime createdAt;
    QString revokedReason; // keyRevocationName(); empty unless revoked
    QString createdByEmail; // the creator's address, in lists and in the answer to a creation
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
    Result<Issued> createPlatformAdmin(const QString &name, std::optional<int> expiresInDays = std::nullopt);
    Result<Page<ApiKey>> list(const QString &tenantId, const PageRequest &page);
    Result<Page<ApiKey>> listPlatformAdmin(const PageRequest &page);
    // Revoking a revoked key again is not an error and keeps its first revocation time and reason.
    Result<ApiKey> revoke(const QString &tenantId, const QString &id);
    Result<ApiKey> revokePlatformAdmin(const QString &id);
    // Revokes every key the user created that still works; returns their ids (for the audit log).
    Result<QStringList> revokeCreatedBy(const QString &userId, KeyRevocation reason);

    // The principal a presented key stands for: Unauthorized unless it exists, matches, is not revoked, has not
    // expired and its creator (if any) may still sign in; Forbidden when its tenant is suspended.
    Result<Principal> authenticate(const QString &presentedKey);

private:
    Result<Issued> insert(const QString &tenantId, const NewApiKey &key, bool isAdmin);
    Result<ApiKey> revokeWhere(const QString &condition, const QVariantList &params);
    Database &m_db;
};

} // namespace twinops
