// Alert notifications to webhook receivers, on SQLite and PostgreSQL, through a real core's job workers and a real
// receiver on loopback: the firing then the resolved message arrive signed (checked with Qt's own HMAC, not the
// code under test), a receiver that is down and then answers 503 for a while loses nothing, a 400 or a redirect
// discards the job with the reason, the Slack body, and receivers that answer too much or nothing at all.
#include "jobs/jobqueue.h"
#include "notify/webhookdelivery.h"
#include "servicecore.h"
#include "testdatabase.h"
#include "webhookreceiver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace twinops;
using namespace twinops::test;
using namespace std::chrono_literals;

namespace {

const QByteArray kSecret = "a-webhook-secret-of-at-least-32-bytes!!";

QJsonObject bodyOf(const TestWebhookReceiver::Request &request)
{
    return QJsonDocument::fromJson(request.body).object();
}

AlertNotice notice(const QString &name, const QString &severity, AlertNotice::Status status)
{
    AlertNotice n;
    n.status = status;
    n.labels = {{QStringLiteral("alertname"), name},
                {QStringLiteral("severity"), severity},
                {QStringLiteral("instance_name"), QStringLiteral("test")}};
    n.annotations = {{QStringLiteral("summary"), name + QStringLiteral(" crossed its threshold")},
                     {QStringLiteral("runbook"), QStringLiteral("docs/runbook.md#") + name.toLower()}};
    n.startsAt = QDateTime::fromString(QStringLiteral("2026-12-07T03:00:00.000Z"), Qt::ISODateWithMs);
    if (status == AlertNotice::Status::Resolved)
        n.endsAt = n.startsAt.addSecs(600);
    return n;
}

WebhookReceiver receiverFor(const TestWebhookReceiver &server, const QString &name,
                            WebhookFormat format = WebhookFormat::Alertmanager, QStringList severities = {})
{
    WebhookReceiver receiver;
    receiver.name = name;
    receiver.url = QUrl(server.url());
    receiver.format = format;
    receiver.severities = std::move(severities);
    receiver.secret = kSecret;
    return receiver;
}

} // namespace

class TestWebhooks final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void cleanup();

    void receiversFromTheCommandLine_data();
    void receiversFromTheCommandLine();

    void outcomeOfEachAnswer_data();
    void outcomeOfEachAnswer();
    void firingThenResolvedSigned();
    void severitiesChooseReceivers();
    void receiverDownLosesNothing();
    void permanentAnswersDiscard();
    void slackBody();
    void hugeAndSilentReceivers();
    void unknownReceiverIsRetried();

private:
    bool start(const QList<WebhookReceiver> &receivers);
    Job job(const QString &id);
    QString waitForFinalState(const QString &id);

    std::unique_ptr<TestDatabase> m_database;
    std::unique_ptr<ServiceCore> m_core;
};

void TestWebhooks::receiversFromTheCommandLine_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error"); // a part of the one-line error; empty: accepted
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("slack");
    QTest::addColumn<QStringList>("severities");
    const QString hook = QStringLiteral("https://hooks.example.com/T0/B0/x?token=a=b");
    QTest::newRow("url alone") << hook << QString() << hook << false << QStringList();
    QTest::newRow("slack") << "slack=" + hook << QString() << hook << true << QStringList();
    QTest::newRow("severities") << "critical,warning=" + hook << QString() << hook << false
                                << QStringList{QStringLiteral("critical"), QStringLiteral("warning")};
    QTest::newRow("both") << "info,slack=" + hook << QString() << hook << true << QStringList{QStringLiteral("info")};
    QTest::newRow("alertmanager") << "alertmanager,critical=" + hook << QString() << hook << false
                                  << QStringList{QStringLiteral("critical")};
    QTest::newRow("unknown word") << "teams=" + hook << QStringLiteral("\"teams\" is not slack") << QString() << false
                                  << QStringList();
    QTest::newRow("two formats") << "slack,alertmanager=" + hook << QStringLiteral("given twice") << QString() << false
                                 << QStringList();
    QTest::newRow("severity twice") << "info,info=" + hook << QStringLiteral("given twice") << QString() << false
                                    << QStringList();
    QTest::newRow("no url") << QStringLiteral("slack=") << QStringLiteral("absolute http") << QString() << false
                            << QStringList();
    QTest::newRow("other scheme") << QStringLiteral("ftp://example.com/x") << QStringLiteral("absolute http")
                                  << QString() << false << QStringList();
}

