// A platform admin acting inside one tenant with X-Twinops-Tenant, on SQLite and PostgreSQL: it reaches that tenant's
// routes as its owner, stays inside that tenant (other tenants' twins are 404 and unchanged), the header means
// nothing for a tenant's own credentials, and malformed, unknown or suspended tenants are refused.
#include "apiharness.h"

#include <QJsonArray>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

class TestActingTenant final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup() { m_api.reset(); }

    void adminListsAndCreatesInsideTheTenant();
    void adminCannotReachAnotherTenantsTwin();
    void headerIsIgnoredForTenantCredentials();
    void malformedUnknownAndSuspendedTenants();
    void withoutTheHeaderTenantRoutesStayForbidden();

private:
    ApiHarness::Reply as(const QByteArray &authorization, const QString &tenant, const QByteArray &method,
                         const QString &path, const QJsonObject &body = {});
    QString twinName(const QString &twinId);

    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_admin, m_ownerA, m_ownerB;
    QString m_tenantA, m_tenantB, m_twinA, m_twinB;
};

void TestActingTenant::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    const QJsonObject a = m_api->signup(QStringLiteral("owner@a.example"), QStringLiteral("Tenant A"));
    const QJsonObject b = m_api->signup(QStringLiteral("owner@b.example"), QStringLiteral("Tenant B"));
    m_tenantA = ApiHarness::tenantIdOf(a);
    m_tenantB = ApiHarness::tenantIdOf(b);
    m_ownerA = ApiHarness::bearer(a[QStringLiteral("access_token")].toString());
    m_ownerB = ApiHarness::bearer(b[QStringLiteral("access_token")].toString());
    m_admin = m_api->platformAdmin(QStringLiteral("acting"));
    QVERIFY(!m_admin.isEmpty());

    const auto twinA = m_api->call("POST", QStringLiteral("/api/v1/twins"),
                                   {{QStringLiteral("name"), QStringLiteral("Plant A")}}, m_ownerA);
    QCOMPARE(twinA.status, 201);
    m_twinA = twinA.json[QStringLiteral("id")].toString();
    const auto twinB = m_api->call("POST", QStringLiteral("/api/v1/twins"),
                                   {{QStringLiteral("name"), QStringLiteral("Plant B")}}, m_ownerB);
    QCOMPARE(twinB.status, 201);
    m_twinB = twinB.json[QStringLiteral("id")].toString();
}

ApiHarness::Reply TestActingTenant::as(const QByteArray &authorization, const QString &tenant, const QByteArray &method,
                                       const QString &path, const QJsonObject &body)
{
    m_api->headers.clear();
    if (!tenant.isNull())
        m_api->headers.append({QByteArrayLiteral("x-twinops-tenant"), tenant.toLatin1()});
    ApiHarness::Reply reply = m_api->call(method, path, body, authorization);
    m_api->headers.clear();
    return reply;
}

QString TestActingTenant::twinName(const QString &twinId)
{
    auto rows = m_api->db().query(QStringLiteral("SELECT name FROM twins WHERE id = $1"), {twinId});
    return rows.ok() && !rows->isEmpty() ? rows->first().text(0) : QString();
}

void TestActingTenant::adminListsAndCreatesInsideTheTenant()
{
    const auto list = as(m_admin, m_tenantA, "GET", QStringLiteral("/api/v1/twins"));
    QCOMPARE(list.status, 200);
    const QJsonArray items = list.json[QStringLiteral("items")].toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first()[QStringLiteral("id")].toString(), m_twinA);

    // Upper case is the same tenant; a write lands in that tenant and is audited as the admin's key.
    const auto created = as(m_admin, m_tenantA.toUpper(), "POST", QStringLiteral("/api/v1/twins"),
                            {{QStringLiteral("name"), QStringLiteral("Made by support")}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json[QStringLiteral("tenant_id")].toString(), m_tenantA);
    const auto ownersView = m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, m_ownerA);
    QCOMPARE(ownersView.json[QStringLiteral("items")].toArray().size(), 2);

    const auto upload = as(m_admin, m_tenantA, "POST", QStringLiteral("/api/v1/twins/%1/sources").arg(m_twinA),
                           {{QStringLiteral("filename"), QStringLiteral("notes.md")},
                            {QStringLiteral("content"), QStringLiteral("# Pump\nThe pump feeds the boiler.")}});
    QCOMPARE(upload.status, 201);

    const auto deleted = as(m_admin, m_tenantA, "DELETE", QStringLiteral("/api/v1/twins/%1").arg(m_twinA));
    QCOMPARE(deleted.status, 204);
    auto audit = m_api->db().query(QStringLiteral("SELECT actor_type, tenant_id FROM audit_log WHERE target_id = $1"),
                                   {m_twinA});
    QVERIFY(audit.ok());
    QCOMPARE(audit->size(), 1);
    QCOMPARE(audit->first().text(0), QStringLiteral("platform_admin"));
    QCOMPARE(audit->first().text(1), m_tenantA);
}

