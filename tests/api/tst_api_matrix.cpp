// The runbook's "auth correctness" as a table: every registered route × every kind of credential, with the exact
// status resources/api/openapi.json prescribes, on SQLite and PostgreSQL. Every refused request must leave the database
// unchanged.
//
// The expected policy of each route is written here from resources/api/openapi.json, independently of the router's own
// Access table, and the test fails when a route is registered without a row here (or a row names no route).
#include "alerts/alertengine.h"
#include "alerts/alertrepository.h"
#include "apiharness.h"
#include "auth/crypto.h"
#include "auth/jwt.h"
#include "checks/checklistrunner.h"
#include "core/ids.h"
#include "core/jsonio.h"
#include "graph/extractor.h"
#include "graph/graphstore.h"
#include "http/routes.h"
#include "jobs/jobqueue.h"
#include "notify/webhooknotifier.h"

#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

enum class Target {
    None,
    Twin,
    Source,
    User,
    ApiKey,
    ShareLink,
    Tenant,
    ShareToken,
    AdminUser,
    Conversation,
    Job,
    FinishedJob,
    ChecklistRun,
    AdminKey,
    AlertRule,
    Alert, // a firing alert's fingerprint
    AlertSilence,
    GraphEdge // a twin with a graph: {id} is the twin, {edge_id} one of its edges
};
enum class Kind { Public, Tenant, Admin };

constexpr QLatin1StringView kMatrixErrorSignature("matrix failure");

// What resources/api/openapi.json says of a route.
struct Policy
{
    const char *route; // "METHOD pattern"
    Kind kind;
    Role minimumRole; // for users of the tenant
    const char *scope; // for API keys; nullptr: keys may not use it
    Target target; // what {id} names; Twin-bound targets are hidden from a key outside its allow-list
    int success; // status for an allowed caller
};

