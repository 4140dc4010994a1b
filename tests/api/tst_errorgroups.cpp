// The jobs triage's error groups on SQLite and PostgreSQL: jobs that really failed (claimed and failed through the
// queue, as a worker does) are grouped by the signature of their error, numbers, ids and quoted values stripped;
// GET /api/v1/admin/jobs/error-groups counts them per state and tenant with first and last seen, and the group
// actions (retry, cancel, discard) change the group's jobs in the states that allow it and nothing else.
#include "apiharness.h"
#include "core/ids.h"
#include "core/jsonio.h"
#include "failedjobs.h"
#include "jobs/jobqueue.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>

using namespace twinops;
using namespace twinops::test;

namespace {

const QString kTimeout = QStringLiteral("timeout after <n> s talking to \"…\"");
const QString kMissing = QStringLiteral("row <id> not found in shard <n>");

} // namespace

class TestErrorGroups final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup() { m_api.reset(); }

    void groupsBySignature();
    void filtersNarrowTheGroups();
    void jobsListFiltersByTheSignature();
    void completionLeavesTheGroup();
    void rescuedJobsHaveASignature();
    void retryTouchesOnlyFinishedJobsOfTheGroup();
    void discardAndCancelTouchOnlyWaitingJobsOfTheGroup();
    void refusesABadSignature();

private:
    // Enqueues one job per message, claims them and fails each with its message: permanent = discarded, otherwise
    // retryable (three attempts allowed). Returns the ids in the order of the messages.
    QStringList fail(const QString &tenant, const QStringList &messages, bool permanent)
    {
        return failJobs(m_api->db(), tenant, messages, permanent);
    }
    QJsonArray groups(const QString &query = {});
    QJsonObject group(const QString &signature, const QString &query = {});
    QString stateOf(const QString &id);
    ApiHarness::Reply act(const QString &action, const QJsonObject &body)
    {
        return m_api->call("POST", QStringLiteral("/api/v1/admin/jobs/error-groups/") + action, body, m_admin);
    }

    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_admin;
    QString m_tenantA, m_tenantB;
};

void TestErrorGroups::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    m_tenantA = ApiHarness::tenantIdOf(m_api->signup(QStringLiteral("owner@a.example"), QStringLiteral("Tenant A")));
    m_tenantB = ApiHarness::tenantIdOf(m_api->signup(QStringLiteral("owner@b.example"), QStringLiteral("Tenant B")));
    m_admin = m_api->platformAdmin(QStringLiteral("errors"));
    QVERIFY(!m_admin.isEmpty());
}

QJsonArray TestErrorGroups::groups(const QString &query)
{
    const auto reply = m_api->call("GET", QStringLiteral("/api/v1/admin/jobs/error-groups") + query, {}, m_admin);
    if (reply.status != 200)
        qWarning("error-groups: %d %s", reply.status, reply.body.constData());
    return reply.json[QStringLiteral("items")].toArray();
}

QJsonObject TestErrorGroups::group(const QString &signature, const QString &query)
{
    for (const QJsonValue item : groups(query)) {
        if (item[QStringLiteral("signature")].toString() == signature)
            return item.toObject();
    }
    return {};
}

QString TestErrorGroups::stateOf(const QString &id)
{
    auto job = JobQueue(m_api->db()).get({}, id);
    return job.ok() ? jobStateName(job->state) : job.error().message;
}

