// The platform admin's user routes beyond the access matrix, on SQLite and PostgreSQL: adding a user to a tenant
// with a generated password answered once, changing a role (never the tenant's last owner away), ending a user's
// sessions (the refresh token and the access token both stop working, a new login works), last_login_at, and
// searching users across tenants by email or tenant name. A tenant's owner reaches none of it. The generated
// password is one-time: until the user changes it (POST /api/v1/auth/password) every credential of the user reaches
// only the change, /auth/me, /auth/refresh and /auth/logout; the admin's password reset brings that state back.
#include "apiharness.h"

#include <QJsonArray>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

class TestAdminUsers final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup() { m_api.reset(); }

    void addedUserLogsInWithTheGeneratedPassword();
    void addingValidates();
    void changeRole();
    void endSessions();
    void searchAcrossTenants();
    void anotherTenantsOwnerIsRefused();
    void generatedPasswordMustBeChanged();
    void passwordChangeValidates();
    void adminResetsPassword();

private:
    ApiHarness::Reply admin(const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        return m_api->call(method, path, body, m_admin);
    }
    ApiHarness::Reply login(const QString &email, const QString &password)
    {
        return m_api->call("POST", QStringLiteral("/api/v1/auth/login"),
                           {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    }
    ApiHarness::Reply changePassword(const QByteArray &bearer, const QString &current, const QString &next)
    {
        return m_api->call("POST", QStringLiteral("/api/v1/auth/password"),
                           {{QStringLiteral("current_password"), current}, {QStringLiteral("new_password"), next}},
                           bearer);
    }
    ApiHarness::Reply addUser(const QString &tenantId, const QString &email)
    {
        return admin("POST", QStringLiteral("/api/v1/admin/tenants/%1/users").arg(tenantId),
                     {{QStringLiteral("email"), email}, {QStringLiteral("role"), QStringLiteral("admin")}});
    }
    // The first login with a generated password, then the change to kChosen: the bearer of the session it answers.
    QByteArray firstLogin(const QString &email, const QString &generated)
    {
        const auto session = login(email, generated);
        const auto changed = changePassword(bearerOf(session), generated, QString(kChosen));
        if (session.status != 200 || changed.status != 200)
            return {};
        return bearerOf(changed);
    }
    static QByteArray bearerOf(const ApiHarness::Reply &session)
    {
        return ApiHarness::bearer(session.json[QStringLiteral("access_token")].toString());
    }
    static constexpr QLatin1StringView kChosen{"lantern orchard velvet 42"};

    QJsonArray search(const QString &text)
    {
        return admin("GET", QStringLiteral("/api/v1/admin/users?q=") + text).json[QStringLiteral("items")].toArray();
    }

    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_admin, m_ownerB;
    QString m_tenantA, m_tenantB, m_ownerAId;
};

void TestAdminUsers::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    const QJsonObject a = m_api->signup(QStringLiteral("owner@a.example"), QStringLiteral("Tenant Alpha"));
    const QJsonObject b = m_api->signup(QStringLiteral("owner@b.example"), QStringLiteral("Tenant Beta"));
    m_tenantA = ApiHarness::tenantIdOf(a);
    m_tenantB = ApiHarness::tenantIdOf(b);
    m_ownerAId = a[QStringLiteral("user")].toObject()[QStringLiteral("id")].toString();
    m_ownerB = ApiHarness::bearer(b[QStringLiteral("access_token")].toString());
    m_admin = m_api->platformAdmin(QStringLiteral("users"));
    QVERIFY(!m_admin.isEmpty());
}

