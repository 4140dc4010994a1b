// Issue #14, moving to PostgreSQL, end to end: a SQLite database filled through the API of a real `twinopsd serve`
// (tenants, users, twins, sources, chat, jobs completed, cancelled and waiting, the graph, share links, API keys,
// the audit log), copied by `twinopsd copy` to a PostgreSQL database of the test cluster, serves the same answers to
// the same requests from both; the copy passes `twinopsd check --dsn`; copied back to SQLite it answers the same
// again. Plus the command's refusals and its output (progress on stderr, no password anywhere).
#include "checks/apiclient.h"
#include "daemon.h"
#include "testdatabase.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

const QByteArray kSecret = "twinops-copy-test-secret-0123456789abcdef";
const QString kPassword = QStringLiteral("correct horse battery");

struct Request
{
    QString path;
    QString bearer;
};

} // namespace

class TestCopy final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void copiedDatabaseAnswersTheSame();
    void refusals();
    void differenceExitsNonZero();

private:
    bool serve(Daemon &daemon, const TestDatabase &db, int workers, const QString &name);
    // Fills the SQLite database through the API; the requests whose answers the copies must repeat.
    QList<Request> fill();
    // The JSON answers of `requests` from the daemon, by path.
    QList<QJsonDocument> answers(const Daemon &daemon, const QList<Request> &requests);
    void compareAnswers(const TestDatabase &a, const TestDatabase &b, const QList<Request> &requests);
    TwinopsdRun copy(const QString &from, const QString &to);
    QString waitForJob(ApiClient &client, const QString &id, const QString &state, const QString &bearer);

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<TestDatabase> m_sqlite;
};

void TestCopy::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    m_sqlite = TestDatabase::create(Dialect::Sqlite);
    QVERIFY(m_sqlite);
}

void TestCopy::cleanup()
{
    m_sqlite.reset();
    m_home.reset();
}

