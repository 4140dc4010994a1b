#include "tenancy/tenantrepository.h"

#include "core/ids.h"
#include "storage/batchdelete.h"

namespace twinops {

namespace {

const QString kColumns = QStringLiteral("id, name, status, created_at, updated_at");

Tenant tenantFromRow(const Row &row)
{
    return {row.text(0), row.text(1), tenantStatusFromString(row.text(2)).value_or(TenantStatus::Suspended),
            row.time(3), row.time(4)};
}

Error nameTaken(const QString &name)
{
    return Error::conflict(QStringLiteral("a tenant named \"%1\" already exists").arg(name));
}

} // namespace

Result<QString> validatedName(const QString &field, const QString &name, int maxLength)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return Error::validation(field, QStringLiteral("must not be empty"));
    if (trimmed.size() > maxLength)
        return Error::validation(field, QStringLiteral("must be at most %1 characters").arg(maxLength));
    return trimmed;
}

QString likePattern(const QString &text)
{
    QString escaped = text.toLower();
    escaped.replace(u'\\', QLatin1String("\\\\"))
        .replace(u'%', QLatin1String("\\%"))
        .replace(u'_', QLatin1String("\\_"));
    return u'%' + escaped + u'%';
}

Result<Tenant> TenantRepository::create(const QString &name)
{
    TWINOPS_TRY_ASSIGN(const auto valid, validatedName(QStringLiteral("name"), name));
    const QDateTime now = nowUtc();
    Tenant tenant{newId(), valid, TenantStatus::Active, now, now};
    auto result = m_db.query(QStringLiteral("INSERT INTO tenants (id, name, status, created_at, updated_at) "
                                            "VALUES ($1, $2, $3, $4, $5)"),
                             {tenant.id, tenant.name, tenantStatusName(tenant.status), now, now});
    if (!result.ok())
        return result.error().code == ErrorCode::Conflict ? nameTaken(tenant.name) : result.error();
    return tenant;
}

Result<Tenant> TenantRepository::get(const QString &id)
{
    if (!isUuid(id))
        return Error::notFound(QStringLiteral("tenant not found"));
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        m_db.query(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM tenants WHERE id = $1"), {id}));
    if (rows.isEmpty())
        return Error::notFound(QStringLiteral("tenant not found"));
    return tenantFromRow(rows.first());
}

Result<QHash<QString, QString>> TenantRepository::names(const QStringList &ids)
{
    QStringList uuids = ids;
    uuids.removeIf([](const QString &id) { return !isUuid(id); });
    uuids.removeDuplicates();
    QHash<QString, QString> byId;
    if (uuids.isEmpty())
        return byId;
    QVariantList params;
    const QString placeholders = appendInList(params, uuids);
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        m_db.query(QStringLiteral("SELECT id, name FROM tenants WHERE id IN (%1)").arg(placeholders), params));
    for (const Row row : rows)
        byId.insert(row.text(0), row.text(1));
    return byId;
}

Result<Page<Tenant>> TenantRepository::list(const PageRequest &page, const QString &search,
                                            std::optional<TenantStatus> status)
{
    QString sql = QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM tenants WHERE 1 = 1");
    QVariantList params;
    if (!search.isEmpty()) {
        params << likePattern(search);
        sql += QStringLiteral(" AND lower(name) LIKE $%1 ESCAPE '\\'").arg(params.size());
    }
    if (status) {
        params << tenantStatusName(*status);
        sql += QStringLiteral(" AND status = $%1").arg(params.size());
    }
    return fetchPage(m_db, sql, params, page, tenantFromRow);
}

Result<Tenant> TenantRepository::update(const QString &id, const TenantPatch &patch)
{
    if (!isUuid(id))
        return Error::notFound(QStringLiteral("tenant not found"));
    QString sql = QStringLiteral("UPDATE tenants SET updated_at = $2");
    QVariantList params{id, nowUtc()};
    if (patch.name) {
        TWINOPS_TRY_ASSIGN(const auto valid, validatedName(QStringLiteral("name"), *patch.name));
        params << valid;
        sql += QStringLiteral(", name = $%1").arg(params.size());
    }
    if (patch.status) {
        params << tenantStatusName(*patch.status);
        sql += QStringLiteral(", status = $%1").arg(params.size());
    }
    sql += QStringLiteral(" WHERE id = $1 RETURNING ") + kColumns;
    auto rows = m_db.query(sql, params);
    if (!rows.ok())
        return rows.error().code == ErrorCode::Conflict ? nameTaken(patch.name.value_or(QString())) : rows.error();
    if (rows->isEmpty())
        return Error::notFound(QStringLiteral("tenant not found"));
    return tenantFromRow(rows->first());
}

Status TenantRepository::removeWithData(const QString &id, const std::function<Status()> &inTransaction)
{
    TWINOPS_TRY_ASSIGN(const auto tenant, get(id));
    if (tenant.status != TenantStatus::Suspended) {
        TWINOPS_TRY(update(id, {{}, TenantStatus::Suspended}));
    }
    // Children before parents, so that each batch's own cascade stays small; each table has an index led by
    // tenant_id. job_logs go with their jobs. A worker still holding one of these jobs loses its lease: its
    // completion finds no row and its work is discarded, and nothing it writes can name the tenant again (foreign
    // keys).
    static const char *const kTables[]
        = {"graph_edge_evidence", "graph_edges", "graph_nodes", "chunks", "messages", "jobs"};
    constexpr int kBatchSize = 1000;
    for (const char *table : kTables) {
        TWINOPS_TRY(deleteInBatches(m_db, QLatin1String(table), QStringLiteral("tenant_id = $1"), {id}, kBatchSize));
    }
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY(remove(id));
    TWINOPS_TRY(inTransaction());
    return tx.commit();
}

Status TenantRepository::remove(const QString &id)
{
    if (!isUuid(id))
        return Error::notFound(QStringLiteral("tenant not found"));
    TWINOPS_TRY_ASSIGN(const auto result, m_db.query(QStringLiteral("DELETE FROM tenants WHERE id = $1"), {id}));
    if (result.rowsAffected() == 0)
        return Error::notFound(QStringLiteral("tenant not found"));
    return {};
}

} // namespace twinops
