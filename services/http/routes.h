#pragma once

#include "core/result.h"
#include "http/jsonio.h"
#include "http/router.h"
#include "tenancy/tenancy.h"

#include <QJsonDocument>

namespace twinops {

class Database;
class MetricsRegistry;
class UserRepository;

// Every route of resources/api/openapi.json, registered in one place per resource (http/routes/*.cpp).
void registerRoutes(Router &router);
void registerAuthRoutes(Router &router);
void registerTwinRoutes(Router &router);
void registerGraphRoutes(Router &router);
void registerSourceRoutes(Router &router);
void registerPeopleRoutes(Router &router);
void registerAdminRoutes(Router &router);
void registerCheckRoutes(Router &router);
void registerOperationsRoutes(Router &router);
void registerPublicRoutes(Router &router);
void registerChatRoutes(Router &router);
void registerJobRoutes(Router &router);
void registerWorkerRoutes(Router &router); // job types (pause, resume) and worker heartbeats
void registerNotificationRoutes(Router &router);

void registerAlertRoutes(Router &router);

// Sets the twinops_jobs{state} and queue-age gauges from the database: they are read from the jobs table, not
// counted, so they are right whichever process did the work. Called by /metrics, /admin/metrics and the rollups.
void refreshQueueGauges(Database &db, MetricsRegistry &metrics);

// The OpenAPI description shipped in resources/ (served at /api/v1/openapi.json).
QJsonDocument openApiDocument(const Router &router);

// The twin a tenant principal may see: 400 for a non-UUID id, 404 if missing, foreign or outside an API key's
// allow-list.
Result<Twin> visibleTwin(RequestContext &context, const QString &twinId);

// A paged list of the caller's tenant: `list(page)` fetches it, `toJson` writes each item.
template<typename List, typename ToJson>
Result<HttpResponse> pagedItems(RequestContext &context, List list, ToJson toJson)
{
    TWINOPS_TRY_ASSIGN(const auto page, pageRequest(context.request));
    TWINOPS_TRY_ASSIGN(const auto items, list(page));
    return HttpResponse::json(200, pageJson(items, toJson));
}

// GET /api/v1/twins/{id}/<items>: as pagedItems, once the twin is known to be visible to the caller;
// `list(twinId, page)`.
template<typename List, typename ToJson>
Result<HttpResponse> twinItems(RequestContext &context, List list, ToJson toJson)
{
    TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(context, context.param(QStringLiteral("id"))));
    return pagedItems(
        context, [&](const PageRequest &page) { return list(twin.id, page); }, toJson);
}

// Ends a user's access (endUserAccess: sessions and the keys the user created) inside the caller's transaction, with
// an audit entry per revoked key.
enum class KeyRevocation;
Status endAccessAudited(RequestContext &context, const QString &userId, KeyRevocation reason);

// The last active owner must stay: a tenant without one could never be administered again. A conflict when `user` is
// the tenant's last active owner and would no longer be one (`stillActiveOwner` false).
Status keepsAnOwner(UserRepository &users, const User &user, bool stillActiveOwner);

// An entry in audit_log for security-relevant changes; a failure to write it is logged, never fatal.
void audit(RequestContext &context, const QString &action, const QString &targetType, const QString &targetId,
           const QJsonObject &details = {});

} // namespace twinops
