// The people and keys of one tenant: /api/v1/users, /api/v1/api-keys (owner and admin users only).
#include "auth/apikeyrepository.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/resources.h"
#include "http/routes.h"
#include "tenancy/userrepository.h"

namespace twinops {

namespace {

// Admins manage admins and viewers; only an owner may create, change or remove an owner.
Status mayManage(const Principal &principal, Role targetRole)
{
    if (targetRole == Role::Owner && principal.role != Role::Owner)
        return Error::forbidden(QStringLiteral("only an owner can manage owners"));
    return {};
}

} // namespace

void registerPeopleRoutes(Router &router)
{
    // Empty scope: API keys cannot manage people or keys, whatever their scopes.
    const Access manage = Access::tenant(Role::Admin, QString());

    router.add({"GET", QStringLiteral("/api/v1/users"), manage}, [](RequestContext &c) {
        return pagedItems(
            c, [&](const PageRequest &page) { return UserRepository(c.api.db()).list(c.principal.tenantId, page); },
            userJson);
    });

    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/users"), manage}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   const QString email = fields.requiredString(QStringLiteral("email"), 254);
                   const QString password = fields.requiredString(QStringLiteral("password"), 1024);
                   const auto role = roleFromString(fields.requiredString(QStringLiteral("role"), 20));
                   if (!role && !body.value(QStringLiteral("role")).isUndefined())
                       fields.problem(QStringLiteral("role"), QStringLiteral("must be owner, admin or viewer"));
                   TWINOPS_TRY(fields.status());
                   TWINOPS_TRY(mayManage(c.principal, *role));
                   TWINOPS_TRY_ASSIGN(const auto hash, c.api.auth().hashPassword(password));
                   TWINOPS_TRY_ASSIGN(const auto user,
                                      UserRepository(c.api.db()).create(c.principal.tenantId, {email, hash, *role}));
                   audit(c, QStringLiteral("user.create"), QStringLiteral("user"), user.id,
                         {{QStringLiteral("role"), roleName(*role)}});
                   return HttpResponse::json(201, userJson(user));
               });

    router.add({"PATCH", QStringLiteral("/api/v1/users/{id}"), manage}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
        UserRepository users(c.api.db());
        TWINOPS_TRY_ASSIGN(const auto user, users.get(c.principal.tenantId, id));
        TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
        JsonFields fields(body);
        UserPatch patch;
        if (auto role = fields.optionalString(QStringLiteral("role"), 20)) {
            patch.role = roleFromString(*role);
            if (!patch.role)
                fields.problem(QStringLiteral("role"), QStringLiteral("must be owner, admin or viewer"));
        }
        patch.isActive = fields.optionalBool(QStringLiteral("is_active"));
        TWINOPS_TRY(fields.status());
        TWINOPS_TRY(mayManage(c.principal, user.role));
        if (patch.role)
            TWINOPS_TRY(mayManage(c.principal, *patch.role));
        const bool stillActiveOwner
            = patch.role.value_or(user.role) == Role::Owner && patch.isActive.value_or(user.isActive);
        TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
        TWINOPS_TRY(keepsAnOwner(users, user, stillActiveOwner));
        TWINOPS_TRY_ASSIGN(const auto updated, users.update(c.principal.tenantId, id, patch));
        if (patch.isActive == false)
            TWINOPS_TRY(endAccessAudited(c, id, KeyRevocation::CreatorDeactivated));
        audit(c, QStringLiteral("user.update"), QStringLiteral("user"), id, body);
        TWINOPS_TRY(tx.commit());
        return HttpResponse::json(200, userJson(updated));
    });

    router.add({"DELETE", QStringLiteral("/api/v1/users/{id}"), manage}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
        UserRepository users(c.api.db());
        TWINOPS_TRY_ASSIGN(const auto user, users.get(c.principal.tenantId, id));
        TWINOPS_TRY(mayManage(c.principal, user.role));
        TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
        TWINOPS_TRY(keepsAnOwner(users, user, false));
        // First: deleting the user sets created_by of the user's keys to NULL, after which they are nobody's.
        TWINOPS_TRY(endAccessAudited(c, id, KeyRevocation::CreatorDeleted));
        TWINOPS_TRY(users.remove(c.principal.tenantId, id));
        audit(c, QStringLiteral("user.delete"), QStringLiteral("user"), id);
        TWINOPS_TRY(tx.commit());
        return HttpResponse::noContent();
    });

    router.add({"GET", QStringLiteral("/api/v1/api-keys"), manage}, [](RequestContext &c) {
        return pagedItems(
            c, [&](const PageRequest &page) { return ApiKeyRepository(c.api.db()).list(c.principal.tenantId, page); },
            apiKeyJson);
    });

    router.add({"POST", QStringLiteral("/api/v1/api-keys"), manage}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
        JsonFields fields(body);
        NewApiKey key;
        key.name = fields.requiredString(QStringLiteral("name"), 100);
        key.scopes = fields.requiredStringList(QStringLiteral("scopes"), 20);
        key.twinIds = fields.optionalStringList(QStringLiteral("twin_ids"), 1000);
        key.expiresInDays = fields.optionalInt(QStringLiteral("expires_in_days"));
        key.createdBy = c.principal.userId;
        TWINOPS_TRY(fields.status());
        TWINOPS_TRY_ASSIGN(const auto issued, ApiKeyRepository(c.api.db()).create(c.principal.tenantId, key));
        audit(c, QStringLiteral("api_key.create"), QStringLiteral("api_key"), issued.key.id,
              {{QStringLiteral("scopes"), QJsonArray::fromStringList(key.scopes)}});
        return HttpResponse::json(201, apiKeyJson(issued.key).insert("key", issued.secret));
    });

    router.add({"DELETE", QStringLiteral("/api/v1/api-keys/{id}"), manage},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY(ApiKeyRepository(c.api.db()).revoke(c.principal.tenantId, id));
                   audit(c, QStringLiteral("api_key.revoke"), QStringLiteral("api_key"), id);
                   return HttpResponse::noContent();
               });
}

} // namespace twinops