void TestWebhooks::receiversFromTheCommandLine()
{
    QFETCH_GLOBAL(Dialect, dialect);
    if (dialect != Dialect::Sqlite)
        QSKIP("no database involved");
    QFETCH(QString, text);
    QFETCH(QString, error);
    const auto receiver = WebhookReceiver::fromUrl(text);
    if (!error.isEmpty()) {
        QVERIFY(!receiver.ok());
        QVERIFY2(receiver.error().message.contains(error), qPrintable(receiver.error().message));
        return;
    }
    TWINOPS_VERIFY_OK(receiver);
    QFETCH(QString, url);
    QFETCH(bool, slack);
    QFETCH(QStringList, severities);
    QCOMPARE(receiver->url.toString(), url);
    QCOMPARE(receiver->format == WebhookFormat::Slack, slack);
    QCOMPARE(receiver->severities, severities);
    // Named after the whole text: the same URL twice with other words is two receivers; the name never shows it.
    QVERIFY(receiver->name.startsWith(QLatin1String("webhook-")));
    QVERIFY(!receiver->name.contains(QLatin1String("example")));
    if (text != url)
        QVERIFY(receiver->name != WebhookReceiver::fromUrl(url)->name);
}

void TestWebhooks::cleanup()
{
    m_core.reset();
    m_database.reset();
}

// A core with one worker whose notifications retry within a fraction of a second.
bool TestWebhooks::start(const QList<WebhookReceiver> &receivers)
{
    m_database = TestDatabase::create(currentDialect());
    if (!m_database)
        return false;
    CoreOptions options{m_database->url()};
    options.passwordCost = PasswordHasher::Cost::Minimal;
    options.metricsRollupInterval = 0ms;
    options.alertWebhooks.receivers = receivers;
    options.alertWebhooks.retry = RetryPolicy{100ms, 2.0, 400ms, 0.0};
    options.alertWebhooks.timeout = 1500ms;
    auto core = ServiceCore::start(std::move(options));
    if (!core.ok()) {
        QTest::qFail(qPrintable(core.error().message), __FILE__, __LINE__);
        return false;
    }
    m_core = std::move(core).value();
    m_core->startWorkers(1, 30s);
    return true;
}

Job TestWebhooks::job(const QString &id)
{
    auto found = JobQueue(m_core->database()).get({}, id);
    return found.ok() ? *found : Job{};
}

QString TestWebhooks::waitForFinalState(const QString &id)
{
    QDeadlineTimer deadline(30s);
    while (!deadline.hasExpired()) {
        const JobState state = job(id).state;
        if (state == JobState::Completed || state == JobState::Discarded || state == JobState::Cancelled)
            return jobStateName(state);
        QTest::qWait(50);
    }
    return jobStateName(job(id).state);
}

void TestWebhooks::outcomeOfEachAnswer_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("expected"); // 0 delivered, 1 retried, 2 permanent
    QTest::newRow("200") << 200 << 0;
    QTest::newRow("204") << 204 << 0;
    QTest::newRow("301") << 301 << 2;
    QTest::newRow("400") << 400 << 2;
    QTest::newRow("401") << 401 << 2;
    QTest::newRow("404") << 404 << 2;
    QTest::newRow("408") << 408 << 1;
    QTest::newRow("429") << 429 << 1;
    QTest::newRow("500") << 500 << 1;
    QTest::newRow("503") << 503 << 1;
    QTest::newRow("no answer") << 0 << 1;
}

void TestWebhooks::outcomeOfEachAnswer()
{
    QFETCH(int, status);
    QFETCH(int, expected);
    WebhookReceiver receiver;
    receiver.name = QStringLiteral("ops");
    receiver.url = QUrl(QStringLiteral("https://user:token@hooks.example/secret/path?key=1"));
    WebhookAttempt attempt;
    attempt.status = status;
    attempt.transportError = status == 0 ? QStringLiteral("Connection refused") : QString();
    const Status outcome = webhookOutcome(receiver, attempt);
    QCOMPARE(outcome.ok() ? 0 : isPermanentFailure(outcome.error()) ? 2 : 1, expected);
    if (!outcome.ok()) {
        // The reason names the receiver by its target, never its path, query or credentials.
        QVERIFY2(outcome.error().message.contains(QLatin1String("ops (https://hooks.example)")),
                 qPrintable(outcome.error().message));
        QVERIFY(!outcome.error().message.contains(QLatin1String("token")));
    }
}