void TestAdminUsers::addedUserLogsInWithTheGeneratedPassword()
{
    const auto added = admin("POST", QStringLiteral("/api/v1/admin/tenants/%1/users").arg(m_tenantA),
                             {{QStringLiteral("email"), QStringLiteral(" New@A.example ")},
                              {QStringLiteral("role"), QStringLiteral("admin")}});
    QCOMPARE(added.status, 201);
    const QString password = added.json[QStringLiteral("password")].toString();
    QVERIFY(password.size() >= 20);
    QCOMPARE(added.json[QStringLiteral("email")].toString(), QStringLiteral("new@a.example"));
    QCOMPARE(added.json[QStringLiteral("tenant_id")].toString(), m_tenantA);
    QCOMPARE(added.json[QStringLiteral("role")].toString(), QStringLiteral("admin"));
    QVERIFY(added.json[QStringLiteral("last_login_at")].isNull());

    QVERIFY(added.json[QStringLiteral("must_change_password")].toBool());

    QCOMPARE(login(QStringLiteral("new@a.example"), QStringLiteral("wrong password here")).status, 401);
    // The new admin manages the tenant's people once the password is its own.
    const QByteArray bearer = firstLogin(QStringLiteral("new@a.example"), password);
    QVERIFY(!bearer.isEmpty());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/users"), {}, bearer).status, 200);

    // Answered once: the listing has the login time and never the password.
    const QJsonArray found = search(QStringLiteral("new@a"));
    QCOMPARE(found.size(), 1);
    const QJsonObject listed = found.first().toObject();
    QVERIFY(!listed.contains(QStringLiteral("password")));
    QVERIFY(!listed.contains(QStringLiteral("password_hash")));
    QVERIFY(!listed[QStringLiteral("last_login_at")].toString().isEmpty());
    QCOMPARE(listed[QStringLiteral("must_change_password")], QJsonValue(false));
}

void TestAdminUsers::addingValidates()
{
    const QString path = QStringLiteral("/api/v1/admin/tenants/%1/users").arg(m_tenantA);
    auto refused = [&](const QString &route, const QJsonObject &body, int status) {
        const auto reply = admin("POST", route, body);
        if (reply.status != status)
            qWarning("%s", reply.body.constData());
        return reply.status == status && !reply.errorCode().isEmpty();
    };
    QVERIFY(refused(path, {{QStringLiteral("role"), QStringLiteral("viewer")}}, 422));
    QVERIFY(refused(path, {{QStringLiteral("email"), QStringLiteral("x@a.example")}}, 422));
    QVERIFY(refused(
        path,
        {{QStringLiteral("email"), QStringLiteral("x@a.example")}, {QStringLiteral("role"), QStringLiteral("root")}},
        422));
    QVERIFY(refused(path,
                    {{QStringLiteral("email"), QStringLiteral("not an address")},
                     {QStringLiteral("role"), QStringLiteral("viewer")}},
                    422));
    QVERIFY(refused(path,
                    {{QStringLiteral("email"), QStringLiteral("owner@b.example")},
                     {QStringLiteral("role"), QStringLiteral("viewer")}},
                    409));
    QVERIFY(refused(
        QStringLiteral("/api/v1/admin/tenants/00000000-0000-4000-8000-000000000000/users"),
        {{QStringLiteral("email"), QStringLiteral("x@a.example")}, {QStringLiteral("role"), QStringLiteral("viewer")}},
        404));
    QVERIFY(refused(
        QStringLiteral("/api/v1/admin/tenants/nope/users"),
        {{QStringLiteral("email"), QStringLiteral("x@a.example")}, {QStringLiteral("role"), QStringLiteral("viewer")}},
        400));
    QCOMPARE(search(QStringLiteral("x@a")).size(), 0);
}

void TestAdminUsers::changeRole()
{
    const QString ownerPath = QStringLiteral("/api/v1/admin/users/%1").arg(m_ownerAId);
    // The tenant's only owner stays one.
    const auto lastOwner = admin("PATCH", ownerPath, {{QStringLiteral("role"), QStringLiteral("viewer")}});
    QCOMPARE(lastOwner.status, 409);
    QCOMPARE(admin("PATCH", ownerPath, {{QStringLiteral("role"), QStringLiteral("boss")}}).status, 422);
    QCOMPARE(admin("PATCH", ownerPath, {}).status, 422);
    QCOMPARE(admin("PATCH", QStringLiteral("/api/v1/admin/users/00000000-0000-4000-8000-000000000000"),
                   {{QStringLiteral("role"), QStringLiteral("viewer")}})
                 .status,
             404);

    const auto added = admin("POST", QStringLiteral("/api/v1/admin/tenants/%1/users").arg(m_tenantA),
                             {{QStringLiteral("email"), QStringLiteral("second@a.example")},
                              {QStringLiteral("role"), QStringLiteral("viewer")}});
    QCOMPARE(added.status, 201);
    const QByteArray bearer
        = firstLogin(QStringLiteral("second@a.example"), added.json[QStringLiteral("password")].toString());
    QVERIFY(!bearer.isEmpty());
    const auto refused = m_api->call("GET", QStringLiteral("/api/v1/users"), {}, bearer);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.errorCode(), QStringLiteral("forbidden")); // a viewer's role, not the password

    const auto promoted
        = admin("PATCH", QStringLiteral("/api/v1/admin/users/%1").arg(added.json[QStringLiteral("id")].toString()),
                {{QStringLiteral("role"), QStringLiteral("owner")}});
    QCOMPARE(promoted.status, 200);
    QCOMPARE(promoted.json[QStringLiteral("role")].toString(), QStringLiteral("owner"));
    // The role is re-read on every request: the same access token now manages people.
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/users"), {}, bearer).status, 200);
    // With a second owner the first may be demoted.
    QCOMPARE(admin("PATCH", ownerPath, {{QStringLiteral("role"), QStringLiteral("admin")}}).status, 200);
}