bool TestCopy::serve(Daemon &daemon, const TestDatabase &db, int workers, const QString &name)
{
    daemon.start(QStringList{QStringLiteral("--database"), databaseArgument(db), QStringLiteral("serve"),
                             QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--workers"),
                             QString::number(workers)},
                 daemonEnvironment(m_home->path(), kSecret), m_home->filePath(name + QStringLiteral(".log")));
    return daemon.waitUntilServing(30'000);
}

TwinopsdRun TestCopy::copy(const QString &from, const QString &to)
{
    return twinopsd({QStringLiteral("copy"), QStringLiteral("--from"), from, QStringLiteral("--to"), to},
                    daemonEnvironment(m_home->path(), kSecret));
}

QString TestCopy::waitForJob(ApiClient &client, const QString &id, const QString &state, const QString &bearer)
{
    QString seen;
    const QDeadlineTimer deadline(30'000);
    while (seen != state && !deadline.hasExpired()) {
        seen = client.get(QStringLiteral("/api/v1/jobs/") + id, bearer)
                   .object()
                   .value(QStringLiteral("state"))
                   .toString();
        if (seen != state)
            QTest::qWait(50);
    }
    return seen;
}

QList<Request> TestCopy::fill()
{
    QList<Request> requests;
    QString owner, admin, twin, source, indexJob, conversation;
    {
        // Nothing runs jobs yet: the index job waits, and a graph job is cancelled while it waits.
        Daemon daemon;
        if (!serve(daemon, *m_sqlite, 0, QStringLiteral("fill1"))) {
            QTest::qFail(qPrintable(daemon.describe()), __FILE__, __LINE__);
            return {};
        }
        ApiClient client(QUrl(daemon.baseUrl()));
        const ApiReply signup
            = client.post(QStringLiteral("/api/v1/auth/signup"),
                          QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@example.com")},
                                      {QStringLiteral("password"), kPassword},
                                      {QStringLiteral("tenant_name"), QStringLiteral("Ünïcødé Tenant 🚀")}});
        owner = signup.object().value(QStringLiteral("access_token")).toString();
        twin = client
                   .post(QStringLiteral("/api/v1/twins"),
                         QJsonObject{{QStringLiteral("name"), QStringLiteral("Historian")},
                                     {QStringLiteral("description"), QStringLiteral("Ada & Babbage — “quotes”")}},
                         owner)
                   .object()
                   .value(QStringLiteral("id"))
                   .toString();
        (void)client.post(QStringLiteral("/api/v1/twins"),
                          QJsonObject{{QStringLiteral("name"), QStringLiteral("Other")}}, owner);
        source = client
                     .post(QStringLiteral("/api/v1/twins/%1/sources").arg(twin),
                           QJsonObject{{QStringLiteral("filename"), QStringLiteral("ada.md")},
                                       {QStringLiteral("content"),
                                        QStringLiteral("# Ada Lovelace\n\nAda Lovelace worked with Charles Babbage on "
                                                       "the Analytical Engine. Ada Lovelace wrote the first "
                                                       "published algorithm.\n\nCharles Babbage founded the "
                                                       "Analytical Society in Cambridge.")}},
                           owner)
                     .object()
                     .value(QStringLiteral("id"))
                     .toString();
        indexJob = client.post(QStringLiteral("/api/v1/sources/%1/approve").arg(source), QJsonObject{}, owner)
                       .object()
                       .value(QStringLiteral("job_id"))
                       .toString();
        const ApiReply user = client.post(QStringLiteral("/api/v1/users"),
                                          QJsonObject{{QStringLiteral("email"), QStringLiteral("viewer@example.com")},
                                                      {QStringLiteral("password"), kPassword},
                                                      {QStringLiteral("role"), QStringLiteral("viewer")}},
                                          owner);
        const ApiReply key
            = client.post(QStringLiteral("/api/v1/api-keys"),
                          QJsonObject{{QStringLiteral("name"), QStringLiteral("reader")},
                                      {QStringLiteral("scopes"),
                                       QJsonArray{QStringLiteral("twins:read"), QStringLiteral("jobs:read")}}},
                          owner);
        const ApiReply link
            = client.post(QStringLiteral("/api/v1/twins/%1/share-links").arg(twin), QJsonObject{}, owner);
        const ApiReply chat
            = client.post(QStringLiteral("/api/v1/twins/%1/chat").arg(twin),
                          QJsonObject{{QStringLiteral("message"), QStringLiteral("Who was Ada?")}}, owner);
        const QString cancelledJob = chat.object().value(QStringLiteral("graph_job_id")).toString();
        const ApiReply cancel
            = client.post(QStringLiteral("/api/v1/jobs/%1/cancel").arg(cancelledJob), QJsonObject{}, owner);
        const bool made = signup.status == 201 && !twin.isEmpty() && !source.isEmpty() && !indexJob.isEmpty()
            && user.status == 201 && key.status == 201 && link.status == 201 && chat.status == 200
            && cancel.status == 200;
        if (!made) {
            QTest::qFail(qPrintable(signup.describe() + u'\n' + user.describe() + u'\n' + key.describe() + u'\n'
                                    + link.describe() + u'\n' + chat.describe() + u'\n' + cancel.describe()),
                         __FILE__, __LINE__);
            return {};
        }
        requests.append({QStringLiteral("/api/v1/api-keys"), owner});
        requests.append({QStringLiteral("/api/v1/users"), owner});
        requests.append({QStringLiteral("/api/v1/twins/%1/share-links").arg(twin), owner});
        requests.append(
            {QStringLiteral("/api/v1/public/share/") + link.object().value(QStringLiteral("token")).toString(),
             QString()});
        requests.append({QStringLiteral("/api/v1/twins"), key.object().value(QStringLiteral("key")).toString()});
        if (!daemon.stop()) {
            QTest::qFail("the first daemon did not stop", __FILE__, __LINE__);
            return {};
        }
    }
    {
        // Now the workers index the source and extract a graph from a second answer.
        Daemon daemon;
        if (!serve(daemon, *m_sqlite, 2, QStringLiteral("fill2"))) {
            QTest::qFail(qPrintable(daemon.describe()), __FILE__, __LINE__);
            return {};
        }
        ApiClient client(QUrl(daemon.baseUrl()));
        if (waitForJob(client, indexJob, QStringLiteral("completed"), owner) != QLatin1String("completed")) {
            QTest::qFail("the index job did not complete", __FILE__, __LINE__);
            return {};
        }
        const ApiReply chat = client.post(
            QStringLiteral("/api/v1/twins/%1/chat").arg(twin),
            QJsonObject{{QStringLiteral("message"), QStringLiteral("What did Ada Lovelace write?")}}, owner);
        conversation = chat.object().value(QStringLiteral("conversation_id")).toString();
        const QString graphJob = chat.object().value(QStringLiteral("graph_job_id")).toString();
        if (waitForJob(client, graphJob, QStringLiteral("completed"), owner) != QLatin1String("completed")) {
            QTest::qFail(qPrintable(QStringLiteral("the graph job did not complete: ") + chat.describe()), __FILE__,
                         __LINE__);
            return {};
        }
        // A fresh session, so that every request below is within the access token's lifetime.
        owner = client
                    .post(QStringLiteral("/api/v1/auth/login"),
                          QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@example.com")},
                                      {QStringLiteral("password"), kPassword}})
                    .object()
                    .value(QStringLiteral("access_token"))
                    .toString();
        if (!daemon.stop()) {
            QTest::qFail("the second daemon did not stop", __FILE__, __LINE__);
            return {};
        }
    }
    // Platform jobs waiting to run, and the platform-admin key.
    QByteArray output;
    if (!runTwinopsd({QStringLiteral("--database"), databaseArgument(*m_sqlite), QStringLiteral("admin"),
                      QStringLiteral("enqueue-probes"), QStringLiteral("--count"), QStringLiteral("3")},
                     daemonEnvironment(m_home->path(), kSecret), &output)
        || !runTwinopsd({QStringLiteral("--database"), databaseArgument(*m_sqlite), QStringLiteral("admin"),
                         QStringLiteral("create-key"), QStringLiteral("--name"), QStringLiteral("ops")},
                        daemonEnvironment(m_home->path(), kSecret), &output))
        return {};
    admin = QString::fromLatin1(output).trimmed();
    // Not GET /api/v1/admin/keys: the key that asks is marked used by the asking, at each daemon's own time (the
    // tenant's key list, asked with a token, is compared).
    for (const QString &path :
         QStringList{QStringLiteral("/api/v1/auth/me"), QStringLiteral("/api/v1/twins"),
                     QStringLiteral("/api/v1/twins/") + twin, QStringLiteral("/api/v1/twins/%1/graph").arg(twin),
                     QStringLiteral("/api/v1/twins/%1/sources").arg(twin), QStringLiteral("/api/v1/sources/") + source,
                     QStringLiteral("/api/v1/sources/%1/health").arg(source),
                     QStringLiteral("/api/v1/twins/%1/conversations").arg(twin),
                     QStringLiteral("/api/v1/conversations/%1/messages").arg(conversation),
                     QStringLiteral("/api/v1/jobs"), QStringLiteral("/api/v1/jobs?state=cancelled"),
                     QStringLiteral("/api/v1/jobs/") + indexJob, QStringLiteral("/api/v1/jobs/%1/logs").arg(indexJob)})
        requests.append({path, owner});
    for (const QString &path : {QStringLiteral("/api/v1/admin/tenants"), QStringLiteral("/api/v1/admin/users"),
                                QStringLiteral("/api/v1/admin/jobs"), QStringLiteral("/api/v1/admin/jobs/stats")})
        requests.append({path, admin});
    return requests;
}

