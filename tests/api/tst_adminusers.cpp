// The platform admin's user routes beyond the access matrix, on SQLite and PostgreSQL: adding a user to a tenant
// with a generated password answered once, changing a role (never the tenant's last owner away), ending a user's
// sessions (the refresh token and the access token both stop working, a new login works), last_login_at, and
// searching users across tenants by email or tenant name. A tenant's owner reaches none of it.
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

    QCOMPARE(login(QStringLiteral("new@a.example"), QStringLiteral("wrong password here")).status, 401);
    const auto session = login(QStringLiteral("new@a.example"), password);
    QCOMPARE(session.status, 200);
    // The new admin manages the tenant's people with its session.
    QCOMPARE(m_api
                 ->call("GET", QStringLiteral("/api/v1/users"), {},
                        ApiHarness::bearer(session.json[QStringLiteral("access_token")].toString()))
                 .status,
             200);

    // Answered once: the listing has the login time and never the password.
    const QJsonArray found = search(QStringLiteral("new@a"));
    QCOMPARE(found.size(), 1);
    const QJsonObject listed = found.first().toObject();
    QVERIFY(!listed.contains(QStringLiteral("password")));
    QVERIFY(!listed.contains(QStringLiteral("password_hash")));
    QVERIFY(!listed[QStringLiteral("last_login_at")].toString().isEmpty());
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
    const auto session = login(QStringLiteral("second@a.example"), added.json[QStringLiteral("password")].toString());
    QCOMPARE(session.status, 200);
    const QByteArray bearer = ApiHarness::bearer(session.json[QStringLiteral("access_token")].toString());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/users"), {}, bearer).status, 403);

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
    const QString password = added.json[QStringLiteral("password")].toString();
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
}

QTEST_GUILESS_MAIN(TestAdminUsers)
#include "tst_adminusers.moc"
