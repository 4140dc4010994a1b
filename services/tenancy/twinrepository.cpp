#include "tenancy/twinrepository.h"

#include "core/ids.h"
#include "core/json.h"
#include "tenancy/tenantrepository.h"

namespace twinops {

namespace {

constexpr int kMaxDescription = 2000;
const QString kColumns = QStringLiteral("id, tenant_id, name, description, settings, status, created_at, updated_at");

Twin twinFromRow(const Row &row)
{
    return {row.text(0), row.text(1),       row.text(2),
            row.text(3), row.jsonObject(4), twinStatusFromString(row.text(5)).value_or(TwinStatus::Archived),
            row.time(6), row.time(7)};
}

Error twinNotFound()
{
    return Error::notFound(QStringLiteral("twin not found"));
}
Error nameTaken(const QString &name)
{
    return Error::conflict(QStringLiteral("a twin named \"%1\" already exists").arg(name));
}

Status validateDescription(const QString &description)
{
    if (description.size() > kMaxDescription)
        return Error::validation(QStringLiteral("description"),
                                 QStringLiteral("must be at most %1 characters").arg(kMaxDescription));
    return {};
}

} // namespace

Result<Twin> TwinRepository::create(const QString &tenantId, const NewTwin &newTwin)
{
    TWINOPS_TRY_ASSIGN(const auto name, validatedName(QStringLiteral("name"), newTwin.name));
    TWINOPS_TRY(validateDescription(newTwin.description));
    const QDateTime now = nowUtc();
    Twin twin{newId(), tenantId, name, newTwin.description, newTwin.settings, TwinStatus::Active, now, now};
    auto result = m_db.query(QStringLiteral("INSERT INTO twins (id, tenant_id, name, description, settings, status, "
                                            "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
                             {twin.id, tenantId, twin.name, twin.description, compactJson(twin.settings),
                              twinStatusName(twin.status), now, now});
    if (!result.ok())
        return result.error().code == ErrorCode::Conflict ? nameTaken(twin.name) : result.error();
    return twin;
}

Result<Twin> TwinRepository::get(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return twinNotFound();
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral("SELECT ") + kColumns
                                      + QStringLiteral(" FROM twins WHERE tenant_id = $1 AND id = $2"),
                                  {tenantId, id}));
    if (rows.isEmpty())
        return twinNotFound();
    return twinFromRow(rows.first());
}

Result<Page<Twin>> TwinRepository::list(const QString &tenantId, const PageRequest &page,
                                        std::optional<TwinStatus> status, const std::optional<QStringList> &onlyIds)
{
    if (!isUuid(tenantId))
        return Page<Twin>{};
    QString sql = QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM twins WHERE tenant_id = $1");
    QVariantList params{tenantId};
    if (status) {
        params << twinStatusName(*status);
        sql += QStringLiteral(" AND status = $%1").arg(params.size());
    }
    if (onlyIds) {
        QStringList uuids = *onlyIds;
        uuids.removeIf([](const QString &id) { return !isUuid(id); });
        const QString placeholders = appendInList(params, uuids);
        sql += placeholders.isEmpty() ? QStringLiteral(" AND 1 = 0")
                                      : QStringLiteral(" AND id IN (%1)").arg(placeholders);
    }
    return fetchPage(m_db, sql, params, page, twinFromRow);
}

Result<Twin> TwinRepository::update(const QString &tenantId, const QString &id, const TwinPatch &patch)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return twinNotFound();
    QString sql = QStringLiteral("UPDATE twins SET updated_at = $3");
    QVariantList params{tenantId, id, nowUtc()};
    auto set = [&](const char *column, const QVariant &value) {
        params << value;
        sql += QStringLiteral(", %1 = $%2").arg(QLatin1String(column)).arg(params.size());
    };
    if (patch.name) {
        TWINOPS_TRY_ASSIGN(const auto name, validatedName(QStringLiteral("name"), *patch.name));
        set("name", name);
    }
    if (patch.description) {
        TWINOPS_TRY(validateDescription(*patch.description));
        set("description", *patch.description);
    }
    if (patch.settings)
        set("settings", compactJson(*patch.settings));
    if (patch.status)
        set("status", twinStatusName(*patch.status));
    sql += QStringLiteral(" WHERE tenant_id = $1 AND id = $2 RETURNING ") + kColumns;
    auto rows = m_db.query(sql, params);
    if (!rows.ok())
        return rows.error().code == ErrorCode::Conflict ? nameTaken(patch.name.value_or(QString()).trimmed())
                                                        : rows.error();
    if (rows->isEmpty())
        return twinNotFound();
    return twinFromRow(rows->first());
}

Status TwinRepository::remove(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return twinNotFound();
    TWINOPS_TRY_ASSIGN(
        const auto result,
        m_db.query(QStringLiteral("DELETE FROM twins WHERE tenant_id = $1 AND id = $2"), {tenantId, id}));
    if (result.rowsAffected() == 0)
        return twinNotFound();
    return {};
}

} // namespace twinops
