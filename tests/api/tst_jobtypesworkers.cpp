// Pausing job types and the workers table (issue #16), with real `twinopsd serve` processes on SQLite and
// PostgreSQL: a paused type's jobs wait while other types run, and run again on resume; two daemons on one
// PostgreSQL database both honour a pause; GET /api/v1/admin/workers lists each daemon's pools with pid, host,
// version and an advancing heartbeat; a worker wedged in a job shows as stuck, and a daemon killed with a job in
// hand as stale.
#include "checks/apiclient.h"
#include "core/ids.h"
#include "daemon.h"
#include "jobs/jobqueue.h"
#include "jobs/probehandler.h"
#include "jobs/workerregistry.h"
#include "testdatabase.h"
#include "webhookreceiver.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace twinops;
using namespace twinops::test;

namespace {

const QByteArray kJwtSecret = "jwt-secret-for-the-job-types-and-workers-test-0123";
const QString kOtherType = jobtypes::sourceIndex; // its jobs fail here (no source): enough to show they are claimed

qint64 scalar(Database &db, const QString &sql)
{
    auto rows = db.query(sql);
    return rows.ok() && !rows->isEmpty() ? rows->first().integer(0) : -1;
}

NewJob platformJob(const QString &type, int priority, int maxAttempts = 8)
{
    NewJob job;
    job.type = type;
    job.priority = priority;
    job.maxAttempts = maxAttempts;
    return job;
}

// Polls `done` until it holds or 30 s pass.
bool eventually(const std::function<bool()> &done)
{
    const QDeadlineTimer deadline(30'000);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(100);
    }
    return true;
}

} // namespace

class TestJobTypesWorkers final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void pausedTypeWaitsWhileOthersRun();
    void pauseRules();
    void twoDaemonsHonourAPauseAndBothAreListed();
    void wedgedWorkerIsStuckAndAKilledDaemonStale();
    void instancesGoneForAWeekArePruned();

private:
    void startDaemon(Daemon &daemon, const TestDatabase &db, const QStringList &extra = {});
    QJsonObject instanceOf(const QString &key, const Daemon &daemon, const QString &suffix = {});

    std::unique_ptr<QTemporaryDir> m_home;
    QProcessEnvironment m_environment;
    int m_daemons = 0;
};

void TestJobTypesWorkers::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_environment = daemonEnvironment(m_home->path(), kJwtSecret);
}

void TestJobTypesWorkers::cleanup()
{
    m_home.reset();
}

