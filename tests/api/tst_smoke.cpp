// The runbook's smoke tests (issue #5) against a real `twinopsd serve` on SQLite: every check passes and cleans up
// after itself; behind a small proxy that injects one fault per row (500 on refresh, another tenant's twin served,
// 500 on /health) the check concerned fails and names the step; a closed port fails at once with a transport
// error.
#include "checks/apiclient.h"
#include "checks/smoketests.h"
#include "daemon.h"
#include "smokecheck.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace twinops;
using namespace twinops::test;

namespace {

const QByteArray kSecret = "twinops-smoke-test-secret-0123456789abcdef";
constexpr int kJobTimeoutMs = 30'000;

QString describe(const CheckResult &result)
{
    return QStringLiteral("%1: %2\nevidence: %3")
        .arg(checkStatusName(result.status), result.message,
             QString::fromUtf8(QJsonDocument(result.evidence).toJson(QJsonDocument::Indented)));
}

// ---- A fault-injecting HTTP/1.1 proxy ------------------------------------------------------------------------

enum class Fault { None, Refresh500, LeakTwin, Health500, HealthStalls };

struct HttpMessage
{
    QByteArray startLine; // "GET /path HTTP/1.1" or "HTTP/1.1 200 OK"
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

// Reads one message from a blocking socket: the head up to the blank line, then a Content-Length body. Without a
// length a request has no body, nor has a 204 or 304 response; any other response's body runs to the close.
std::optional<HttpMessage> readMessage(QTcpSocket &socket, bool isResponse, const QDeadlineTimer &deadline)
{
    QByteArray buffer;
    qsizetype headEnd = -1;
    while ((headEnd = buffer.indexOf("\r\n\r\n")) < 0) {
        if (socket.bytesAvailable() == 0
            && !socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            return std::nullopt;
        buffer += socket.readAll();
    }
    HttpMessage message;
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    message.startLine = lines.first().trimmed();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            message.headers.emplaceBack(lines.at(i).left(colon).trimmed(), lines.at(i).mid(colon + 1).trimmed());
    }
    message.body = buffer.mid(headEnd + 4);
    const QByteArray length = message.header("content-length");
    if (!length.isEmpty()) {
        const qsizetype wanted = length.toLongLong();
        while (message.body.size() < wanted) {
            if (socket.bytesAvailable() == 0
                && !socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
                return std::nullopt;
            message.body += socket.readAll();
        }
        message.body.truncate(wanted);
    } else if (isResponse && !message.startLine.startsWith("HTTP/1.1 204 ")
               && !message.startLine.startsWith("HTTP/1.1 304 ")) {
        while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
            if (socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
                message.body += socket.readAll();
        }
        message.body += socket.readAll();
    }
    return message;
}

QByteArray serialize(const HttpMessage &message)
{
    QByteArray out = message.startLine + "\r\n";
    for (const auto &[name, value] : message.headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n" + message.body;
}

HttpMessage injectedError()
{
    HttpMessage response;
    response.startLine = "HTTP/1.1 500 Internal Server Error";
    response.headers = {{"Content-Type", "application/json"}};
    response.body = R"({"error":{"code":"internal","message":"injected by the test proxy"}})";
    return response;
}

// Sits in front of a daemon on its own thread (the checks block the test thread) and serves one connection at a
// time: the checks send one request at a time, and every answer says "Connection: close".
class FaultProxy final : public QThread
{
public:
    FaultProxy(quint16 upstream, Fault fault)
        : m_upstream(upstream)
        , m_fault(fault)
    { }
    ~FaultProxy() override
    {
        m_stop = true;
        wait();
    }

    // Starts listening on 127.0.0.1 and returns the port (0 on failure).
    quint16 listen()
    {
        start();
        m_ready.acquire();
        return m_port;
    }

protected:
    void run() override
    {
        QTcpServer server;
        if (server.listen(QHostAddress::LocalHost, 0))
            m_port = server.serverPort();
        m_ready.release();
        while (!m_stop && server.isListening()) {
            if (!server.waitForNewConnection(50))
                continue;
            while (QTcpSocket *client = server.nextPendingConnection()) {
                serve(*client);
                delete client;
            }
        }
    }

private:
    void serve(QTcpSocket &client)
    {
        const QDeadlineTimer deadline(15'000);
        const auto request = readMessage(client, false, deadline);
        if (!request)
            return;
        const QList<QByteArray> parts = request->startLine.split(' ');
        const QByteArray method = parts.value(0);
        const QString path = QString::fromLatin1(parts.value(1));

        HttpMessage response;
        if (m_fault == Fault::HealthStalls && path == QLatin1String("/health")) {
            // Holds the connection without a word until the client gives up (or the test ends).
            while (!m_stop && client.state() == QAbstractSocket::ConnectedState)
                client.waitForDisconnected(50);
            return;
        }
        if (m_fault == Fault::Health500 && path == QLatin1String("/health")) {
            response = injectedError();
        } else if (m_fault == Fault::Refresh500 && method == "POST" && path == QLatin1String("/api/v1/auth/refresh")) {
            response = injectedError();
        } else {
            auto forwarded = forward(*request, deadline);
            if (!forwarded)
                return; // the client sees the connection close without an answer
            response = std::move(*forwarded);
            if (m_fault == Fault::LeakTwin)
                leakTwins(method, path, &response);
        }
        response.headers.removeIf([](const std::pair<QByteArray, QByteArray> &header) {
            const QByteArray name = header.first.toLower();
            return name == "connection" || name == "content-length" || name == "transfer-encoding"
                || name == "keep-alive";
        });
        response.headers.emplaceBack(QByteArrayLiteral("Content-Length"), QByteArray::number(response.body.size()));
        response.headers.emplaceBack(QByteArrayLiteral("Connection"), QByteArray("close"));
        client.write(serialize(response));
        client.flush();
        client.disconnectFromHost();
        if (client.state() != QAbstractSocket::UnconnectedState)
            client.waitForDisconnected(2000);
    }

    std::optional<HttpMessage> forward(HttpMessage request, const QDeadlineTimer &deadline)
    {
        // The daemon accepts only Host names of its own address and port.
        request.headers.removeIf([](const std::pair<QByteArray, QByteArray> &header) {
            const QByteArray name = header.first.toLower();
            return name == "host" || name == "connection" || name == "keep-alive";
        });
        request.headers.emplaceBack(QByteArrayLiteral("Host"),
                                    QByteArray("127.0.0.1:" + QByteArray::number(m_upstream)));
        request.headers.emplaceBack(QByteArrayLiteral("Connection"), QByteArray("close"));
        QTcpSocket upstream;
        upstream.connectToHost(QHostAddress::LocalHost, m_upstream);
        if (!upstream.waitForConnected(5000))
            return std::nullopt;
        upstream.write(serialize(request));
        if (!upstream.waitForBytesWritten(5000))
            return std::nullopt;
        return readMessage(upstream, true, deadline);
    }

    // Remembers the twins it saw created; when the daemon rightly answers 404 for one of them (asked by another
    // tenant), answers 200 with the twin instead: a tenant isolation bug.
    void leakTwins(const QByteArray &method, const QString &path, HttpMessage *response)
    {
        static const QRegularExpression twinPath(QStringLiteral("^/api/v1/twins/([0-9a-f-]{36})$"));
        const QByteArray code = response->startLine.split(' ').value(1);
        if (method == "POST" && path == QLatin1String("/api/v1/twins") && code == "201") {
            const QString id = QJsonDocument::fromJson(response->body).object().value(QLatin1String("id")).toString();
            m_twins.insert(id, response->body);
            return;
        }
        const QRegularExpressionMatch match = twinPath.match(path);
        if (method == "GET" && match.hasMatch() && code == "404" && m_twins.contains(match.captured(1))) {
            response->startLine = "HTTP/1.1 200 OK";
            response->body = m_twins.value(match.captured(1));
        }
    }

    const quint16 m_upstream;
    const Fault m_fault;
    std::atomic<bool> m_stop = false;
    std::atomic<quint16> m_port = 0;
    QSemaphore m_ready;
    QHash<QString, QByteArray> m_twins; // the proxy thread's only
};

} // namespace

Q_DECLARE_METATYPE(Fault)
Q_DECLARE_METATYPE(twinops::CheckStatus)

class TestSmoke final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void healthyTargetPasses_data();
    void healthyTargetPasses();
    void cleanupDeletesThrowawayTenants();
    void withoutAdminKeyTenantsStayButPass();
    void runnerDatabaseDeletesItsOwnTenants();
    void brokenTargetFails_data();
    void brokenTargetFails();
    void closedPortFailsFast();
    void withoutWorkersChatGraphFails();

private:
    TargetEnvironment target(quint16 port, bool withAdminKey = true) const;
    // The two throwaway tenants the smoke run used: no longer listed by the admin API, and their deletion audited.
    void verifyUsedTenantsDeleted(const CheckResult &result);

    QTemporaryDir m_home;
    Daemon m_daemon;
    QString m_adminKey;
};

TargetEnvironment TestSmoke::target(quint16 port, bool withAdminKey) const
{
    TargetEnvironment env;
    env.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    if (withAdminKey)
        env.adminApiKey = m_adminKey;
    env.requestTimeoutMs = 10'000;
    return env;
}

void TestSmoke::initTestCase()
{
    QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the twinopsd binary");
    QVERIFY(m_home.isValid());
    const QProcessEnvironment environment = daemonEnvironment(m_home.path(), kSecret);
    const QString database = QStringLiteral("sqlite://") + m_home.filePath(QStringLiteral("smoke.db"));

    // The key first: the command opens (and migrates) the database while no daemon holds it.
    QByteArray key;
    QVERIFY(runTwinopsd({QStringLiteral("--database"), database, QStringLiteral("admin"), QStringLiteral("create-key"),
                         QStringLiteral("--name"), QStringLiteral("smoke")},
                        environment, &key));
    m_adminKey = QString::fromLatin1(key.trimmed());
    QVERIFY2(m_adminKey.startsWith(QLatin1String("twk_")), key.constData());

    m_daemon.start({QStringLiteral("--database"), database, QStringLiteral("serve"), QStringLiteral("--listen"),
                    QStringLiteral("127.0.0.1:0"), QStringLiteral("--workers"), QStringLiteral("2")},
                   environment, m_home.filePath(QStringLiteral("daemon.log")));
    QVERIFY2(m_daemon.waitUntilServing(20'000), qPrintable(m_daemon.describe()));
}

void TestSmoke::cleanupTestCase()
{
    QVERIFY2(m_daemon.stop(), qPrintable(m_daemon.describe()));
}

void TestSmoke::healthyTargetPasses_data()
{
    QTest::addColumn<QString>("check");
    for (const char *check : {"health", "auth", "twins", "sources", "chat-graph", "conversations"})
        QTest::newRow(check) << QString::fromLatin1(check);
}

void TestSmoke::healthyTargetPasses()
{
    QFETCH(QString, check);
    const CheckResult result = runSmokeCheck(check, target(m_daemon.port()), kJobTimeoutMs);
    QVERIFY2(result.status == CheckStatus::Pass, qPrintable(describe(result)));
    qInfo().noquote() << check << "passed in" << result.durationMs << "ms:" << result.message;
    if (qEnvironmentVariableIsSet("SMOKE_DUMP"))
        qInfo().noquote() << describe(result);
    QVERIFY(result.durationMs >= 0);

    // Steps are evidence; credentials never are.
    const QByteArray evidence = QJsonDocument(result.evidence).toJson(QJsonDocument::Compact);
    const QByteArray all = evidence + result.message.toUtf8();
    QVERIFY2(!all.contains("twr_") && !all.contains("eyJ") && !all.contains(m_adminKey.toLatin1()),
             evidence.constData());
    if (check == QLatin1String("health")) {
        QVERIFY(result.evidence.contains(QLatin1String("version")));
        QVERIFY(result.evidence.contains(QLatin1String("instance")));
        QVERIFY(result.evidence.contains(QLatin1String("latency_ms")));
        return;
    }
    const QJsonArray steps = result.evidence.value(QLatin1String("steps")).toArray();
    QVERIFY(steps.size() >= 3);
    for (const QJsonValue &step : steps) {
        QVERIFY(step.toObject().contains(QLatin1String("status")));
        QVERIFY(step.toObject().contains(QLatin1String("elapsed_ms")));
    }
    QVERIFY(!result.evidence.contains(QLatin1String("cleanup_problems")));
    if (check == QLatin1String("chat-graph")) {
        QVERIFY(result.evidence.value(QLatin1String("nodes")).toInt() > 0);
        QVERIFY(result.evidence.value(QLatin1String("edges")).toInt() > 0);
    }
}

void TestSmoke::verifyUsedTenantsDeleted(const CheckResult &result)
{
    ApiClient admin(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_daemon.port())));
    const ApiReply tenants = admin.get(QStringLiteral("/api/v1/admin/tenants?limit=200"), m_adminKey);
    QCOMPARE(tenants.status, 200);
    QSet<QString> listed;
    for (const QJsonValue &tenant : tenants.object().value(QLatin1String("items")).toArray())
        listed.insert(tenant.toObject().value(QLatin1String("id")).toString());
    const QJsonArray used = result.evidence.value(QLatin1String("tenants")).toArray();
    QCOMPARE(used.size(), 2);
    for (const QJsonValue &tenant : used) {
        const QString id = tenant.toObject().value(QLatin1String("tenant_id")).toString();
        QVERIFY(!id.isEmpty());
        QVERIFY2(!listed.contains(id), qPrintable(id));
        const ApiReply audit
            = admin.get(QStringLiteral("/api/v1/admin/audit?action=tenant.delete&tenant_id=") + id, m_adminKey);
        QCOMPARE(audit.status, 200);
        QCOMPARE(audit.object().value(QLatin1String("items")).toArray().size(), 1);
    }
}

void TestSmoke::cleanupDeletesThrowawayTenants()
{
    const CheckResult result = smokeTwins(target(m_daemon.port()));
    QVERIFY2(result.status == CheckStatus::Pass, qPrintable(describe(result)));
    QStringList cleaned;
    for (const QJsonValue &step : result.evidence.value(QLatin1String("cleanup")).toArray())
        cleaned << step.toObject().value(QLatin1String("step")).toString();
    QVERIFY2(cleaned.contains(QLatin1String("delete twin")), qPrintable(cleaned.join(u',')));

    verifyUsedTenantsDeleted(result);
}

void TestSmoke::withoutAdminKeyTenantsStayButPass()
{
    const CheckResult result = smokeAuth(target(m_daemon.port(), false));
    QVERIFY2(result.status == CheckStatus::Pass, qPrintable(describe(result)));
    QVERIFY(result.evidence.value(QLatin1String("cleanup_note")).toString().contains(QLatin1String("admin API key")));
}

// Checks the server runs on itself (POST /admin/checks/run) need no admin key to clean up: the throwaway tenants are
// deleted from its own database.
void TestSmoke::runnerDatabaseDeletesItsOwnTenants()
{
    TargetEnvironment env = target(m_daemon.port(), false);
    env.runnerDatabase = DatabaseUrl::sqliteFile(m_home.filePath(QStringLiteral("smoke.db")));
    const CheckResult result = smokeTwins(env);
    QVERIFY2(result.status == CheckStatus::Pass, qPrintable(describe(result)));
    QVERIFY2(!result.evidence.contains(QLatin1String("cleanup_note")), qPrintable(describe(result)));

    verifyUsedTenantsDeleted(result);
}

void TestSmoke::brokenTargetFails_data()
{
    QTest::addColumn<Fault>("fault");
    QTest::addColumn<QString>("check");
    QTest::addColumn<CheckStatus>("expected");
    QTest::addColumn<QStringList>("mentions");
    QTest::addColumn<int>("timeoutMs");

    // The control: the proxy itself breaks nothing.
    QTest::newRow("pass-through") << Fault::None << QStringLiteral("twins") << CheckStatus::Pass << QStringList()
                                  << 10'000;
    QTest::newRow("refresh returns 500") << Fault::Refresh500 << QStringLiteral("auth") << CheckStatus::Fail
                                         << QStringList{QStringLiteral("refresh:"),
                                                        QStringLiteral("/api/v1/auth/refresh"), QStringLiteral("500")}
                                         << 10'000;
    QTest::newRow("leaks another tenant's twin")
        << Fault::LeakTwin << QStringLiteral("twins") << CheckStatus::Fail
        << QStringList{QStringLiteral("other tenant gets twin:"), QStringLiteral("→ 200"),
                       QStringLiteral("expected 404"), QStringLiteral("another tenant")}
        << 10'000;
    QTest::newRow("health 500") << Fault::Health500 << QStringLiteral("health") << CheckStatus::Fail
                                << QStringList{QStringLiteral("health:"), QStringLiteral("GET /health → 500"),
                                               QStringLiteral("injected by the test proxy")}
                                << 10'000;
    // "200 within the timeout": an answer that never comes fails after the timeout, not after the proxy gives up.
    QTest::newRow("health stalls") << Fault::HealthStalls << QStringLiteral("health") << CheckStatus::Fail
                                   << QStringList{QStringLiteral("health: GET /health → no answer"),
                                                  QStringLiteral("timed out after 300 ms")}
                                   << 300;
}

void TestSmoke::brokenTargetFails()
{
    QFETCH(Fault, fault);
    QFETCH(QString, check);
    QFETCH(CheckStatus, expected);
    QFETCH(QStringList, mentions);
    QFETCH(int, timeoutMs);

    FaultProxy proxy(m_daemon.port(), fault);
    const quint16 port = proxy.listen();
    QVERIFY(port != 0);
    TargetEnvironment env = target(port);
    env.requestTimeoutMs = timeoutMs;
    QElapsedTimer elapsed;
    elapsed.start();
    const CheckResult result = runSmokeCheck(check, env, kJobTimeoutMs);
    QVERIFY2(result.status == expected, qPrintable(describe(result)));
    QVERIFY2(elapsed.elapsed() < timeoutMs + 5000, qPrintable(QStringLiteral("took %1 ms").arg(elapsed.elapsed())));
    for (const QString &mention : mentions)
        QVERIFY2(result.message.contains(mention),
                 qPrintable(QStringLiteral("\"%1\" not in: %2").arg(mention, result.message)));
    // A failure still cleans up: the twins go, the tenants are deleted.
    QVERIFY2(!result.evidence.contains(QLatin1String("cleanup_problems")), qPrintable(describe(result)));
}

void TestSmoke::closedPortFailsFast()
{
    quint16 closed = 0;
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        closed = server.serverPort();
    }
    QElapsedTimer elapsed;
    elapsed.start();
    const CheckResult health = checkHealth(target(closed));
    QVERIFY2(health.status == CheckStatus::Fail, qPrintable(describe(health)));
    QVERIFY2(health.message.startsWith(QStringLiteral("health: GET /health → no answer")), qPrintable(health.message));
    QVERIFY(health.evidence.contains(QLatin1String("error")));
    const CheckResult twins = smokeTwins(target(closed));
    QVERIFY2(twins.status == CheckStatus::Fail, qPrintable(describe(twins)));
    QVERIFY2(twins.message.startsWith(QStringLiteral("sign up owner: POST /api/v1/auth/signup → no answer")),
             qPrintable(twins.message));
    QVERIFY2(elapsed.elapsed() < 3000, qPrintable(QStringLiteral("took %1 ms").arg(elapsed.elapsed())));
}

void TestSmoke::withoutWorkersChatGraphFails()
{
    // A daemon of its own that serves but works no job, on a database of its own.
    Daemon idle;
    idle.start({QStringLiteral("--database"), QStringLiteral("sqlite://") + m_home.filePath(QStringLiteral("idle.db")),
                QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                QStringLiteral("--workers"), QStringLiteral("0")},
               daemonEnvironment(m_home.path(), kSecret), m_home.filePath(QStringLiteral("idle.log")));
    QVERIFY2(idle.waitUntilServing(20'000), qPrintable(idle.describe()));
    TargetEnvironment env = target(idle.port(), false);
    const CheckResult result = smokeChatGraph(env, 1000);
    QVERIFY2(result.status == CheckStatus::Fail, qPrintable(describe(result)));
    QVERIFY2(result.message.startsWith(QLatin1String("source indexed: ")), qPrintable(result.message));
    QVERIFY2(result.message.contains(QLatin1String("workers may not be running")), qPrintable(result.message));
    // Cleanup cancelled the indexing job nobody would run, rather than leave it to fail against a deleted twin.
    QVERIFY2(!result.evidence.contains(QLatin1String("cleanup_problems")), qPrintable(describe(result)));
    QStringList cleaned;
    for (const QJsonValue &step : result.evidence.value(QLatin1String("cleanup")).toArray())
        cleaned << step.toObject().value(QLatin1String("step")).toString();
    QVERIFY2(cleaned.contains(QLatin1String("cancel job")), qPrintable(cleaned.join(u',')));
    QVERIFY2(idle.stop(), qPrintable(idle.describe()));
}

QTEST_GUILESS_MAIN(TestSmoke)
#include "tst_smoke.moc"
