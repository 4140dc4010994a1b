// GET /api/v1/admin/audit on SQLite and PostgreSQL: the entries real requests wrote, with their names and client
// address; every filter and the search; keyset paging newest first, ties on the time included; platform admins only;
// a one-line 400 for each bad parameter.
#include "apiharness.h"
#include "storage/auditlog.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>

using namespace twinops;
using namespace twinops::test;

class TestAuditLog final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup() { m_api.reset(); }

    void entriesOfRealRequests();
    void filters_data();
    void filters();
    void searchIsLiteral();
    void pagesNewestFirst();
    void onlyPlatformAdmins();
    void badInput_data();
    void badInput();

private:
    ApiHarness::Reply get(const QString &query)
    {
        return m_api->call("GET", QStringLiteral("/api/v1/admin/audit?") + query, {}, m_admin);
    }
    static QStringList actions(const ApiHarness::Reply &reply);
    void write(const QString &tenantId, const QString &actorId, const QString &action, const QString &targetId,
               const QString &at = {});

    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_admin, m_ownerA;
    QString m_tenantA, m_tenantB, m_ownerAId, m_ownerAEmail = QStringLiteral("owner@a.example");
};

void TestAuditLog::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    const QJsonObject a = m_api->signup(m_ownerAEmail, QStringLiteral("Tenant A"));
    const QJsonObject b = m_api->signup(QStringLiteral("owner@b.example"), QStringLiteral("Tenant B"));
    m_tenantA = ApiHarness::tenantIdOf(a);
    m_tenantB = ApiHarness::tenantIdOf(b);
    m_ownerA = ApiHarness::bearer(a[QStringLiteral("access_token")].toString());
    m_ownerAId = a[QStringLiteral("user")].toObject()[QStringLiteral("id")].toString();
    m_admin = m_api->platformAdmin(QStringLiteral("auditor"));
    QVERIFY(!m_admin.isEmpty());
    QVERIFY(!m_ownerAId.isEmpty());
    // Whatever signing up wrote is not what these tests are about.
    TWINOPS_VERIFY_OK(m_api->db().query(QStringLiteral("DELETE FROM audit_log")));
}

QStringList TestAuditLog::actions(const ApiHarness::Reply &reply)
{
    QStringList names;
    for (const QJsonValue &item : reply.json[QStringLiteral("items")].toArray())
        names << item[QStringLiteral("action")].toString();
    return names;
}

// An entry as the routes write it, at `at` (ISO 8601) when given.
void TestAuditLog::write(const QString &tenantId, const QString &actorId, const QString &action,
                         const QString &targetId, const QString &at)
{
    AuditEntry entry;
    entry.tenantId = tenantId;
    entry.actorType = QStringLiteral("user");
    entry.actorId = actorId;
    entry.action = action;
    entry.targetType = QStringLiteral("thing");
    entry.targetId = targetId;
    entry.details = {{QStringLiteral("note"), QString(QStringLiteral("Note of ") + action)}};
    TWINOPS_VERIFY_OK(writeAudit(m_api->db(), entry));
    if (!at.isEmpty())
        TWINOPS_VERIFY_OK(m_api->db().query(
            QStringLiteral("UPDATE audit_log SET created_at = $1 WHERE id = (SELECT max(id) FROM audit_log)"),
            {QDateTime::fromString(at, Qt::ISODate)}));
}

