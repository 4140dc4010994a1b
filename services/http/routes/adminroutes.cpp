// Platform admin: every tenant and user, and the platform-admin keys, with an admin key (or the console in process).
#include "auth/apikeyrepository.h"
#include "auth/useraccess.h"
#include "core/ids.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/resources.h"
#include "http/routes.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricsrollup.h"
#include "tenancy/auditlogrepository.h"
#include "tenancy/tenantrepository.h"
#include "tenancy/userrepository.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace twinops {

namespace {

// Counts and last activity shown next to each tenant in the console: one query per tenant of the page, each part read
// from an index that starts with tenant_id, so a page of N tenants costs N queries. Last activity is the latest of a
// user's login, an API key's use (written at most once a minute), a conversation's last message and a job's
// creation: each already stored, none a scan of the tenant's rows. A session's plain API calls are not counted (no
// row records them).
struct TenantStats
{
    qint64 users = 0, twins = 0, sources = 0, jobs = 0;
    QDateTime lastActivity; // invalid: none recorded

    QJsonObject counts() const
    {
        return {{QStringLiteral("jobs"), jobs},
                {QStringLiteral("sources"), sources},
                {QStringLiteral("twins"), twins},
                {QStringLiteral("users"), users}};
    }
};

Result<TenantStats> tenantStats(Database &db, const QString &tenantId)
{
    TWINOPS_TRY_ASSIGN(const auto rows,
                       db.query(QStringLiteral("SELECT (SELECT count(*) FROM users WHERE tenant_id = $1), "
                                               "(SELECT count(*) FROM twins WHERE tenant_id = $1), "
                                               "(SELECT count(*) FROM sources WHERE tenant_id = $1), "
                                               "(SELECT count(*) FROM jobs WHERE tenant_id = $1), "
                                               "(SELECT max(last_login_at) FROM users WHERE tenant_id = $1), "
                                               "(SELECT max(last_used_at) FROM api_keys WHERE tenant_id = $1), "
                                               "(SELECT max(updated_at) FROM conversations WHERE tenant_id = $1), "
                                               "(SELECT max(created_at) FROM jobs WHERE tenant_id = $1)"),
                                {tenantId}));
    const Row row = rows.first();
    TenantStats stats{row.integer(0), row.integer(1), row.integer(2), row.integer(3), {}};
    for (int column = 4; column < 8; ++column) {
        const QDateTime at = row.time(column);
        if (at.isValid() && (!stats.lastActivity.isValid() || at > stats.lastActivity))
            stats.lastActivity = at;
    }
    return stats;
}

Result<JsonObjectWriter> tenantWithCounts(Database &db, const Tenant &tenant)
{
    TWINOPS_TRY_ASSIGN(const auto stats, tenantStats(db, tenant.id));
    return tenantJson(tenant)
        .insert("counts", stats.counts())
        .insert("last_activity_at",
                stats.lastActivity.isValid() ? std::optional<QString>(isoTime(stats.lastActivity)) : std::nullopt);
}

// A column of the export: its name and how its value reads.
struct ExportColumn
{
    const char *name;
    char kind; // s text, i integer, r real, b boolean, t time, o JSON object, a JSON array
};

QJsonValue exportValue(const Row &row, int column, char kind)
{
    if (row.isNull(column))
        return QJsonValue::Null;
    switch (kind) {
    case 'i': return row.integer(column);
    case 'r': return row.real(column);
    case 'b': return row.boolean(column);
    case 't': return isoTime(row.time(column));
    case 'o': return row.jsonObject(column);
    case 'a': return row.jsonArray(column);
    default: return row.text(column);
    }
}

// Every row of the tenant in `table` in `order` (oldest first unless told), with the listed columns only (never a hash
// or secret).
Result<QJsonArray> exportRows(Database &db, const QString &tenantId, const char *table,
                              std::initializer_list<ExportColumn> columns, const char *order = "created_at, id")
{
    QStringList names;
    for (const ExportColumn &column : columns)
        names.append(QLatin1String(column.name));
    TWINOPS_TRY_ASSIGN(const auto rows,
                       db.query(QStringLiteral("SELECT %1 FROM %2 WHERE tenant_id = $1 ORDER BY %3")
                                    .arg(names.join(QLatin1String(", ")), QLatin1String(table), QLatin1String(order)),
                                {tenantId}));
    QJsonArray items;
    for (const Row row : rows) {
        QJsonObject item;
        int index = 0;
        for (const ExportColumn &column : columns) {
            item.insert(QLatin1String(column.name), exportValue(row, index, column.kind));
            ++index;
        }
        items.append(item);
    }
    return items;
}

// GET /api/v1/admin/tenants/{id}/export: the tenant's own data as one JSON document. Built whole in memory on the work
// pool (the route's lane); chunks (derived from the sources), sessions, keys and share links are left out.
Result<QJsonObject> tenantExport(Database &db, const Tenant &tenant)
{
    const QString id = tenant.id;
    QJsonObject archive{{QStringLiteral("format"), QStringLiteral("twinops-tenant-export/1")},
                        {QStringLiteral("exported_at"), isoTime(nowUtc())},
                        {QStringLiteral("tenant"),
                         QJsonObject{{QStringLiteral("id"), tenant.id},
                                     {QStringLiteral("name"), tenant.name},
                                     {QStringLiteral("status"), tenantStatusName(tenant.status)},
                                     {QStringLiteral("created_at"), isoTime(tenant.createdAt)}}}};
    auto add = [&](const char *key, const char *table, std::initializer_list<ExportColumn> columns,
                   const char *order = "created_at, id") -> Status {
        TWINOPS_TRY_ASSIGN(const auto rows, exportRows(db, id, table, columns, order));
        archive.insert(QLatin1String(key), rows);
        return {};
    };
    TWINOPS_TRY(add("users", "users",
                    {{"id", 's'},
                     {"email", 's'},
                     {"role", 's'},
                     {"is_active", 'b'},
                     {"revoked_at", 't'},
                     {"last_login_at", 't'},
                     {"created_at", 't'},
                     {"updated_at", 't'}}));
    TWINOPS_TRY(add("twins", "twins",
                    {{"id", 's'},
                     {"name", 's'},
                     {"description", 's'},
                     {"settings", 'o'},
                     {"status", 's'},
                     {"created_at", 't'},
                     {"updated_at", 't'}}));
    TWINOPS_TRY(add("sources", "sources",
                    {{"id", 's'},
                     {"twin_id", 's'},
                     {"filename", 's'},
                     {"mime_type", 's'},
                     {"content", 's'},
                     {"content_hash", 's'},
                     {"size_bytes", 'i'},
                     {"status", 's'},
                     {"health", 's'},
                     {"health_checks", 'a'},
                     {"chunk_count", 'i'},
                     {"last_error", 's'},
                     {"created_by", 's'},
                     {"approved_at", 't'},
                     {"indexed_at", 't'},
                     {"created_at", 't'},
                     {"updated_at", 't'}}));
    TWINOPS_TRY(add("conversations", "conversations",
                    {{"id", 's'}, {"twin_id", 's'}, {"title", 's'}, {"created_at", 't'}, {"updated_at", 't'}}));
    TWINOPS_TRY(add("messages", "messages",
                    {{"id", 's'},
                     {"conversation_id", 's'},
                     {"twin_id", 's'},
                     {"seq", 'i'},
                     {"role", 's'},
                     {"content", 's'},
                     {"citations", 'a'},
                     {"provider", 's'},
                     {"model", 's'},
                     {"ttft_ms", 'i'},
                     {"latency_ms", 'i'},
                     {"partial", 'b'},
                     {"fallback", 'b'},
                     {"created_at", 't'}},
                    "conversation_id, seq")); // a question and its answer can share a millisecond
    TWINOPS_TRY(add("graph_nodes", "graph_nodes",
                    {{"id", 's'},
                     {"twin_id", 's'},
                     {"name", 's'},
                     {"type", 's'},
                     {"description", 's'},
                     {"mention_count", 'i'},
                     {"created_at", 't'},
                     {"updated_at", 't'}}));
    TWINOPS_TRY(add("graph_edges", "graph_edges",
                    {{"id", 's'},
                     {"twin_id", 's'},
                     {"from_node_id", 's'},
                     {"to_node_id", 's'},
                     {"type", 's'},
                     {"weight", 'r'},
                     {"created_at", 't'}}));
    // Jobs as a summary: their payloads are the platform's work items, and a tenant can have millions.
    TWINOPS_TRY_ASSIGN(const auto jobs,
                       db.query(QStringLiteral("SELECT type, state, count(*) FROM jobs WHERE "
                                               "tenant_id = $1 GROUP BY type, state ORDER BY 1, 2"),
                                {id}));
    QJsonArray jobSummary;
    for (const Row row : jobs)
        jobSummary.append(QJsonObject{{QStringLiteral("type"), row.text(0)},
                                      {QStringLiteral("state"), row.text(1)},
                                      {QStringLiteral("count"), row.integer(2)}});
    archive.insert(QStringLiteral("jobs"), jobSummary);
    return archive;
}

// "tenant-acme-corp-2026-12-07.json": the name reduced to what every file system takes.
QString exportFilename(const Tenant &tenant)
{
    QString slug;
    for (const QChar ch : tenant.name.toLower()) {
        if ((ch >= u'a' && ch <= u'z') || (ch >= u'0' && ch <= u'9'))
            slug += ch;
        else if (!slug.isEmpty() && !slug.endsWith(u'-'))
            slug += u'-';
    }
    while (slug.endsWith(u'-'))
        slug.chop(1);
    if (slug.isEmpty())
        slug = tenant.id.left(8);
    return QStringLiteral("tenant-%1-%2.json").arg(slug, nowUtc().date().toString(Qt::ISODate));
}

Result<HttpResponse> setRevoked(RequestContext &c, bool revoked)
{
    TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
    TWINOPS_TRY_ASSIGN(const auto user, UserRepository(c.api.db()).setRevoked(id, revoked));
    // Restoring brings back the user's password, not the sessions or keys the revocation ended.
    if (revoked)
        TWINOPS_TRY(endAccessAudited(c, id, KeyRevocation::CreatorRevoked));
    audit(c, revoked ? QStringLiteral("user.revoke") : QStringLiteral("user.restore"), QStringLiteral("user"), id);
    TWINOPS_TRY(tx.commit());
    return HttpResponse::json(200, userJson(user));
}

std::optional<QString> orNull(const QString &text)
{
    return text.isEmpty() ? std::nullopt : std::optional<QString>(text);
}

JsonObjectWriter auditJson(const AuditRecord &record)
{
    auto named = [](const QString &type, const QString &id, const QString &name) {
        return JsonObjectWriter().insert("id", orNull(id)).insert("name", orNull(name)).insert("type", type);
    };
    JsonObjectWriter json;
    json.insert("action", record.action)
        .insert("actor", named(record.actorType, record.actorId, record.actorName))
        .insert("client_address", orNull(record.clientAddress))
        .insert("created_at", isoTime(record.createdAt))
        .insert("details", record.details)
        .insert("id", record.id)
        .insert("request_id", orNull(record.requestId));
    if (record.targetType.isEmpty())
        json.insert("target", nullptr);
    else
        json.insert("target", named(record.targetType, record.targetId, record.targetName));
    if (record.tenantId.isEmpty())
        json.insert("tenant", nullptr);
    else
        json.insert("tenant",
                    JsonObjectWriter().insert("id", record.tenantId).insert("name", orNull(record.tenantName)));
    return json;
}

// The filters of GET /api/v1/admin/audit, each refused with a one-line 400 naming the parameter.
Result<AuditFilter> auditFilterFrom(const HttpRequest &request)
{
    AuditFilter filter;
    if (const QString tenant = request.queryValue(QStringLiteral("tenant_id")); !tenant.isEmpty()) {
        TWINOPS_TRY_ASSIGN(filter.tenantId, uuidParam(tenant));
    }
    auto text = [&request](const QString &name, int maxLength) -> Result<QString> {
        const QString value = request.queryValue(name).trimmed();
        if (value.size() > maxLength)
            return Error::badRequest(QStringLiteral("%1 must be at most %2 characters").arg(name).arg(maxLength));
        return value;
    };
    TWINOPS_TRY_ASSIGN(filter.actor, text(QStringLiteral("actor"), 320));
    TWINOPS_TRY_ASSIGN(filter.action, text(QStringLiteral("action"), 100));
    TWINOPS_TRY_ASSIGN(filter.text, text(QStringLiteral("q"), 200));
    auto time = [&request](const QString &name) -> Result<QDateTime> {
        const QString value = request.queryValue(name);
        if (value.isEmpty())
            return QDateTime();
        const QDateTime parsed = QDateTime::fromString(value, Qt::ISODateWithMs);
        if (!parsed.isValid() || parsed.date().year() < 1 || parsed.date().year() > 9999)
            return Error::badRequest(
                QStringLiteral("%1 must be an ISO 8601 time, e.g. 2026-12-07T08:00:00Z").arg(name));
        return parsed.toUTC();
    };
    TWINOPS_TRY_ASSIGN(filter.since, time(QStringLiteral("since")));
    TWINOPS_TRY_ASSIGN(filter.until, time(QStringLiteral("until")));
    if (filter.since.isValid() && filter.until.isValid() && filter.since >= filter.until)
        return Error::badRequest(QStringLiteral("since must be before until"));
    return filter;
}

// Free-text search is `q` on every list; the tenants list also takes `search`, its name before `q` was chosen.
QString freeText(const HttpRequest &request)
{
    const QString q = request.queryValue(QStringLiteral("q"));
    return q.isEmpty() ? request.queryValue(QStringLiteral("search")) : q;
}

} // namespace

