// The platform admin's job routes beyond the access matrix, on SQLite and PostgreSQL: GET /api/v1/admin/jobs/stats
// counts per state under the same filters as the list (the state filter narrows `matching`, not the breakdown), and
// GET /api/v1/admin/jobs?ids=… returns exactly the jobs named, which is how the console refreshes the rows it shows;
// order=newest pages the other way; POST /api/v1/admin/jobs/discard gives up waiting jobs, all or nothing.
#include "apiharness.h"
#include "jobs/jobqueue.h"

#include <QJsonArray>
#include <QTest>

#include <algorithm>

using namespace twinops;
using namespace twinops::test;

class TestAdminJobs final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup() { m_api.reset(); }

    void statsFollowTheFilter_data();
    void statsFollowTheFilter();
    void statsRefuseABadFilter_data();
    void statsRefuseABadFilter();
    void listByIds();
    void listNewestFirst();
    void discardByIds();

private:
    QStringList enqueue(const QString &tenant, const QString &twin, const QString &type, int count);
    void setState(const QStringList &ids, const QString &state, const QString &error = {});
    QString expand(QString query) const;
    ApiHarness::Reply get(const QString &pathAndQuery) { return m_api->call("GET", expand(pathAndQuery), {}, m_admin); }

    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_admin;
    QString m_tenantA, m_tenantB, m_twinA;
    QStringList m_alphaA, m_betaA, m_alphaB;
    int m_serial = 0;
};

void TestAdminJobs::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    const QJsonObject a = m_api->signup(QStringLiteral("owner@a.example"), QStringLiteral("Tenant A"));
    const QJsonObject b = m_api->signup(QStringLiteral("owner@b.example"), QStringLiteral("Tenant B"));
    m_tenantA = ApiHarness::tenantIdOf(a);
    m_tenantB = ApiHarness::tenantIdOf(b);
    m_admin = m_api->platformAdmin(QStringLiteral("jobs"));
    QVERIFY(!m_admin.isEmpty());
    const auto twin
        = m_api->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Plant A")}},
                      ApiHarness::bearer(a[QStringLiteral("access_token")].toString()));
    QCOMPARE(twin.status, 201);
    m_twinA = twin.json[QStringLiteral("id")].toString();

    // Tenant A: three alpha jobs waiting on its twin, two beta jobs discarded with an error; tenant B: one alpha
    // job completed.
    m_alphaA = enqueue(m_tenantA, m_twinA, QStringLiteral("test.alpha"), 3);
    m_betaA = enqueue(m_tenantA, QString(), QStringLiteral("test.beta"), 2);
    m_alphaB = enqueue(m_tenantB, QString(), QStringLiteral("test.alpha"), 1);
    setState(m_betaA, QStringLiteral("discarded"), QStringLiteral("boom: provider said 500"));
    setState(m_alphaB, QStringLiteral("completed"));
}

QStringList TestAdminJobs::enqueue(const QString &tenant, const QString &twin, const QString &type, int count)
{
    QStringList ids;
    for (int i = 0; i < count; ++i) {
        NewJob job;
        job.type = type;
        job.tenantId = tenant;
        job.twinId = twin;
        job.payload = QJsonObject{{QStringLiteral("n"), i}};
        job.idempotencyKey = QStringLiteral("k%1").arg(++m_serial);
        auto added = JobQueue(m_api->db()).enqueue(job);
        if (!added.ok())
            qWarning("enqueue: %s", qPrintable(added.error().message));
        else
            ids << added->id;
    }
    return ids;
}

void TestAdminJobs::setState(const QStringList &ids, const QString &state, const QString &error)
{
    for (const QString &id : ids)
        TWINOPS_VERIFY_OK(m_api->db().query(QStringLiteral("UPDATE jobs SET state = $1, last_error = $2 WHERE id = $3"),
                                            {state, error.isEmpty() ? QVariant() : QVariant(error), id}));
}

// The ids of this test's database, named in the data rows by placeholder.
QString TestAdminJobs::expand(QString query) const
{
    return query.replace(QLatin1String("{tenantA}"), m_tenantA)
        .replace(QLatin1String("{tenantB}"), m_tenantB)
        .replace(QLatin1String("{twinA}"), m_twinA);
}

