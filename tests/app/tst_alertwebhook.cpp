// `twinopsd serve --alert-webhook URL` end to end, on SQLite and PostgreSQL: a real daemon, a receiver on loopback,
// the admin's test notification (POST /api/v1/admin/alerts/test-notification) delivered signed; the option from the
// configuration file with the signing secret the daemon generated and keeps in its secrets directory; a bad URL
// refused at start.
#include "checks/apiclient.h"
#include "daemon.h"
#include "testdatabase.h"
#include "webhookreceiver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

const QByteArray kJwtSecret = "jwt-secret-for-the-alert-webhook-test-0123456789";
const QByteArray kWebhookSecret = "webhook-secret-for-the-alert-webhook-test-9876543210";

} // namespace

class TestAlertWebhook final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void testNotificationFromTheCommandLine();
    void configurationFileAndGeneratedSecret();
    void badUrlRefusedAtStart();

private:
    // Sends a test notification through the daemon and waits for the receiver to accept it; returns that request.
    std::optional<TestWebhookReceiver::Request> sendTest(const Daemon &daemon, const QString &key,
                                                         TestWebhookReceiver &receiver);

    std::unique_ptr<QTemporaryDir> m_home;
};

void TestAlertWebhook::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

void TestAlertWebhook::cleanup()
{
    m_home.reset();
}

