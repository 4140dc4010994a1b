// Deleting and exporting a tenant (issue #16), on SQLite and PostgreSQL: DELETE /api/v1/admin/tenants/{id} removes
// the tenant's rows from every tenant-owned table (counted with SQL, table by table) and leaves another tenant's
// alone; it needs the tenant's name as confirmation; its audit entry outlives the tenant; a worker holding a job of
// the deleted tenant loses its lease without bringing a row back. The export holds the tenant's data and no secret.
// The status filter and last_activity_at of the tenants list. A tenant's owner reaches none of it.
#include "apiharness.h"
#include "core/ids.h"
#include "graph/extractor.h"
#include "graph/graphstore.h"
#include "jobs/jobcompleter.h"
#include "jobs/jobqueue.h"
#include "knowledge/conversationrepository.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>

using namespace twinops;
using namespace twinops::test;

namespace {

// Every table with a tenant_id column; job_logs copies it from its job.
const char *const kTenantTables[]
    = {"users",    "refresh_tokens", "twins",    "sources",     "chunks",      "share_links",         "conversations",
       "messages", "jobs",           "job_logs", "graph_nodes", "graph_edges", "graph_edge_evidence", "api_keys"};

} // namespace

class TestTenantDeletion final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup() { m_api.reset(); }

    void deletionRemovesEveryRowOfTheTenantOnly();
    void deletionNeedsTheNameAsConfirmation();
    void aRunningJobOfADeletedTenantLosesItsLease();
    void exportHoldsTheDataAndNoSecret();
    void listFiltersByStatusAndShowsLastActivity();
    void onlyThePlatformAdminMayDeleteOrExport();

private:
    ApiHarness::Reply admin(const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        return m_api->call(method, path, body, m_admin);
    }
    ApiHarness::Reply owner(const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        return m_api->call(method, path, body, m_ownerA);
    }
    ApiHarness::Reply deleteTenant(const QString &id, const QString &confirm)
    {
        return admin("DELETE",
                     QStringLiteral("/api/v1/admin/tenants/%1?confirm=%2")
                         .arg(id, QString::fromUtf8(QUrl::toPercentEncoding(confirm))));
    }
    qint64 rowsOf(const char *table, const QString &tenantId)
    {
        auto rows = m_api->db().query(
            QStringLiteral("SELECT count(*) FROM %1 WHERE tenant_id = $1").arg(QLatin1String(table)), {tenantId});
        return rows.ok() ? rows->first().integer(0) : -1;
    }
    // Fills tenant A's tables through the API and the repositories the chat and graph job use.
    void populateTenantA();

    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_admin, m_ownerA, m_ownerB;
    QString m_tenantA, m_tenantB, m_twinA;
};

void TestTenantDeletion::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    const QJsonObject a = m_api->signup(QStringLiteral("owner@a.example"), QStringLiteral("Tenant Alpha"));
    const QJsonObject b = m_api->signup(QStringLiteral("owner@b.example"), QStringLiteral("Tenant Beta"));
    m_tenantA = ApiHarness::tenantIdOf(a);
    m_tenantB = ApiHarness::tenantIdOf(b);
    m_ownerA = ApiHarness::bearer(a[QStringLiteral("access_token")].toString());
    m_ownerB = ApiHarness::bearer(b[QStringLiteral("access_token")].toString());
    m_admin = m_api->platformAdmin(QStringLiteral("tenants"));
    QVERIFY(!m_admin.isEmpty());
}

