// The smoke tests' cleanup is no confused deputy (issue #12): a remote target that answers signup with the id of a
// tenant of the server running the checks must not get that tenant deleted (nor suspended). Cleanup touches only what
// the run itself created, and what it does to this server's database is in its audit log. On SQLite and PostgreSQL; the
// remote is a fake HTTP server in this test, answering on loopback.
#include "checks/smoketests.h"
#include "daemon.h"
#include "tenancy/tenantrepository.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

// Answers POST /api/v1/auth/signup with 201 and the tenant id it was given (whatever tenant the caller asked for),
// and every other request with 500. Served by the test thread's event loop, which the checks' blocking requests
// run.
class HostileTarget final : public QObject
{
public:
    explicit HostileTarget(QString tenantId)
        : m_tenantId(std::move(tenantId))
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
            }
        });
    }

    quint16 listen() { return m_server.listen(QHostAddress::LocalHost, 0) ? m_server.serverPort() : 0; }
    const QStringList &requests() const { return m_requests; }

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArray head = buffer.left(headEnd);
        qsizetype length = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < headEnd + 4 + length)
            return;
        const QByteArray requestLine = head.left(head.indexOf('\r'));
        m_requests << QString::fromLatin1(requestLine);
        buffer.clear();

        QByteArray status = "500 Internal Server Error";
        QJsonObject body{{QStringLiteral("error"),
                          QJsonObject{{QStringLiteral("code"), QStringLiteral("internal")},
                                      {QStringLiteral("message"), QStringLiteral("hostile target")}}}};
        if (requestLine.startsWith("POST /api/v1/auth/signup ")) {
            status = "201 Created";
            body = {{QStringLiteral("tenant"), QJsonObject{{QStringLiteral("id"), m_tenantId}}},
                    {QStringLiteral("user"), QJsonObject{{QStringLiteral("id"), m_tenantId}}},
                    {QStringLiteral("access_token"), QStringLiteral("not-a-token")},
                    {QStringLiteral("refresh_token"), QStringLiteral("twr_not-a-token")}};
        }
        const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
        socket->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(json.size()) + "\r\nConnection: close\r\n\r\n" + json);
        socket->disconnectFromHost();
    }

    QString m_tenantId;
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QStringList m_requests;
};

} // namespace

class TestCheckCleanup final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }

    void aRemoteCannotGetALocalTenantDeleted();
    void withAnAdminKeyOnlyATenantHoldingTheRunsAccountIsDeleted();
    void ownTenantsAreDeletedAndAudited();
};

void TestCheckCleanup::aRemoteCannotGetALocalTenantDeleted()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connectMigrated();
    QVERIFY(db);
    auto victim = TenantRepository(*db).create(QStringLiteral("Victim"));
    TWINOPS_VERIFY_OK(victim);

    HostileTarget remote(victim->id);
    const quint16 port = remote.listen();
    QVERIFY(port != 0);
    TargetEnvironment env;
    env.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    env.requestTimeoutMs = 10'000;
    env.runnerDatabase = testDb->url(); // as POST /api/v1/admin/checks/run sets it

    const CheckResult result = smokeAuth(env);
    QCOMPARE(result.status, CheckStatus::Fail); // the hostile target does not log in
    QVERIFY2(remote.requests().contains(QStringLiteral("POST /api/v1/auth/signup HTTP/1.1")),
             qPrintable(remote.requests().join(u'\n')));

    auto after = TenantRepository(*db).get(victim->id);
    TWINOPS_VERIFY_OK(after);
    QCOMPARE(after->status, TenantStatus::Active);
    QCOMPARE(after->updatedAt, victim->updatedAt);
    // Nothing was done to this server's data, so its audit log has nothing about the victim either.
    auto audited = db->query(QStringLiteral("SELECT count(*) FROM audit_log WHERE target_id = $1"), {victim->id});
    QCOMPARE(audited->first().integer(0), 0);
    // The evidence says why the tenant named by the target was left alone.
    const QByteArray cleanup = QJsonDocument(result.evidence.value(QLatin1String("cleanup")).toArray()).toJson();
    QVERIFY2(cleanup.contains("not created by this run on this server"), cleanup.constData());
}