void TestErrorGroups::groupsBySignature()
{
    const QDateTime before = nowUtc().addSecs(-1);
    const QStringList timeoutsA = fail(m_tenantA,
                                       {QStringLiteral("timeout after 30 s talking to 'db-1'"),
                                        QStringLiteral("timeout after 45 s talking to \"db-7\"\nstack: frame 12")},
                                       false);
    const QStringList timeoutsB = fail(m_tenantB, {QStringLiteral("timeout after 5 s talking to 'cache'")}, true);
    const QStringList missing = fail(m_tenantA,
                                     {QStringLiteral("row 3f2a9c1e-0b6d-4c59-9a51-1e2f3a4b5c6d not found in shard 2"),
                                      QStringLiteral("row deadbeef42 not found in shard 17")},
                                     true);
    QCOMPARE(timeoutsA.size() + timeoutsB.size() + missing.size(), 5);

    const QJsonArray all = groups();
    QCOMPARE(all.size(), 2);
    const QJsonObject timeouts = all.at(0).toObject(); // the largest group first
    QCOMPARE(timeouts[QStringLiteral("signature")].toString(), kTimeout);
    QCOMPARE(timeouts[QStringLiteral("count")].toInt(), 3);
    QCOMPARE(timeouts[QStringLiteral("states")].toObject(),
             (QJsonObject{{QStringLiteral("retryable"), 2}, {QStringLiteral("discarded"), 1}}));
    QJsonObject byTenant;
    for (const QJsonValue tenant : timeouts[QStringLiteral("tenants")].toArray())
        byTenant.insert(tenant[QStringLiteral("tenant_id")].toString(), tenant[QStringLiteral("count")]);
    QCOMPARE(byTenant, (QJsonObject{{m_tenantA, 2}, {m_tenantB, 1}}));
    const QDateTime first = QDateTime::fromString(timeouts[QStringLiteral("first_seen")].toString(), Qt::ISODateWithMs);
    const QDateTime last = QDateTime::fromString(timeouts[QStringLiteral("last_seen")].toString(), Qt::ISODateWithMs);
    QVERIFY(first.isValid() && last.isValid());
    QVERIFY(before <= first && first <= last && last <= nowUtc());
    QVERIFY((timeoutsA + timeoutsB).contains(timeouts[QStringLiteral("example_job_id")].toString()));
    QVERIFY(timeouts[QStringLiteral("example_message")].toString().startsWith(QLatin1String("timeout after ")));

    const QJsonObject rows = all.at(1).toObject();
    QCOMPARE(rows[QStringLiteral("signature")].toString(), kMissing);
    QCOMPARE(rows[QStringLiteral("count")].toInt(), 2);
    QCOMPARE(rows[QStringLiteral("states")].toObject(), (QJsonObject{{QStringLiteral("discarded"), 2}}));
    QCOMPARE(rows[QStringLiteral("tenants")].toArray().size(), 1);

    QCOMPARE(groups(QStringLiteral("?limit=1")).size(), 1);
}

void TestErrorGroups::filtersNarrowTheGroups()
{
    QCOMPARE(fail(m_tenantA, {QStringLiteral("timeout after 1 s talking to 'a'")}, false).size(), 1);
    QCOMPARE(fail(m_tenantB, {QStringLiteral("timeout after 2 s talking to 'b'")}, true).size(), 1);

    QCOMPARE(group(kTimeout, QStringLiteral("?tenant_id=") + m_tenantB)[QStringLiteral("count")].toInt(), 1);
    QCOMPARE(group(kTimeout, QStringLiteral("?state=retryable"))[QStringLiteral("count")].toInt(), 1);
    QCOMPARE(group(kTimeout, QStringLiteral("?type=test.fails"))[QStringLiteral("count")].toInt(), 2);
    QCOMPARE(groups(QStringLiteral("?type=other")).size(), 0);
    const QString future = isoTime(nowUtc().addSecs(3600));
    QCOMPARE(groups(QStringLiteral("?since=") + QString::fromLatin1(QUrl::toPercentEncoding(future))).size(), 0);

    for (const QString &bad : {QStringLiteral("?since=yesterday"), QStringLiteral("?limit=0"),
                               QStringLiteral("?state=failing"), QStringLiteral("?tenant_id=nope")}) {
        const auto reply = m_api->call("GET", QStringLiteral("/api/v1/admin/jobs/error-groups") + bad, {}, m_admin);
        QVERIFY2(reply.status == 400, qPrintable(bad));
    }
}