QList<QJsonDocument> TestCopy::answers(const Daemon &daemon, const QList<Request> &requests)
{
    ApiClient client(QUrl(daemon.baseUrl()));
    QList<QJsonDocument> bodies;
    for (const Request &request : requests) {
        const ApiReply reply = client.get(request.path, request.bearer);
        if (reply.status != 200)
            QTest::qFail(qPrintable(reply.describe()), __FILE__, __LINE__);
        QJsonDocument body = QJsonDocument::fromJson(reply.body);
        // A tenant's last activity moves with each daemon's own use of it (the logins and key uses of these very
        // requests, at each daemon's time): not copied data, so not compared.
        if (request.path == QLatin1String("/api/v1/admin/tenants")) {
            QJsonObject page = body.object();
            QJsonArray items;
            for (const QJsonValue &item : page.value(QLatin1String("items")).toArray()) {
                QJsonObject tenant = item.toObject();
                tenant.remove(QLatin1String("last_activity_at"));
                items.append(tenant);
            }
            page.insert(QStringLiteral("items"), items);
            body = QJsonDocument(page);
        }
        bodies.append(body);
    }
    return bodies;
}

void TestCopy::compareAnswers(const TestDatabase &a, const TestDatabase &b, const QList<Request> &requests)
{
    Daemon first, second;
    QVERIFY2(serve(first, a, 0, QStringLiteral("a")), qPrintable(first.describe()));
    QVERIFY2(serve(second, b, 0, QStringLiteral("b")), qPrintable(second.describe()));
    const QList<QJsonDocument> expected = answers(first, requests);
    const QList<QJsonDocument> actual = answers(second, requests);
    QCOMPARE(actual.size(), expected.size());
    for (qsizetype i = 0; i < requests.size(); ++i)
        QVERIFY2(actual.at(i) == expected.at(i),
                 qPrintable(QStringLiteral("GET %1\n%2\n%3")
                                .arg(requests.at(i).path, QString::fromUtf8(expected.at(i).toJson()),
                                     QString::fromUtf8(actual.at(i).toJson()))));
    QVERIFY(first.stop());
    QVERIFY(second.stop());
}