const Policy kPolicies[] = {
    {"GET /health", Kind::Public, Role::Viewer, nullptr, Target::None, 200},
    {"GET /metrics", Kind::Public, Role::Viewer, nullptr, Target::None, 200},
    {"GET /api/v1/openapi.json", Kind::Public, Role::Viewer, nullptr, Target::None, 200},
    {"POST /api/v1/auth/signup", Kind::Public, Role::Viewer, nullptr, Target::None, 201},
    {"POST /api/v1/auth/login", Kind::Public, Role::Viewer, nullptr, Target::None, 200},
    {"POST /api/v1/auth/refresh", Kind::Public, Role::Viewer, nullptr, Target::None, 200},
    {"POST /api/v1/auth/logout", Kind::Public, Role::Viewer, nullptr, Target::None, 204},
    {"GET /api/v1/auth/me", Kind::Tenant, Role::Viewer, "twins:read", Target::None, 200},
    {"POST /api/v1/auth/password", Kind::Tenant, Role::Viewer, nullptr, Target::None, 200},
    {"GET /api/v1/twins", Kind::Tenant, Role::Viewer, "twins:read", Target::None, 200},
    {"POST /api/v1/twins", Kind::Tenant, Role::Admin, "twins:write", Target::None, 201},
    {"GET /api/v1/twins/{id}", Kind::Tenant, Role::Viewer, "twins:read", Target::Twin, 200},
    {"PATCH /api/v1/twins/{id}", Kind::Tenant, Role::Admin, "twins:write", Target::Twin, 200},
    {"DELETE /api/v1/twins/{id}", Kind::Tenant, Role::Admin, "twins:write", Target::Twin, 204},
    {"GET /api/v1/twins/{id}/sources", Kind::Tenant, Role::Viewer, "twins:read", Target::Twin, 200},
    {"POST /api/v1/twins/{id}/sources", Kind::Tenant, Role::Admin, "sources:write", Target::Twin, 201},
    {"GET /api/v1/sources/{id}", Kind::Tenant, Role::Viewer, "twins:read", Target::Source, 200},
    {"DELETE /api/v1/sources/{id}", Kind::Tenant, Role::Admin, "sources:write", Target::Source, 204},
    {"GET /api/v1/sources/{id}/health", Kind::Tenant, Role::Viewer, "twins:read", Target::Source, 200},
    {"POST /api/v1/sources/{id}/approve", Kind::Tenant, Role::Admin, "sources:write", Target::Source, 202},
    {"POST /api/v1/sources/{id}/reject", Kind::Tenant, Role::Admin, "sources:write", Target::Source, 200},
    {"POST /api/v1/sources/bulk-approve", Kind::Tenant, Role::Admin, "sources:write", Target::Source, 202},
    {"GET /api/v1/twins/{id}/graph", Kind::Tenant, Role::Viewer, "twins:read", Target::Twin, 200},
    {"GET /api/v1/twins/{id}/graph/edges/{edge_id}/evidence", Kind::Tenant, Role::Viewer, "twins:read",
     Target::GraphEdge, 200},
    {"GET /api/v1/twins/{id}/share-links", Kind::Tenant, Role::Viewer, "twins:read", Target::Twin, 200},
    {"POST /api/v1/twins/{id}/share-links", Kind::Tenant, Role::Admin, "twins:write", Target::Twin, 201},
    {"DELETE /api/v1/share-links/{id}", Kind::Tenant, Role::Admin, "twins:write", Target::ShareLink, 204},
    {"POST /api/v1/twins/{id}/chat", Kind::Tenant, Role::Viewer, "chat", Target::Twin, 200},
    {"GET /api/v1/twins/{id}/conversations", Kind::Tenant, Role::Viewer, "twins:read", Target::Twin, 200},
    {"GET /api/v1/conversations/{id}/messages", Kind::Tenant, Role::Viewer, "twins:read", Target::Conversation, 200},
    {"GET /api/v1/users", Kind::Tenant, Role::Admin, nullptr, Target::None, 200},
    {"POST /api/v1/users", Kind::Tenant, Role::Admin, nullptr, Target::None, 201},
    {"PATCH /api/v1/users/{id}", Kind::Tenant, Role::Admin, nullptr, Target::User, 200},
    {"DELETE /api/v1/users/{id}", Kind::Tenant, Role::Admin, nullptr, Target::User, 204},
    {"GET /api/v1/api-keys", Kind::Tenant, Role::Admin, nullptr, Target::None, 200},
    {"POST /api/v1/api-keys", Kind::Tenant, Role::Admin, nullptr, Target::None, 201},
    {"DELETE /api/v1/api-keys/{id}", Kind::Tenant, Role::Admin, nullptr, Target::ApiKey, 204},
    {"GET /api/v1/public/share/{token}", Kind::Public, Role::Viewer, nullptr, Target::ShareToken, 200},
    {"POST /api/v1/public/share/{token}/chat", Kind::Public, Role::Viewer, nullptr, Target::ShareToken, 200},
    {"GET /api/v1/admin/tenants", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/tenants", Kind::Admin, Role::Owner, nullptr, Target::None, 201},
    {"PATCH /api/v1/admin/tenants/{id}", Kind::Admin, Role::Owner, nullptr, Target::Tenant, 200},
    {"DELETE /api/v1/admin/tenants/{id}", Kind::Admin, Role::Owner, nullptr, Target::Tenant, 200},
    {"GET /api/v1/admin/tenants/{id}/export", Kind::Admin, Role::Owner, nullptr, Target::Tenant, 200},
    {"GET /api/v1/admin/users", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/tenants/{id}/users", Kind::Admin, Role::Owner, nullptr, Target::Tenant, 201},
    {"PATCH /api/v1/admin/users/{id}", Kind::Admin, Role::Owner, nullptr, Target::AdminUser, 200},
    {"POST /api/v1/admin/users/{id}/end-sessions", Kind::Admin, Role::Owner, nullptr, Target::AdminUser, 200},
    {"POST /api/v1/admin/users/{id}/password-reset", Kind::Admin, Role::Owner, nullptr, Target::AdminUser, 200},
    {"POST /api/v1/admin/users/{id}/revoke", Kind::Admin, Role::Owner, nullptr, Target::AdminUser, 200},
    {"POST /api/v1/admin/users/{id}/restore", Kind::Admin, Role::Owner, nullptr, Target::AdminUser, 200},
    {"GET /api/v1/admin/audit", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/keys", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/keys", Kind::Admin, Role::Owner, nullptr, Target::None, 201},
    {"DELETE /api/v1/admin/keys/{id}", Kind::Admin, Role::Owner, nullptr, Target::AdminKey, 204},
    {"GET /api/v1/admin/metrics", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/metrics/history", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/jobs", Kind::Tenant, Role::Viewer, "jobs:read", Target::None, 200},
    {"GET /api/v1/jobs/{id}", Kind::Tenant, Role::Viewer, "jobs:read", Target::Job, 200},
    {"GET /api/v1/jobs/{id}/logs", Kind::Tenant, Role::Viewer, "jobs:read", Target::Job, 200},
    {"POST /api/v1/jobs/{id}/retry", Kind::Tenant, Role::Admin, "jobs:write", Target::FinishedJob, 200},
    {"POST /api/v1/jobs/{id}/cancel", Kind::Tenant, Role::Admin, "jobs:write", Target::Job, 200},
    {"GET /api/v1/admin/jobs", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/jobs/stats", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/jobs/{id}/logs", Kind::Admin, Role::Owner, nullptr, Target::Job, 200},
    {"POST /api/v1/admin/jobs/retry", Kind::Admin, Role::Owner, nullptr, Target::FinishedJob, 200},
    {"POST /api/v1/admin/jobs/cancel", Kind::Admin, Role::Owner, nullptr, Target::Job, 200},
    {"POST /api/v1/admin/jobs/discard", Kind::Admin, Role::Owner, nullptr, Target::Job, 200},
    {"GET /api/v1/admin/jobs/error-groups", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/jobs/error-groups/retry", Kind::Admin, Role::Owner, nullptr, Target::FinishedJob, 200},
    {"POST /api/v1/admin/jobs/error-groups/cancel", Kind::Admin, Role::Owner, nullptr, Target::Job, 200},
    {"POST /api/v1/admin/jobs/error-groups/discard", Kind::Admin, Role::Owner, nullptr, Target::Job, 200},
    {"GET /api/v1/admin/jobs/types", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/jobs/types/{type}/pause", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/jobs/types/{type}/resume", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/workers", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/checks", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/checks/run", Kind::Admin, Role::Owner, nullptr, Target::None, 202},
    {"GET /api/v1/admin/checks/runs/{id}", Kind::Admin, Role::Owner, nullptr, Target::ChecklistRun, 200},
    {"PATCH /api/v1/admin/checks/runs/{id}/items/{item_id}", Kind::Admin, Role::Owner, nullptr, Target::ChecklistRun,
     200},
    // The target run is stored as running but runs nowhere: only the instance running a run can stop it.
    {"POST /api/v1/admin/checks/runs/{id}/cancel", Kind::Admin, Role::Owner, nullptr, Target::ChecklistRun, 409},
    {"GET /api/v1/admin/checks/schedule", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"PUT /api/v1/admin/checks/schedule", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/checks/trend", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/alerts/test-notification", Kind::Admin, Role::Owner, nullptr, Target::None, 202},

    {"GET /api/v1/admin/alerts/rules", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/alerts/rules", Kind::Admin, Role::Owner, nullptr, Target::None, 201},
    {"GET /api/v1/admin/alerts/rules/prometheus", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/alerts/rules/{id}", Kind::Admin, Role::Owner, nullptr, Target::AlertRule, 200},
    {"PATCH /api/v1/admin/alerts/rules/{id}", Kind::Admin, Role::Owner, nullptr, Target::AlertRule, 200},
    {"DELETE /api/v1/admin/alerts/rules/{id}", Kind::Admin, Role::Owner, nullptr, Target::AlertRule, 204},
    {"GET /api/v1/admin/alerts", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"GET /api/v1/admin/alerts/history", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/alerts/{fingerprint}/acknowledge", Kind::Admin, Role::Owner, nullptr, Target::Alert, 204},
    {"GET /api/v1/admin/alerts/silences", Kind::Admin, Role::Owner, nullptr, Target::None, 200},
    {"POST /api/v1/admin/alerts/silences", Kind::Admin, Role::Owner, nullptr, Target::None, 201},
    {"POST /api/v1/admin/alerts/silences/{id}/expire", Kind::Admin, Role::Owner, nullptr, Target::AlertSilence, 204},
};

// The test notification needs a receiver to enqueue for; no worker runs here, so nothing is ever sent to it.
WebhookNotifier &matrixNotifier()
{
    static WebhookNotifier notifier([] {
        WebhookSettings settings;
        WebhookReceiver receiver;
        receiver.name = QStringLiteral("matrix");
        receiver.url = QUrl(QStringLiteral("http://127.0.0.1:9/never-called"));
        receiver.secret = QByteArray(kMinimumWebhookSecretBytes, 's');
        settings.receivers = {receiver};
        return settings;
    }());
    return notifier;
}

// The callers of the matrix.
const char *const kCredentials[] = {
    "owner",
    "admin",
    "viewer",
    "none",
    "malformed",
    "wrong_signature",
    "alg_none",
    "alg_hs512",
    "expired",
    "revoked_user",
    "suspended_tenant",
    "other_tenant",
    "key_full",
    "key_revoked",
    "key_expired",
    "key_missing_scope",
    "key_outside_allow_list",
    "platform_admin",
    "share_bad",
    "share_expired",
    "share_revoked",
    // Issue #12: a key whose creator was revoked; a user revoked and restored, with the access and refresh tokens of
    // before; platform-admin keys revoked or expired.
    "key_creator_revoked",
    "restored_user",
    "admin_key_revoked",
    "admin_key_expired",
    // Issue #16: a user the platform admin added, signed in with the generated password and not yet changed it.
    "must_change_password",
};

constexpr QLatin1StringView kPassword("correct horse battery");
constexpr QLatin1StringView kChangedPassword("correct horse battery staple");

QString base64Url(const QByteArray &data)
{
    return QString::fromLatin1(data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// A token with the claims of a real one, signed as an attacker would (or not at all).
QString forgedToken(const QString &validToken, const QByteArray &header, const QByteArray &algorithmKey, bool sha512)
{
    const QString payload = validToken.section(u'.', 1, 1);
    const QString signingInput = base64Url(header) + u'.' + payload;
    if (algorithmKey.isEmpty())
        return signingInput + u'.';
    const QByteArray mac = QMessageAuthenticationCode::hash(
        signingInput.toLatin1(), algorithmKey, sha512 ? QCryptographicHash::Sha512 : QCryptographicHash::Sha256);
    return signingInput + u'.' + base64Url(mac);
}

int roleRank(Role role)
{
    return role == Role::Owner ? 2 : role == Role::Admin ? 1 : 0;
}

} // namespace

class TestApiMatrix final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void cleanupTestCase() { m_fixtures.clear(); }

    void everyRouteHasAPolicy();
    void matrix_data();
    void matrix();

private:
    struct Fixture
    {
        std::unique_ptr<ApiHarness> api;
        QHash<QString, QByteArray> credentials;
        QString tenantA, tenantB, ownerAEmail;
        QString disallowedTwinA; // a twin of A outside key_outside_allow_list's list
        QString shareBad, shareExpired, shareRevoked;
        QString restoredRefreshToken; // restored_user's refresh token of before the revocation
        QString generatedPassword; // must_change_password's
        QByteArray platformAdmin;
        QHash<QString, QString> edgeOfTwin; // Target::GraphEdge: twin id → an edge of its graph
        int serial = 0;
    };
    Fixture *fixture();
    Fixture *buildFixture(Dialect dialect);
    QString createTarget(Fixture &f, Target target, const QString &credential);
    QJsonObject successBody(Fixture &f, const QString &route, const QString &targetId, const QString &credential);
    QString fingerprint(Database &db);

    std::map<Dialect, std::unique_ptr<Fixture>> m_fixtures;
};

void TestApiMatrix::everyRouteHasAPolicy()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("runs once");
    Router router;
    registerRoutes(router);
    QSet<QString> registered, described;
    for (const RouteSpec &spec : router.routes())
        registered.insert(QString::fromLatin1(spec.method) + u' ' + spec.pattern);
    for (const Policy &policy : kPolicies)
        described.insert(QLatin1String(policy.route));
    const QSet<QString> undescribed = registered - described, unknown = described - registered;
    QVERIFY2(undescribed.isEmpty(),
             qPrintable(QStringLiteral("routes without a policy row: ") + undescribed.values().join(u',')));
    QVERIFY2(unknown.isEmpty(),
             qPrintable(QStringLiteral("policy rows without a route: ") + unknown.values().join(u',')));
}

TestApiMatrix::Fixture *TestApiMatrix::fixture()
{
    const Dialect dialect = currentDialect();
    auto it = m_fixtures.find(dialect);
    if (it != m_fixtures.end())
        return it->second.get();
    return buildFixture(dialect);
}

TestApiMatrix::Fixture *TestApiMatrix::buildFixture(Dialect dialect)
{
    auto f = std::make_unique<Fixture>();
    ApiSettings settings;
    settings.alertNotifier = &matrixNotifier();
    f->api = ApiHarness::create(dialect, settings);
    if (!f->api)
        return nullptr;
    ApiHarness &api = *f->api;
    auto &c = f->credentials;

    const QJsonObject a = api.signup(QStringLiteral("owner@a.example"), QStringLiteral("Tenant A"));
    const QJsonObject b = api.signup(QStringLiteral("owner@b.example"), QStringLiteral("Tenant B"));
    const QJsonObject s = api.signup(QStringLiteral("owner@suspended.example"), QStringLiteral("Tenant S"));
    f->tenantA = ApiHarness::tenantIdOf(a);
    f->tenantB = ApiHarness::tenantIdOf(b);
    f->ownerAEmail = QStringLiteral("owner@a.example");
    const QString ownerToken = a[QStringLiteral("access_token")].toString();
    c[QStringLiteral("owner")] = ApiHarness::bearer(ownerToken);
    c[QStringLiteral("other_tenant")] = ApiHarness::bearer(b[QStringLiteral("access_token")].toString());
    c[QStringLiteral("suspended_tenant")] = ApiHarness::bearer(s[QStringLiteral("access_token")].toString());
    c[QStringLiteral("none")] = QByteArray();
    c[QStringLiteral("malformed")] = "Token " + ownerToken.toLatin1();

    f->platformAdmin = api.platformAdmin(QStringLiteral("matrix"));
    if (f->platformAdmin.isEmpty())
        return nullptr;
    c[QStringLiteral("platform_admin")] = f->platformAdmin;

    auto login = [&](const QString &email) {
        return ApiHarness::bearer(api.call("POST", QStringLiteral("/api/v1/auth/login"),
                                           {{QStringLiteral("email"), email},
                                            {QStringLiteral("password"), QStringLiteral("correct horse battery")}})
                                      .json[QStringLiteral("access_token")]
                                      .toString());
    };
    QHash<QString, QString> userIds;
    for (const char *role : {"admin", "viewer", "revoked", "restored", "keymaker"}) {
        const QString email = QStringLiteral("%1@a.example").arg(QLatin1String(role));
        const auto created
            = api.call("POST", QStringLiteral("/api/v1/users"),
                       {{QStringLiteral("email"), email},
                        {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                        {QStringLiteral("role"),
                         qstrcmp(role, "viewer") == 0 ? QStringLiteral("viewer") : QStringLiteral("admin")}},
                       c[QStringLiteral("owner")]);
        if (created.status != 201)
            return nullptr;
        userIds.insert(QLatin1String(role), created.json[QStringLiteral("id")].toString());
        if (qstrcmp(role, "restored") == 0) {
            const auto session = api.call("POST", QStringLiteral("/api/v1/auth/login"),
                                          {{QStringLiteral("email"), email},
                                           {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
            c[QStringLiteral("restored_user")]
                = ApiHarness::bearer(session.json[QStringLiteral("access_token")].toString());
            f->restoredRefreshToken = session.json[QStringLiteral("refresh_token")].toString();
            api.call("POST", QStringLiteral("/api/v1/admin/users/%1/revoke").arg(userIds.value(QLatin1String(role))),
                     {}, f->platformAdmin);
            api.call("POST", QStringLiteral("/api/v1/admin/users/%1/restore").arg(userIds.value(QLatin1String(role))),
                     {}, f->platformAdmin);
            continue;
        }
        if (qstrcmp(role, "keymaker") == 0) {
            const auto made = api.call("POST", QStringLiteral("/api/v1/api-keys"),
                                       {{QStringLiteral("name"), QStringLiteral("keymaker's")},
                                        {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes::all())}},
                                       login(email));
            if (made.status != 201)
                return nullptr;
            c[QStringLiteral("key_creator_revoked")] = ApiHarness::bearer(made.json[QStringLiteral("key")].toString());
            api.call("POST", QStringLiteral("/api/v1/admin/users/%1/revoke").arg(userIds.value(QLatin1String(role))),
                     {}, f->platformAdmin);
            continue;
        }
        c[qstrcmp(role, "revoked") == 0 ? QStringLiteral("revoked_user") : QLatin1String(role)] = login(email);
        if (qstrcmp(role, "revoked") == 0)
            api.call("POST",
                     QStringLiteral("/api/v1/admin/users/%1/revoke").arg(created.json[QStringLiteral("id")].toString()),
                     {}, f->platformAdmin);
    }
    const auto added = api.call("POST", QStringLiteral("/api/v1/admin/tenants/%1/users").arg(f->tenantA),
                                {{QStringLiteral("email"), QStringLiteral("added@a.example")},
                                 {QStringLiteral("role"), QStringLiteral("admin")}},
                                f->platformAdmin);
    f->generatedPassword = added.json[QStringLiteral("password")].toString();
    c[QStringLiteral("must_change_password")]
        = ApiHarness::bearer(api.call("POST", QStringLiteral("/api/v1/auth/login"),
                                      {{QStringLiteral("email"), QStringLiteral("added@a.example")},
                                       {QStringLiteral("password"), f->generatedPassword}})
                                 .json[QStringLiteral("access_token")]
                                 .toString());
    api.call("PATCH", QStringLiteral("/api/v1/admin/tenants/%1").arg(ApiHarness::tenantIdOf(s)),
             {{QStringLiteral("status"), QStringLiteral("suspended")}}, f->platformAdmin);

    // Forged and stale tokens for owner A.
    const QByteArray secret(ApiHarness::kJwtSecret);
    c[QStringLiteral("wrong_signature")] = ApiHarness::bearer(
        forgedToken(ownerToken, R"({"alg":"HS256","typ":"JWT"})", "another-secret-another-secret-0123456789", false));
    c[QStringLiteral("alg_none")]
        = ApiHarness::bearer(forgedToken(ownerToken, R"({"alg":"none","typ":"JWT"})", {}, false));
    c[QStringLiteral("alg_hs512")]
        = ApiHarness::bearer(forgedToken(ownerToken, R"({"alg":"HS512","typ":"JWT"})", secret, true));
    const QJsonObject ownerUser = a[QStringLiteral("user")].toObject();
    c[QStringLiteral("expired")] = ApiHarness::bearer(JwtCodec(secret).issue(
        ownerUser[QStringLiteral("id")].toString(), f->tenantA, Role::Owner, nowUtc().addSecs(-3600)));

    // API keys of tenant A.
    auto key = [&](const QStringList &scopes, const std::optional<QStringList> &twins) {
        QJsonObject body{{QStringLiteral("name"), QStringLiteral("k%1").arg(++f->serial)},
                         {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)}};
        if (twins)
            body.insert(QStringLiteral("twin_ids"), QJsonArray::fromStringList(*twins));
        return api.call("POST", QStringLiteral("/api/v1/api-keys"), body, c[QStringLiteral("owner")]).json;
    };
    const QString allowedTwin
        = api.call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("allowed")}},
                   c[QStringLiteral("owner")])
              .json[QStringLiteral("id")]
              .toString();
    c[QStringLiteral("key_full")]
        = ApiHarness::bearer(key(scopes::all(), std::nullopt)[QStringLiteral("key")].toString());
    c[QStringLiteral("key_missing_scope")]
        = ApiHarness::bearer(key({scopes::chat}, std::nullopt)[QStringLiteral("key")].toString());
    c[QStringLiteral("key_outside_allow_list")]
        = ApiHarness::bearer(key(scopes::all(), QStringList{allowedTwin})[QStringLiteral("key")].toString());
    const QJsonObject revokedKey = key(scopes::all(), std::nullopt);
    api.call("DELETE", QStringLiteral("/api/v1/api-keys/%1").arg(revokedKey[QStringLiteral("id")].toString()), {},
             c[QStringLiteral("owner")]);
    c[QStringLiteral("key_revoked")] = ApiHarness::bearer(revokedKey[QStringLiteral("key")].toString());
    const QJsonObject expiredKey = key(scopes::all(), std::nullopt);
    (void)api.db().query(QStringLiteral("UPDATE api_keys SET expires_at = $2 WHERE id = $1"),
                         {expiredKey[QStringLiteral("id")].toString(), nowUtc().addSecs(-60)});
    c[QStringLiteral("key_expired")] = ApiHarness::bearer(expiredKey[QStringLiteral("key")].toString());

    // Platform-admin keys, revoked and expired.
    auto adminKey = [&](const QString &name) {
        return api
            .call("POST", QStringLiteral("/api/v1/admin/keys"), {{QStringLiteral("name"), name}}, f->platformAdmin)
            .json;
    };
    const QJsonObject revokedAdminKey = adminKey(QStringLiteral("revoked admin"));
    if (!revokedAdminKey[QStringLiteral("key")].toString().startsWith(QLatin1String("twk_")))
        return nullptr;
    api.call("DELETE", QStringLiteral("/api/v1/admin/keys/%1").arg(revokedAdminKey[QStringLiteral("id")].toString()),
             {}, f->platformAdmin);
    c[QStringLiteral("admin_key_revoked")] = ApiHarness::bearer(revokedAdminKey[QStringLiteral("key")].toString());
    const QJsonObject expiredAdminKey = adminKey(QStringLiteral("expired admin"));
    (void)api.db().query(QStringLiteral("UPDATE api_keys SET expires_at = $2 WHERE id = $1"),
                         {expiredAdminKey[QStringLiteral("id")].toString(), nowUtc().addSecs(-60)});
    c[QStringLiteral("admin_key_expired")] = ApiHarness::bearer(expiredAdminKey[QStringLiteral("key")].toString());

    // Share links: the bad, the expired and the revoked.
    auto link = [&]() {
        return api
            .call("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(allowedTwin), {},
                  c[QStringLiteral("owner")])
            .json;
    };
    f->shareBad = QStringLiteral("tws_") + crypto::randomToken(32);
    const QJsonObject expiredLink = link();
    (void)api.db().query(QStringLiteral("UPDATE share_links SET expires_at = $2 WHERE id = $1"),
                         {expiredLink[QStringLiteral("id")].toString(), nowUtc().addSecs(-60)});
    f->shareExpired = expiredLink[QStringLiteral("token")].toString();
    const QJsonObject revokedLink = link();
    api.call("DELETE", QStringLiteral("/api/v1/share-links/%1").arg(revokedLink[QStringLiteral("id")].toString()), {},
             c[QStringLiteral("owner")]);
    f->shareRevoked = revokedLink[QStringLiteral("token")].toString();

    Fixture *raw = f.get();
    m_fixtures[dialect] = std::move(f);
    return raw;
}

// A fresh resource of tenant A for one row, so that a successful DELETE or PATCH touches nothing another row uses.
QString TestApiMatrix::createTarget(Fixture &f, Target target, const QString &credential)
{
    ApiHarness &api = *f.api;
    const QByteArray owner = f.credentials[QStringLiteral("owner")];
    const int n = ++f.serial;
    auto twin = [&] {
        return api
            .call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("twin %1").arg(n)}},
                  owner)
            .json[QStringLiteral("id")]
            .toString();
    };
    switch (target) {
    case Target::None: return {};
    case Target::Twin: return twin();
    case Target::Source:
        return api
            .call("POST", QStringLiteral("/api/v1/twins/%1/sources").arg(twin()),
                  {{QStringLiteral("filename"), QStringLiteral("notes.md")},
                   {QStringLiteral("content"), QStringLiteral("Ada Lovelace wrote the first program.")}},
                  owner)
            .json[QStringLiteral("id")]
            .toString();
    case Target::User:
    case Target::AdminUser:
        return api
            .call("POST", QStringLiteral("/api/v1/users"),
                  {{QStringLiteral("email"), QStringLiteral("user%1@a.example").arg(n)},
                   {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                   {QStringLiteral("role"), QStringLiteral("viewer")}},
                  owner)
            .json[QStringLiteral("id")]
            .toString();
    case Target::ApiKey:
        return api
            .call("POST", QStringLiteral("/api/v1/api-keys"),
                  {{QStringLiteral("name"), QStringLiteral("target %1").arg(n)},
                   {QStringLiteral("scopes"), QJsonArray{QStringLiteral("chat")}}},
                  owner)
            .json[QStringLiteral("id")]
            .toString();
    case Target::ShareLink:
        return api.call("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(twin()), {}, owner)
            .json[QStringLiteral("id")]
            .toString();
    case Target::Conversation:
        return api
            .call("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(twin()),
                  {{QStringLiteral("message"), QStringLiteral("Who wrote the first program?")}}, owner)
            .json[QStringLiteral("conversation_id")]
            .toString();
    case Target::GraphEdge: {
        const QString twinId = twin();
        const Extraction extraction = GraphExtractor().extract(QStringLiteral("Ada Lovelace works at Babbage Ltd."));
        if (!GraphStore(api.db()).record(f.tenantA, twinId, newId(), newId(), extraction).ok())
            return {};
        const auto edge
            = api.db().query(QStringLiteral("SELECT id FROM graph_edges WHERE twin_id = $1 LIMIT 1"), {twinId});
        if (!edge.ok() || edge->isEmpty())
            return {};
        f.edgeOfTwin.insert(twinId, edge->first().text(0));
        return twinId;
    }
    case Target::ChecklistRun: {
        const ChecklistRun run
            = newRun(*builtInChecklist(QStringLiteral("staging")), TargetEnvironment(), QStringLiteral("matrix"));
        return ChecklistRunRepository(api.db()).create(run).ok() ? run.id : QString();
    }
    case Target::AdminKey:
        return api
            .call("POST", QStringLiteral("/api/v1/admin/keys"),
                  {{QStringLiteral("name"), QStringLiteral("target %1").arg(n)}}, f.platformAdmin)
            .json[QStringLiteral("id")]
            .toString();
    case Target::AlertRule:
    case Target::Alert:
    case Target::AlertSilence: {
        AlertRepository alerts(api.db());
        twinops::AlertRule rule;
        rule.name = QStringLiteral("matrix rule %1").arg(n);
        rule.kind = QStringLiteral("queue_stalled");
        rule.comparison = QStringLiteral(">=");
        rule.threshold = 1;
        rule.severity = QStringLiteral("warning");
        const auto created = alerts.createRule(rule, nowUtc());
        if (!created.ok())
            return {};
        if (target == Target::AlertRule)
            return created->id;
        if (target == Target::AlertSilence) {
            const QDateTime now = nowUtc();
            const auto silence = alerts.createSilence({{},
                                                       created->id,
                                                       {},
                                                       now.addSecs(-60),
                                                       now.addSecs(3600),
                                                       QStringLiteral("matrix"),
                                                       QStringLiteral("matrix"),
                                                       now});
            return silence.ok() ? silence->id : QString();
        }
        AlertStateRow firing;
        firing.ruleId = created->id;
        firing.fingerprint = alertFingerprint(created->id, {});
        firing.state = QStringLiteral("firing");
        firing.since = firing.activeAt = firing.lastEvaluatedAt = nowUtc();
        return alerts.saveState(firing).ok() ? firing.fingerprint : QString();
    }
    case Target::Tenant:
        return api
            .call("POST", QStringLiteral("/api/v1/admin/tenants"),
                  {{QStringLiteral("name"), QStringLiteral("tenant %1").arg(n)}}, f.platformAdmin)
            .json[QStringLiteral("id")]
            .toString();
    case Target::Job:
    case Target::FinishedJob: {
        NewJob job;
        job.type = QStringLiteral("matrix_job");
        job.tenantId = f.tenantA;
        job.twinId = twin();
        const QString id = JobQueue(api.db()).enqueue(job)->id;
        // Failed, so that the error-group routes find it by its signature (kMatrixErrorSignature).
        (void)api.db().query(QStringLiteral("UPDATE jobs SET last_error = $2, error_signature = $2 WHERE id = $1"),
                             {id, QString(kMatrixErrorSignature)});
        if (target == Target::FinishedJob)
            (void)api.db().query(QStringLiteral("UPDATE jobs SET state = 'discarded' WHERE id = $1"), {id});
        return id;
    }
    case Target::ShareToken:
        if (credential == QLatin1String("share_bad"))
            return f.shareBad;
        if (credential == QLatin1String("share_expired"))
            return f.shareExpired;
        if (credential == QLatin1String("share_revoked"))
            return f.shareRevoked;
        return api.call("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(twin()), {}, owner)
            .json[QStringLiteral("token")]
            .toString();
    }
    return {};
}

QJsonObject TestApiMatrix::successBody(Fixture &f, const QString &route, const QString &targetId,
                                       const QString &credential)
{
    const int n = ++f.serial;
    if (route == QLatin1String("POST /api/v1/auth/signup"))
        return {{QStringLiteral("email"), QStringLiteral("new%1@signup.example").arg(n)},
                {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                {QStringLiteral("tenant_name"), QStringLiteral("Signup %1").arg(n)}};
    if (route == QLatin1String("POST /api/v1/auth/login"))
        return {{QStringLiteral("email"), f.ownerAEmail},
                {QStringLiteral("password"), QStringLiteral("correct horse battery")}};
    if (route == QLatin1String("POST /api/v1/auth/refresh") && credential == QLatin1String("restored_user"))
        return {{QStringLiteral("refresh_token"), f.restoredRefreshToken}}; // a session the revocation ended
    if (route == QLatin1String("POST /api/v1/auth/refresh") || route == QLatin1String("POST /api/v1/auth/logout")) {
        const auto session = f.api->call("POST", QStringLiteral("/api/v1/auth/login"),
                                         {{QStringLiteral("email"), f.ownerAEmail},
                                          {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
        return {{QStringLiteral("refresh_token"), session.json[QStringLiteral("refresh_token")].toString()}};
    }
    if (route == QLatin1String("POST /api/v1/auth/password") && credential == QLatin1String("must_change_password"))
        return {{QStringLiteral("current_password"), f.generatedPassword}, // refused (422), so it stays flagged
                {QStringLiteral("new_password"), f.generatedPassword}};
    if (route == QLatin1String("POST /api/v1/auth/password"))
        return {{QStringLiteral("current_password"), QString(kPassword)},
                {QStringLiteral("new_password"), QString(kChangedPassword)}};
    if (route == QLatin1String("POST /api/v1/twins"))
        return {{QStringLiteral("name"), QStringLiteral("created %1").arg(n)}};
    if (route == QLatin1String("PATCH /api/v1/twins/{id}"))
        return {{QStringLiteral("description"), QStringLiteral("patched %1").arg(n)}};
    if (route == QLatin1String("POST /api/v1/twins/{id}/sources"))
        return {{QStringLiteral("filename"), QStringLiteral("s%1.txt").arg(n)},
                {QStringLiteral("content"), QStringLiteral("Grace Hopper built compilers.")}};
    if (route == QLatin1String("POST /api/v1/twins/{id}/chat")
        || route == QLatin1String("POST /api/v1/public/share/{token}/chat"))
        return {{QStringLiteral("message"), QStringLiteral("Who built compilers? (%1)").arg(n)}};
    if (route == QLatin1String("POST /api/v1/sources/bulk-approve"))
        return {{QStringLiteral("source_ids"), QJsonArray{targetId}}};
    if (route == QLatin1String("POST /api/v1/users"))
        return {{QStringLiteral("email"), QStringLiteral("made%1@a.example").arg(n)},
                {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                {QStringLiteral("role"), QStringLiteral("viewer")}};
    if (route == QLatin1String("PATCH /api/v1/users/{id}") || route == QLatin1String("PATCH /api/v1/admin/users/{id}"))
        return {{QStringLiteral("role"), QStringLiteral("admin")}};
    if (route == QLatin1String("POST /api/v1/admin/tenants/{id}/users"))
        return {{QStringLiteral("email"), QStringLiteral("added%1@a.example").arg(n)},
                {QStringLiteral("role"), QStringLiteral("viewer")}};
    if (route == QLatin1String("POST /api/v1/api-keys"))
        return {{QStringLiteral("name"), QStringLiteral("made %1").arg(n)},
                {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}};
    if (route == QLatin1String("POST /api/v1/admin/jobs/retry")
        || route == QLatin1String("POST /api/v1/admin/jobs/cancel")
        || route == QLatin1String("POST /api/v1/admin/jobs/discard"))
        return {{QStringLiteral("job_ids"), QJsonArray{targetId}}};
    if (route.startsWith(QLatin1String("POST /api/v1/admin/jobs/error-groups/")))
        return {{QStringLiteral("signature"), QString(kMatrixErrorSignature)}};
    if (route == QLatin1String("POST /api/v1/admin/tenants"))
        return {{QStringLiteral("name"), QStringLiteral("admin-made %1").arg(n)}};
    if (route == QLatin1String("POST /api/v1/admin/keys"))
        return {{QStringLiteral("name"), QStringLiteral("admin key %1").arg(n)},
                {QStringLiteral("expires_in_days"), 7}};
    if (route == QLatin1String("POST /api/v1/admin/checks/run")) // a dead target: the background run ends at once
        return {{QStringLiteral("base_url"), QStringLiteral("http://127.0.0.1:%1").arg(closedLoopbackPort())}};
    if (route == QLatin1String("PATCH /api/v1/admin/checks/runs/{id}/items/{item_id}"))
        return {{QStringLiteral("status"), QStringLiteral("pass")},
                {QStringLiteral("note"), QStringLiteral("seen %1").arg(n)}};
    if (route == QLatin1String("PUT /api/v1/admin/checks/schedule")) // off: the matrix starts no scheduled run
        return {{QStringLiteral("interval_minutes"), 0}};
    if (route == QLatin1String("PATCH /api/v1/admin/tenants/{id}"))
        return {{QStringLiteral("status"), QStringLiteral("suspended")}};
    if (route == QLatin1String("POST /api/v1/admin/alerts/rules"))
        return {{QStringLiteral("name"), QStringLiteral("made rule %1").arg(n)},
                {QStringLiteral("kind"), QStringLiteral("error_rate")},
                {QStringLiteral("comparison"), QStringLiteral(">")},
                {QStringLiteral("threshold"), 0.02},
                {QStringLiteral("severity"), QStringLiteral("warning")}};
    if (route == QLatin1String("PATCH /api/v1/admin/alerts/rules/{id}"))
        return {{QStringLiteral("threshold"), 2}};
    if (route == QLatin1String("POST /api/v1/admin/alerts/silences"))
        return {{QStringLiteral("matchers"), QJsonObject{{QStringLiteral("route"), QStringLiteral("/made/%1").arg(n)}}},
                {QStringLiteral("comment"), QStringLiteral("matrix %1").arg(n)},
                {QStringLiteral("ends_at"), isoTime(nowUtc().addSecs(3600))}};
    return {};
}

QString TestApiMatrix::fingerprint(Database &db)
{
    // What a refused request must not change. (api_keys.last_used_at and auth_throttle may legitimately move.)
    static const QString sql = QStringLiteral(
        "SELECT (SELECT count(*) FROM tenants), (SELECT max(updated_at) FROM tenants), "
        "(SELECT count(*) FROM users), (SELECT max(updated_at) FROM users), (SELECT count(revoked_at) FROM users), "
        "(SELECT count(*) FROM twins), (SELECT max(updated_at) FROM twins), "
        "(SELECT count(*) FROM sources), (SELECT max(updated_at) FROM sources), (SELECT count(*) FROM jobs), "
        "(SELECT max(updated_at) FROM jobs), "
        "(SELECT count(*) FROM api_keys), (SELECT count(revoked_at) FROM api_keys), "
        "(SELECT count(*) FROM share_links), (SELECT count(revoked_at) FROM share_links), "
        "(SELECT count(*) FROM refresh_tokens), (SELECT count(revoked_at) FROM refresh_tokens), "
        "(SELECT count(*) FROM audit_log), (SELECT count(*) FROM conversations), (SELECT count(*) FROM messages), "
        // Runs started and manual ticks; a started run's automated results arrive in the background.
        "(SELECT count(*) FROM checklist_runs), (SELECT count(*) FROM checklist_results WHERE checked_by IS NOT NULL), "
        "(SELECT count(*) FROM alert_rules), (SELECT max(updated_at) FROM alert_rules), "
        "(SELECT count(acknowledged_at) FROM alert_states), (SELECT count(*) FROM alert_silences), "
        "(SELECT max(ends_at) FROM alert_silences), (SELECT count(*) FROM paused_job_types)");
    auto rows = db.query(sql);
    if (!rows.ok())
        return rows.error().message;
    QStringList values;
    for (int i = 0; i < rows->first().size(); ++i)
        values << rows->first().value(i).toString();
    return values.join(u'|');
}

void TestApiMatrix::matrix_data()
{
    QTest::addColumn<QString>("route");
    QTest::addColumn<QString>("credential");
    QTest::addColumn<int>("expected");
    const QSet<QString> keyCredentials{QStringLiteral("key_full"), QStringLiteral("key_missing_scope"),
                                       QStringLiteral("key_outside_allow_list")};
    const QSet<QString> unauthenticated{QStringLiteral("none"),
                                        QStringLiteral("malformed"),
                                        QStringLiteral("wrong_signature"),
                                        QStringLiteral("alg_none"),
                                        QStringLiteral("alg_hs512"),
                                        QStringLiteral("expired"),
                                        QStringLiteral("revoked_user"),
                                        QStringLiteral("key_revoked"),
                                        QStringLiteral("key_expired"),
                                        QStringLiteral("key_creator_revoked"),
                                        QStringLiteral("restored_user"),
                                        QStringLiteral("admin_key_revoked"),
                                        QStringLiteral("admin_key_expired")};
    const QHash<QString, Role> userRoles{{QStringLiteral("owner"), Role::Owner},
                                         {QStringLiteral("admin"), Role::Admin},
                                         {QStringLiteral("viewer"), Role::Viewer},
                                         {QStringLiteral("other_tenant"), Role::Owner}};
    for (const Policy &p : kPolicies) {
        const QString route = QLatin1String(p.route);
        for (const char *credentialName : kCredentials) {
            const QString credential = QLatin1String(credentialName);
            const bool shareCredential = credential.startsWith(QLatin1String("share_"));
            int expected = 0;
            if (p.kind == Kind::Public) {
                if (route == QLatin1String("POST /api/v1/auth/refresh") && credential == QLatin1String("restored_user"))
                    expected = 401; // its refresh token of before the revocation, in the body
                else if (p.target == Target::ShareToken)
                    expected = shareCredential ? 404 : p.success; // other credentials are ignored: the token is valid
                else
                    expected = p.success; // credentials do not matter on public routes
            } else if (shareCredential) {
                continue; // a share token is not a bearer credential
            } else if (unauthenticated.contains(credential)) {
                expected = 401;
            } else if (credential == QLatin1String("suspended_tenant")) {
                expected = 403;
            } else if (credential == QLatin1String("must_change_password")) {
                // Only the password change (its body repeats the password: 422) and /auth/me; 403 everywhere else.
                expected = route == QLatin1String("GET /api/v1/auth/me")   ? p.success
                    : route == QLatin1String("POST /api/v1/auth/password") ? 422
                                                                           : 403;
            } else if (p.kind == Kind::Admin) {
                expected = credential == QLatin1String("platform_admin") ? p.success : 403;
            } else if (credential == QLatin1String("platform_admin")) {
                expected = 403;
            } else if (keyCredentials.contains(credential)) {
                // key_missing_scope holds exactly the chat scope.
                const bool hasScope
                    = p.scope && (credential != QLatin1String("key_missing_scope") || qstrcmp(p.scope, "chat") == 0);
                if (!hasScope)
                    expected = 403;
                else if (credential == QLatin1String("key_outside_allow_list")
                         && route == QLatin1String("POST /api/v1/twins"))
                    expected = 403; // a key limited to some twins cannot create one (it could not see it)
                else if (credential == QLatin1String("key_outside_allow_list") && p.target != Target::None)
                    expected = 404;
                else if (credential == QLatin1String("key_outside_allow_list")
                         && route.contains(QLatin1String("bulk-approve")))
                    expected = 404;
                else
                    expected = p.success;
            } else {
                const Role role = userRoles.value(credential);
                if (roleRank(role) < roleRank(p.minimumRole))
                    expected = 403;
                else if (credential == QLatin1String("other_tenant")
                         && (p.target != Target::None || route.contains(QLatin1String("bulk-approve"))))
                    expected = 404;
                else
                    expected = p.success;
            }
            QTest::addRow("%s | %s", p.route, credentialName) << route << credential << expected;
        }
    }
}

void TestApiMatrix::matrix()
{
    QFETCH(QString, route);
    QFETCH(QString, credential);
    QFETCH(int, expected);
    Fixture *f = fixture();
    QVERIFY2(f, "fixture could not be built");
    const Policy *policy = std::find_if(std::begin(kPolicies), std::end(kPolicies),
                                        [&](const Policy &p) { return route == QLatin1String(p.route); });
    const QString method = route.section(u' ', 0, 0), pattern = route.section(u' ', 1);
    Target target = policy->target;
    // bulk-approve names its source in the body; the allow-list key must not see a source of another twin.
    const QString targetId = createTarget(
        *f, target == Target::None && route.contains(QLatin1String("bulk-approve")) ? Target::Source : target,
        credential);
    QString path = pattern;
    path.replace(QLatin1String("{id}"), targetId).replace(QLatin1String("{token}"), targetId);
    path.replace(QLatin1String("{fingerprint}"), targetId);
    path.replace(QLatin1String("{edge_id}"), f->edgeOfTwin.value(targetId));
    path.replace(QLatin1String("{item_id}"), QLatin1String("startup-logs")); // a manual item of the staging checklist
    path.replace(QLatin1String("{type}"), QLatin1String("matrix_type")); // a type with no job: pausing it stops nothing
    if (route == QLatin1String("DELETE /api/v1/admin/tenants/{id}")) // the tenant's name confirms the deletion
        path += QStringLiteral("?confirm=")
            + QString::fromUtf8(QUrl::toPercentEncoding(
                f->api->db()
                    .query(QStringLiteral("SELECT name FROM tenants WHERE id = $1"), {targetId})
                    ->first()
                    .text(0)));
    const QJsonObject body = successBody(*f, route, targetId, credential);

    ApiHarness &api = *f->api;
    api.peer = QStringLiteral("10.0.%1.%2").arg(f->serial / 250).arg(f->serial % 250); // stay under per-address limits
    const QString before = fingerprint(api.db());
    const auto reply = api.call(method.toLatin1(), path, body, f->credentials.value(credential));
    QVERIFY2(reply.status == expected,
             qPrintable(QStringLiteral("%1 as %2: expected %3, got %4 %5")
                            .arg(route, credential)
                            .arg(expected)
                            .arg(reply.status)
                            .arg(QString::fromUtf8(reply.body.left(300)))));
    if (route == QLatin1String("POST /api/v1/auth/password") && reply.status == 200) {
        // The change ended the user's sessions: the fixture goes on with the new one and the password of before.
        const auto back = api.call("POST", path,
                                   {{QStringLiteral("current_password"), QString(kChangedPassword)},
                                    {QStringLiteral("new_password"), QString(kPassword)}},
                                   ApiHarness::bearer(reply.json[QStringLiteral("access_token")].toString()));
        QCOMPARE(back.status, 200);
        f->credentials[credential] = ApiHarness::bearer(back.json[QStringLiteral("access_token")].toString());
    }
    if (expected == 403 && credential == QLatin1String("must_change_password"))
        QCOMPARE(reply.errorCode(), QStringLiteral("password_change_required"));
    if (expected >= 400) {
        QVERIFY2(!reply.errorCode().isEmpty(), "error responses carry the error body of openapi.json");
        if (expected == 401)
            QCOMPARE(reply.header("WWW-Authenticate"), QByteArray("Bearer"));
        if (!(route.contains(QLatin1String("/auth/login")) || route.contains(QLatin1String("/public/"))))
            QCOMPARE(fingerprint(api.db()), before);
    }
}

QTEST_GUILESS_MAIN(TestApiMatrix)
#include "tst_api_matrix.moc"