void TestWebhooks::firingThenResolvedSigned()
{
    TestWebhookReceiver server;
    if (!start({receiverFor(server, QStringLiteral("ops"))}))
        return;
    WebhookNotifier &notifier = m_core->alertNotifier();
    const auto firing = notifier.notify(
        m_core->database(),
        {notice(QStringLiteral("HighErrorRate"), QStringLiteral("critical"), AlertNotice::Status::Firing),
         notice(QStringLiteral("QueueStalled"), QStringLiteral("critical"), AlertNotice::Status::Firing)});
    TWINOPS_VERIFY_OK(firing);
    QCOMPARE(firing->size(), 1); // one round, one receiver: one job, one message
    QCOMPARE(firing->first().type, QStringLiteral("webhook_notification"));
    QCOMPARE(firing->first().maxAttempts, 300);
    // The payload the Jobs panel shows names the receiver and its target, never the path (a Slack URL's secret).
    QCOMPARE(firing->first().payload.value(QStringLiteral("target")).toString(),
             QStringLiteral("http://127.0.0.1:%1").arg(QUrl(server.url()).port()));
    QCOMPARE(waitForFinalState(firing->first().id), QStringLiteral("completed"));

    const auto resolved = notifier.notify(
        m_core->database(),
        {notice(QStringLiteral("HighErrorRate"), QStringLiteral("critical"), AlertNotice::Status::Resolved)});
    TWINOPS_VERIFY_OK(resolved);
    QCOMPARE(waitForFinalState(resolved->first().id), QStringLiteral("completed"));

    const auto received = server.accepted();
    QCOMPARE(received.size(), 2);
    for (const auto &request : received) {
        QVERIFY2(signatureValid(request, kSecret), request.headers.value("x-twinops-signature").constData());
        QVERIFY(!signatureValid(request, kSecret + 'x'));
        QCOMPARE(request.requestLine, QByteArray("POST /hooks/twinops HTTP/1.1"));
        QCOMPARE(request.headers.value("content-type"), QByteArray("application/json"));
    }
    QCOMPARE(received.at(0).headers.value("x-twinops-delivery"), firing->first().id.toLatin1());

    const QJsonObject first = bodyOf(received.at(0));
    QCOMPARE(first[QStringLiteral("version")].toString(), QStringLiteral("4"));
    QCOMPARE(first[QStringLiteral("status")].toString(), QStringLiteral("firing"));
    QCOMPARE(first[QStringLiteral("receiver")].toString(), QStringLiteral("ops"));
    QCOMPARE(first[QStringLiteral("groupKey")].toString(), QStringLiteral("{}/{receiver=\"ops\"}:{}"));
    QCOMPARE(first[QStringLiteral("groupLabels")].toObject(), QJsonObject());
    QCOMPARE(first[QStringLiteral("commonLabels")].toObject(),
             (QJsonObject{{QStringLiteral("severity"), QStringLiteral("critical")},
                          {QStringLiteral("instance_name"), QStringLiteral("test")}}));
    QCOMPARE(first[QStringLiteral("commonAnnotations")].toObject(), QJsonObject());
    QCOMPARE(first[QStringLiteral("externalURL")].toString(), QString()); // no HTTP API in this core
    const QJsonArray alerts = first[QStringLiteral("alerts")].toArray();
    QCOMPARE(alerts.size(), 2);
    const QJsonObject alert = alerts.at(0).toObject();
    QCOMPARE(alert[QStringLiteral("status")].toString(), QStringLiteral("firing"));
    QCOMPARE(alert[QStringLiteral("labels")][QStringLiteral("alertname")].toString(), QStringLiteral("HighErrorRate"));
    QCOMPARE(alert[QStringLiteral("annotations")][QStringLiteral("runbook")].toString(),
             QStringLiteral("docs/runbook.md#higherrorrate"));
    QCOMPARE(alert[QStringLiteral("startsAt")].toString(), QStringLiteral("2026-12-07T03:00:00.000Z"));
    QCOMPARE(alert[QStringLiteral("endsAt")].toString(), QStringLiteral("0001-01-01T00:00:00Z"));
    QCOMPARE(alert[QStringLiteral("fingerprint")].toString().size(), 16);

    const QJsonObject second = bodyOf(received.at(1));
    QCOMPARE(second[QStringLiteral("status")].toString(), QStringLiteral("resolved"));
    const QJsonObject ended = second[QStringLiteral("alerts")].toArray().at(0).toObject();
    QCOMPARE(ended[QStringLiteral("endsAt")].toString(), QStringLiteral("2026-12-07T03:10:00.000Z"));
    // The same labels, the same alert: a receiver matches the resolution to its firing by fingerprint.
    QCOMPARE(ended[QStringLiteral("fingerprint")], alert[QStringLiteral("fingerprint")]);

    // The same round notified again (an evaluator that crashed before committing) is the same job.
    const auto again = notifier.notify(
        m_core->database(),
        {notice(QStringLiteral("HighErrorRate"), QStringLiteral("critical"), AlertNotice::Status::Resolved)});
    TWINOPS_VERIFY_OK(again);
    QCOMPARE(again->first().id, resolved->first().id);
}

