#include "auth/sharelinkrepository.h"

#include "auth/crypto.h"
#include "core/ids.h"

namespace twinops {

namespace {

const QString kColumns = QStringLiteral("s.id, s.tenant_id, s.twin_id, s.token_prefix, s.created_by, s.expires_at, "
                                        "s.revoked_at, s.last_used_at, s.created_at");

ShareLink linkFromRow(const Row &row)
{
    return {row.text(0), row.text(1), row.text(2), row.text(3), row.text(4),
            row.time(5), row.time(6), row.time(7), row.time(8)};
}

Error linkNotFound()
{
    return Error::notFound(QStringLiteral("share link not found"));
}

} // namespace

Result<ShareLinkRepository::Issued> ShareLinkRepository::create(const QString &tenantId, const QString &twinId,
                                                                std::optional<int> expiresInDays,
                                                                const QString &createdBy)
{
    if (expiresInDays && (*expiresInDays < 1 || *expiresInDays > 3650))
        return Error::validation(QStringLiteral("expires_in_days"), QStringLiteral("must be between 1 and 3650"));
    const QDateTime now = nowUtc();
    const QString token = QStringLiteral("tws_") + crypto::randomToken(32);
    ShareLink link{
        newId(), tenantId, twinId, token.left(12), createdBy, expiresInDays ? now.addDays(*expiresInDays) : QDateTime(),
        {},      {},       now};
    TWINOPS_TRY(
        m_db.query(QStringLiteral("INSERT INTO share_links (id, tenant_id, twin_id, token_hash, token_prefix, "
                                  "created_by, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
                   {link.id, tenantId, twinId, crypto::sha256Hex(token.toUtf8()), link.tokenPrefix,
                    createdBy.isEmpty() ? QVariant() : QVariant(createdBy),
                    link.expiresAt.isValid() ? QVariant(link.expiresAt) : QVariant(), now}));
    return Issued{link, token};
}

Result<Page<ShareLink>> ShareLinkRepository::list(const QString &tenantId, const QString &twinId,
                                                  const PageRequest &page)
{
    return fetchPage(m_db,
                     QStringLiteral("SELECT ") + kColumns
                         + QStringLiteral(" FROM share_links s WHERE s.tenant_id = $1 AND s.twin_id = $2"),
                     {tenantId, twinId}, page, linkFromRow, QStringLiteral("s"));
}

Status ShareLinkRepository::revoke(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return linkNotFound();
    TWINOPS_TRY_ASSIGN(const auto result,
                       m_db.query(QStringLiteral("UPDATE share_links SET revoked_at = COALESCE(revoked_at, $3) "
                                                 "WHERE tenant_id = $1 AND id = $2"),
                                  {tenantId, id, nowUtc()}));
    if (result.rowsAffected() == 0)
        return linkNotFound();
    return {};
}

Result<ShareLink> ShareLinkRepository::resolve(const QString &token)
{
    if (!token.startsWith(QLatin1String("tws_")) || token.size() > 100)
        return linkNotFound();
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        m_db.query(QStringLiteral("SELECT ") + kColumns
                       + QStringLiteral(" FROM share_links s JOIN twins w ON w.id = s.twin_id "
                                        "JOIN tenants t ON t.id = s.tenant_id WHERE s.token_hash = $1 "
                                        "AND s.revoked_at IS NULL AND w.status = 'active' AND t.status = 'active'"),
                   {crypto::sha256Hex(token.toUtf8())}));
    if (rows.isEmpty())
        return linkNotFound();
    ShareLink link = linkFromRow(rows.first());
    // An expiry we cannot read is as good as a past one: fail closed.
    if (!rows.first().isNull(5) && (!link.expiresAt.isValid() || link.expiresAt <= nowUtc()))
        return linkNotFound();
    return link;
}

} // namespace twinops