void TestAdminJobs::statsFollowTheFilter_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("counts"); // "available=3 discarded=2 …"; states not named are 0
    QTest::addColumn<int>("matching");

    QTest::newRow("no filter") << QString() << QStringLiteral("available=3 discarded=2 completed=1") << 6;
    QTest::newRow("type") << QStringLiteral("type=test.alpha") << QStringLiteral("available=3 completed=1") << 4;
    QTest::newRow("tenant") << QStringLiteral("tenant_id={tenantA}") << QStringLiteral("available=3 discarded=2") << 5;
    QTest::newRow("twin") << QStringLiteral("twin_id={twinA}") << QStringLiteral("available=3") << 3;
    QTest::newRow("text in the error") << QStringLiteral("q=PROVIDER%20SAID") << QStringLiteral("discarded=2") << 2;
    QTest::newRow("nothing matches") << QStringLiteral("type=test.none") << QString() << 0;
    // The state narrows `matching` only: the breakdown still shows where the rest of the matching jobs are.
    QTest::newRow("state") << QStringLiteral("state=discarded") << QStringLiteral("available=3 discarded=2 completed=1")
                           << 2;
    QTest::newRow("state and type") << QStringLiteral("state=completed&type=test.alpha")
                                    << QStringLiteral("available=3 completed=1") << 1;
    QTest::newRow("state with no job") << QStringLiteral("state=running&tenant_id={tenantB}")
                                       << QStringLiteral("completed=1") << 0;
}

void TestAdminJobs::statsFollowTheFilter()
{
    QFETCH(QString, query);
    QFETCH(QString, counts);
    QFETCH(int, matching);
    const auto reply = get(QStringLiteral("/api/v1/admin/jobs/stats?") + query);
    QCOMPARE(reply.status, 200);
    QHash<QString, int> expected;
    for (const QString &pair : counts.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        expected.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1).toInt());
    const QJsonObject shown = reply.json[QStringLiteral("counts")].toObject();
    const QStringList states{QStringLiteral("scheduled"), QStringLiteral("available"), QStringLiteral("running"),
                             QStringLiteral("retryable"), QStringLiteral("completed"), QStringLiteral("discarded"),
                             QStringLiteral("cancelled")};
    QCOMPARE(shown.size(), states.size()); // every state, zeros included
    for (const QString &state : states) {
        QVERIFY2(shown.value(state).isDouble(), qPrintable(state));
        QCOMPARE(shown.value(state).toInt(), expected.value(state));
    }
    QCOMPARE(reply.json[QStringLiteral("matching")].toInt(), matching);

    // `matching` is what the list pages through with the same filter.
    const auto list = get(QStringLiteral("/api/v1/admin/jobs?limit=200&") + query);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json[QStringLiteral("items")].toArray().size(), matching);
}

void TestAdminJobs::statsRefuseABadFilter_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("state") << QStringLiteral("state=broken");
    QTest::newRow("tenant") << QStringLiteral("tenant_id=not-a-uuid");
    QTest::newRow("twin") << QStringLiteral("twin_id=not-a-uuid");
}

void TestAdminJobs::statsRefuseABadFilter()
{
    QFETCH(QString, query);
    const auto reply = get(QStringLiteral("/api/v1/admin/jobs/stats?") + query);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("bad_request"));
}