void TestAdminUsers::endSessions()
{
    const auto added = admin("POST", QStringLiteral("/api/v1/admin/tenants/%1/users").arg(m_tenantB),
                             {{QStringLiteral("email"), QStringLiteral("ended@b.example")},
                              {QStringLiteral("role"), QStringLiteral("admin")}});
    QCOMPARE(added.status, 201);
    const QString id = added.json[QStringLiteral("id")].toString();
    QVERIFY(
        !firstLogin(QStringLiteral("ended@b.example"), added.json[QStringLiteral("password")].toString()).isEmpty());
    const QString password(kChosen);
    const auto session = login(QStringLiteral("ended@b.example"), password);
    QCOMPARE(session.status, 200);
    const QByteArray bearer = ApiHarness::bearer(session.json[QStringLiteral("access_token")].toString());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/users"), {}, bearer).status, 200);

    QCOMPARE(admin("POST", QStringLiteral("/api/v1/admin/users/%1/end-sessions").arg(id)).status, 200);
    QCOMPARE(admin("POST", QStringLiteral("/api/v1/admin/users/nope/end-sessions")).status, 400);
    QCOMPARE(
        admin("POST", QStringLiteral("/api/v1/admin/users/00000000-0000-4000-8000-000000000000/end-sessions")).status,
        404);

    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/users"), {}, bearer).status, 401);
    const auto refreshed
        = m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                      {{QStringLiteral("refresh_token"), session.json[QStringLiteral("refresh_token")]}});
    QCOMPARE(refreshed.status, 401);
    // The password still works: ending sessions is not revoking the user.
    const auto again = login(QStringLiteral("ended@b.example"), password);
    QCOMPARE(again.status, 200);
    QCOMPARE(m_api
                 ->call("GET", QStringLiteral("/api/v1/users"), {},
                        ApiHarness::bearer(again.json[QStringLiteral("access_token")].toString()))
                 .status,
             200);

    // Ended again at once: the session just opened carries the previous end as its issue time (ahead of now when
    // this runs within the second), and this end still reaches it.
    QCOMPARE(admin("POST", QStringLiteral("/api/v1/admin/users/%1/end-sessions").arg(id)).status, 200);
    QCOMPARE(m_api
                 ->call("GET", QStringLiteral("/api/v1/users"), {},
                        ApiHarness::bearer(again.json[QStringLiteral("access_token")].toString()))
                 .status,
             401);
}

void TestAdminUsers::searchAcrossTenants()
{
    auto emails = [](const QJsonArray &items) {
        QStringList out;
        for (const QJsonValue &item : items)
            out << item[QStringLiteral("email")].toString();
        out.sort();
        return out;
    };
    QCOMPARE(emails(search(QStringLiteral("OWNER@"))), (QStringList{"owner@a.example", "owner@b.example"}));
    QCOMPARE(emails(search(QStringLiteral("b.example"))), QStringList{"owner@b.example"});
    QCOMPARE(emails(search(QStringLiteral("beta"))), QStringList{"owner@b.example"}); // the tenant's name
    // Each user comes with its tenant's name, which a search across tenants is read by.
    const QJsonArray both = search(QStringLiteral("owner@"));
    QCOMPARE(both.size(), 2);
    for (const QJsonValue &user : both)
        QCOMPARE(user[QStringLiteral("tenant_name")].toString(),
                 user[QStringLiteral("tenant_id")].toString() == m_tenantA ? QStringLiteral("Tenant Alpha")
                                                                           : QStringLiteral("Tenant Beta"));
    QCOMPARE(emails(search(QStringLiteral("%25"))), QStringList{}); // LIKE wildcards are literal
    QCOMPARE(search(QStringLiteral("nobody")).size(), 0);
    // Within one tenant.
    QCOMPARE(emails(search(QStringLiteral("owner&tenant_id=") + m_tenantA)), QStringList{"owner@a.example"});
    QCOMPARE(admin("GET", QStringLiteral("/api/v1/admin/users?q=owner&tenant_id=nope")).status, 400);
}