void TestCopy::copiedDatabaseAnswersTheSame()
{
    const QList<Request> requests = fill();
    QVERIFY(!requests.isEmpty());
    auto postgres = TestDatabase::create(Dialect::Postgres);
    QVERIFY(postgres);

    const TwinopsdRun there = copy(databaseArgument(*m_sqlite), databaseArgument(*postgres));
    QVERIFY2(there.exitCode == 0, qPrintable(there.out + there.err));
    QVERIFY2(there.out.contains(QLatin1String("verified: every table")), qPrintable(there.out));
    QVERIFY2(there.err.contains(QLatin1String("copying tenants"))
                 && there.err.contains(QLatin1String("verifying jobs")),
             qPrintable(there.err));
    for (const char *table : {"tenants", "users", "twins", "sources", "chunks", "messages", "jobs", "job_logs",
                              "graph_nodes", "graph_edges", "graph_edge_evidence", "share_links", "api_keys",
                              "audit_log", "refresh_tokens", "signing_keys"}) {
        // Each of these holds rows, so the comparison below covers them.
        const QRegularExpression line(QStringLiteral("^%1 +([1-9]\\d*) +\\1 ok ").arg(QLatin1String(table)),
                                      QRegularExpression::MultilineOption);
        QVERIFY2(line.match(there.out).hasMatch(), qPrintable(QLatin1String(table) + u'\n' + there.out));
    }
    compareAnswers(*m_sqlite, *postgres, requests);

    // The copy passes the staging checklist, its database lint included.
    const TwinopsdRun check = twinopsd({QStringLiteral("--database"), databaseArgument(*postgres),
                                        QStringLiteral("check"), QStringLiteral("--dsn"), databaseArgument(*postgres),
                                        QStringLiteral("--format"), QStringLiteral("json")},
                                       daemonEnvironment(m_home->path(), kSecret));
    QVERIFY2(check.exitCode == 0, qPrintable(check.out + check.err));
    const QJsonObject report = QJsonDocument::fromJson(check.out.toUtf8()).object();
    QCOMPARE(report.value(QLatin1String("status")).toString(), QStringLiteral("passed"));

    // And back to SQLite: the same answers again (the check's run included).
    auto back = TestDatabase::create(Dialect::Sqlite);
    QVERIFY(back);
    const TwinopsdRun home = copy(databaseArgument(*postgres), databaseArgument(*back));
    QVERIFY2(home.exitCode == 0, qPrintable(home.out + home.err));
    QVERIFY2(home.out.contains(QLatin1String("checklist_runs                    1          1 ok ")),
             qPrintable(home.out));
    // SQLite's full-text index is not copied but rebuilt by the triggers on chunks: it finds the source's words.
    {
        auto db = back->connect();
        QVERIFY(db);
        TWINOPS_VERIFY_OK(db->query(QStringLiteral("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')")));
        const auto found
            = db->query(QStringLiteral("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'Babbage'"));
        TWINOPS_VERIFY_OK(found);
        QVERIFY(found->first().integer(0) > 0);
    }
    QList<Request> withChecks = requests;
    withChecks.append({QStringLiteral("/api/v1/admin/checks"), requests.last().bearer});
    compareAnswers(*postgres, *back, withChecks);
}