void TestAdminJobs::listByIds()
{
    const auto idsOf = [](const ApiHarness::Reply &reply) {
        QStringList ids;
        const QJsonArray items = reply.json[QStringLiteral("items")].toArray();
        for (const QJsonValue &item : items)
            ids << item.toObject().value(QStringLiteral("id")).toString();
        ids.sort();
        return ids;
    };
    // Exactly the jobs named, whichever tenant and state.
    QStringList named{m_alphaA.at(1), m_betaA.at(0), m_alphaB.at(0)};
    named.sort();
    auto reply = get(QStringLiteral("/api/v1/admin/jobs?ids=") + named.join(QLatin1Char(',')));
    QCOMPARE(reply.status, 200);
    QCOMPARE(idsOf(reply), named);
    // Upper case and spaces are accepted as in any id parameter.
    reply = get(QStringLiteral("/api/v1/admin/jobs?ids=%1,%20%2").arg(m_alphaA.at(0).toUpper(), m_alphaA.at(2)));
    QCOMPARE(reply.status, 200);
    QStringList both{m_alphaA.at(0), m_alphaA.at(2)};
    both.sort();
    QCOMPARE(idsOf(reply), both);
    // Combined with the other filters; an unknown id is simply not there.
    reply = get(QStringLiteral("/api/v1/admin/jobs?type=test.alpha&ids=%1,%2,00000000-0000-4000-8000-000000000000")
                    .arg(m_alphaA.at(0), m_betaA.at(1)));
    QCOMPARE(reply.status, 200);
    QCOMPARE(idsOf(reply), QStringList{m_alphaA.at(0)});

    // One page at most, and ids only.
    QStringList tooMany;
    for (int i = 0; i < 201; ++i)
        tooMany << m_alphaA.at(0);
    reply = get(QStringLiteral("/api/v1/admin/jobs?ids=") + tooMany.join(QLatin1Char(',')));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("bad_request"));
    reply = get(QStringLiteral("/api/v1/admin/jobs?ids=%1,not-a-uuid").arg(m_alphaA.at(0)));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("bad_request"));
}

void TestAdminJobs::listNewestFirst()
{
    QStringList oldest, newest;
    for (const QString &order : {QStringLiteral("oldest"), QStringLiteral("newest")}) {
        QString cursor;
        do { // pages of 2 across the six jobs: the cursor goes on in its own order
            const auto reply = get(QStringLiteral("/api/v1/admin/jobs?limit=2&order=%1%2")
                                       .arg(order, cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor));
            QCOMPARE(reply.status, 200);
            for (const QJsonValue &item : reply.json[QStringLiteral("items")].toArray())
                (order == QLatin1String("oldest") ? oldest : newest) << item[QStringLiteral("id")].toString();
            cursor = reply.json[QStringLiteral("next_cursor")].toString();
        } while (!cursor.isEmpty());
    }
    QCOMPARE(oldest.size(), 6);
    std::reverse(newest.begin(), newest.end());
    QCOMPARE(newest, oldest);
    QStringList byDefault;
    for (const QJsonValue &item : get(QStringLiteral("/api/v1/admin/jobs")).json[QStringLiteral("items")].toArray())
        byDefault << item[QStringLiteral("id")].toString();
    QCOMPARE(byDefault, oldest); // oldest first by default
    const auto refused = get(QStringLiteral("/api/v1/admin/jobs?order=sideways"));
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.errorCode(), QStringLiteral("bad_request"));
}

void TestAdminJobs::discardByIds()
{
    const auto post = [&](const QJsonObject &body) {
        return m_api->call("POST", QStringLiteral("/api/v1/admin/jobs/discard"), body, m_admin);
    };
    const auto matching = [&](const QString &query) {
        return get(QStringLiteral("/api/v1/admin/jobs/stats?") + query).json[QStringLiteral("matching")].toInt();
    };
    // A waiting job with a discarded one: refused as a whole, nothing changed.
    auto reply = post({{QStringLiteral("job_ids"), QJsonArray{m_alphaA.at(0), m_betaA.at(0)}}});
    QCOMPARE(reply.status, 409);
    QCOMPARE(matching(QStringLiteral("state=available")), 3);
    // Waiting jobs: given up, answered with their new state.
    reply = post({{QStringLiteral("job_ids"), QJsonArray{m_alphaA.at(0), m_alphaA.at(1)}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json[QStringLiteral("changed")].toInt(), 2);
    const QJsonArray jobs = reply.json[QStringLiteral("jobs")].toArray();
    QCOMPARE(jobs.size(), 2);
    for (const QJsonValue &job : jobs)
        QCOMPARE(job[QStringLiteral("state")].toString(), QStringLiteral("discarded"));
    // By filter: the rest of tenant A's waiting jobs.
    reply = post({{QStringLiteral("filter"),
                   QJsonObject{{QStringLiteral("tenant_id"), m_tenantA},
                               {QStringLiteral("state"), QStringLiteral("available")}}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json[QStringLiteral("changed")].toInt(), 1);
    QCOMPARE(matching(QStringLiteral("tenant_id={tenantA}&state=discarded")), 5);
}

QTEST_GUILESS_MAIN(TestAdminJobs)
#include "tst_adminjobs.moc"