void TestAdminUsers::anotherTenantsOwnerIsRefused()
{
    const QList<std::pair<QByteArray, QString>> routes{
        {"POST", QStringLiteral("/api/v1/admin/tenants/%1/users").arg(m_tenantA)},
        {"PATCH", QStringLiteral("/api/v1/admin/users/%1").arg(m_ownerAId)},
        {"POST", QStringLiteral("/api/v1/admin/users/%1/end-sessions").arg(m_ownerAId)},
        {"POST", QStringLiteral("/api/v1/admin/users/%1/password-reset").arg(m_ownerAId)},
        {"GET", QStringLiteral("/api/v1/admin/users?q=a.example")}};
    for (const auto &[method, path] : routes) {
        const auto reply = m_api->call(method, path,
                                       {{QStringLiteral("email"), QStringLiteral("intruder@a.example")},
                                        {QStringLiteral("role"), QStringLiteral("viewer")}},
                                       m_ownerB);
        QVERIFY2(reply.status == 403, qPrintable(path));
    }
    QCOMPARE(search(QStringLiteral("intruder")).size(), 0);
    QCOMPARE(search(QStringLiteral("owner@a")).first()[QStringLiteral("role")].toString(), QStringLiteral("owner"));
    QCOMPARE(search(QStringLiteral("owner@a")).first()[QStringLiteral("must_change_password")], QJsonValue(false));
}

