#include "http/router.h"

#include "core/ids.h"
#include "core/logging.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "metrics/metricsregistry.h"
#include "tenancy/tenantrepository.h"

namespace twinops {

namespace {

bool roleAtLeast(Role have, Role need)
{
    auto rank = [](Role role) { return role == Role::Owner ? 2 : role == Role::Admin ? 1 : 0; };
    return rank(have) >= rank(need);
}

// The access log's name for who called: the kind only, never a credential. A public route that takes a share
// link's token in its path is a share-link visit (the token itself is never logged: routes are logged as templates).
QString principalKindName(const Principal &principal, const RouteSpec *route)
{
    switch (principal.kind) {
    case Principal::Kind::User: return QStringLiteral("user");
    case Principal::Kind::ApiKey: return QStringLiteral("api-key");
    case Principal::Kind::ShareLink: return QStringLiteral("share-link");
    case Principal::Kind::PlatformAdmin: return QStringLiteral("platform-admin");
    case Principal::Kind::Anonymous: break;
    }
    if (route && route->access.kind == Access::Kind::Public && route->pattern.contains(QLatin1String("{token}")))
        return QStringLiteral("share-link");
    return QStringLiteral("anonymous");
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
    TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(api.db()).get(tenantId.toLower()));
    if (tenant.status != TenantStatus::Active)
        return Error::forbidden(QStringLiteral("the tenant is suspended"));
    // The tenant's owner for every check and query; kind and key id stay, so the audit log names the admin.
    principal.tenantId = tenant.id;
    principal.role = Role::Owner;
    principal.scopes.clear();
    principal.twinAllowList.reset();
    return {};
}

Lane Router::Call::lane() const
{
    return route->spec.lane;
}

const QString &Router::Call::pattern() const
{
    return route->spec.pattern;
}

HttpResponse Router::dispatch(const HttpRequest &request, ApiContext &api) const
{
    Routed routed = route(request, api, nullptr);
    if (auto *call = std::get_if<Call>(&routed))
        return execute(*call, request, api);
    return std::get<HttpResponse>(std::move(routed));
}

HttpResponse Router::dispatchAs(const HttpRequest &request, ApiContext &api, const Principal &principal) const
{
    Routed routed = route(request, api, &principal);
    if (auto *call = std::get_if<Call>(&routed))
        return execute(*call, request, api);
    return std::get<HttpResponse>(std::move(routed));
}

Router::Routed Router::route(const HttpRequest &request, ApiContext &api) const
{
    return route(request, api, nullptr);
}

Router::Routed Router::route(const HttpRequest &request, ApiContext &api, const Principal *trusted) const
{
    Call call;
    call.started = std::chrono::steady_clock::now();
    call.counted = trusted == nullptr;
    bool pathExists = false;
    call.route = match(request, &call.params, &pathExists);

    auto authorised = [&]() -> Status {
        if (request.body.size() > api.shared().settings.maxBodyBytes)
            return Error{ErrorCode::PayloadTooLarge,
                         QStringLiteral("the body is larger than %1 bytes").arg(api.shared().settings.maxBodyBytes),
                         {},
                         0};
        if (!call.route) {
            if (pathExists)
                return Error{ErrorCode::MethodNotAllowed, QStringLiteral("method not allowed on this path"), {}, 0};
            return Error::notFound(QStringLiteral("no such route"));
        }
        TWINOPS_TRY(storableQuery(request.query)); // the one check for every handler's query parameters
        if (call.route->spec.admit) {
            TWINOPS_TRY(api.ensureDatabase());
            TWINOPS_TRY(call.route->spec.admit(request, api));
        }
        if (call.route->spec.access.kind == Access::Kind::Public)
            return {};
        if (trusted) {
            call.principal = *trusted;
        } else {
            TWINOPS_TRY_ASSIGN(call.principal, api.authenticate(request));
        }
        // Here, not in the handlers: a route added later stays closed to these credentials unless its Access opens it.
        if (call.principal.mustChangePassword && !call.route->spec.access.beforePasswordChange)
            return Error{ErrorCode::PasswordChangeRequired,
                         QStringLiteral("the password was generated by an admin and must be changed first: "
                                        "POST /api/v1/auth/password with current_password and new_password"),
                         {},
                         0};
        TWINOPS_TRY(enterTenant(*call.route, request, api, call.principal));
        return authorise(*call.route, call.principal);
    };
    if (Status status = authorised(); !status.ok())
        return finish(status.error(), call, request, api);
    return call;
}

HttpResponse Router::execute(Call &call, const HttpRequest &request, ApiContext &api) const
{
    auto run = [&]() -> Result<HttpResponse> {
        if (call.route->spec.usesDatabase)
            TWINOPS_TRY(api.ensureDatabase());
        RequestContext context(request, std::move(call.params), std::move(call.principal), api);
        return call.route->handler(context);
    };
    return finish(run(), call, request, api);
}

void Router::record(const Call &call, const HttpRequest &request, ApiContext &api, int status) const
{
    if (!call.counted)
        return;
    const qint64 nanoseconds = std::chrono::nanoseconds(std::chrono::steady_clock::now() - call.started).count();
    const QString route = call.route ? call.route->spec.pattern : QString();
    api.recordRequest(route, request.method, status, nanoseconds);
    if (!lcAccess().isInfoEnabled())
        return;
    // execute() moved the principal into the handler's context; its kind, an enum, was copied and is still here.
    logInfo(
        lcAccess(), {},
        {{QStringLiteral("method"), QString::fromLatin1(request.method)},
         {QStringLiteral("route"), route.isEmpty() ? QStringLiteral("unmatched") : route},
         {QStringLiteral("status"), status},
         {QStringLiteral("duration_ms"), double(qRound64(double(nanoseconds) / 1000.0)) / 1000.0}, // µs precision
         {QStringLiteral("request_id"), request.requestId},
         {QStringLiteral("principal"), principalKindName(call.principal, call.route ? &call.route->spec : nullptr)}});
}

HttpResponse Router::finish(Result<HttpResponse> result, const Call &call, const HttpRequest &request,
                            ApiContext &api) const
{
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
    record(call, request, api, response.status);
    return response;
}

} // namespace twinops
