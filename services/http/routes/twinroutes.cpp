// /api/v1/twins, /api/v1/twins/{id}, share links
#include "auth/sharelinkrepository.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/resources.h"
#include "http/routes.h"
#include "tenancy/twinrepository.h"

namespace twinops {

void registerTwinRoutes(Router &router)
{
    const Access read = Access::tenant(Role::Viewer, scopes::twinsRead);
    const Access write = Access::tenant(Role::Admin, scopes::twinsWrite);

    router.add({"GET", QStringLiteral("/api/v1/twins"), read}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto page, pageRequest(c.request));
        std::optional<TwinStatus> status;
        if (const QString text = c.request.queryValue(QStringLiteral("status")); !text.isEmpty()) {
            status = twinStatusFromString(text);
            if (!status)
                return Error::badRequest(QStringLiteral("status must be active or archived"));
        }
        TWINOPS_TRY_ASSIGN(
            const auto twins,
            TwinRepository(c.api.db()).list(c.principal.tenantId, page, status, c.principal.twinAllowList));
        return HttpResponse::json(200, pageJson(twins, twinJson));
    });

    router.add({"POST", QStringLiteral("/api/v1/twins"), write}, [](RequestContext &c) -> Result<HttpResponse> {
        // A key limited to some twins could not see the twin it made: it may only work on the twins it lists.
        if (c.principal.twinAllowList)
            return Error::forbidden(QStringLiteral("an API key limited to some twins cannot create twins"));
        TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
        JsonFields fields(body);
        NewTwin twin{fields.requiredString(QStringLiteral("name"), 100),
                     fields.optionalString(QStringLiteral("description"), 2000).value_or(QString()),
                     fields.optionalObject(QStringLiteral("settings")).value_or(QJsonObject())};
        TWINOPS_TRY(fields.status());
        TWINOPS_TRY_ASSIGN(const auto created, TwinRepository(c.api.db()).create(c.principal.tenantId, twin));
        return HttpResponse::json(201, twinJson(created));
    });

    router.add({"GET", QStringLiteral("/api/v1/twins/{id}"), read}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(c, c.param(QStringLiteral("id"))));
        return HttpResponse::json(200, twinJson(twin));
    });

    router.add({"PATCH", QStringLiteral("/api/v1/twins/{id}"), write}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(c, c.param(QStringLiteral("id"))));
        TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
        JsonFields fields(body);
        TwinPatch patch;
        patch.name = fields.optionalString(QStringLiteral("name"), 100);
        patch.description = fields.optionalString(QStringLiteral("description"), 2000);
        patch.settings = fields.optionalObject(QStringLiteral("settings"));
        if (auto status = fields.optionalString(QStringLiteral("status"), 20)) {
            patch.status = twinStatusFromString(*status);
            if (!patch.status)
                fields.problem(QStringLiteral("status"), QStringLiteral("must be active or archived"));
        }
        TWINOPS_TRY(fields.status());
        TWINOPS_TRY_ASSIGN(const auto updated, TwinRepository(c.api.db()).update(c.principal.tenantId, twin.id, patch));
        return HttpResponse::json(200, twinJson(updated));
    });

    router.add(RouteSpec{"DELETE", QStringLiteral("/api/v1/twins/{id}"), write}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(c, c.param(QStringLiteral("id"))));
                   TWINOPS_TRY(TwinRepository(c.api.db()).remove(c.principal.tenantId, twin.id));
                   audit(c, QStringLiteral("twin.delete"), QStringLiteral("twin"), twin.id,
                         {{QStringLiteral("name"), twin.name}});
                   return HttpResponse::noContent();
               });

    router.add({"GET", QStringLiteral("/api/v1/twins/{id}/share-links"), read}, [](RequestContext &c) {
        return twinItems(
            c,
            [&](const QString &twinId, const PageRequest &page) {
                return ShareLinkRepository(c.api.db()).list(c.principal.tenantId, twinId, page);
            },
            shareLinkJson);
    });

    router.add({"POST", QStringLiteral("/api/v1/twins/{id}/share-links"), write},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(c, c.param(QStringLiteral("id"))));
                   QJsonObject object;
                   if (!c.request.body.isEmpty()) {
                       TWINOPS_TRY_ASSIGN(object, jsonBody(c.request));
                   }
                   JsonFields fields(object);
                   const auto days = fields.optionalInt(QStringLiteral("expires_in_days"));
                   TWINOPS_TRY(fields.status());
                   TWINOPS_TRY_ASSIGN(
                       const auto issued,
                       ShareLinkRepository(c.api.db()).create(c.principal.tenantId, twin.id, days, c.principal.userId));
                   audit(c, QStringLiteral("share_link.create"), QStringLiteral("share_link"), issued.link.id);
                   return HttpResponse::json(201, shareLinkJson(issued.link).insert("token", issued.token));
               });

    router.add(
        {"DELETE", QStringLiteral("/api/v1/share-links/{id}"), write}, [](RequestContext &c) -> Result<HttpResponse> {
            TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
            ShareLinkRepository links(c.api.db());
            // A key limited to some twins may only revoke links of those twins.
            TWINOPS_TRY_ASSIGN(
                const auto rows,
                c.api.db().query(QStringLiteral("SELECT twin_id FROM share_links WHERE tenant_id = $1 AND id = $2"),
                                 {c.principal.tenantId, id}));
            if (rows.isEmpty() || !c.principal.canSeeTwin(rows.first().text(0)))
                return Error::notFound(QStringLiteral("share link not found"));
            TWINOPS_TRY(links.revoke(c.principal.tenantId, id));
            audit(c, QStringLiteral("share_link.revoke"), QStringLiteral("share_link"), id);
            return HttpResponse::noContent();
        });
}

} // namespace twinops
