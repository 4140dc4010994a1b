#include "http/router.h"

#include "core/ids.h"
#include "core/logging.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "metrics/metricsregistry.h"
#include "tenancy/tenantrepository.h"

#include <QElapsedTimer>

namespace twinops {

namespace {

bool roleAtLeast(Role have, Role need)
{
    auto rank = [](Role role) { return role == Role::Owner ? 2 : role == Role::Admin ? 1 : 0; };
    return rank(have) >= rank(need);
}

} // namespace

QStringList splitPath(const QString &path)
{
    return path.split(u'/', Qt::SkipEmptyParts);
}

void Router::add(RouteSpec spec, Handler handler)
{
    Route route{spec, splitPath(spec.pattern), std::move(handler)};
    m_routes.append(std::move(route));
}

QList<RouteSpec> Router::routes() const
{
    QList<RouteSpec> specs;
    for (const Route &route : m_routes)
        specs.append(route.spec);
    return specs;
}

const Router::Route *Router::match(const HttpRequest &request, QHash<QString, QString> *params, bool *pathExists) const
{
    const QStringList segments = splitPath(request.path);
    *pathExists = false;
    for (const Route &route : m_routes) {
        if (route.segments.size() != segments.size())
            continue;
        QHash<QString, QString> found;
        bool matches = true;
        for (qsizetype i = 0; i < segments.size() && matches; ++i) {
            const QString &expected = route.segments.at(i);
            if (expected.startsWith(u'{'))
                found.insert(expected.mid(1, expected.size() - 2), segments.at(i));
            else
                matches = expected == segments.at(i);
        }
        if (!matches)
            continue;
        *pathExists = true;
        if (route.spec.method == request.method) {
            *params = std::move(found);
            return &route;
        }
    }
    return nullptr;
}

Status Router::authorise(const Route &route, const Principal &principal) const
{
    const Access &access = route.spec.access;
    switch (access.kind) {
    case Access::Kind::Public: return {};
    case Access::Kind::PlatformAdmin:
        if (principal.kind != Principal::Kind::PlatformAdmin)
            return Error::forbidden(QStringLiteral("this route needs a platform-admin key"));
        return {};
    case Access::Kind::Tenant:
        if (principal.kind == Principal::Kind::User) {
            if (!roleAtLeast(principal.role, access.minimumRole))
                return Error::forbidden(
                    QStringLiteral("your role (%1) does not allow this").arg(roleName(principal.role)));
            return {};
        }
        if (principal.kind == Principal::Kind::ApiKey) {
            if (access.scope.isEmpty())
                return Error::forbidden(QStringLiteral("API keys cannot use this route"));
            if (!principal.scopes.contains(access.scope))
                return Error::forbidden(QStringLiteral("the API key lacks the %1 scope").arg(access.scope));
            return {};
        }
        if (principal.kind == Principal::Kind::PlatformAdmin && !principal.tenantId.isEmpty())
            return {}; // acting inside a tenant as its owner (enterTenant)
        return Error::forbidden(QStringLiteral("platform-admin keys act through /api/v1/admin, or inside one tenant "
                                               "with the X-Twinops-Tenant header"));
    }
    return Error::forbidden(QStringLiteral("not allowed"));
}

Status Router::enterTenant(const Route &route, const HttpRequest &request, ApiContext &api, Principal &principal) const
{
    // Only a platform admin may choose its tenant; for anyone else the header means nothing, so a tenant's user or
    // key can never leave its own tenant with it. Admin routes are not tenant-scoped and ignore it too.
    if (principal.kind != Principal::Kind::PlatformAdmin || route.spec.access.kind != Access::Kind::Tenant)
        return {};
    const QByteArray header = request.header("x-twinops-tenant");
    if (header.isEmpty())
        return {};
    const QString tenantId = QString::fromLatin1(header.trimmed());
    if (!isUuid(tenantId))
        return Error::badRequest(QStringLiteral("X-Twinops-Tenant is not a tenant UUID"));
    TWINOPS_TRY(api.ensureDatabase());
    auto tenant = TenantRepository(api.db()).get(tenantId.toLower());
    if (!tenant.ok())
        return tenant.error();
    if (tenant->status != TenantStatus::Active)
        return Error::forbidden(QStringLiteral("the tenant is suspended"));
    // The tenant's owner for every check and query; kind and key id stay, so the audit log names the admin.
    principal.tenantId = tenant->id;
    principal.role = Role::Owner;
    principal.scopes.clear();
    principal.twinAllowList.reset();
    return {};
}

HttpResponse Router::dispatch(const HttpRequest &request, ApiContext &api) const
{
    return run(request, api, nullptr);
}

HttpResponse Router::dispatchAs(const HttpRequest &request, ApiContext &api, const Principal &principal) const
{
    return run(request, api, &principal);
}

HttpResponse Router::run(const HttpRequest &request, ApiContext &api, const Principal *trusted) const
{
    QElapsedTimer timer;
    timer.start();
    QHash<QString, QString> params;
    bool pathExists = false;
    const Route *route = match(request, &params, &pathExists);

    auto respond = [&]() -> Result<HttpResponse> {
        if (request.body.size() > api.shared().settings.maxBodyBytes)
            return Error{ErrorCode::PayloadTooLarge,
                         QStringLiteral("the body is larger than %1 bytes").arg(api.shared().settings.maxBodyBytes),
                         {},
                         0};
        if (!route) {
            if (pathExists)
                return Error{ErrorCode::MethodNotAllowed, QStringLiteral("method not allowed on this path"), {}, 0};
            return Error::notFound(QStringLiteral("no such route"));
        }
        TWINOPS_TRY(storableQuery(request.query)); // the one check for every handler's query parameters
        if (route->spec.usesDatabase)
            TWINOPS_TRY(api.ensureDatabase());
        Principal principal;
        if (route->spec.access.kind != Access::Kind::Public) {
            if (trusted) {
                principal = *trusted;
            } else {
                auto authenticated = api.authenticate(request);
                if (!authenticated.ok())
                    return authenticated.error();
                principal = std::move(authenticated).value();
            }
            TWINOPS_TRY(enterTenant(*route, request, api, principal));
            TWINOPS_TRY(authorise(*route, principal));
        }
        RequestContext context(request, std::move(params), std::move(principal), api);
        return route->handler(context);
    };

    Result<HttpResponse> result = respond();
    HttpResponse response;
    if (result.ok()) {
        response = std::move(result).value();
    } else {
        if (result.error().code == ErrorCode::Unavailable)
            api.shared().httpMetrics.recordDatabaseError();
        if (result.error().code == ErrorCode::Internal || result.error().code == ErrorCode::Unavailable)
            qCWarning(lcHttp).noquote() << request.requestId << request.method << request.path
                                        << "failed:" << result.error().message;
        response = HttpResponse::error(result.error());
    }
    if (!trusted)
        api.recordRequest(route ? route->spec.pattern : QString(), request.method, response.status,
                          timer.nsecsElapsed());
    return response;
}

} // namespace twinops