void registerAdminRoutes(Router &router)
{
    const Access admin = Access::platformAdmin();

    router.add({"GET", QStringLiteral("/api/v1/admin/tenants"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto page, pageRequest(c.request));
        std::optional<TenantStatus> status;
        if (const QString text = c.request.queryValue(QStringLiteral("status")); !text.isEmpty()) {
            status = tenantStatusFromString(text);
            if (!status)
                return Error::badRequest(QStringLiteral("status must be active or suspended"));
        }
        TWINOPS_TRY_ASSIGN(const auto tenants, TenantRepository(c.api.db()).list(page, freeText(c.request), status));
        QList<JsonObjectWriter> items;
        for (const Tenant &tenant : tenants.items) {
            TWINOPS_TRY_ASSIGN(const auto json, tenantWithCounts(c.api.db(), tenant));
            items.append(json);
        }
        return HttpResponse::json(
            200,
            JsonObjectWriter()
                .insert("items", items)
                .insert("next_cursor",
                        tenants.nextCursor.isEmpty() ? std::nullopt : std::optional<QString>(tenants.nextCursor)));
    });

    router.add({"POST", QStringLiteral("/api/v1/admin/tenants"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
        JsonFields fields(body);
        const QString name = fields.requiredString(QStringLiteral("name"), 100);
        TWINOPS_TRY(fields.status());
        TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(c.api.db()).create(name));
        audit(c, QStringLiteral("tenant.create"), QStringLiteral("tenant"), tenant.id);
        return HttpResponse::json(201, tenantJson(tenant));
    });

    router.add({"PATCH", QStringLiteral("/api/v1/admin/tenants/{id}"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   TenantPatch patch;
                   patch.name = fields.optionalString(QStringLiteral("name"), 100);
                   if (auto status = fields.optionalString(QStringLiteral("status"), 20)) {
                       patch.status = tenantStatusFromString(*status);
                       if (!patch.status)
                           fields.problem(QStringLiteral("status"), QStringLiteral("must be active or suspended"));
                   }
                   TWINOPS_TRY(fields.status());
                   TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(c.api.db()).update(id, patch));
                   audit(c, QStringLiteral("tenant.update"), QStringLiteral("tenant"), id, body);
                   return HttpResponse::json(200, tenantJson(tenant));
               });

    // Deletes the tenant and everything of it (TenantRepository::removeWithData); `confirm` must repeat the tenant's
    // name, so that no stray call (a wrong id, a replayed request) deletes one.
    router.add(
        RouteSpec{"DELETE", QStringLiteral("/api/v1/admin/tenants/{id}"), admin}.on(Lane::Work),
        [](RequestContext &c) -> Result<HttpResponse> {
            TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
            TenantRepository tenants(c.api.db());
            TWINOPS_TRY_ASSIGN(const auto tenant, tenants.get(id));
            const QString confirm = c.request.queryValue(QStringLiteral("confirm"));
            if (confirm.isEmpty())
                return Error::validation(QStringLiteral("confirm"),
                                         QStringLiteral("is required: the tenant's name, to confirm the deletion"));
            if (confirm != tenant.name)
                return Error::validation(QStringLiteral("confirm"),
                                         QStringLiteral("does not match the tenant's name; nothing was deleted"));
            TWINOPS_TRY_ASSIGN(const auto stats, tenantStats(c.api.db(), id));
            const QJsonObject counts = stats.counts();
            TWINOPS_TRY(tenants.removeWithData(id, [&]() -> Status {
                // The entry keeps the tenant's id and, in its details, the name and what went with it: the
                // log outlives the tenant (audit_log has no foreign key to it).
                audit(c, QStringLiteral("tenant.delete"), QStringLiteral("tenant"), id,
                      {{QStringLiteral("name"), tenant.name}, {QStringLiteral("counts"), counts}});
                return {};
            }));
            return HttpResponse::json(200,
                                      QJsonObject{{QStringLiteral("id"), id},
                                                  {QStringLiteral("name"), tenant.name},
                                                  {QStringLiteral("deleted"), counts}});
        });

    router.add(RouteSpec{"GET", QStringLiteral("/api/v1/admin/tenants/{id}/export"), admin}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(c.api.db()).get(id));
                   TWINOPS_TRY_ASSIGN(const auto archive, tenantExport(c.api.db(), tenant));
                   audit(c, QStringLiteral("tenant.export"), QStringLiteral("tenant"), id,
                         {{QStringLiteral("name"), tenant.name}});
                   HttpResponse response
                       = HttpResponse::text(200, QJsonDocument(archive).toJson(QJsonDocument::Compact),
                                            QByteArrayLiteral("application/json"));
                   response.headers.append(
                       {QByteArrayLiteral("Content-Disposition"),
                        QStringLiteral("attachment; filename=\"%1\"").arg(exportFilename(tenant)).toLatin1()});
                   return response;
               });

    router.add({"GET", QStringLiteral("/api/v1/admin/users"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto page, pageRequest(c.request));
        QString tenantId = c.request.queryValue(QStringLiteral("tenant_id"));
        if (!tenantId.isEmpty()) {
            TWINOPS_TRY_ASSIGN(tenantId, uuidParam(tenantId));
        }
        TWINOPS_TRY_ASSIGN(
            const auto users,
            UserRepository(c.api.db()).listAllTenants(page, c.request.queryValue(QStringLiteral("q")), tenantId));
        // The tenant's name beside each user: a search across tenants is read by tenant name. One query for the page.
        QStringList tenantIds;
        for (const User &user : users.items)
            tenantIds << user.tenantId;
        TWINOPS_TRY_ASSIGN(const auto tenantNames, TenantRepository(c.api.db()).names(tenantIds));
        return HttpResponse::json(200, pageJson(users, [&tenantNames](const User &user) {
                                      return userJson(user).insert("tenant_name", tenantNames.value(user.tenantId));
                                  }));
    });

    // The platform admin adds a user to a tenant without choosing a password: one is generated, answered this once
    // (only its hash is stored) and handed over by the admin; the user must change it before anything else.
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/tenants/{id}/users"), admin}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto tenantId, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   const QString email = fields.requiredString(QStringLiteral("email"), 254);
                   const auto role = roleFromString(fields.requiredString(QStringLiteral("role"), 20));
                   if (!role && !body.value(QStringLiteral("role")).isUndefined())
                       fields.problem(QStringLiteral("role"), QStringLiteral("must be owner, admin or viewer"));
                   TWINOPS_TRY(fields.status());
                   TWINOPS_TRY(TenantRepository(c.api.db()).get(tenantId));
                   TWINOPS_TRY_ASSIGN(const auto generated, c.api.auth().generatePassword());
                   TWINOPS_TRY_ASSIGN(
                       const auto user,
                       UserRepository(c.api.db()).create(tenantId, {email, generated.hash, *role, true}));
                   audit(c, QStringLiteral("user.create"), QStringLiteral("user"), user.id,
                         {{QStringLiteral("role"), roleName(*role)}, {QStringLiteral("tenant_id"), tenantId}});
                   return HttpResponse::json(201, userJson(user).insert("password", generated.password));
               });

    router.add(
        {"PATCH", QStringLiteral("/api/v1/admin/users/{id}"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
            TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
            TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
            JsonFields fields(body);
            const auto role = roleFromString(fields.requiredString(QStringLiteral("role"), 20));
            if (!role && !body.value(QStringLiteral("role")).isUndefined())
                fields.problem(QStringLiteral("role"), QStringLiteral("must be owner, admin or viewer"));
            TWINOPS_TRY(fields.status());
            UserRepository users(c.api.db());
            TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
            TWINOPS_TRY_ASSIGN(const auto user, users.getAnyTenant(id));
            TWINOPS_TRY(keepsAnOwner(users, user, *role == Role::Owner));
            UserPatch patch;
            patch.role = role;
            TWINOPS_TRY_ASSIGN(const auto updated, users.update(user.tenantId, id, patch));
            audit(c, QStringLiteral("user.update"), QStringLiteral("user"), id,
                  {{QStringLiteral("role"), roleName(*role)}, {QStringLiteral("previous_role"), roleName(user.role)}});
            TWINOPS_TRY(tx.commit());
            return HttpResponse::json(200, userJson(updated));
        });

    // Ends the user's sessions (refresh tokens and access tokens alike), not the user's API keys.
    router.add({"POST", QStringLiteral("/api/v1/admin/users/{id}/end-sessions"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
                   TWINOPS_TRY_ASSIGN(const auto user, UserRepository(c.api.db()).getAnyTenant(id));
                   TWINOPS_TRY(endUserSessions(c.api.db(), id));
                   audit(c, QStringLiteral("user.end_sessions"), QStringLiteral("user"), id);
                   TWINOPS_TRY(tx.commit());
                   return HttpResponse::json(200, userJson(user));
               });

    // A new generated password, answered once like a new user's: the old one stops working, every session ends (the
    // API keys stay, closed until the change), and the user must change it at the next login.
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/users/{id}/password-reset"), admin}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto generated, c.api.auth().generatePassword());
                   TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
                   TWINOPS_TRY_ASSIGN(const auto user,
                                      UserRepository(c.api.db()).setPassword(id, generated.hash, true));
                   TWINOPS_TRY(endUserSessions(c.api.db(), id));
                   audit(c, QStringLiteral("user.password_reset"), QStringLiteral("user"), id,
                         {{QStringLiteral("tenant_id"), user.tenantId}});
                   TWINOPS_TRY(tx.commit());
                   return HttpResponse::json(200, userJson(user).insert("password", generated.password));
               });

    router.add({"POST", QStringLiteral("/api/v1/admin/users/{id}/revoke"), admin},
               [](RequestContext &c) { return setRevoked(c, true); });
    router.add({"POST", QStringLiteral("/api/v1/admin/users/{id}/restore"), admin},
               [](RequestContext &c) { return setRevoked(c, false); });

    router.add({"GET", QStringLiteral("/api/v1/admin/audit"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(auto page, pageRequest(c.request, CursorId::Serial));
        page.newestFirst = true; // a log reads from the latest entry back
        TWINOPS_TRY_ASSIGN(const auto filter, auditFilterFrom(c.request));
        TWINOPS_TRY_ASSIGN(const auto entries, AuditLogRepository(c.api.db()).list(filter, page));
        return HttpResponse::json(200, pageJson(entries, auditJson));
    });

    router.add({"GET", QStringLiteral("/api/v1/admin/keys"), admin}, [](RequestContext &c) {
        return pagedItems(
            c, [&](const PageRequest &page) { return ApiKeyRepository(c.api.db()).listPlatformAdmin(page); },
            apiKeyJson);
    });

    router.add({"POST", QStringLiteral("/api/v1/admin/keys"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
        JsonFields fields(body);
        const QString name = fields.requiredString(QStringLiteral("name"), 100);
        const std::optional<int> expiresInDays = fields.optionalInt(QStringLiteral("expires_in_days"));
        TWINOPS_TRY(fields.status());
        TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
        TWINOPS_TRY_ASSIGN(const auto issued, ApiKeyRepository(c.api.db()).createPlatformAdmin(name, expiresInDays));
        audit(c, QStringLiteral("admin_key.create"), QStringLiteral("api_key"), issued.key.id,
              {{QStringLiteral("name"), issued.key.name}});
        TWINOPS_TRY(tx.commit());
        return HttpResponse::json(201, apiKeyJson(issued.key).insert("key", issued.secret));
    });

    router.add({"DELETE", QStringLiteral("/api/v1/admin/keys/{id}"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
                   TWINOPS_TRY(ApiKeyRepository(c.api.db()).revokePlatformAdmin(id));
                   audit(c, QStringLiteral("admin_key.revoke"), QStringLiteral("api_key"), id);
                   TWINOPS_TRY(tx.commit());
                   return HttpResponse::noContent();
               });

    router.add({"GET", QStringLiteral("/api/v1/admin/metrics"), admin, false},
               [](RequestContext &c) -> Result<HttpResponse> {
                   // The queue gauges are read from the database; without it the dashboards still get the counters.
                   if (c.api.ensureDatabase().ok())
                       refreshQueueGauges(c.api.db(), c.api.shared().metrics);
                   return HttpResponse::json(200, c.api.shared().metrics.snapshotJson());
               });

    router.add(RouteSpec{"GET", QStringLiteral("/api/v1/admin/metrics/history"), admin}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   const QString name = c.request.queryValue(QStringLiteral("name"));
                   auto time = [&c](const QString &key, const QDateTime &fallback) -> std::optional<QDateTime> {
                       const QString text = c.request.queryValue(key);
                       if (text.isEmpty())
                           return fallback;
                       const QDateTime parsed = QDateTime::fromString(text, Qt::ISODateWithMs);
                       return parsed.isValid() ? std::optional<QDateTime>(parsed.toUTC()) : std::nullopt;
                   };
                   const std::optional<QDateTime> to = time(QStringLiteral("to"), QDateTime::currentDateTimeUtc());
                   if (!to)
                       return Error::validation(QStringLiteral("to"), QStringLiteral("must be an ISO 8601 time"));
                   const std::optional<QDateTime> from = time(QStringLiteral("from"), to->addSecs(-3600));
                   if (!from)
                       return Error::validation(QStringLiteral("from"), QStringLiteral("must be an ISO 8601 time"));
                   if (*from > *to)
                       return Error::validation(QStringLiteral("from"), QStringLiteral("must not be after to"));
                   if (from->daysTo(*to) > 31)
                       return Error::validation(QStringLiteral("from"), QStringLiteral("the range is at most 31 days"));
                   TWINOPS_TRY_ASSIGN(const auto points, readMetricHistory(c.api.db(), name, *from, *to));
                   return HttpResponse::json(200, QJsonObject{{QStringLiteral("points"), points}});
               });
}

} // namespace twinops
