// Share-link visitors: no credentials, the token in the path is the capability.
#include "auth/sharelinkrepository.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/routes.h"
#include "tenancy/twinrepository.h"

namespace twinops {

void registerPublicRoutes(Router &router)
{
    router.add({"GET", QStringLiteral("/api/v1/public/share/{token}"), Access::publicRoute()},
               [](RequestContext &c) -> Result<HttpResponse> {
                   // Per client address, so that guessing tokens is slow.
                   TWINOPS_TRY(c.api.auth().takeShareRead(c.request.client));
                   TWINOPS_TRY_ASSIGN(const auto link,
                                      ShareLinkRepository(c.api.db()).resolve(c.param(QStringLiteral("token"))));
                   TWINOPS_TRY_ASSIGN(const auto twin, TwinRepository(c.api.db()).get(link.tenantId, link.twinId));
                   return HttpResponse::json(
                       200,
                       QJsonObject{{QStringLiteral("twin"),
                                    QJsonObject{{QStringLiteral("id"), twin.id},
                                                {QStringLiteral("name"), twin.name},
                                                {QStringLiteral("description"), twin.description}}}});
               });
}

} // namespace twinops
