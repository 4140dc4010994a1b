// Issue #13 against real `twinopsd serve` processes: forwarding headers count for the login throttle, the share-link
// limits and the audit log only when the socket peer is a trusted proxy (--trusted-proxy), with the right-most
// untrusted address as the client; and two instances on one PostgreSQL spend one budget. SQLite and PostgreSQL.
#include "checks/apiclient.h"
#include "daemon.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

const QByteArray kSecret = "twinops-proxies-test-secret-0123456789abcdef";
constexpr int kLoginFailuresPerAddress = 3; // TWINOPS_LOGIN_FAILURES_PER_ADDRESS in these tests
constexpr int kShareReadsPerAddress = 20; // AuthLimits::shareReadPerAddress
constexpr int kShareChatsPerLink = 5; // AuthLimits::shareChatPerLink

using Headers = QList<QPair<QByteArray, QByteArray>>;

Headers forwardedFor(const QByteArray &value)
{
    return {{"X-Forwarded-For", value}};
}

// A failed login (an unknown email, so that only the per-address budget can refuse it) from whoever the headers say.
int failedLogin(ApiClient &client, int attempt, const Headers &headers)
{
    const QJsonObject body{{QStringLiteral("email"), QStringLiteral("nobody%1@example.com").arg(attempt)},
                           {QStringLiteral("password"), QStringLiteral("wrong password!")}};
    return client.send("POST", QStringLiteral("/api/v1/auth/login"), body, {}, headers).status;
}

int readShare(ApiClient &client, const QString &token, const Headers &headers)
{
    return client.send("GET", QStringLiteral("/api/v1/public/share/") + token, QJsonValue::Undefined, {}, headers)
        .status;
}

} // namespace

class TestProxies final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void untrustedPeersHeadersAreIgnored();
    void trustedProxyNamesTheClient();
    void twoInstancesShareOneBudget();

private:
    // Starts a daemon on the test database with `extra` serve options.
    bool serve(Daemon &daemon, const QString &name, const QStringList &extra);
    // Signs up, makes a twin and a share link through `client`; the link's token, or empty (the test failed).
    QString shareLink(ApiClient &client, const Headers &headers = {});

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<TestDatabase> m_db;
    QString m_database; // the --database argument
};

void TestProxies::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    m_db = TestDatabase::create(currentDialect());
    QVERIFY(m_db);
    QVERIFY(m_db->connectMigrated()); // before two daemons start on it
    m_database = currentDialect() == Dialect::Sqlite ? QStringLiteral("sqlite://") + m_db->url().sqlitePath()
                                                     : m_db->url().postgresUri();
}

void TestProxies::cleanup()
{
    m_db.reset();
    m_home.reset();
}

bool TestProxies::serve(Daemon &daemon, const QString &name, const QStringList &extra)
{
    QProcessEnvironment environment = daemonEnvironment(m_home->path(), kSecret);
    environment.insert(QStringLiteral("TWINOPS_LOGIN_FAILURES_PER_ADDRESS"), QString::number(kLoginFailuresPerAddress));
    return daemon.serve(m_database, environment, m_home->filePath(name + QStringLiteral(".log")), extra);
}

QString TestProxies::shareLink(ApiClient &client, const Headers &headers)
{
    const ApiReply signup
        = client.send("POST", QStringLiteral("/api/v1/auth/signup"),
                      QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@example.com")},
                                  {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                                  {QStringLiteral("tenant_name"), QStringLiteral("Proxied")}},
                      {}, headers);
    if (signup.status != 201) {
        QTest::qFail(qPrintable(signup.describe()), __FILE__, __LINE__);
        return {};
    }
    const QString token = signup.object().value(QStringLiteral("access_token")).toString();
    const ApiReply twin = client.send("POST", QStringLiteral("/api/v1/twins"),
                                      QJsonObject{{QStringLiteral("name"), QStringLiteral("Shared")}}, token, headers);
    const ApiReply link = client.send(
        "POST",
        QStringLiteral("/api/v1/twins/%1/share-links").arg(twin.object().value(QStringLiteral("id")).toString()),
        QJsonObject{}, token, headers);
    if (link.status != 201) {
        QTest::qFail(qPrintable(twin.describe() + QStringLiteral("; ") + link.describe()), __FILE__, __LINE__);
        return {};
    }
    return link.object().value(QStringLiteral("token")).toString();
}

void TestProxies::untrustedPeersHeadersAreIgnored()
{
    Daemon daemon;
    QVERIFY2(serve(daemon, QStringLiteral("untrusted"), {}), qPrintable(daemon.describe()));
    ApiClient client(QUrl(daemon.baseUrl()));

    // Each failed login claims another client; all of them are the socket peer's, whose budget runs out.
    for (int i = 0; i < kLoginFailuresPerAddress; ++i)
        QCOMPARE(failedLogin(client, i, forwardedFor(QByteArray("203.0.113.") + QByteArray::number(i + 1))), 401);
    const ApiReply locked = client.send("POST", QStringLiteral("/api/v1/auth/login"),
                                        QJsonObject{{QStringLiteral("email"), QStringLiteral("fresh@example.com")},
                                                    {QStringLiteral("password"), QStringLiteral("wrong password!")}},
                                        {}, {{"X-Forwarded-For", "203.0.113.99"}, {"Forwarded", "for=203.0.113.98"}});
    QCOMPARE(locked.status, 429);
    QVERIFY2(locked.object()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .contains(QLatin1String("from this address")),
             qPrintable(locked.describe()));

    // The share-link budget is the peer's too, whatever the headers claim.
    const QString token = shareLink(client);
    QVERIFY(!token.isEmpty());
    for (int i = 0; i < kShareReadsPerAddress; ++i)
        QCOMPARE(readShare(client, token, forwardedFor(QByteArray("198.51.100.") + QByteArray::number(i + 1))), 200);
    QCOMPARE(readShare(client, token, forwardedFor("198.51.100.200")), 429);
    QCOMPARE(readShare(client, token, {{"Forwarded", "for=198.51.100.201"}}), 429);
    QVERIFY(daemon.stop());
}