void TestTenantDeletion::populateTenantA()
{
    const auto twin = owner("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Ada")}});
    QCOMPARE(twin.status, 201);
    m_twinA = twin.json[QStringLiteral("id")].toString();
    const auto source = owner("POST", QStringLiteral("/api/v1/twins/%1/sources").arg(m_twinA),
                              {{QStringLiteral("filename"), QStringLiteral("notes.md")},
                               {QStringLiteral("content"), QStringLiteral("Grace Hopper built compilers.")}});
    QCOMPARE(source.status, 201);
    QCOMPARE(
        owner("POST", QStringLiteral("/api/v1/sources/%1/approve").arg(source.json[QStringLiteral("id")].toString()))
            .status,
        202); // enqueues the index job
    // A chunk, as the index job (no worker runs here) would write it.
    TWINOPS_VERIFY_OK(m_api->db().query(
        QStringLiteral("INSERT INTO chunks (id, tenant_id, twin_id, source_id, ordinal, content, token_count, "
                       "created_at) VALUES ($1, $2, $3, $4, 0, 'Grace Hopper built compilers.', 4, $5)"),
        {newId(), m_tenantA, m_twinA, source.json[QStringLiteral("id")].toString(), nowUtc()}));
    QCOMPARE(owner("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(m_twinA), {}).status, 201);
    QCOMPARE(owner("POST", QStringLiteral("/api/v1/api-keys"),
                   {{QStringLiteral("name"), QStringLiteral("ci")},
                    {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}})
                 .status,
             201);
    ConversationRepository conversations(m_api->db());
    auto conversation = conversations.create(m_tenantA, m_twinA, QStringLiteral("Who built compilers?"));
    TWINOPS_VERIFY_OK(conversation);
    NewMessage question;
    question.role = messageroles::user;
    question.content = QStringLiteral("Who built compilers?");
    TWINOPS_VERIFY_OK(conversations.append(m_tenantA, conversation->id, question));
    NewMessage answer;
    answer.role = messageroles::assistant;
    answer.content = QStringLiteral("Grace Hopper works at Harvard University.");
    auto answered = conversations.append(m_tenantA, conversation->id, answer);
    TWINOPS_VERIFY_OK(answered);
    auto recorded
        = GraphStore(m_api->db())
              .record(m_tenantA, m_twinA, answered->id, conversation->id, GraphExtractor().extract(answer.content));
    TWINOPS_VERIFY_OK(recorded);
    // A job log line, as a worker writes one.
    NewJob job;
    job.type = QStringLiteral("tenant_deletion_test");
    job.tenantId = m_tenantA;
    auto enqueued = JobQueue(m_api->db()).enqueue(job);
    TWINOPS_VERIFY_OK(enqueued);
    TWINOPS_VERIFY_OK(
        JobQueue(m_api->db())
            .writeLogs({{enqueued->id, m_tenantA, 1, QStringLiteral("info"), QStringLiteral("a line of tenant A")}}));
}

void TestTenantDeletion::deletionRemovesEveryRowOfTheTenantOnly()
{
    populateTenantA();
    if (QTest::currentTestFailed())
        return;
    // Tenant B has rows too, which must stay.
    QCOMPARE(
        m_api
            ->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Bea")}}, m_ownerB)
            .status,
        201);
    QHash<QString, qint64> before, beforeB;
    for (const char *table : kTenantTables) {
        before.insert(QLatin1String(table), rowsOf(table, m_tenantA));
        beforeB.insert(QLatin1String(table), rowsOf(table, m_tenantB));
        // The control: each table had rows of A, so that "0 after" says something.
        QVERIFY2(before.value(QLatin1String(table)) > 0, table);
    }

    const auto deleted = deleteTenant(m_tenantA, QStringLiteral("Tenant Alpha"));
    QVERIFY2(deleted.status == 200, deleted.body.constData());
    QCOMPARE(deleted.json[QStringLiteral("name")].toString(), QStringLiteral("Tenant Alpha"));
    QCOMPARE(deleted.json[QStringLiteral("deleted")].toObject()[QStringLiteral("twins")].toInt(), 1);

    for (const char *table : kTenantTables) {
        QVERIFY2(rowsOf(table, m_tenantA) == 0, table);
        QVERIFY2(rowsOf(table, m_tenantB) == beforeB.value(QLatin1String(table)), table);
    }
    auto tenantRows = m_api->db().query(QStringLiteral("SELECT count(*) FROM tenants WHERE id = $1"), {m_tenantA});
    QCOMPARE(tenantRows->first().integer(0), 0);
    // Nothing of A is left without a tenant_id either: the job log and probe rows go with their jobs.
    auto orphans
        = m_api->db().query(QStringLiteral("SELECT count(*) FROM job_logs WHERE job_id NOT IN (SELECT id FROM jobs)"));
    QCOMPARE(orphans->first().integer(0), 0);
    // The owner's session no longer works, and the tenant is gone from the admin's list.
    QCOMPARE(owner("GET", QStringLiteral("/api/v1/twins")).status, 401);
    QCOMPARE(admin("GET", QStringLiteral("/api/v1/admin/tenants/%1/export").arg(m_tenantA)).status, 404);
    QCOMPARE(deleteTenant(m_tenantA, QStringLiteral("Tenant Alpha")).status, 404);

    // The audit entry outlives the tenant and says who deleted what.
    const auto audit = admin("GET", QStringLiteral("/api/v1/admin/audit?action=tenant.delete&tenant_id=") + m_tenantA);
    QCOMPARE(audit.status, 200);
    const QJsonArray entries = audit.json[QStringLiteral("items")].toArray();
    QCOMPARE(entries.size(), 1);
    const QJsonObject entry = entries.first().toObject();
    QCOMPARE(entry[QStringLiteral("actor")].toObject()[QStringLiteral("type")].toString(),
             QStringLiteral("platform_admin"));
    QCOMPARE(entry[QStringLiteral("target")].toObject()[QStringLiteral("id")].toString(), m_tenantA);
    QCOMPARE(entry[QStringLiteral("details")].toObject()[QStringLiteral("name")].toString(),
             QStringLiteral("Tenant Alpha"));
}

void TestTenantDeletion::deletionNeedsTheNameAsConfirmation()
{
    const QString path = QStringLiteral("/api/v1/admin/tenants/%1").arg(m_tenantA);
    const QStringList attempts{path, path + QStringLiteral("?confirm="), path + QStringLiteral("?confirm=tenant+alpha"),
                               path + QStringLiteral("?confirm=Tenant+Beta")};
    for (const QString &attempt : attempts) {
        const auto refused = admin("DELETE", attempt);
        QVERIFY2(refused.status == 422, qPrintable(attempt + u' ' + QString::fromUtf8(refused.body)));
        QVERIFY2(refused.body.contains("\"confirm\"") && refused.body.contains("tenant's name"),
                 refused.body.constData());
    }
    QCOMPARE(owner("GET", QStringLiteral("/api/v1/twins")).status, 200); // untouched, not even suspended
    QCOMPARE(
        deleteTenant(QStringLiteral("00000000-0000-4000-8000-000000000000"), QStringLiteral("Tenant Alpha")).status,
        404);
    QCOMPARE(admin("DELETE", QStringLiteral("/api/v1/admin/tenants/not-a-uuid?confirm=x")).status, 400);
    QCOMPARE(deleteTenant(m_tenantA, QStringLiteral("Tenant Alpha")).status, 200);
}

// A worker claimed a job of the tenant and is still running it when the tenant is deleted: its heartbeat, completion
// and failure find no row, it reports the lease lost, and neither the job nor its logs come back.
void TestTenantDeletion::aRunningJobOfADeletedTenantLosesItsLease()
{
    NewJob job;
    job.type = QStringLiteral("tenant_deletion_running");
    job.tenantId = m_tenantA;
    JobQueue queue(m_api->db());
    auto enqueued = queue.enqueue(job);
    TWINOPS_VERIFY_OK(enqueued);
    auto claim = queue.claim(QStringLiteral("test-worker"), 10, std::chrono::minutes(5));
    TWINOPS_VERIFY_OK(claim);
    QCOMPARE(claim->jobs.size(), 1);
    QCOMPARE(claim->jobs.first().id, enqueued->id);
    QCOMPARE(claim->jobs.first().state, JobState::Running);

    QCOMPARE(deleteTenant(m_tenantA, QStringLiteral("Tenant Alpha")).status, 200);

    QCOMPARE(*queue.heartbeat(claim->leaseToken, std::chrono::minutes(5)), 0);
    MetricsRegistry metrics;
    JobCompleter completer(m_api->db(), metrics, QStringLiteral("test-worker"));
    JobExecution execution{claim->jobs.first(), QJsonObject{{QStringLiteral("done"), true}}, {}, 0.1};
    execution.lines.append({JobLogLevel::Info, QStringLiteral("worked on a deleted tenant's job")});
    {
        auto tx = Transaction::begin(m_api->db());
        TWINOPS_VERIFY_OK(tx);
        QCOMPARE(completer.complete(*tx, claim->leaseToken, {execution}), JobCompleter::Outcome::LeaseLost);
    }
    JobExecution failed{claim->jobs.first(), Error::internal(QStringLiteral("boom")), {}, 0.1};
    completer.fail(claim->leaseToken, failed, RetryPolicy{});
    for (const char *table : {"jobs", "job_logs"})
        QVERIFY2(rowsOf(table, m_tenantA) == 0, table);
    auto job2 = m_api->db().query(QStringLiteral("SELECT count(*) FROM jobs WHERE id = $1"), {enqueued->id});
    QCOMPARE(job2->first().integer(0), 0);
}

void TestTenantDeletion::exportHoldsTheDataAndNoSecret()
{
    populateTenantA();
    if (QTest::currentTestFailed())
        return;
    const auto exported = admin("GET", QStringLiteral("/api/v1/admin/tenants/%1/export").arg(m_tenantA));
    QVERIFY2(exported.status == 200, exported.body.constData());
    const QByteArray disposition = exported.header("Content-Disposition");
    QVERIFY2(disposition.startsWith("attachment; filename=\"tenant-tenant-alpha-") && disposition.endsWith(".json\""),
             disposition.constData());
    const QJsonObject archive = exported.json;
    QCOMPARE(archive[QStringLiteral("format")].toString(), QStringLiteral("twinops-tenant-export/1"));
    QCOMPARE(archive[QStringLiteral("tenant")].toObject()[QStringLiteral("name")].toString(),
             QStringLiteral("Tenant Alpha"));
    const QJsonArray users = archive[QStringLiteral("users")].toArray();
    QCOMPARE(users.size(), 1);
    QCOMPARE(users.first().toObject()[QStringLiteral("email")].toString(), QStringLiteral("owner@a.example"));
    QCOMPARE(archive[QStringLiteral("twins")].toArray().first().toObject()[QStringLiteral("name")].toString(),
             QStringLiteral("Ada"));
    QCOMPARE(archive[QStringLiteral("sources")].toArray().first().toObject()[QStringLiteral("content")].toString(),
             QStringLiteral("Grace Hopper built compilers."));
    QCOMPARE(archive[QStringLiteral("conversations")].toArray().size(), 1);
    const QJsonArray messages = archive[QStringLiteral("messages")].toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(1).toObject()[QStringLiteral("role")].toString(), QStringLiteral("assistant"));
    QVERIFY(!archive[QStringLiteral("graph_nodes")].toArray().isEmpty());
    QVERIFY(!archive[QStringLiteral("graph_edges")].toArray().isEmpty());
    qint64 jobs = 0;
    for (const QJsonValue &group : archive[QStringLiteral("jobs")].toArray())
        jobs += group.toObject()[QStringLiteral("count")].toInteger();
    QCOMPARE(jobs, rowsOf("jobs", m_tenantA));
    // Nothing of tenant B, and no secret: no hash, no token, no key.
    const QByteArray body = exported.body;
    QVERIFY(!body.contains("owner@b.example"));
    auto secrets = m_api->db().query(QStringLiteral("SELECT password_hash FROM users WHERE tenant_id = $1 UNION ALL "
                                                    "SELECT key_hash FROM api_keys WHERE tenant_id = $1 UNION ALL "
                                                    "SELECT token_hash FROM share_links WHERE tenant_id = $1 UNION ALL "
                                                    "SELECT token_hash FROM refresh_tokens WHERE tenant_id = $1"),
                                     {m_tenantA});
    TWINOPS_VERIFY_OK(secrets);
    QCOMPARE(secrets->size(), 4);
    for (const Row row : *secrets)
        QVERIFY2(!body.contains(row.text(0).toUtf8()), "a hash is in the export");
    for (const char *field : {"password_hash", "key_hash", "token_hash", "password"})
        QVERIFY2(!body.contains(QByteArray("\"" + QByteArray(field) + "\"")), field);
    // The export is audited.
    const auto audit = admin("GET", QStringLiteral("/api/v1/admin/audit?action=tenant.export&tenant_id=") + m_tenantA);
    QCOMPARE(audit.json[QStringLiteral("items")].toArray().size(), 1);
}