void TestAuditLog::entriesOfRealRequests()
{
    m_api->peer = QStringLiteral("203.0.113.7");
    const auto key = m_api->call("POST", QStringLiteral("/api/v1/api-keys"),
                                 {{QStringLiteral("name"), QStringLiteral("Build robot")},
                                  {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}},
                                 m_ownerA);
    QCOMPARE(key.status, 201);
    m_api->peer = QStringLiteral("198.51.100.2");
    const auto renamed = m_api->call("PATCH", QStringLiteral("/api/v1/admin/tenants/") + m_tenantB,
                                     {{QStringLiteral("name"), QStringLiteral("Tenant B renamed")}}, m_admin);
    QCOMPARE(renamed.status, 200);

    const auto reply = get({});
    QCOMPARE(reply.status, 200);
    QCOMPARE(actions(reply), (QStringList{QStringLiteral("tenant.update"), QStringLiteral("api_key.create")}));
    QVERIFY(reply.json[QStringLiteral("next_cursor")].isNull());

    // The admin's rename: the tenant it is about, the admin key by its name, the target by its new name.
    const QJsonObject update = reply.json[QStringLiteral("items")][0].toObject();
    QCOMPARE(update[QStringLiteral("actor")][QStringLiteral("type")].toString(), QStringLiteral("platform_admin"));
    QCOMPARE(update[QStringLiteral("actor")][QStringLiteral("name")].toString(), QStringLiteral("auditor"));
    QCOMPARE(update[QStringLiteral("target")][QStringLiteral("type")].toString(), QStringLiteral("tenant"));
    QCOMPARE(update[QStringLiteral("target")][QStringLiteral("id")].toString(), m_tenantB);
    QCOMPARE(update[QStringLiteral("target")][QStringLiteral("name")].toString(), QStringLiteral("Tenant B renamed"));
    QCOMPARE(update[QStringLiteral("tenant")][QStringLiteral("id")].toString(), m_tenantB);
    QCOMPARE(update[QStringLiteral("tenant")][QStringLiteral("name")].toString(), QStringLiteral("Tenant B renamed"));
    QCOMPARE(update[QStringLiteral("client_address")].toString(), QStringLiteral("198.51.100.2"));
    QCOMPARE(update[QStringLiteral("details")][QStringLiteral("name")].toString(), QStringLiteral("Tenant B renamed"));
    QVERIFY(!update[QStringLiteral("request_id")].toString().isEmpty());
    QVERIFY(QDateTime::fromString(update[QStringLiteral("created_at")].toString(), Qt::ISODateWithMs).isValid());

    // The owner's key: the owner by email, the key by name, tenant A.
    const QJsonObject created = reply.json[QStringLiteral("items")][1].toObject();
    QCOMPARE(created[QStringLiteral("actor")][QStringLiteral("type")].toString(), QStringLiteral("user"));
    QCOMPARE(created[QStringLiteral("actor")][QStringLiteral("id")].toString(), m_ownerAId);
    QCOMPARE(created[QStringLiteral("actor")][QStringLiteral("name")].toString(), m_ownerAEmail);
    QCOMPARE(created[QStringLiteral("target")][QStringLiteral("id")].toString(),
             key.json[QStringLiteral("id")].toString());
    QCOMPARE(created[QStringLiteral("target")][QStringLiteral("name")].toString(), QStringLiteral("Build robot"));
    QCOMPARE(created[QStringLiteral("tenant")][QStringLiteral("name")].toString(), QStringLiteral("Tenant A"));
    QCOMPARE(created[QStringLiteral("client_address")].toString(), QStringLiteral("203.0.113.7"));
    QVERIFY(created[QStringLiteral("id")].toString().toLongLong()
            < update[QStringLiteral("id")].toString().toLongLong());
}

