#include "auth/apikeyrepository.h"

#include "auth/crypto.h"
#include "core/ids.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace twinops {

namespace {

const QString kColumns = QStringLiteral("id, tenant_id, name, prefix, scopes, twin_ids, is_admin, created_by, "
                                        "expires_at, revoked_at, last_used_at, created_at, revoked_reason");
constexpr int kColumnCount = 13;
// kColumns and the creator's address, for lists.
const QString kSelectWithCreator = QStringLiteral("SELECT ") + kColumns
    + QStringLiteral(", (SELECT email FROM users WHERE users.id = api_keys.created_by) FROM api_keys");
constexpr qint64 kLastUsedResolutionMs = 60'000; // last_used_at is written at most once a minute per key

QStringList stringList(const QString &json)
{
    QStringList list;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        list.append(v.toString());
    return list;
}

QString jsonList(const QStringList &list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

ApiKey keyFromRow(const Row &row)
{
    ApiKey key{row.text(0),  row.text(1),    row.text(2),  row.text(3), stringList(row.text(4)),
               std::nullopt, row.boolean(6), row.text(7),  row.time(8), row.time(9),
               row.time(10), row.time(11),   row.text(12), {}};
    if (!row.isNull(5))
        key.twinIds = stringList(row.text(5));
    if (row.size() > kColumnCount)
        key.createdByEmail = row.text(kColumnCount);
    return key;
}

Error keyNotFound()
{
    return Error::notFound(QStringLiteral("API key not found"));
}

} // namespace

QString keyRevocationName(KeyRevocation reason)
{
    switch (reason) {
    case KeyRevocation::Manual: return QStringLiteral("manual");
    case KeyRevocation::CreatorRevoked: return QStringLiteral("creator_revoked");
    case KeyRevocation::CreatorDeactivated: return QStringLiteral("creator_deactivated");
    case KeyRevocation::CreatorDeleted: return QStringLiteral("creator_deleted");
    }
    return QStringLiteral("manual");
}

Result<ApiKeyRepository::Issued> ApiKeyRepository::insert(const QString &tenantId, const NewApiKey &request,
                                                          bool isAdmin)
{
    QHash<QString, QString> problems;
    const QString name = request.name.trimmed();
    if (name.isEmpty() || name.size() > 100)
        problems.insert(QStringLiteral("name"), QStringLiteral("must be 1 to 100 characters"));
    for (const QString &scope : request.scopes) {
        if (!scopes::all().contains(scope))
            problems.insert(QStringLiteral("scopes"), QStringLiteral("unknown scope \"%1\"").arg(scope));
    }
    if (!isAdmin && request.scopes.isEmpty())
        problems.insert(QStringLiteral("scopes"), QStringLiteral("must name at least one scope"));
    if (request.expiresInDays && (*request.expiresInDays < 1 || *request.expiresInDays > 3650))
        problems.insert(QStringLiteral("expires_in_days"), QStringLiteral("must be between 1 and 3650"));
    if (request.twinIds) {
        for (const QString &id : *request.twinIds) {
            if (!isUuid(id))
                problems.insert(QStringLiteral("twin_ids"), QStringLiteral("must be twin ids"));
        }
    }
    if (!problems.isEmpty())
        return Error::validation(problems);
    if (request.twinIds && !request.twinIds->isEmpty()) {
        // Every listed twin must be one of this tenant's: a foreign id is as unknown as a missing one.
        QVariantList params{tenantId};
        const QString placeholders = appendInList(params, *request.twinIds);
        TWINOPS_TRY_ASSIGN(
            const auto found,
            m_db.query(
                QStringLiteral("SELECT count(*) FROM twins WHERE tenant_id = $1 AND id IN (%1)").arg(placeholders),
                params));
        if (found.first().integer(0) != QSet<QString>(request.twinIds->cbegin(), request.twinIds->cend()).size())
            return Error::notFound(QStringLiteral("twin not found"));
    }

    const QDateTime now = nowUtc();
    const QString prefix = QString::fromLatin1(crypto::randomBytes(6).toHex());
    const QString secret = QStringLiteral("twk_") + prefix + u'_' + crypto::randomToken(32);
    ApiKey key{newId(),
               tenantId,
               name,
               prefix,
               request.scopes,
               request.twinIds,
               isAdmin,
               request.createdBy,
               request.expiresInDays ? now.addDays(*request.expiresInDays) : QDateTime(),
               {},
               {},
               now,
               {},
               {}};
    TWINOPS_TRY(m_db.query(
        QStringLiteral("INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, scopes, twin_ids, is_admin, "
                       "created_by, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"),
        {key.id, isAdmin ? QVariant() : QVariant(tenantId), key.name, prefix, crypto::sha256Hex(secret.toUtf8()),
         jsonList(key.scopes), key.twinIds ? QVariant(jsonList(*key.twinIds)) : QVariant(), isAdmin,
         request.createdBy.isEmpty() ? QVariant() : QVariant(request.createdBy),
         key.expiresAt.isValid() ? QVariant(key.expiresAt) : QVariant(), now}));
    if (!request.createdBy.isEmpty()) {
        TWINOPS_TRY_ASSIGN(const auto creator,
                           m_db.query(QStringLiteral("SELECT email FROM users WHERE id = $1"), {request.createdBy}));
        if (!creator.isEmpty())
            key.createdByEmail = creator.first().text(0);
    }
    return Issued{key, secret};
}

Result<ApiKeyRepository::Issued> ApiKeyRepository::create(const QString &tenantId, const NewApiKey &key)
{
    return insert(tenantId, key, false);
}

Result<ApiKeyRepository::Issued> ApiKeyRepository::createPlatformAdmin(const QString &name,
                                                                       std::optional<int> expiresInDays)
{
    return insert({}, NewApiKey{name, {}, std::nullopt, expiresInDays, {}}, true);
}

Result<Page<ApiKey>> ApiKeyRepository::list(const QString &tenantId, const PageRequest &page)
{
    if (!isUuid(tenantId))
        return Page<ApiKey>{};
    return fetchPage(m_db, kSelectWithCreator + QStringLiteral(" WHERE tenant_id = $1"), {tenantId}, page, keyFromRow);
}

Result<Page<ApiKey>> ApiKeyRepository::listPlatformAdmin(const PageRequest &page)
{
    return fetchPage(m_db, kSelectWithCreator + QStringLiteral(" WHERE is_admin = $1"), {true}, page, keyFromRow);
}

Result<ApiKey> ApiKeyRepository::revokeWhere(const QString &condition, const QVariantList &params)
{
    // COALESCE: a second revocation changes nothing, so the first time and reason stay.
    QVariantList all = params;
    all << nowUtc() << keyRevocationName(KeyRevocation::Manual);
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $%1), "
                                                 "revoked_reason = COALESCE(revoked_reason, $%2) WHERE %3 RETURNING ")
                                          .arg(all.size() - 1)
                                          .arg(all.size())
                                          .arg(condition)
                                      + kColumns,
                                  all));
    if (rows.isEmpty())
        return keyNotFound();
    return keyFromRow(rows.first());
}

