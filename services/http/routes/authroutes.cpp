// POST /api/v1/auth/{signup,login,refresh,logout,password}, GET /api/v1/auth/me
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/resources.h"
#include "http/routes.h"
#include "tenancy/tenantrepository.h"
#include "tenancy/userrepository.h"

namespace twinops {

namespace {

HttpResponse sessionResponse(int status, const Session &session)
{
    return HttpResponse::json(status,
                              JsonObjectWriter()
                                  .insert("access_token", session.accessToken)
                                  .insert("expires_in", session.expiresIn)
                                  .insert("refresh_token", session.refreshToken)
                                  .insert("tenant", tenantJson(session.tenant))
                                  .insert("token_type", QStringLiteral("Bearer"))
                                  .insert("user", userJson(session.user)));
}

Result<QString> refreshTokenField(const HttpRequest &request)
{
    TWINOPS_TRY_ASSIGN(const auto body, jsonBody(request));
    JsonFields fields(body);
    const QString token = fields.requiredString(QStringLiteral("refresh_token"), 200);
    TWINOPS_TRY(fields.status());
    return token;
}

} // namespace

void registerAuthRoutes(Router &router)
{
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/auth/signup"), Access::publicRoute()}.on(
                   Lane::Work,
                   [](const HttpRequest &request, ApiContext &api) { return api.auth().admitSignup(request.client); }),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   const QString email = fields.requiredString(QStringLiteral("email"), 254);
                   const QString password = fields.requiredString(QStringLiteral("password"), 1024);
                   const QString tenantName = fields.requiredString(QStringLiteral("tenant_name"), 100);
                   TWINOPS_TRY(fields.status());
                   TWINOPS_TRY_ASSIGN(const auto session,
                                      c.api.auth().signup(email, password, tenantName, c.request.client));
                   return sessionResponse(201, session);
               });

    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/auth/login"), Access::publicRoute()}.on(
                   Lane::Work,
                   [](const HttpRequest &request, ApiContext &api) { return api.auth().admitLogin(request.client); }),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   const QString email = fields.requiredString(QStringLiteral("email"), 254);
                   const QString password = fields.requiredString(QStringLiteral("password"), 1024);
                   TWINOPS_TRY(fields.status());
                   TWINOPS_TRY_ASSIGN(const auto session, c.api.auth().login(email, password, c.request.client));
                   return sessionResponse(200, session);
               });

    router.add({"POST", QStringLiteral("/api/v1/auth/refresh"), Access::publicRoute()},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto token, refreshTokenField(c.request));
                   TWINOPS_TRY_ASSIGN(const auto session, c.api.auth().refresh(token));
                   return sessionResponse(200, session);
               });

    router.add({"POST", QStringLiteral("/api/v1/auth/logout"), Access::publicRoute()},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto token, refreshTokenField(c.request));
                   TWINOPS_TRY(c.api.auth().logout(token));
                   return HttpResponse::noContent();
               });

    // The user's own password change, open while must_change_password is set (it is how the flag is cleared). A user
    // only: API keys have no password. Answered like a login, as every other session of the user has ended.
    router.add(
        RouteSpec{"POST", QStringLiteral("/api/v1/auth/password"),
                  Access::tenant(Role::Viewer, {}).openBeforePasswordChange()}
            .on(Lane::Work,
                [](const HttpRequest &request, ApiContext &api) { return api.auth().admitLogin(request.client); }),
        [](RequestContext &c) -> Result<HttpResponse> {
            if (c.principal.kind != Principal::Kind::User) // a platform admin acting in the tenant
                return Error::forbidden(QStringLiteral("only a signed-in user changes their own password"));
            TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
            JsonFields fields(body);
            const QString current = fields.requiredString(QStringLiteral("current_password"), 1024);
            const QString next = fields.requiredString(QStringLiteral("new_password"), 1024);
            TWINOPS_TRY(fields.status());
            TWINOPS_TRY_ASSIGN(const auto session,
                               c.api.auth().changePassword(c.principal.userId, current, next, c.request.client));
            audit(c, QStringLiteral("user.password_change"), QStringLiteral("user"), c.principal.userId);
            return sessionResponse(200, session);
        });

    router.add({"GET", QStringLiteral("/api/v1/auth/me"),
                Access::tenant(Role::Viewer, scopes::twinsRead).openBeforePasswordChange()},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(c.api.db()).get(c.principal.tenantId));
                   JsonObjectWriter me; // fields in alphabetical order, as in the resources
                   if (c.principal.kind == Principal::Kind::User) {
                       TWINOPS_TRY_ASSIGN(const auto user,
                                          UserRepository(c.api.db()).get(c.principal.tenantId, c.principal.userId));
                       me.insert("tenant", tenantJson(tenant))
                           .insert("user",
                                   JsonObjectWriter()
                                       .insert("email", user.email)
                                       .insert("id", user.id)
                                       .insert("must_change_password", user.mustChangePassword)
                                       .insert("role", roleName(user.role))
                                       .insert("tenant_id", user.tenantId));
                   } else {
                       me.insert(
                             "api_key",
                             JsonObjectWriter().insert("id", c.principal.apiKeyId).insert("scopes", c.principal.scopes))
                           .insert("tenant", tenantJson(tenant));
                   }
                   return HttpResponse::json(200, me);
               });
}

} // namespace twinops