// The user added by the admin: must_change_password at login and in /auth/me, every other route refused in words,
// a wrong current password counted like a failed login, then the change: fresh tokens, the other sessions and the
// generated password gone, every route open.
void TestAdminUsers::generatedPasswordMustBeChanged()
{
    const auto added = addUser(m_tenantA, QStringLiteral("first@a.example"));
    QCOMPARE(added.status, 201);
    const QString generated = added.json[QStringLiteral("password")].toString();
    const auto session = login(QStringLiteral("first@a.example"), generated);
    QCOMPARE(session.status, 200);
    QVERIFY(session.json[QStringLiteral("user")][QStringLiteral("must_change_password")].toBool());
    const QByteArray bearer = bearerOf(session);
    const auto other = login(QStringLiteral("first@a.example"), generated); // a second session, e.g. another device

    const QList<std::pair<QByteArray, QString>> closed{{"GET", QStringLiteral("/api/v1/users")},
                                                       {"GET", QStringLiteral("/api/v1/twins")},
                                                       {"POST", QStringLiteral("/api/v1/twins")},
                                                       {"GET", QStringLiteral("/api/v1/api-keys")},
                                                       {"GET", QStringLiteral("/api/v1/admin/tenants")}};
    for (const auto &[method, path] : closed) {
        const auto refused = m_api->call(method, path, {{QStringLiteral("name"), QStringLiteral("x")}}, bearer);
        QVERIFY2(refused.status == 403, qPrintable(path));
        QCOMPARE(refused.errorCode(), QStringLiteral("password_change_required"));
        QVERIFY(refused.json[QStringLiteral("error")][QStringLiteral("message")].toString().contains(
            QLatin1String("/api/v1/auth/password")));
    }
    QCOMPARE(search(QStringLiteral("first@a")).first()[QStringLiteral("must_change_password")], QJsonValue(true));
    const auto me = m_api->call("GET", QStringLiteral("/api/v1/auth/me"), {}, bearer);
    QCOMPARE(me.status, 200);
    QVERIFY(me.json[QStringLiteral("user")][QStringLiteral("must_change_password")].toBool());
    // Refreshing keeps the session and the flag.
    const auto refreshed
        = m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                      {{QStringLiteral("refresh_token"), other.json[QStringLiteral("refresh_token")]}});
    QCOMPARE(refreshed.status, 200);
    QVERIFY(refreshed.json[QStringLiteral("user")][QStringLiteral("must_change_password")].toBool());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/users"), {}, bearerOf(refreshed)).errorCode(),
             QStringLiteral("password_change_required"));

    // A wrong current password is a failed login: the account's budget at this address runs out.
    const int limit = m_api->shared().auth.limits.get().loginPerAccount.limit;
    for (int i = 0; i < limit; ++i) {
        const auto wrong = changePassword(bearer, QStringLiteral("not the password"), QString(kChosen));
        QCOMPARE(wrong.status, 401);
        QCOMPARE(wrong.errorCode(), QStringLiteral("unauthorized"));
    }
    QCOMPARE(changePassword(bearer, generated, QString(kChosen)).status, 429);
    QCOMPARE(login(QStringLiteral("first@a.example"), generated).status, 429);
    m_api->peer = QStringLiteral("127.0.0.2"); // another address has its own budget

    const auto changed = changePassword(bearer, generated, QString(kChosen));
    QCOMPARE(changed.status, 200);
    QVERIFY(!changed.json[QStringLiteral("access_token")].toString().isEmpty());
    QVERIFY(changed.json[QStringLiteral("refresh_token")].toString().startsWith(QLatin1String("twr_")));
    QCOMPARE(changed.json[QStringLiteral("user")][QStringLiteral("must_change_password")], QJsonValue(false));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/users"), {}, bearerOf(changed)).status, 200);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/auth/me"), {}, bearerOf(changed))
                 .json[QStringLiteral("user")][QStringLiteral("must_change_password")],
             QJsonValue(false));
    // Every other session ended, the one that changed the password included (it goes on with the new tokens).
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/auth/me"), {}, bearer).status, 401);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/auth/me"), {}, bearerOf(refreshed)).status, 401);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                        {{QStringLiteral("refresh_token"), refreshed.json[QStringLiteral("refresh_token")]}})
                 .status,
             401);
    QCOMPARE(login(QStringLiteral("first@a.example"), generated).status, 401);
    const auto again = login(QStringLiteral("first@a.example"), QString(kChosen));
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json[QStringLiteral("user")][QStringLiteral("must_change_password")], QJsonValue(false));
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Mine")}},
                        bearerOf(again))
                 .status,
             201);

    // Audited, never with a password.
    const auto log = admin("GET", QStringLiteral("/api/v1/admin/audit?action=user.password_change"));
    QCOMPARE(log.json[QStringLiteral("items")].toArray().size(), 1);
    QVERIFY(!log.body.contains(generated.toUtf8()));
    QVERIFY(!log.body.contains(QByteArray(kChosen.data(), kChosen.size())));
}

void TestAdminUsers::passwordChangeValidates()
{
    const auto added = addUser(m_tenantB, QStringLiteral("careful@b.example"));
    const QString generated = added.json[QStringLiteral("password")].toString();
    const QByteArray bearer = bearerOf(login(QStringLiteral("careful@b.example"), generated));
    auto problem = [](const ApiHarness::Reply &reply, const QString &field) {
        return reply.json[QStringLiteral("error")][QStringLiteral("details")][field].toString();
    };
    const auto same = changePassword(bearer, generated, generated);
    QCOMPARE(same.status, 422);
    QVERIFY(problem(same, QStringLiteral("new_password")).contains(QLatin1String("differ")));
    const auto weak = changePassword(bearer, generated, QStringLiteral("password123"));
    QCOMPARE(weak.status, 422);
    QVERIFY(!problem(weak, QStringLiteral("new_password")).isEmpty());
    const auto tooShort = changePassword(bearer, generated, QStringLiteral("x7#"));
    QCOMPARE(tooShort.status, 422);
    QVERIFY(problem(tooShort, QStringLiteral("new_password")).contains(QLatin1String("at least")));
    const auto missing = m_api->call("POST", QStringLiteral("/api/v1/auth/password"),
                                     {{QStringLiteral("new_password"), QString(kChosen)}}, bearer);
    QCOMPARE(missing.status, 422);
    QVERIFY(!problem(missing, QStringLiteral("current_password")).isEmpty());
    QCOMPARE(m_api
                 ->callRaw("POST", QStringLiteral("/api/v1/auth/password"), "{not json",
                           QByteArrayLiteral("application/json"), bearer)
                 .status,
             400);
    QCOMPARE(changePassword({}, generated, QString(kChosen)).status, 401);
    // Not for API keys (they have no password) nor for a platform admin acting in the tenant.
    QCOMPARE(changePassword(m_admin, generated, QString(kChosen)).status, 403);
    m_api->headers.append({QByteArrayLiteral("x-twinops-tenant"), m_tenantB.toLatin1()});
    QCOMPARE(changePassword(m_admin, generated, QString(kChosen)).status, 403);
    m_api->headers.clear();
    // None of it changed anything: the generated password still works, and must still be changed.
    const auto stillFlagged = login(QStringLiteral("careful@b.example"), generated);
    QCOMPARE(stillFlagged.status, 200);
    QVERIFY(stillFlagged.json[QStringLiteral("user")][QStringLiteral("must_change_password")].toBool());
}