void TestProxies::trustedProxyNamesTheClient()
{
    Daemon daemon;
    QVERIFY2(serve(daemon, QStringLiteral("trusted"),
                   {QStringLiteral("--trusted-proxy"), QStringLiteral("127.0.0.0/8"), QStringLiteral("--trusted-proxy"),
                    QStringLiteral("::1")}),
             qPrintable(daemon.describe()));
    ApiClient client(QUrl(daemon.baseUrl()));

    // Client A spends its budget; a spoofed left-most entry does not make it someone else; client B has its own.
    const QByteArray clientA = "203.0.113.10";
    for (int i = 0; i < kLoginFailuresPerAddress; ++i)
        QCOMPARE(failedLogin(client, i, forwardedFor(clientA)), 401);
    QCOMPARE(failedLogin(client, 10, forwardedFor(clientA)), 429);
    QCOMPARE(failedLogin(client, 11, forwardedFor("192.0.2.1, " + clientA)), 429);
    QCOMPARE(failedLogin(client, 12, {{"Forwarded", "for=\"" + clientA + ":4711\""}}), 429);
    QCOMPARE(failedLogin(client, 13, forwardedFor("203.0.113.11")), 401);
    QCOMPARE(failedLogin(client, 14, {{"Forwarded", "for=\"[2001:db8::1]:4711\""}}), 401);
    // Headers the proxy wrote but we cannot read leave the proxy's own address.
    QCOMPARE(failedLogin(client, 15, forwardedFor("garbage")), 401);

    // The same for the share-link limit, and the audit log names the forwarded client.
    const QString token = shareLink(client, forwardedFor("198.51.100.77"));
    QVERIFY(!token.isEmpty());
    auto db = m_db->connect();
    QVERIFY(db);
    const auto audited
        = db->query(QStringLiteral("SELECT client_address FROM audit_log WHERE action = 'share_link.create'"));
    TWINOPS_VERIFY_OK(audited);
    QCOMPARE(audited->size(), 1);
    QCOMPARE(audited->first().text(0), QStringLiteral("198.51.100.77"));

    const QByteArray visitorA = "198.51.100.1";
    for (int i = 0; i < kShareReadsPerAddress; ++i)
        QCOMPARE(readShare(client, token, forwardedFor(visitorA)), 200);
    QCOMPARE(readShare(client, token, forwardedFor(visitorA)), 429);
    QCOMPARE(readShare(client, token, forwardedFor("10.1.1.1, " + visitorA)), 429);
    QCOMPARE(readShare(client, token, forwardedFor("198.51.100.2")), 200);
    QCOMPARE(readShare(client, token, {}), 200); // the proxy itself, as a client, has its own budget
    QVERIFY(daemon.stop());
}

void TestProxies::twoInstancesShareOneBudget()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("instances share a PostgreSQL database");
    Daemon a;
    Daemon b;
    QVERIFY2(serve(a, QStringLiteral("a"), {}), qPrintable(a.describe()));
    QVERIFY2(serve(b, QStringLiteral("b"), {}), qPrintable(b.describe()));
    ApiClient onA(QUrl(a.baseUrl()));
    ApiClient onB(QUrl(b.baseUrl()));
    const QString token = shareLink(onA);
    QVERIFY(!token.isEmpty());

    // Reading the link: half the budget on each instance, then neither has any left.
    for (int i = 0; i < kShareReadsPerAddress; ++i)
        QCOMPARE(readShare(i % 2 == 0 ? onA : onB, token, {}), 200);
    QCOMPARE(readShare(onA, token, {}), 429);
    const ApiReply refused = onB.get(QStringLiteral("/api/v1/public/share/") + token);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.errorCode(), QStringLiteral("rate_limited"));

    // The link's chat budget, spent on A (each attempt counts, even one without a message), is refused on B.
    const QString chat = QStringLiteral("/api/v1/public/share/%1/chat").arg(token);
    for (int i = 0; i < kShareChatsPerLink; ++i)
        QCOMPARE(onA.post(chat, QJsonObject{}).status, 422);
    QCOMPARE(onB.post(chat, QJsonObject{{QStringLiteral("message"), QStringLiteral("Hello?")}}).status, 429);

    // And the login lockout of one address.
    for (int i = 0; i < kLoginFailuresPerAddress; ++i)
        QCOMPARE(failedLogin(onA, i, {}), 401);
    QCOMPARE(failedLogin(onB, 100, {}), 429);
    QVERIFY(a.stop());
    QVERIFY(b.stop());
}

QTEST_GUILESS_MAIN(TestProxies)
#include "tst_proxies.moc"