std::optional<TestWebhookReceiver::Request> TestAlertWebhook::sendTest(const Daemon &daemon, const QString &key,
                                                                       TestWebhookReceiver &receiver)
{
    ApiClient client(QUrl(daemon.baseUrl()));
    const ApiReply sent = client.post(QStringLiteral("/api/v1/admin/alerts/test-notification"), QJsonObject(), key);
    if (sent.status != 202) {
        QTest::qFail(qPrintable(sent.describe()), __FILE__, __LINE__);
        return std::nullopt;
    }
    const QJsonArray items = sent.object().value(QStringLiteral("items")).toArray();
    if (items.size() != 1) {
        QTest::qFail("one receiver, one job", __FILE__, __LINE__);
        return std::nullopt;
    }
    const QString id = items.at(0)[QStringLiteral("id")].toString();
    // The notification is a job like any other: the Jobs panel's route shows it completing.
    QString state;
    const QDeadlineTimer deadline(30'000);
    while (state != QLatin1String("completed") && !deadline.hasExpired()) {
        state = client.get(QStringLiteral("/api/v1/admin/jobs?ids=") + id, key)
                    .object()
                    .value(QStringLiteral("items"))
                    .toArray()
                    .at(0)[QStringLiteral("state")]
                    .toString();
        if (state != QLatin1String("completed"))
            QTest::qWait(100);
    }
    if (state != QLatin1String("completed") || receiver.accepted().size() != 1) {
        QTest::qFail(qPrintable(QStringLiteral("the test notification ended %1; %2").arg(state, daemon.describe())),
                     __FILE__, __LINE__);
        return std::nullopt;
    }
    const auto request = receiver.accepted().first();
    if (request.headers.value("x-twinops-delivery") != id.toLatin1()) {
        QTest::qFail("the delivery id is not the job's", __FILE__, __LINE__);
        return std::nullopt;
    }
    return request;
}

void TestAlertWebhook::testNotificationFromTheCommandLine()
{
    TWINOPS_FRESH_DATABASE(db);
    TestWebhookReceiver receiver;
    QProcessEnvironment environment = daemonEnvironment(m_home->path(), kJwtSecret);
    environment.insert(QStringLiteral("TWINOPS_ALERT_WEBHOOK_SECRET"), QString::fromLatin1(kWebhookSecret));
    Daemon daemon;
    daemon.start({QStringLiteral("--database"), databaseArgument(*db), QStringLiteral("serve"),
                  QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--alert-webhook"),
                  receiver.url()},
                 environment, m_home->filePath(QStringLiteral("daemon.log")));
    QVERIFY2(daemon.waitUntilServing(30'000), qPrintable(daemon.describe()));
    const QString key = createAdminKey(*db, environment);
    QVERIFY(!key.isEmpty());

    const auto request = sendTest(daemon, key, receiver);
    QVERIFY(request);
    QVERIFY(signatureValid(*request, kWebhookSecret));
    const QJsonObject body = QJsonDocument::fromJson(request->body).object();
    QCOMPARE(body[QStringLiteral("version")].toString(), QStringLiteral("4"));
    QCOMPARE(body[QStringLiteral("status")].toString(), QStringLiteral("firing"));
    QCOMPARE(body[QStringLiteral("externalURL")].toString(), daemon.baseUrl());
    QCOMPARE(body[QStringLiteral("alerts")][0][QStringLiteral("labels")][QStringLiteral("alertname")].toString(),
             QStringLiteral("TwinOpsTestNotification"));
    // The secret is never in the log; the URL's path neither.
    QVERIFY(!daemon.log().contains(QString::fromLatin1(kWebhookSecret)));
    QVERIFY(!daemon.log().contains(QLatin1String("/hooks/twinops")));

    // Without a platform-admin credential: refused.
    ApiClient client(QUrl(daemon.baseUrl()));
    QCOMPARE(client.post(QStringLiteral("/api/v1/admin/alerts/test-notification"), QJsonObject()).status, 401);
    // A receiver that does not exist: 404; a status that is not firing or resolved: 422.
    QCOMPARE(client
                 .post(QStringLiteral("/api/v1/admin/alerts/test-notification"),
                       QJsonObject{{QStringLiteral("receiver"), QStringLiteral("nobody")}}, key)
                 .status,
             404);
    QCOMPARE(client
                 .post(QStringLiteral("/api/v1/admin/alerts/test-notification"),
                       QJsonObject{{QStringLiteral("status"), QStringLiteral("pending")}}, key)
                 .status,
             422);
    QVERIFY(daemon.stop());
}

void TestAlertWebhook::configurationFileAndGeneratedSecret()
{
    TWINOPS_FRESH_DATABASE(db);
    TestWebhookReceiver receiver;
    QProcessEnvironment environment = daemonEnvironment(m_home->path(), kJwtSecret);
    environment.remove(QStringLiteral("TWINOPS_ALERT_WEBHOOK_SECRET"));
    environment.insert(QStringLiteral("STATE_DIRECTORY"), m_home->filePath(QStringLiteral("state")));
    QFile config(m_home->filePath(QStringLiteral("twinopsd.conf")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("alert-webhook = " + receiver.url().toUtf8() + "\nlisten = 127.0.0.1:0\n");
    config.close();
    Daemon daemon;
    daemon.start({QStringLiteral("--config"), config.fileName(), QStringLiteral("--database"), databaseArgument(*db),
                  QStringLiteral("serve")},
                 environment, m_home->filePath(QStringLiteral("daemon.log")));
    QVERIFY2(daemon.waitUntilServing(30'000), qPrintable(daemon.describe()));
    const QString key = createAdminKey(*db, environment);
    QVERIFY(!key.isEmpty());

    // The generated secret is where the documentation says, readable by its owner only, and it signs.
    QFile secret(m_home->filePath(QStringLiteral("state/secrets/alert-webhook-secret")));
    QVERIFY2(secret.open(QIODevice::ReadOnly), qPrintable(secret.fileName()));
    QCOMPARE(secret.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    const QByteArray generated = secret.readAll().trimmed();
    QVERIFY(generated.size() >= 32);
    const auto request = sendTest(daemon, key, receiver);
    QVERIFY(request);
    QVERIFY(signatureValid(*request, generated));
    QVERIFY(!daemon.log().contains(QString::fromLatin1(generated)));
    QVERIFY(daemon.stop());
}

void TestAlertWebhook::badUrlRefusedAtStart()
{
    TWINOPS_FRESH_DATABASE(db);
    const TwinopsdRun run = twinopsd({QStringLiteral("--database"), databaseArgument(*db), QStringLiteral("serve"),
                                      QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                      QStringLiteral("--alert-webhook"), QStringLiteral("ftp://example.com/hook")},
                                     daemonEnvironment(m_home->path(), kJwtSecret));
    QCOMPARE(run.exitCode, 2); // a usage error, before anything starts
    QVERIFY2(run.err.contains(QLatin1String("--alert-webhook")) && run.err.contains(QLatin1String("http://")),
             qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestAlertWebhook)
#include "tst_alertwebhook.moc"