void TestCopy::refusals()
{
    auto postgres = TestDatabase::create(Dialect::Postgres);
    QVERIFY(postgres);
    QByteArray output;
    QVERIFY(runTwinopsd({QStringLiteral("--database"), databaseArgument(*m_sqlite), QStringLiteral("migrate")},
                        daemonEnvironment(m_home->path(), kSecret), &output));
    // A password in the URL is never printed, whatever happens.
    QUrl withPassword(postgres->url().postgresUri());
    withPassword.setPassword(QStringLiteral("pw-never-printed"));
    const QString target = withPassword.toString();
    const TwinopsdRun first = copy(databaseArgument(*m_sqlite), target);
    QVERIFY2(first.exitCode == 0, qPrintable(first.out + first.err));
    QVERIFY(!first.out.contains(QLatin1String("pw-never-printed")) && !first.err.contains(QLatin1String("pw-never")));

    const TwinopsdRun again = copy(databaseArgument(*m_sqlite), target);
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains(QLatin1String("is not empty")), qPrintable(again.err));
    QVERIFY(!again.err.contains(QLatin1String("pw-never-printed")));

    const TwinopsdRun missing
        = copy(m_home->filePath(QStringLiteral("missing.db")), m_home->filePath(QStringLiteral("new.db")));
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains(QLatin1String("does not exist")), qPrintable(missing.err));
    QVERIFY(!QFile::exists(m_home->filePath(QStringLiteral("missing.db"))));

    QVERIFY(runTwinopsd({QStringLiteral("--database"), databaseArgument(*m_sqlite), QStringLiteral("migrate"),
                         QStringLiteral("--to"), QStringLiteral("7")},
                        daemonEnvironment(m_home->path(), kSecret), &output));
    const TwinopsdRun older = copy(databaseArgument(*m_sqlite), m_home->filePath(QStringLiteral("new.db")));
    QCOMPARE(older.exitCode, 1);
    QVERIFY2(older.err.contains(QLatin1String("run twinopsd migrate on it first")), qPrintable(older.err));

    const TwinopsdRun usage = copy(QString(), m_home->filePath(QStringLiteral("new.db")));
    QCOMPARE(usage.exitCode, 2);
}

// A value PostgreSQL stores in another form than SQLite held it (an upper-case UUID, which the uuid type prints in
// lower case) is a difference the verification reports: exit 1, the table named.
void TestCopy::differenceExitsNonZero()
{
    auto postgres = TestDatabase::create(Dialect::Postgres);
    QVERIFY(postgres);
    {
        auto db = m_sqlite->connectMigrated();
        QVERIFY(db);
        TWINOPS_VERIFY_OK(db->query(QStringLiteral("INSERT INTO tenants (id, name, status, created_at, updated_at) "
                                                   "VALUES ('6F9619FF-8B86-D011-B42D-00C04FC964FF', 'Upper', 'active', "
                                                   "1, 1)")));
    }
    const TwinopsdRun run = copy(databaseArgument(*m_sqlite), databaseArgument(*postgres));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(QRegularExpression(QStringLiteral("^tenants +1 +1 DIFFERS$"), QRegularExpression::MultilineOption)
                 .match(run.out)
                 .hasMatch(),
             qPrintable(run.out));
    QVERIFY2(run.err.contains(QLatin1String("verification failed: tenants differ")), qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestCopy)
#include "tst_copy.moc"