void TestJobTypesWorkers::startDaemon(Daemon &daemon, const TestDatabase &db, const QStringList &extra)
{
    QStringList arguments{QStringLiteral("--database"), databaseArgument(db), QStringLiteral("serve"),
                          QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    if (!extra.contains(QLatin1String("--workers")))
        arguments << QStringLiteral("--workers") << QStringLiteral("2");
    daemon.start(arguments + extra, m_environment, m_home->filePath(QStringLiteral("daemon-%1.log").arg(++m_daemons)));
    QVERIFY2(daemon.waitUntilServing(30'000), qPrintable(daemon.describe()));
}

// The daemon's pool named host:pid (plus `suffix`) in GET /api/v1/admin/workers, running; empty if absent.
QJsonObject TestJobTypesWorkers::instanceOf(const QString &key, const Daemon &daemon, const QString &suffix)
{
    ApiClient client(QUrl(daemon.baseUrl()));
    const ApiReply reply = client.get(QStringLiteral("/api/v1/admin/workers"), key);
    if (reply.status != 200)
        return {};
    for (const QJsonValue item : reply.object().value(QStringLiteral("items")).toArray()) {
        const QJsonObject instance = item.toObject();
        if (instance.value(QStringLiteral("pid")).toInteger() == daemon.pid()
            && instance.value(QStringLiteral("name")).toString().endsWith(QString::number(daemon.pid()) + suffix)
            && instance.value(QStringLiteral("stopped_at")).isNull())
            return instance;
    }
    return {};
}

void TestJobTypesWorkers::pausedTypeWaitsWhileOthersRun()
{
    TWINOPS_FRESH_DATABASE(db);
    Daemon daemon;
    startDaemon(daemon, *db);
    const QString key = createAdminKey(*db, m_environment);
    QVERIFY(!key.isEmpty());
    ApiClient client(QUrl(daemon.baseUrl()));

    const ApiReply paused
        = client.post(QStringLiteral("/api/v1/admin/jobs/types/probe/pause"),
                      QJsonObject{{QStringLiteral("reason"), QStringLiteral("  noisy probes ")}}, key);
    QVERIFY2(paused.status == 200, qPrintable(paused.describe()));
    QCOMPARE(paused.object().value(QStringLiteral("paused")).toBool(), true);
    QCOMPARE(paused.object().value(QStringLiteral("reason")).toString(), QStringLiteral("noisy probes"));
    QVERIFY(!paused.object().value(QStringLiteral("paused_by")).toString().isEmpty());

    // Probes first by priority: a claim that did not skip them would take them before the other type's job.
    auto connection = db->connect();
    QVERIFY(connection);
    JobQueue queue(*connection);
    QList<NewJob> probes;
    for (int i = 0; i < 5; ++i)
        probes.append(platformJob(jobtypes::probe, 10));
    TWINOPS_VERIFY_OK(queue.enqueueBatch(probes));
    TWINOPS_VERIFY_OK(queue.enqueue(platformJob(kOtherType, 0, 1)));
    QVERIFY2(
        eventually([&] {
            return scalar(*connection,
                          QStringLiteral("SELECT count(*) FROM jobs WHERE type = '%1' AND attempt > 0").arg(kOtherType))
                == 1;
        }),
        qPrintable(daemon.describe()));
    QCOMPARE(scalar(*connection,
                    QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'probe' AND state = 'available' "
                                   "AND attempt = 0")),
             qint64(5));

    // The types route: the paused type with its waiting jobs, the other with its failed one.
    const ApiReply types = client.get(QStringLiteral("/api/v1/admin/jobs/types"), key);
    QCOMPARE(types.status, 200);
    QHash<QString, QJsonObject> byType;
    for (const QJsonValue item : types.object().value(QStringLiteral("items")).toArray())
        byType.insert(item[QStringLiteral("type")].toString(), item.toObject());
    QVERIFY(byType.contains(QStringLiteral("probe")) && byType.contains(kOtherType));
    QCOMPARE(byType[QStringLiteral("probe")][QStringLiteral("paused")].toBool(), true);
    QCOMPARE(byType[QStringLiteral("probe")][QStringLiteral("counts")][QStringLiteral("available")].toInt(), 5);
    QCOMPARE(byType[kOtherType][QStringLiteral("paused")].toBool(), false);
    QCOMPARE(byType[kOtherType][QStringLiteral("counts")][QStringLiteral("available")].toInt(), 0);

    const ApiReply resumed = client.post(QStringLiteral("/api/v1/admin/jobs/types/probe/resume"), QJsonObject(), key);
    QVERIFY2(resumed.status == 200, qPrintable(resumed.describe()));
    QCOMPARE(resumed.object().value(QStringLiteral("paused")).toBool(), false);
    QVERIFY(resumed.object().value(QStringLiteral("paused_by")).isNull());
    QVERIFY2(eventually([&] {
                 return scalar(*connection,
                               QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'probe' AND state = 'completed'"))
                     == 5;
             }),
             qPrintable(daemon.describe()));

    // Both changes are in the audit log, with the reason.
    QCOMPARE(scalar(*connection,
                    QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'jobs.type.pause' "
                                   "AND target_id = 'probe' AND CAST(details AS TEXT) LIKE '%noisy probes%'")),
             qint64(1));
    QCOMPARE(scalar(*connection, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'jobs.type.resume'")),
             qint64(1));
    QVERIFY(daemon.stop());
}

void TestJobTypesWorkers::pauseRules()
{
    TWINOPS_FRESH_DATABASE(db);
    Daemon daemon;
    startDaemon(daemon, *db);
    const QString key = createAdminKey(*db, m_environment);
    QVERIFY(!key.isEmpty());
    ApiClient client(QUrl(daemon.baseUrl()));
    const auto pause = [&](const QString &type, const QJsonObject &body = {}) {
        return client.post(QStringLiteral("/api/v1/admin/jobs/types/%1/pause").arg(type), body, key);
    };

    // Idempotent: the second pause keeps the first one's reason and time, and audits nothing more.
    const ApiReply first = pause(QStringLiteral("graph_extraction"), {{QStringLiteral("reason"), QStringLiteral("a")}});
    QCOMPARE(first.status, 200);
    const ApiReply second
        = pause(QStringLiteral("graph_extraction"), {{QStringLiteral("reason"), QStringLiteral("b")}});
    QCOMPARE(second.status, 200);
    QCOMPARE(second.object().value(QStringLiteral("reason")).toString(), QStringLiteral("a"));
    QCOMPARE(second.object().value(QStringLiteral("paused_at")), first.object().value(QStringLiteral("paused_at")));
    // A type with no job is listed while paused.
    const ApiReply types = client.get(QStringLiteral("/api/v1/admin/jobs/types"), key);
    QVERIFY(QString::fromUtf8(types.body).contains(QLatin1String("\"graph_extraction\"")));
    auto connection = db->connect();
    QVERIFY(connection);
    QCOMPARE(scalar(*connection, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'jobs.type.pause'")),
             qint64(1));

    // The alert notifications cannot be paused; bad names and reasons are refused in one line.
    const ApiReply platform = pause(QStringLiteral("webhook_notification"));
    QCOMPARE(platform.status, 409);
    QVERIFY(platform.describe().contains(QLatin1String("platform job type")));
    QCOMPARE(pause(QStringLiteral("bad%20type")).status, 400);
    QCOMPARE(pause(QString(101, u'a')).status, 400);
    QCOMPARE(pause(QStringLiteral("probe"), {{QStringLiteral("reason"), QString(501, u'r')}}).status, 422);
    QCOMPARE(pause(QStringLiteral("probe"), {{QStringLiteral("reason"), 5}}).status, 422);
    // Platform admins only.
    QCOMPARE(client.post(QStringLiteral("/api/v1/admin/jobs/types/probe/pause"), QJsonObject()).status, 401);
    QCOMPARE(client.get(QStringLiteral("/api/v1/admin/workers")).status, 401);
    QCOMPARE(scalar(*connection, QStringLiteral("SELECT count(*) FROM paused_job_types")), qint64(1));
    QVERIFY(daemon.stop());
}

void TestJobTypesWorkers::twoDaemonsHonourAPauseAndBothAreListed()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("several instances share a PostgreSQL database; a SQLite file has one");
    TWINOPS_FRESH_DATABASE(db);
    Daemon first;
    startDaemon(first, *db, {QStringLiteral("--job-lease"), QStringLiteral("3")});
    Daemon second;
    startDaemon(second, *db, {QStringLiteral("--job-lease"), QStringLiteral("3")});
    const QString key = createAdminKey(*db, m_environment);
    QVERIFY(!key.isEmpty());
    ApiClient client(QUrl(first.baseUrl()));

    // Each daemon's pool is listed with its pid, host and version, and its heartbeat advances.
    QJsonObject firstInstance, secondInstance;
    QVERIFY(eventually([&] {
        firstInstance = instanceOf(key, first);
        secondInstance = instanceOf(key, second);
        return !firstInstance.isEmpty() && !secondInstance.isEmpty();
    }));
    for (const QJsonObject &instance : {firstInstance, secondInstance}) {
        QCOMPARE(instance[QStringLiteral("host")].toString(), QSysInfo::machineHostName());
        QCOMPARE(instance[QStringLiteral("version")].toString(), QStringLiteral(TWINOPS_VERSION));
        QCOMPARE(instance[QStringLiteral("lease_ms")].toInteger(), 3000);
        QCOMPARE(instance[QStringLiteral("stale")].toBool(), false);
        QCOMPARE(instance[QStringLiteral("workers")].toArray().size(), 2);
        for (const QJsonValue worker : instance[QStringLiteral("workers")].toArray())
            QCOMPARE(worker[QStringLiteral("stuck")].toBool(), false);
    }
    const QString beat = firstInstance[QStringLiteral("heartbeat_at")].toString();
    QVERIFY(eventually([&] { return instanceOf(key, first)[QStringLiteral("heartbeat_at")].toString() > beat; }));

    QCOMPARE(client.post(QStringLiteral("/api/v1/admin/jobs/types/probe/pause"), QJsonObject(), key).status, 200);
    auto connection = db->connect();
    QVERIFY(connection);
    JobQueue queue(*connection);
    QList<NewJob> probes;
    for (int i = 0; i < 20; ++i)
        probes.append(platformJob(jobtypes::probe, 10));
    TWINOPS_VERIFY_OK(queue.enqueueBatch(probes));
    // Jobs of the other type one at a time, until each daemon has claimed one: each of those claims passed over
    // the waiting, higher-priority probes.
    const auto claimedBy = [&](const Daemon &daemon) {
        return scalar(*connection,
                      QStringLiteral("SELECT count(*) FROM jobs WHERE type = '%1' AND lease_owner LIKE "
                                     "'%:%2/%'")
                          .arg(kOtherType)
                          .arg(daemon.pid()));
    };
    QVERIFY2(eventually([&] {
                 if (claimedBy(first) > 0 && claimedBy(second) > 0)
                     return true;
                 (void)queue.enqueue(platformJob(kOtherType, 0, 1));
                 return false;
             }),
             qPrintable(first.describe() + second.describe()));
    QCOMPARE(scalar(*connection,
                    QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'probe' AND attempt = 0 "
                                   "AND state = 'available'")),
             qint64(20));

    QCOMPARE(client.post(QStringLiteral("/api/v1/admin/jobs/types/probe/resume"), QJsonObject(), key).status, 200);
    QVERIFY(eventually([&] {
        return scalar(*connection,
                      QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'probe' AND state = 'completed'"))
            == 20;
    }));

    // A daemon that stops cleanly is shown stopped, holding nothing.
    const qint64 secondPid = second.pid();
    QVERIFY(second.stop());
    const ApiReply workers = client.get(QStringLiteral("/api/v1/admin/workers"), key);
    bool stoppedShown = false;
    for (const QJsonValue item : workers.object().value(QStringLiteral("items")).toArray()) {
        if (item[QStringLiteral("pid")].toInteger() != secondPid)
            continue;
        QVERIFY(!item[QStringLiteral("stopped_at")].isNull());
        QCOMPARE(item[QStringLiteral("stale")].toBool(), false);
        for (const QJsonValue worker : item[QStringLiteral("workers")].toArray())
            QVERIFY(worker[QStringLiteral("job_id")].isNull());
        stoppedShown = true;
    }
    QVERIFY(stoppedShown);
    QVERIFY(first.stop());
}

// A notification to a receiver that never answers holds its worker for the delivery timeout (10 s), far past the
// 2 s lease: the worker is stuck while its daemon still writes heartbeats; killed, the daemon goes stale.
void TestJobTypesWorkers::wedgedWorkerIsStuckAndAKilledDaemonStale()
{
    TWINOPS_FRESH_DATABASE(db);
    TestWebhookReceiver receiver(TestWebhookReceiver::Mode::Silent);
    m_environment.insert(QStringLiteral("TWINOPS_ALERT_WEBHOOK_SECRET"),
                         QStringLiteral("webhook-secret-for-the-workers-test-0123456789"));
    Daemon daemon;
    startDaemon(
        daemon, *db,
        {QStringLiteral("--job-lease"), QStringLiteral("2"), QStringLiteral("--alert-webhook"), receiver.url()});
    const QString key = createAdminKey(*db, m_environment);
    QVERIFY(!key.isEmpty());
    ApiClient client(QUrl(daemon.baseUrl()));
    const ApiReply sent = client.post(QStringLiteral("/api/v1/admin/alerts/test-notification"), QJsonObject(), key);
    QCOMPARE(sent.status, 202);
    const QString testJob
        = sent.object().value(QStringLiteral("items")).toArray().at(0)[QStringLiteral("id")].toString();
    // The notifications' own pool (its lease is 60 s) may take that platform job; a copy inside a tenant is the
    // main pool's (2 s lease) alone.
    const ApiReply tenant = client.post(QStringLiteral("/api/v1/admin/tenants"),
                                        QJsonObject{{QStringLiteral("name"), QStringLiteral("Wedged")}}, key);
    QCOMPARE(tenant.status, 201);
    auto connection = db->connect();
    QVERIFY(connection);
    auto payload = connection->query(QStringLiteral("SELECT payload FROM jobs WHERE id = $1"), {testJob});
    TWINOPS_VERIFY_OK(payload);
    QCOMPARE(payload->size(), 1);
    NewJob copy = platformJob(jobtypes::webhookNotification, 0);
    copy.tenantId = tenant.object().value(QStringLiteral("id")).toString();
    copy.payload = payload->first().jsonObject(0);
    TWINOPS_VERIFY_OK(JobQueue(*connection).enqueue(copy));

    // A main-pool worker holding a notification goes stuck while its instance stays fresh.
    const auto stuckHolder = [](const QJsonObject &instance) {
        for (const QJsonValue worker : instance[QStringLiteral("workers")].toArray())
            if (worker[QStringLiteral("job_type")].toString() == jobtypes::webhookNotification
                && worker[QStringLiteral("stuck")].toBool())
                return worker.toObject();
        return QJsonObject();
    };
    QJsonObject held;
    QVERIFY2(eventually([&] {
                 const QJsonObject instance = instanceOf(key, daemon);
                 held = instance[QStringLiteral("stale")].toBool() ? QJsonObject() : stuckHolder(instance);
                 return !held.isEmpty();
             }),
             qPrintable(client.get(QStringLiteral("/api/v1/admin/workers"), key).body + '\n' + daemon.describe()));
    QVERIFY(held[QStringLiteral("jobs_in_hand")].toInt() >= 1);
    QVERIFY(!held[QStringLiteral("job_started_at")].isNull());

    // Killed with the job in hand: once its lease has passed, another daemon's view shows it stale and stuck.
    const qint64 pid = daemon.pid();
    daemon.kill();
    Daemon observer;
    startDaemon(observer, *db, {QStringLiteral("--workers"), QStringLiteral("0")});
    ApiClient observing(QUrl(observer.baseUrl()));
    QVERIFY(eventually([&] {
        for (const QJsonValue item :
             observing.get(QStringLiteral("/api/v1/admin/workers"), key).object()[QStringLiteral("items")].toArray()) {
            if (item[QStringLiteral("pid")].toInteger() == pid
                && item[QStringLiteral("name")].toString().endsWith(QString::number(pid))
                && item[QStringLiteral("stale")].toBool() && !stuckHolder(item.toObject()).isEmpty())
                return true;
        }
        return false;
    }));
    QVERIFY(observer.stop());
}

// A starting pool deletes the rows of instances not heard of for WorkerRegistry::kGoneRetention, and keeps the others.
void TestJobTypesWorkers::instancesGoneForAWeekArePruned()
{
    TWINOPS_FRESH_DATABASE(db);
    auto connection = db->connectMigrated();
    QVERIFY(connection);
    const auto leftBehind = [&](const QString &name, int daysAgo) {
        WorkerInstance instance;
        instance.id = newId();
        instance.name = name;
        instance.host = QStringLiteral("old-host");
        instance.pid = 1;
        instance.version = QStringLiteral("0.0.1");
        instance.lease = std::chrono::seconds(60);
        const QDateTime then = nowUtc().addDays(-daysAgo);
        instance.startedAt = then;
        instance.workers = {WorkerRecord{0, then, {}, {}, {}, 0}};
        TWINOPS_VERIFY_OK(WorkerRegistry(*connection).record(instance, then));
    };
    leftBehind(QStringLiteral("eight-days-ago"), 8);
    leftBehind(QStringLiteral("six-days-ago"), 6);
    const auto names = [&] {
        QStringList found;
        auto rows = connection->query(QStringLiteral("SELECT name FROM job_instances ORDER BY name"));
        if (rows.ok())
            for (const Row row : *rows)
                found << row.text(0);
        return found;
    };
    QCOMPARE(names().size(), 2);

    Daemon daemon;
    startDaemon(daemon, *db);
    QVERIFY2(eventually([&] { return !names().contains(QStringLiteral("eight-days-ago")) && names().size() == 2; }),
             qPrintable(names().join(u',')));
    QVERIFY(names().contains(QStringLiteral("six-days-ago")));
    QCOMPARE(scalar(*connection,
                    QStringLiteral("SELECT count(*) FROM job_worker_heartbeats WHERE instance_id NOT IN "
                                   "(SELECT id FROM job_instances)")),
             qint64(0));
    QVERIFY(daemon.stop());
}

QTEST_GUILESS_MAIN(TestJobTypesWorkers)
#include "tst_jobtypesworkers.moc"