void TestTenantDeletion::listFiltersByStatusAndShowsLastActivity()
{
    QCOMPARE(admin("PATCH", QStringLiteral("/api/v1/admin/tenants/%1").arg(m_tenantB),
                   {{QStringLiteral("status"), QStringLiteral("suspended")}})
                 .status,
             200);
    auto names = [&](const QString &query) {
        QStringList found;
        const auto listed = admin("GET", QStringLiteral("/api/v1/admin/tenants") + query);
        for (const QJsonValue &tenant : listed.json[QStringLiteral("items")].toArray())
            found << tenant.toObject()[QStringLiteral("name")].toString();
        found.sort();
        return found;
    };
    QCOMPARE(names(QString()), (QStringList{QStringLiteral("Tenant Alpha"), QStringLiteral("Tenant Beta")}));
    QCOMPARE(names(QStringLiteral("?status=active")), QStringList{QStringLiteral("Tenant Alpha")});
    QCOMPARE(names(QStringLiteral("?status=suspended")), QStringList{QStringLiteral("Tenant Beta")});
    QCOMPARE(names(QStringLiteral("?status=suspended&search=alpha")), QStringList());
    // Free text is `q`, as on every list; `search` is its older name, and `q` wins when both are given.
    QCOMPARE(names(QStringLiteral("?q=alpha")), QStringList{QStringLiteral("Tenant Alpha")});
    QCOMPARE(names(QStringLiteral("?search=beta")), QStringList{QStringLiteral("Tenant Beta")});
    QCOMPARE(names(QStringLiteral("?q=alpha&search=beta")), QStringList{QStringLiteral("Tenant Alpha")});
    QCOMPARE(admin("GET", QStringLiteral("/api/v1/admin/tenants?status=deleted")).status, 400);

    // Signup logged nobody in; a login is activity.
    auto lastActivity = [&](const QString &id) -> QJsonValue {
        for (const QJsonValue &tenant :
             admin("GET", QStringLiteral("/api/v1/admin/tenants")).json[QStringLiteral("items")].toArray())
            if (tenant.toObject()[QStringLiteral("id")].toString() == id)
                return tenant.toObject()[QStringLiteral("last_activity_at")];
        return QJsonValue(QJsonValue::Undefined);
    };
    const QJsonValue before = lastActivity(m_tenantA);
    QVERIFY(before.isNull() || before.isString());
    const QDateTime loginAt = QDateTime::currentDateTimeUtc().addSecs(-1);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/auth/login"),
                        {{QStringLiteral("email"), QStringLiteral("owner@a.example")},
                         {QStringLiteral("password"), QStringLiteral("correct horse battery")}})
                 .status,
             200);
    const QJsonValue after = lastActivity(m_tenantA);
    QVERIFY2(after.isString(), qPrintable(after.toVariant().toString()));
    QVERIFY(QDateTime::fromString(after.toString(), Qt::ISODateWithMs) >= loginAt);
    // A job is activity too, and the latest one counts.
    NewJob job;
    job.type = QStringLiteral("activity");
    job.tenantId = m_tenantB;
    TWINOPS_VERIFY_OK(JobQueue(m_api->db()).enqueue(job));
    QVERIFY(lastActivity(m_tenantB).isString());
}

void TestTenantDeletion::onlyThePlatformAdminMayDeleteOrExport()
{
    const QString del = QStringLiteral("/api/v1/admin/tenants/%1?confirm=Tenant+Alpha").arg(m_tenantA);
    const QString exp = QStringLiteral("/api/v1/admin/tenants/%1/export").arg(m_tenantA);
    for (const QByteArray &who : {m_ownerA, m_ownerB}) {
        QCOMPARE(m_api->call("DELETE", del, {}, who).status, 403);
        QCOMPARE(m_api->call("GET", exp, {}, who).status, 403);
    }
    QCOMPARE(m_api->call("DELETE", del).status, 401);
    QCOMPARE(rowsOf("users", m_tenantA), 1);
    QCOMPARE(owner("GET", QStringLiteral("/api/v1/twins")).status, 200);
}

QTEST_GUILESS_MAIN(TestTenantDeletion)
#include "tst_tenantdeletion.moc"