void TestWebhooks::severitiesChooseReceivers()
{
    TestWebhookReceiver everything;
    TestWebhookReceiver pager;
    if (!start(
            {receiverFor(everything, QStringLiteral("all")),
             receiverFor(pager, QStringLiteral("pager"), WebhookFormat::Alertmanager, {QStringLiteral("critical")})}))
        return;
    const auto jobs = m_core->alertNotifier().notify(
        m_core->database(),
        {notice(QStringLiteral("SlowFirstToken"), QStringLiteral("warning"), AlertNotice::Status::Firing),
         notice(QStringLiteral("DatabaseErrors"), QStringLiteral("critical"), AlertNotice::Status::Firing)});
    TWINOPS_VERIFY_OK(jobs);
    QCOMPARE(jobs->size(), 2);
    for (const Job &j : *jobs)
        QCOMPARE(waitForFinalState(j.id), QStringLiteral("completed"));
    QCOMPARE(everything.accepted().size(), 1);
    QCOMPARE(bodyOf(everything.accepted().first())[QStringLiteral("alerts")].toArray().size(), 2);
    QCOMPARE(pager.accepted().size(), 1);
    const QJsonArray paged = bodyOf(pager.accepted().first())[QStringLiteral("alerts")].toArray();
    QCOMPARE(paged.size(), 1);
    QCOMPARE(paged.at(0)[QStringLiteral("labels")][QStringLiteral("alertname")].toString(),
             QStringLiteral("DatabaseErrors"));

    // Nothing a receiver wants: no job at all.
    const auto none = m_core->alertNotifier().notify(m_core->database(), {});
    TWINOPS_VERIFY_OK(none);
    QVERIFY(none->isEmpty());
}