// "Show jobs" of a group in the console: the jobs list and its counts take the signature as a filter.
void TestErrorGroups::jobsListFiltersByTheSignature()
{
    const QStringList timeouts = fail(m_tenantA, {QStringLiteral("timeout after 1 s talking to 'a'")}, false)
        + fail(m_tenantB, {QStringLiteral("timeout after 2 s talking to 'b'")}, true);
    QCOMPARE(timeouts.size(), 2);
    QCOMPARE(fail(m_tenantA, {QStringLiteral("row 42 not found in shard 7")}, true).size(), 1);
    const QString query = QStringLiteral("?error_signature=") + QString::fromLatin1(QUrl::toPercentEncoding(kTimeout));

    const auto list = m_api->call("GET", QStringLiteral("/api/v1/admin/jobs") + query, {}, m_admin);
    QCOMPARE(list.status, 200);
    QStringList listed;
    for (const QJsonValue &job : list.json[QStringLiteral("items")].toArray())
        listed << job[QStringLiteral("id")].toString();
    listed.sort();
    QStringList expected = timeouts;
    expected.sort();
    QCOMPARE(listed, expected);

    const auto stats = m_api->call("GET", QStringLiteral("/api/v1/admin/jobs/stats") + query, {}, m_admin);
    QCOMPARE(stats.status, 200);
    QCOMPARE(stats.json[QStringLiteral("matching")].toInt(), 2);
    const auto none
        = m_api->call("GET", QStringLiteral("/api/v1/admin/jobs?error_signature=nothing%20like%20it"), {}, m_admin);
    QCOMPARE(none.status, 200);
    QCOMPARE(none.json[QStringLiteral("items")].toArray().size(), 0);
}

void TestErrorGroups::completionLeavesTheGroup()
{
    const QStringList ids = fail(m_tenantA, {QStringLiteral("timeout after 9 s talking to 'x'")}, false);
    QCOMPARE(ids.size(), 1);
    QCOMPARE(group(kTimeout)[QStringLiteral("count")].toInt(), 1);
    // The retry is due in five minutes: run it now, and this time it succeeds.
    TWINOPS_VERIFY_OK(
        m_api->db().query(QStringLiteral("UPDATE jobs SET run_at = $2 WHERE id = $1"), {ids.first(), nowUtc()}));
    JobQueue queue(m_api->db());
    auto claim = queue.claim(QStringLiteral("test worker"), 1, std::chrono::minutes(1));
    TWINOPS_VERIFY_OK(claim);
    QCOMPARE(claim->jobs.size(), 1);
    auto completed = queue.complete(claim->leaseToken, {{ids.first(), {}}});
    TWINOPS_VERIFY_OK(completed);
    QCOMPARE(*completed, 1);
    QCOMPARE(groups().size(), 0);
}

// A lease rescue writes its own message in SQL; its signature is still the normaliser's (which reads "-7" as a
// signed number).
void TestErrorGroups::rescuedJobsHaveASignature()
{
    JobQueue queue(m_api->db());
    NewJob job;
    job.type = QStringLiteral("test.crashes");
    job.tenantId = m_tenantA;
    TWINOPS_VERIFY_OK(queue.enqueue(job));
    auto claim = queue.claim(QStringLiteral("host-7:4242"), 1, std::chrono::minutes(1));
    TWINOPS_VERIFY_OK(claim);
    QCOMPARE(claim->jobs.size(), 1);
    TWINOPS_VERIFY_OK(m_api->db().query(QStringLiteral("UPDATE jobs SET lease_expires_at = $1"),
                                        {nowUtc().addSecs(-1)})); // its worker died a minute ago
    auto rescued = queue.rescueExpired(3);
    TWINOPS_VERIFY_OK(rescued);
    QCOMPARE(rescued->size(), 1);
    const QJsonObject lost = group(QStringLiteral("attempt <n> lost its lease (host<n>:<n> crashed or stalled)"));
    QCOMPARE(lost[QStringLiteral("count")].toInt(), 1);
    QCOMPARE(lost[QStringLiteral("example_message")].toString(),
             QStringLiteral("attempt 1 lost its lease (host-7:4242 crashed or stalled)"));
}