// The platform admin's reset: a new generated password answered once, the old one and every session gone, the user's
// API keys closed until the user changes the new password. Neither a tenant's own admin nor another tenant's owner
// can reset; an unknown id is 404.
void TestAdminUsers::adminResetsPassword()
{
    const auto added = addUser(m_tenantA, QStringLiteral("forgetful@a.example"));
    const QString id = added.json[QStringLiteral("id")].toString();
    const QByteArray bearer
        = firstLogin(QStringLiteral("forgetful@a.example"), added.json[QStringLiteral("password")].toString());
    QVERIFY(!bearer.isEmpty());
    const auto key = m_api->call("POST", QStringLiteral("/api/v1/api-keys"),
                                 {{QStringLiteral("name"), QStringLiteral("forgetful's")},
                                  {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}},
                                 bearer);
    QCOMPARE(key.status, 201);
    const QByteArray keyBearer = ApiHarness::bearer(key.json[QStringLiteral("key")].toString());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, keyBearer).status, 200);

    const QString path = QStringLiteral("/api/v1/admin/users/%1/password-reset").arg(id);
    QCOMPARE(m_api->call("POST", path, {}, m_ownerB).status, 403); // another tenant's owner
    QCOMPARE(m_api->call("POST", path, {}, bearer).status, 403); // an admin of the user's own tenant
    QCOMPARE(
        admin("POST", QStringLiteral("/api/v1/admin/users/00000000-0000-4000-8000-000000000000/password-reset")).status,
        404);
    QCOMPARE(admin("POST", QStringLiteral("/api/v1/admin/users/nope/password-reset")).status, 400);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, bearer).status, 200); // nothing changed yet

    const auto reset = admin("POST", path);
    QCOMPARE(reset.status, 200);
    const QString generated = reset.json[QStringLiteral("password")].toString();
    QVERIFY(generated.size() >= 20);
    QVERIFY(reset.json[QStringLiteral("must_change_password")].toBool());
    QCOMPARE(reset.json[QStringLiteral("id")].toString(), id);

    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, bearer).status, 401); // sessions ended
    QCOMPARE(login(QStringLiteral("forgetful@a.example"), QString(kChosen)).status, 401); // the old password too
    const auto keyRefused = m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, keyBearer);
    QCOMPARE(keyRefused.status, 403);
    QCOMPARE(keyRefused.errorCode(), QStringLiteral("password_change_required"));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/auth/me"), {}, keyBearer).status, 200);

    const auto session = login(QStringLiteral("forgetful@a.example"), generated);
    QCOMPARE(session.status, 200);
    QVERIFY(session.json[QStringLiteral("user")][QStringLiteral("must_change_password")].toBool());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, bearerOf(session)).errorCode(),
             QStringLiteral("password_change_required"));
    const auto changed = changePassword(bearerOf(session), generated, QStringLiteral("meadow quartz harbour 7"));
    QCOMPARE(changed.status, 200);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, bearerOf(changed)).status, 200);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, keyBearer).status, 200); // the key is back

    const auto log = admin("GET", QStringLiteral("/api/v1/admin/audit?action=user.password_reset"));
    const QJsonArray entries = log.json[QStringLiteral("items")].toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first()[QStringLiteral("target")][QStringLiteral("id")].toString(), id);
    QVERIFY(!log.body.contains(generated.toUtf8()));
}

QTEST_GUILESS_MAIN(TestAdminUsers)
#include "tst_adminusers.moc"