void TestWebhooks::receiverDownLosesNothing()
{
    TestWebhookReceiver server;
    server.goDown();
    if (!start({receiverFor(server, QStringLiteral("ops"))}))
        return;
    const auto jobs = m_core->alertNotifier().notify(
        m_core->database(),
        {notice(QStringLiteral("QueueStalled"), QStringLiteral("critical"), AlertNotice::Status::Firing)});
    TWINOPS_VERIFY_OK(jobs);
    const QString id = jobs->first().id;

    // Refused: retried, attempt after attempt.
    QTRY_VERIFY_WITH_TIMEOUT(job(id).attempt >= 3, 20'000);
    QVERIFY2(job(id).lastError.contains(QLatin1String("did not answer")), qPrintable(job(id).lastError));
    QCOMPARE(server.requests().size(), 0);

    // Back, but answering 503 for a while: still retried.
    server.setMode(TestWebhookReceiver::Mode::Unavailable);
    QVERIFY(server.comeBack());
    QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= 2, 20'000);
    QVERIFY2(job(id).lastError.contains(QLatin1String("HTTP 503")), qPrintable(job(id).lastError));
    QVERIFY(job(id).state != JobState::Discarded);

    // Healthy again: delivered once, the message intact and signed.
    server.setMode(TestWebhookReceiver::Mode::Accept);
    QCOMPARE(waitForFinalState(id), QStringLiteral("completed"));
    QCOMPARE(server.accepted().size(), 1);
    QVERIFY(signatureValid(server.accepted().first(), kSecret));
    QCOMPARE(server.accepted().first().headers.value("x-twinops-delivery"), id.toLatin1());
    QCOMPARE(bodyOf(server.accepted().first())[QStringLiteral("alerts")]
                 .toArray()
                 .at(0)[QStringLiteral("labels")][QStringLiteral("alertname")]
                 .toString(),
             QStringLiteral("QueueStalled"));
    auto logs = JobQueue(m_core->database()).logs({}, id);
    TWINOPS_VERIFY_OK(logs);
    QVERIFY(logs->size() >= 5); // a line per failed attempt, and the delivery
    QVERIFY2(logs->last().message.startsWith(QLatin1String("delivered to ops")), qPrintable(logs->last().message));
}

void TestWebhooks::permanentAnswersDiscard()
{
    TestWebhookReceiver rejecting(TestWebhookReceiver::Mode::Reject);
    TestWebhookReceiver redirecting(TestWebhookReceiver::Mode::Redirect);
    if (!start({receiverFor(rejecting, QStringLiteral("rejecting")),
                receiverFor(redirecting, QStringLiteral("redirecting"))}))
        return;
    const auto jobs = m_core->alertNotifier().notify(
        m_core->database(),
        {notice(QStringLiteral("LoginFailures"), QStringLiteral("warning"), AlertNotice::Status::Firing)});
    TWINOPS_VERIFY_OK(jobs);
    QCOMPARE(jobs->size(), 2);
    for (const Job &j : *jobs) {
        QCOMPARE(waitForFinalState(j.id), QStringLiteral("discarded"));
        const Job done = job(j.id);
        QCOMPARE(done.attempt, 1); // retrying cannot help: not retried
        if (j.payload[QStringLiteral("receiver")].toString() == QLatin1String("rejecting")) {
            QVERIFY2(
                done.lastError.contains(QLatin1String("answered HTTP 400: {\"error\":\"unknown receiver token\"}")),
                qPrintable(done.lastError));
        } else {
            QVERIFY2(done.lastError.contains(QLatin1String("HTTP 301")), qPrintable(done.lastError));
            QVERIFY2(done.lastError.contains(QLatin1String("redirects are not followed")), qPrintable(done.lastError));
        }
    }
    QCOMPARE(rejecting.requests().size(), 1);
    QCOMPARE(redirecting.requests().size(), 1); // and /elsewhere was never asked
}

void TestWebhooks::slackBody()
{
    TestWebhookReceiver server;
    if (!start({receiverFor(server, QStringLiteral("slack"), WebhookFormat::Slack)}))
        return;
    AlertNotice markup
        = notice(QStringLiteral("HighErrorRate"), QStringLiteral("critical"), AlertNotice::Status::Firing);
    markup.annotations[QStringLiteral("summary")] = QStringLiteral("errors > 1 % <@channel> & more");
    const auto jobs = m_core->alertNotifier().notify(
        m_core->database(),
        {markup, notice(QStringLiteral("QueueStalled"), QStringLiteral("warning"), AlertNotice::Status::Resolved)});
    TWINOPS_VERIFY_OK(jobs);
    QCOMPARE(waitForFinalState(jobs->first().id), QStringLiteral("completed"));
    QCOMPARE(server.accepted().size(), 1);
    const auto request = server.accepted().first();
    QVERIFY(signatureValid(request, kSecret));
    const QJsonObject body = bodyOf(request);
    QCOMPARE(body.keys(), QStringList{QStringLiteral("text")});
    const QString text = body[QStringLiteral("text")].toString();
    QVERIFY2(text.startsWith(QLatin1String("*[FIRING:1]* (1 resolved) TwinOps alerts\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("• FIRING *HighErrorRate* (critical): errors &gt; 1 % &lt;@channel&gt; "
                                          "&amp; more\n   Runbook: docs/runbook.md#higherrorrate")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("• RESOLVED *QueueStalled* (warning)")), qPrintable(text));
}

void TestWebhooks::hugeAndSilentReceivers()
{
    TestWebhookReceiver huge(TestWebhookReceiver::Mode::Huge);
    TestWebhookReceiver silent(TestWebhookReceiver::Mode::Silent);
    if (!start({receiverFor(huge, QStringLiteral("huge")), receiverFor(silent, QStringLiteral("silent"))}))
        return;
    const auto jobs = m_core->alertNotifier().notify(
        m_core->database(),
        {notice(QStringLiteral("DiscardedJobs"), QStringLiteral("warning"), AlertNotice::Status::Firing)});
    TWINOPS_VERIFY_OK(jobs);
    QCOMPARE(jobs->size(), 2);
    const QString hugeJob
        = jobs->at(0).payload[QStringLiteral("receiver")] == QLatin1String("huge") ? jobs->at(0).id : jobs->at(1).id;
    const QString silentJob = hugeJob == jobs->at(0).id ? jobs->at(1).id : jobs->at(0).id;
    // 8 MiB of answer: the status is read, the rest is not (the job's result is the status).
    QCOMPARE(waitForFinalState(hugeJob), QStringLiteral("completed"));
    QCOMPARE(job(hugeJob).result[QStringLiteral("status")].toInt(), 200);
    // No answer within the timeout: retried, never stuck on one attempt.
    QTRY_VERIFY_WITH_TIMEOUT(job(silentJob).attempt >= 2, 20'000);
    QVERIFY2(job(silentJob).lastError.contains(QLatin1String("no complete answer within 1.5 s")),
             qPrintable(job(silentJob).lastError));
    if (currentDialect() == Dialect::Sqlite) {
        // While a delivery waits for its receiver, the worker holds no transaction: SQLite's one write lock is free
        // (a BEGIN IMMEDIATE that may not wait succeeds). Checked while the job's attempt is still in flight.
        auto other = Database::open(m_database->url());
        TWINOPS_VERIFY_OK(other);
        TWINOPS_VERIFY_OK((*other)->query(QStringLiteral("PRAGMA busy_timeout = 0")));
        bool checkedInFlight = false;
        for (int tries = 0; tries < 5 && !checkedInFlight; ++tries) {
            const qsizetype seen = silent.requests().size();
            QTRY_VERIFY_WITH_TIMEOUT(silent.requests().size() > seen, 20'000);
            const Job before = job(silentJob);
            const auto locked = (*other)->query(QStringLiteral("BEGIN IMMEDIATE"));
            if (locked.ok())
                TWINOPS_VERIFY_OK((*other)->query(QStringLiteral("ROLLBACK")));
            const Job after = job(silentJob);
            if (before.state == JobState::Running && after.state == JobState::Running
                && before.attempt == after.attempt) {
                TWINOPS_VERIFY_OK(locked);
                checkedInFlight = true;
            }
        }
        QVERIFY(checkedInFlight);
    }
    // Two attempts reached it unanswered (a claim counts its attempt before its request is sent).
    QTRY_VERIFY_WITH_TIMEOUT(silent.requests().size() >= 2, 20'000);
    silent.setMode(TestWebhookReceiver::Mode::Accept);
    QCOMPARE(waitForFinalState(silentJob), QStringLiteral("completed"));
    QCOMPARE(silent.accepted().size(), 1);
    QVERIFY(silent.requests().size() >= 3); // the unanswered attempts reached it too
}

// A job for a receiver this process does not know (another instance's, `twinopsd check` sharing the database):
// retried, so that a process that knows it delivers it, never discarded by the first worker that claims it.
void TestWebhooks::unknownReceiverIsRetried()
{
    TestWebhookReceiver server;
    if (!start({receiverFor(server, QStringLiteral("ops"))}))
        return;
    WebhookSettings elsewhere;
    elsewhere.receivers = {receiverFor(server, QStringLiteral("elsewhere"))};
    const auto jobs = WebhookNotifier(elsewhere).notify(
        m_core->database(),
        {notice(QStringLiteral("QueueStalled"), QStringLiteral("critical"), AlertNotice::Status::Firing)});
    TWINOPS_VERIFY_OK(jobs);
    const QString id = jobs->first().id;
    QTRY_VERIFY_WITH_TIMEOUT(job(id).attempt >= 2, 20'000);
    QVERIFY(job(id).state != JobState::Discarded);
    QVERIFY2(job(id).lastError.contains(QLatin1String("elsewhere is not configured in this process")),
             qPrintable(job(id).lastError));
    QCOMPARE(server.requests().size(), 0);
}

QTEST_GUILESS_MAIN(TestWebhooks)
#include "tst_webhooks.moc"
