#include "http/routes.h"

#include "auth/useraccess.h"
#include "core/ids.h"
#include "core/logging.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "storage/auditlog.h"
#include "tenancy/twinrepository.h"
#include "tenancy/userrepository.h"

#include <QFile>

namespace twinops {

void registerRoutes(Router &router)
{
    registerOperationsRoutes(router);
    registerAuthRoutes(router);
    registerTwinRoutes(router);
    registerGraphRoutes(router);
    registerSourceRoutes(router);
    registerPeopleRoutes(router);
    registerChatRoutes(router);
    registerJobRoutes(router);
    registerWorkerRoutes(router);
    registerAlertRoutes(router);
    registerPublicRoutes(router);
    registerAdminRoutes(router);
    registerCheckRoutes(router);
    registerNotificationRoutes(router);
}

QJsonDocument openApiDocument(const Router &)
{
    QFile file(QStringLiteral(":/api/openapi.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll());
}

Result<Twin> visibleTwin(RequestContext &context, const QString &twinId)
{
    TWINOPS_TRY_ASSIGN(const auto id, uuidParam(twinId));
    if (!context.principal.canSeeTwin(id))
        return Error::notFound(QStringLiteral("twin not found"));
    return TwinRepository(context.api.db()).get(context.principal.tenantId, id);
}

void audit(RequestContext &context, const QString &action, const QString &targetType, const QString &targetId,
           const QJsonObject &details)
{
    const Principal &who = context.principal;
    const QString actorType = who.kind == Principal::Kind::User ? QStringLiteral("user")
        : who.kind == Principal::Kind::ApiKey                   ? QStringLiteral("api_key")
        : who.kind == Principal::Kind::PlatformAdmin            ? QStringLiteral("platform_admin")
                                                                : QStringLiteral("anonymous");
    // A platform admin's change to a tenant is about that tenant, so that the log's tenant filter finds it.
    const QString tenantId = who.tenantId.isEmpty() && targetType == QLatin1String("tenant") ? targetId : who.tenantId;
    const Status written = writeAudit(context.api.db(),
                                      {tenantId, actorType, who.actorId(), action, targetType, targetId, details,
                                       context.request.requestId, context.request.client});
    if (!written.ok())
        qCWarning(lcHttp).noquote() << "audit log write failed:" << written.error().message;
}

Status keepsAnOwner(UserRepository &users, const User &user, bool stillActiveOwner)
{
    if (user.role != Role::Owner || !user.canAuthenticate() || stillActiveOwner)
        return {};
    TWINOPS_TRY_ASSIGN(const auto owners, users.countActiveOwners(user.tenantId));
    if (owners <= 1)
        return Error::conflict(QStringLiteral("the tenant's last owner cannot be removed, demoted or deactivated"));
    return {};
}

Status endAccessAudited(RequestContext &c, const QString &userId, KeyRevocation reason)
{
    TWINOPS_TRY_ASSIGN(const auto keys, endUserAccess(c.api.db(), userId, reason));
    for (const QString &key : keys)
        audit(c, QStringLiteral("api_key.revoke"), QStringLiteral("api_key"), key,
              {{QStringLiteral("reason"), keyRevocationName(reason)}, {QStringLiteral("user_id"), userId}});
    return {};
}

} // namespace twinops