void TestAuditLog::filters_data()
{
    QTest::addColumn<QString>("query"); // {A}, {B} and {ownerA} stand for this test's ids
    QTest::addColumn<QStringList>("expected"); // the actions, newest first

    QTest::newRow("none") << QString()
                          << QStringList{QStringLiteral("d.four"), QStringLiteral("c.three"), QStringLiteral("b.two"),
                                         QStringLiteral("a.one")};
    QTest::newRow("tenant") << QStringLiteral("tenant_id={A}")
                            << QStringList{QStringLiteral("c.three"), QStringLiteral("a.one")};
    QTest::newRow("tenant, upper case") << QStringLiteral("tenant_id={A:upper}")
                                        << QStringList{QStringLiteral("c.three"), QStringLiteral("a.one")};
    QTest::newRow("actor id") << QStringLiteral("actor={ownerA}")
                              << QStringList{QStringLiteral("b.two"), QStringLiteral("a.one")};
    QTest::newRow("actor email") << QStringLiteral("actor=OWNER%40A.example")
                                 << QStringList{QStringLiteral("b.two"), QStringLiteral("a.one")};
    QTest::newRow("action") << QStringLiteral("action=c.three") << QStringList{QStringLiteral("c.three")};
    QTest::newRow("action is exact") << QStringLiteral("action=c") << QStringList{};
    QTest::newRow("search action") << QStringLiteral("q=THREE") << QStringList{QStringLiteral("c.three")};
    QTest::newRow("search target") << QStringLiteral("q=thing:target-2") << QStringList{QStringLiteral("b.two")};
    QTest::newRow("search details") << QStringLiteral("q=note%20of%20d") << QStringList{QStringLiteral("d.four")};
    QTest::newRow("since") << QStringLiteral("since=2026-01-02T00:00:00Z")
                           << QStringList{QStringLiteral("d.four"), QStringLiteral("c.three"), QStringLiteral("b.two")};
    QTest::newRow("until") << QStringLiteral("until=2026-01-03T00:00:00Z")
                           << QStringList{QStringLiteral("b.two"), QStringLiteral("a.one")};
    QTest::newRow("range, offset") << QStringLiteral("since=2026-01-02T01:00:00%2B01:00&until=2026-01-03T00:00:00.001Z")
                                   << QStringList{QStringLiteral("c.three"), QStringLiteral("b.two")};
    QTest::newRow("combined") << QStringLiteral("tenant_id={A}&actor={ownerA}&q=one")
                              << QStringList{QStringLiteral("a.one")};
    QTest::newRow("nothing") << QStringLiteral("tenant_id={B}&action=a.one") << QStringList{};
}

void TestAuditLog::filters()
{
    QFETCH(QString, query);
    QFETCH(QStringList, expected);
    write(m_tenantA, m_ownerAId, QStringLiteral("a.one"), QStringLiteral("target-1"),
          QStringLiteral("2026-01-01T00:00:00Z"));
    write(m_tenantB, m_ownerAId, QStringLiteral("b.two"), QStringLiteral("target-2"),
          QStringLiteral("2026-01-02T00:00:00Z"));
    write(m_tenantA, QStringLiteral("someone-else"), QStringLiteral("c.three"), QStringLiteral("target-3"),
          QStringLiteral("2026-01-03T00:00:00Z"));
    write({}, QStringLiteral("someone-else"), QStringLiteral("d.four"), QStringLiteral("target-4"),
          QStringLiteral("2026-01-04T00:00:00Z"));
    query.replace(QStringLiteral("{A:upper}"), m_tenantA.toUpper())
        .replace(QStringLiteral("{A}"), m_tenantA)
        .replace(QStringLiteral("{B}"), m_tenantB)
        .replace(QStringLiteral("{ownerA}"), m_ownerAId);
    const auto reply = get(query);
    QVERIFY2(reply.status == 200, reply.body.constData());
    QCOMPARE(actions(reply), expected);
}

// LIKE's wildcards in q are plain characters, and quotes are data.
void TestAuditLog::searchIsLiteral()
{
    write(m_tenantA, m_ownerAId, QStringLiteral("plain"), QStringLiteral("abc"));
    write(m_tenantA, m_ownerAId, QStringLiteral("percent"), QStringLiteral("100%"));
    write(m_tenantA, m_ownerAId, QStringLiteral("under_score"), QStringLiteral("x"));
    write(m_tenantA, m_ownerAId, QStringLiteral("quote"), QStringLiteral("it's"));
    QCOMPARE(actions(get(QStringLiteral("q=%25"))), QStringList{QStringLiteral("percent")});
    QCOMPARE(actions(get(QStringLiteral("q=_"))), QStringList{QStringLiteral("under_score")});
    QCOMPARE(actions(get(QStringLiteral("q=it's"))), QStringList{QStringLiteral("quote")});
    QCOMPARE(actions(get(QStringLiteral("q=%5C"))), QStringList{});
}