// With an admin key, cleanup deletes through the target's admin API, and only a tenant the target shows to hold the
// run's account: the hostile target answers nothing useful, so no deletion (nor suspension) is even asked for.
void TestCheckCleanup::withAnAdminKeyOnlyATenantHoldingTheRunsAccountIsDeleted()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("no database of this server is involved");
    HostileTarget remote(QStringLiteral("00000000-0000-4000-8000-000000000001"));
    const quint16 port = remote.listen();
    QVERIFY(port != 0);
    TargetEnvironment env;
    env.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    env.requestTimeoutMs = 10'000;
    env.adminApiKey = QStringLiteral("twk_000000000000_notakey");
    const CheckResult result = smokeAuth(env);
    QCOMPARE(result.status, CheckStatus::Fail);
    for (const QString &request : remote.requests())
        QVERIFY2(!request.startsWith(QLatin1String("PATCH ")) && !request.startsWith(QLatin1String("DELETE ")),
                 qPrintable(remote.requests().join(u'\n')));
    QVERIFY2(result.message.contains(QLatin1String("does not hold this run's account")), qPrintable(result.message));
}

// The control: against this server itself (a twinopsd on the same database), the run's own throwaway tenants are
// deleted from the database with all of their rows, each with an audit entry that names it, and nothing else is.
void TestCheckCleanup::ownTenantsAreDeletedAndAudited()
{
    QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the twinopsd binary");
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connectMigrated();
    QVERIFY(db);
    auto bystander = TenantRepository(*db).create(QStringLiteral("Bystander"));
    TWINOPS_VERIFY_OK(bystander);
    QTemporaryDir home;
    const QString url = testDb->url().dialect() == Dialect::Sqlite
        ? QStringLiteral("sqlite://") + testDb->url().sqlitePath()
        : testDb->url().postgresUri();
    Daemon daemon;
    daemon.start({QStringLiteral("--database"), url, QStringLiteral("serve"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--workers"), QStringLiteral("0")},
                 daemonEnvironment(home.path(), "twinops-cleanup-test-secret-0123456789abcdef"),
                 home.filePath(QStringLiteral("daemon.log")));
    QVERIFY2(daemon.waitUntilServing(20'000), qPrintable(daemon.describe()));

    TargetEnvironment env;
    env.baseUrl = QUrl(daemon.baseUrl());
    env.requestTimeoutMs = 10'000;
    env.runnerDatabase = testDb->url();
    const CheckResult result = smokeTwins(env);
    QVERIFY2(result.status == CheckStatus::Pass, qPrintable(result.message));

    const QJsonArray used = result.evidence.value(QLatin1String("tenants")).toArray();
    QCOMPARE(used.size(), 2);
    for (const QJsonValue &tenant : used) {
        const QString id = tenant.toObject().value(QLatin1String("tenant_id")).toString();
        QCOMPARE(TenantRepository(*db).get(id).error().code, ErrorCode::NotFound);
        for (const char *table : {"users", "twins", "sources", "jobs", "refresh_tokens", "conversations"}) {
            auto left = db->query(
                QStringLiteral("SELECT count(*) FROM %1 WHERE tenant_id = $1").arg(QLatin1String(table)), {id});
            QVERIFY2(left->first().integer(0) == 0, table);
        }
        auto audited = db->query(QStringLiteral("SELECT actor_type, details FROM audit_log "
                                                "WHERE action = 'tenant.delete' AND target_id = $1"),
                                 {id});
        QCOMPARE(audited->size(), 1);
        QCOMPARE(audited->first().text(0), QStringLiteral("system"));
        QVERIFY2(audited->first().text(1).contains(QLatin1String("checklist cleanup"))
                     && audited->first().text(1).contains(QLatin1String("Smoke test ")),
                 qPrintable(audited->first().text(1)));
    }
    QCOMPARE(TenantRepository(*db).get(bystander->id)->status, TenantStatus::Active);
    QVERIFY2(daemon.stop(), qPrintable(daemon.describe()));
}

QTEST_GUILESS_MAIN(TestCheckCleanup)
#include "tst_checkcleanup.moc"