void TestErrorGroups::retryTouchesOnlyFinishedJobsOfTheGroup()
{
    const QStringList retryable = fail(m_tenantA, {QStringLiteral("timeout after 1 s talking to 'a'")}, false);
    const QStringList discarded = fail(
        m_tenantB,
        {QStringLiteral("timeout after 2 s talking to 'b'"), QStringLiteral("timeout after 3 s talking to 'c'")}, true);
    const QStringList other = fail(m_tenantA, {QStringLiteral("row deadbeef42 not found in shard 1")}, true);
    QCOMPARE(retryable.size() + discarded.size() + other.size(), 4);

    const auto reply = act(QStringLiteral("retry"), {{QStringLiteral("signature"), kTimeout}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json[QStringLiteral("changed")].toInt(), 2);
    QCOMPARE(reply.json[QStringLiteral("in_group")].toInt(), 3);
    for (const QString &id : discarded)
        QCOMPARE(stateOf(id), QStringLiteral("available"));
    QCOMPARE(stateOf(retryable.first()), QStringLiteral("retryable"));
    QCOMPARE(stateOf(other.first()), QStringLiteral("discarded"));

    // Narrowed to a tenant without jobs in the group: nothing to act on, and nothing changes.
    const auto narrowed = act(QStringLiteral("retry"),
                              {{QStringLiteral("signature"), kMissing}, {QStringLiteral("tenant_id"), m_tenantB}});
    QCOMPARE(narrowed.status, 404);
    QCOMPARE(stateOf(other.first()), QStringLiteral("discarded"));
}

void TestErrorGroups::discardAndCancelTouchOnlyWaitingJobsOfTheGroup()
{
    const QStringList retryable
        = fail(m_tenantA,
               {QStringLiteral("timeout after 1 s talking to 'a'"), QStringLiteral("timeout after 2 s talking to 'b'")},
               false);
    const QStringList discarded = fail(m_tenantB, {QStringLiteral("timeout after 3 s talking to 'c'")}, true);
    const QStringList other = fail(m_tenantA, {QStringLiteral("row deadbeef42 not found in shard 1")}, false);
    QCOMPARE(retryable.size() + discarded.size() + other.size(), 4);

    const auto discard = act(QStringLiteral("discard"),
                             {{QStringLiteral("signature"), kTimeout}, {QStringLiteral("tenant_id"), m_tenantA}});
    QCOMPARE(discard.status, 200);
    QCOMPARE(discard.json[QStringLiteral("changed")].toInt(), 2);
    for (const QString &id : retryable)
        QCOMPARE(stateOf(id), QStringLiteral("discarded"));
    QCOMPARE(stateOf(other.first()), QStringLiteral("retryable"));

    // Nothing of the timeout group waits any more: cancel changes nothing, and says so.
    const auto cancelNothing = act(QStringLiteral("cancel"), {{QStringLiteral("signature"), kTimeout}});
    QCOMPARE(cancelNothing.status, 200);
    QCOMPARE(cancelNothing.json[QStringLiteral("changed")].toInt(), 0);
    QCOMPARE(cancelNothing.json[QStringLiteral("in_group")].toInt(), 3);

    const auto cancel = act(QStringLiteral("cancel"), {{QStringLiteral("signature"), kMissing}});
    QCOMPARE(cancel.status, 200);
    QCOMPARE(cancel.json[QStringLiteral("changed")].toInt(), 1);
    QCOMPARE(stateOf(other.first()), QStringLiteral("cancelled"));
    QCOMPARE(stateOf(discarded.first()), QStringLiteral("discarded"));
}

void TestErrorGroups::refusesABadSignature()
{
    QCOMPARE(fail(m_tenantA, {QStringLiteral("timeout after 1 s talking to 'a'")}, false).size(), 1);
    // A raw message is not a signature: its numbers and quoted values were never stripped.
    const auto raw = act(QStringLiteral("cancel"),
                         {{QStringLiteral("signature"), QStringLiteral("timeout after 1 s talking to 'a'")}});
    QCOMPARE(raw.status, 422);
    QVERIFY(raw.body.contains("is not an error signature"));
    const auto unknown
        = act(QStringLiteral("cancel"), {{QStringLiteral("signature"), QStringLiteral("no such error")}});
    QCOMPARE(unknown.status, 404);
    QVERIFY(unknown.body.contains("no job has the error signature"));
    QCOMPARE(act(QStringLiteral("cancel"), {}).status, 422);
    QCOMPARE(act(QStringLiteral("cancel"), {{QStringLiteral("signature"), kTimeout}, {QStringLiteral("tenant_id"), 1}})
                 .status,
             422);
    QCOMPARE(act(QStringLiteral("cancel"),
                 {{QStringLiteral("signature"), kTimeout}, {QStringLiteral("tenant_id"), QStringLiteral("nope")}})
                 .status,
             400);
    QCOMPARE(group(kTimeout)[QStringLiteral("states")].toObject(), (QJsonObject{{QStringLiteral("retryable"), 1}}));
}

QTEST_GUILESS_MAIN(TestErrorGroups)
#include "tst_errorgroups.moc"