void TestActingTenant::adminCannotReachAnotherTenantsTwin()
{
    const QString path = QStringLiteral("/api/v1/twins/%1").arg(m_twinB);
    QCOMPARE(as(m_admin, m_tenantA, "GET", path).status, 404);
    QCOMPARE(as(m_admin, m_tenantA, "PATCH", path, {{QStringLiteral("name"), QStringLiteral("Hijacked")}}).status, 404);
    QCOMPARE(as(m_admin, m_tenantA, "DELETE", path).status, 404);
    QCOMPARE(as(m_admin, m_tenantA, "GET", path + QStringLiteral("/graph")).status, 404);
    QCOMPARE(twinName(m_twinB), QStringLiteral("Plant B"));
    // The same twin in its own tenant is there.
    QCOMPARE(as(m_admin, m_tenantB, "GET", path).status, 200);
}

void TestActingTenant::headerIsIgnoredForTenantCredentials()
{
    // Tenant A's owner naming tenant B still sees only tenant A.
    const auto list = as(m_ownerA, m_tenantB, "GET", QStringLiteral("/api/v1/twins"));
    QCOMPARE(list.status, 200);
    const QJsonArray items = list.json[QStringLiteral("items")].toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first()[QStringLiteral("id")].toString(), m_twinA);
    QCOMPARE(as(m_ownerA, m_tenantB, "GET", QStringLiteral("/api/v1/twins/%1").arg(m_twinB)).status, 404);
    QCOMPARE(as(m_ownerA, m_tenantB, "PATCH", QStringLiteral("/api/v1/twins/%1").arg(m_twinB),
                {{QStringLiteral("name"), QStringLiteral("Hijacked")}})
                 .status,
             404);
    QCOMPARE(twinName(m_twinB), QStringLiteral("Plant B"));
    // Even a malformed value changes nothing for them.
    QCOMPARE(as(m_ownerA, QStringLiteral("nope"), "GET", QStringLiteral("/api/v1/twins")).status, 200);
}

void TestActingTenant::malformedUnknownAndSuspendedTenants()
{
    const auto malformed = as(m_admin, QStringLiteral("not-a-uuid"), "GET", QStringLiteral("/api/v1/twins"));
    QCOMPARE(malformed.status, 400);
    QCOMPARE(malformed.errorCode(), QStringLiteral("bad_request"));
    QCOMPARE(as(m_admin, QStringLiteral("00000000-0000-4000-8000-000000000000"), "GET", QStringLiteral("/api/v1/twins"))
                 .status,
             404);

    const auto suspend = m_api->call("PATCH", QStringLiteral("/api/v1/admin/tenants/%1").arg(m_tenantA),
                                     {{QStringLiteral("status"), QStringLiteral("suspended")}}, m_admin);
    QCOMPARE(suspend.status, 200);
    QCOMPARE(as(m_admin, m_tenantA, "GET", QStringLiteral("/api/v1/twins")).status, 403);
    QCOMPARE(as(m_admin, m_tenantB, "GET", QStringLiteral("/api/v1/twins")).status, 200);
}

void TestActingTenant::withoutTheHeaderTenantRoutesStayForbidden()
{
    QCOMPARE(as(m_admin, QString(), "GET", QStringLiteral("/api/v1/twins")).status, 403);
    QCOMPARE(as(m_admin, QString(), "GET", QStringLiteral("/api/v1/twins/%1").arg(m_twinA)).status, 403);
    // Admin routes do not need it and ignore it.
    QCOMPARE(as(m_admin, m_tenantA, "GET", QStringLiteral("/api/v1/admin/tenants")).status, 200);
}

QTEST_GUILESS_MAIN(TestActingTenant)
#include "tst_actingtenant.moc"