// Seven entries, three of them at the same millisecond across a page boundary: pages of three come newest first, the
// id breaking the tie,
// and a page written after the first page was read does not shift the pages that follow.
void TestAuditLog::pagesNewestFirst()
{
    for (int i = 1; i <= 7; ++i)
        write(m_tenantA, m_ownerAId, QStringLiteral("e%1").arg(i), {},
              i >= 3 && i <= 5 ? QStringLiteral("2026-02-01T00:00:04Z")
                               : QStringLiteral("2026-02-01T00:00:0%1Z").arg(i));
    QStringList seen;
    QString cursor;
    int pages = 0;
    do {
        const auto reply
            = get(QStringLiteral("limit=3") + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor));
        QVERIFY2(reply.status == 200, reply.body.constData());
        seen << actions(reply);
        cursor = reply.json[QStringLiteral("next_cursor")].toString();
        if (++pages == 1)
            write(m_tenantA, m_ownerAId, QStringLiteral("newer"),
                  {}); // now: before every page, not in the ones still to come
    } while (!cursor.isEmpty() && pages < 10);
    QCOMPARE(pages, 3);
    QCOMPARE(seen,
             (QStringList{QStringLiteral("e7"), QStringLiteral("e6"), QStringLiteral("e5"), QStringLiteral("e4"),
                          QStringLiteral("e3"), QStringLiteral("e2"), QStringLiteral("e1")}));
}

void TestAuditLog::onlyPlatformAdmins()
{
    write(m_tenantA, m_ownerAId, QStringLiteral("secret.thing"), {});
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/admin/audit"), {}, m_ownerA).status, 403);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/admin/audit?tenant_id=") + m_tenantA, {}, m_ownerA).status,
             403);
    const auto key = m_api->call("POST", QStringLiteral("/api/v1/api-keys"),
                                 {{QStringLiteral("name"), QStringLiteral("reader")},
                                  {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}},
                                 m_ownerA);
    QCOMPARE(key.status, 201);
    const auto byKey = m_api->call("GET", QStringLiteral("/api/v1/admin/audit"), {},
                                   "Bearer " + key.json[QStringLiteral("key")].toString().toLatin1());
    QCOMPARE(byKey.status, 403);
    QVERIFY(!byKey.body.contains("secret.thing"));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/admin/audit")).status, 401);
}

void TestAuditLog::badInput_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message"); // a part of the one-line message

    QTest::newRow("tenant") << QStringLiteral("tenant_id=acme") << QStringLiteral("is not a UUID");
    QTest::newRow("since") << QStringLiteral("since=yesterday") << QStringLiteral("since must be an ISO 8601 time");
    QTest::newRow("until") << QStringLiteral("until=2026-13-01T00:00:00Z")
                           << QStringLiteral("until must be an ISO 8601 time");
    QTest::newRow("empty range") << QStringLiteral("since=2026-01-02T00:00:00Z&until=2026-01-02T00:00:00Z")
                                 << QStringLiteral("since must be before until");
    QTest::newRow("limit") << QStringLiteral("limit=0") << QStringLiteral("limit must be an integer");
    QTest::newRow("cursor") << QStringLiteral("cursor=bm9wZQ") << QStringLiteral("invalid cursor");
    // A cursor of a list of UUID rows (here: MTIzfDAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA = "123|<uuid>").
    QTest::newRow("cursor of a UUID list")
        << QStringLiteral("cursor=MTIzfDAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA")
        << QStringLiteral("invalid cursor");
    QTest::newRow("q") << QStringLiteral("q=") + QString(201, u'x')
                       << QStringLiteral("q must be at most 200 characters");
    QTest::newRow("actor") << QStringLiteral("actor=") + QString(321, u'x')
                           << QStringLiteral("actor must be at most 320 characters");
    QTest::newRow("action") << QStringLiteral("action=") + QString(101, u'x')
                            << QStringLiteral("action must be at most 100 characters");
}

void TestAuditLog::badInput()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    const auto reply = get(query);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("bad_request"));
    const QString shown = reply.json[QStringLiteral("error")][QStringLiteral("message")].toString();
    QVERIFY2(shown.contains(message), qPrintable(shown));
    QVERIFY(!shown.contains(u'\n'));
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