Result<ApiKey> ApiKeyRepository::revoke(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return keyNotFound();
    return revokeWhere(QStringLiteral("tenant_id = $1 AND id = $2"), {tenantId, id});
}

Result<ApiKey> ApiKeyRepository::revokePlatformAdmin(const QString &id)
{
    if (!isUuid(id))
        return keyNotFound();
    return revokeWhere(QStringLiteral("is_admin = $1 AND id = $2"), {true, id});
}

Result<QStringList> ApiKeyRepository::revokeCreatedBy(const QString &userId, KeyRevocation reason)
{
    if (!isUuid(userId))
        return QStringList();
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral("UPDATE api_keys SET revoked_at = $2, revoked_reason = $3 "
                                                 "WHERE created_by = $1 AND revoked_at IS NULL RETURNING id"),
                                  {userId, nowUtc(), keyRevocationName(reason)}));
    QStringList ids;
    for (const Row &row : rows)
        ids << row.text(0);
    return ids;
}

Result<Principal> ApiKeyRepository::authenticate(const QString &presentedKey)
{
    const Error invalid = Error::unauthorized(QStringLiteral("invalid API key"));
    // "twk_" + 12 hex characters + "_" + secret (base64url, which may itself contain '_').
    const QString prefix = presentedKey.mid(4, 12);
    if (!presentedKey.startsWith(QLatin1String("twk_")) || presentedKey.size() < 18 || presentedKey.size() > 200
        || presentedKey.at(16) != u'_')
        return invalid;
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        m_db.query(
            QStringLiteral("SELECT k.key_hash, k.id, k.tenant_id, k.name, k.prefix, k.scopes, k.twin_ids, k.is_admin, "
                           "k.created_by, k.expires_at, k.revoked_at, k.last_used_at, k.created_at, k.revoked_reason, "
                           "t.status, u.is_active, u.revoked_at, u.must_change_password FROM api_keys k LEFT JOIN "
                           "tenants t ON t.id = k.tenant_id "
                           "LEFT JOIN users u ON u.id = k.created_by WHERE k.prefix = $1"),
            {prefix}));
    // Hash and compare even when the prefix is unknown, so timing does not tell which prefixes exist.
    const QByteArray presentedHash = crypto::sha256Hex(presentedKey.toUtf8()).toLatin1();
    const QByteArray storedHash = rows.isEmpty() ? QByteArray(64, '0') : rows.first().text(0).toLatin1();
    if (!crypto::constantTimeEquals(presentedHash, storedHash) || rows.isEmpty())
        return invalid;

    const Row row = rows.first();
    const QVariantList keyColumns = [&] {
        QVariantList values; // the columns after key_hash, in kColumns order
        for (int i = 1; i <= kColumnCount; ++i)
            values.append(row.value(i));
        return values;
    }();
    const ApiKey key = keyFromRow(Row(&keyColumns));
    const QDateTime now = nowUtc();
    if (key.revokedAt.isValid() || (key.expiresAt.isValid() && key.expiresAt <= now))
        return invalid;
    // A key dies with its creator's access. Revoking, deactivating or deleting the user revokes the key too; this
    // holds even where that did not happen (a row changed by hand, or written by an older version).
    const bool creatorMaySignIn = row.isNull(15) || (row.boolean(15) && row.isNull(16));
    if (!key.createdBy.isEmpty() && !creatorMaySignIn)
        return invalid;
    if (!key.isAdmin && row.text(14) != QLatin1String("active"))
        return Error::forbidden(QStringLiteral("the tenant is suspended"));
    if (!key.lastUsedAt.isValid() || key.lastUsedAt.msecsTo(now) > kLastUsedResolutionMs)
        (void)m_db.query(QStringLiteral("UPDATE api_keys SET last_used_at = $2 WHERE id = $1"), {key.id, now});

    Principal principal;
    principal.kind = key.isAdmin ? Principal::Kind::PlatformAdmin : Principal::Kind::ApiKey;
    principal.tenantId = key.tenantId;
    principal.apiKeyId = key.id;
    principal.scopes = key.scopes;
    principal.twinAllowList = key.twinIds;
    principal.mustChangePassword = !row.isNull(17) && row.boolean(17);
    return principal;
}

} // namespace twinops
