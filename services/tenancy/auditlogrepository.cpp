#include "tenancy/auditlogrepository.h"

#include "core/ids.h"
#include "core/json.h"
#include "tenancy/tenantrepository.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

namespace twinops {

namespace {

AuditRecord recordFromRow(const Row &row)
{
    AuditRecord record;
    record.id = row.text(0);
    record.createdAt = row.time(1);
    record.tenantId = row.text(2);
    record.actorType = row.text(3);
    record.actorId = row.text(4);
    record.action = row.text(5);
    record.targetType = row.text(6);
    record.targetId = row.text(7);
    record.details = row.jsonObject(8);
    record.requestId = row.text(9);
    record.clientAddress = row.text(10);
    return record;
}

// id -> name of the rows of `table` whose UUID id is in `ids`: one primary-key lookup per id.
Result<QHash<QString, QString>> namesById(Database &db, const QString &table, const QString &nameColumn,
                                          const QSet<QString> &ids)
{
    QJsonArray valid;
    for (const QString &id : ids)
        if (isUuid(id)) // actor and target ids are text; only UUIDs can name one of these rows
            valid.append(id.toLower());
    QHash<QString, QString> names;
    if (valid.isEmpty())
        return names;
    const QString idsOfParameter = db.dialect() == Dialect::Postgres
        ? QStringLiteral("SELECT jsonb_array_elements_text($1::jsonb)::uuid")
        : QStringLiteral("SELECT value FROM json_each($1)");
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       db.query(QStringLiteral("SELECT CAST(id AS TEXT), %1 FROM %2 WHERE id IN (%3)")
                                    .arg(nameColumn, table, idsOfParameter),
                                {compactJson(valid)}));
    for (const Row row : rows)
        names.insert(row.text(0), row.text(1));
    return names;
}

} // namespace

Result<Page<AuditRecord>> AuditLogRepository::list(const AuditFilter &filter, const PageRequest &page)
{
    QString sql = QStringLiteral(
        "SELECT CAST(a.id AS TEXT), a.created_at, CAST(a.tenant_id AS TEXT), a.actor_type, a.actor_id, a.action, "
        "a.target_type, a.target_id, a.details, a.request_id, a.client_address FROM audit_log a WHERE 1 = 1");
    QVariantList params;
    auto add = [&](const QString &clause, const QVariant &value) {
        params << value;
        sql += clause.arg(params.size());
    };
    if (!filter.tenantId.isEmpty())
        add(QStringLiteral(" AND a.tenant_id = $%1"), filter.tenantId);
    // An email names the user whose id the log holds (users.email is unique and lower-case).
    if (!filter.actor.isEmpty())
        add(QStringLiteral(" AND (a.actor_id = $%1 OR a.actor_id IN (SELECT CAST(id AS TEXT) FROM users WHERE email "
                           "= lower($%1)))"),
            filter.actor);
    if (!filter.action.isEmpty())
        add(QStringLiteral(" AND a.action = $%1"), filter.action);
    if (filter.since.isValid())
        add(QStringLiteral(" AND a.created_at >= $%1"), filter.since);
    if (filter.until.isValid())
        add(QStringLiteral(" AND a.created_at < $%1"), filter.until);
    // No index serves a substring; the other filters and the newest-first walk of the created_at index bound it.
    if (!filter.text.isEmpty())
        add(QStringLiteral(" AND (lower(a.action) LIKE $%1 ESCAPE '\\' OR lower(COALESCE(a.target_type, '') || ':' "
                           "|| COALESCE(a.target_id, '')) LIKE $%1 ESCAPE '\\' OR lower(COALESCE(a.actor_id, '')) "
                           "LIKE $%1 ESCAPE '\\' OR lower(COALESCE(a.client_address, '')) LIKE $%1 ESCAPE '\\' OR "
                           "lower(CAST(a.details AS TEXT)) LIKE $%1 ESCAPE '\\')"),
            likePattern(filter.text));
    TWINOPS_TRY_ASSIGN(auto records,
                       fetchPage(m_db, sql, params, page, recordFromRow, QStringLiteral("a"), CursorId::Serial));
    TWINOPS_TRY(addNames(records.items));
    return records;
}

// The names of a page's tenants, actors and targets, read by id after the page so that the page's query stays on
// audit_log's own indexes.
Status AuditLogRepository::addNames(QList<AuditRecord> &records)
{
    QSet<QString> tenants, users, twins, keys;
    const QString user = QStringLiteral("user"), apiKey = QStringLiteral("api_key");
    for (const AuditRecord &record : std::as_const(records)) {
        tenants << record.tenantId;
        (record.actorType == user ? users : keys) << record.actorId;
        if (record.targetType == QLatin1String("tenant"))
            tenants << record.targetId;
        else if (record.targetType == user)
            users << record.targetId;
        else if (record.targetType == QLatin1String("twin"))
            twins << record.targetId;
        else if (record.targetType == apiKey)
            keys << record.targetId;
    }
    TWINOPS_TRY_ASSIGN(const auto tenantNames,
                       namesById(m_db, QStringLiteral("tenants"), QStringLiteral("name"), tenants));
    TWINOPS_TRY_ASSIGN(const auto userEmails, namesById(m_db, QStringLiteral("users"), QStringLiteral("email"), users));
    TWINOPS_TRY_ASSIGN(const auto twinNames, namesById(m_db, QStringLiteral("twins"), QStringLiteral("name"), twins));
    TWINOPS_TRY_ASSIGN(const auto keyNames, namesById(m_db, QStringLiteral("api_keys"), QStringLiteral("name"), keys));
    for (AuditRecord &record : records) {
        record.tenantName = tenantNames.value(record.tenantId);
        record.actorName = (record.actorType == user ? userEmails : keyNames).value(record.actorId);
        const QHash<QString, QString> *targets = record.targetType == QLatin1String("tenant") ? &tenantNames
            : record.targetType == user                                                       ? &userEmails
            : record.targetType == QLatin1String("twin")                                      ? &twinNames
            : record.targetType == apiKey                                                     ? &keyNames
                                                                                              : nullptr;
        if (targets)
            record.targetName = targets->value(record.targetId);
    }
    return {};
}

} // namespace twinops
