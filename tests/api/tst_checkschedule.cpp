// Scheduled checklist runs (issue #15) on real daemons, both backends: the schedule routes validate and store the
// schedule; a daemon runs the automated items (smoke tests left out: no throwaway tenants) every interval and stores
// the runs as started by "schedule"; a failing item (a real 401 spike) fires the "Scheduled check failed" alert,
// which resolves when the schedule is switched off; the trend route shows each item over the runs; two daemons on
// one PostgreSQL start each run once.
#include "apiharness.h"
#include "checks/apiclient.h"
#include "checks/checkschedule.h"
#include "core/jsonio.h"
#include "daemon.h"
#include "testdatabase.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr char kSecret[] = "schedule-test-secret-0123456789-abcdefghij";
constexpr int kTimeoutMs = 60'000;
const QString kScheduledFailedRule = QStringLiteral("00000000-0000-4000-8000-00000000000b"); // shippedAlertRules()

// Polls `read` until `done` holds for what it read or the deadline passes; returns the last value read.
QJsonObject pollUntil(const std::function<QJsonObject()> &read, const std::function<bool(const QJsonObject &)> &done)
{
    QDeadlineTimer deadline(kTimeoutMs);
    QJsonObject value = read();
    while (!done(value) && !deadline.hasExpired()) {
        QTest::qWait(100);
        value = read();
    }
    return value;
}

// The alerts of the "Scheduled check failed" rule in `state`, by their item label.
QStringList scheduledAlertItems(ApiClient &api, const QString &key, const QString &state)
{
    QStringList items;
    const auto reply = api.get(QStringLiteral("/api/v1/admin/alerts?state=") + state, key);
    for (const QJsonValue &alert : reply.object()[QStringLiteral("items")].toArray()) {
        if (alert[QStringLiteral("rule_id")].toString() == kScheduledFailedRule)
            items.append(alert[QStringLiteral("labels")][QStringLiteral("item")].toString());
    }
    items.sort();
    return items;
}

ApiReply putSchedule(ApiClient &api, const QString &key, const QJsonObject &body)
{
    return api.send("PUT", QStringLiteral("/api/v1/admin/checks/schedule"), body, key);
}

QJsonObject trendItem(const QJsonObject &trend, const QString &id)
{
    for (const QJsonValue &item : trend[QStringLiteral("items")].toArray()) {
        if (item[QStringLiteral("id")].toString() == id)
            return item.toObject();
    }
    return {};
}

QStringList statusesOf(const QJsonObject &item)
{
    QStringList statuses;
    for (const QJsonValue &result : item[QStringLiteral("results")].toArray())
        statuses.append(result.isNull() ? QStringLiteral("-") : result[QStringLiteral("status")].toString());
    return statuses;
}

} // namespace

class TestCheckSchedule : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void scheduledChecklistLeavesOutManualAndSmokeItems();
    void scheduleIsValidatedAndStored();
    void scheduledRunsAreStoredAndFailuresAlert();
    void twoInstancesStartEachRunOnce();

private:
    // A daemon whose schedule minute lasts 1 s, evaluating alerts every 200 ms.
    bool serve(Daemon &daemon, QTemporaryDir &home, const TestDatabase &database, const QString &name);
};

void TestCheckSchedule::scheduledChecklistLeavesOutManualAndSmokeItems()
{
    const auto staging = builtInChecklist(QStringLiteral("staging"));
    TWINOPS_VERIFY_OK(staging);
    const Checklist scheduled = scheduledChecklist(*staging);
    QStringList ids;
    for (const ChecklistItem &item : scheduled.items) {
        QVERIFY2(!item.manual(), qPrintable(item.id));
        ids.append(item.checkId);
    }
    QCOMPARE(
        ids,
        (QStringList{QStringLiteral("migrations.applied"), QStringLiteral("environment.settings"),
                     QStringLiteral("health"), QStringLiteral("database.lint"), QStringLiteral("monitoring.error_rate"),
                     QStringLiteral("monitoring.ttft_p95"), QStringLiteral("monitoring.job_success"),
                     QStringLiteral("monitoring.auth_failures"), QStringLiteral("monitoring.database_errors")}));
}

void TestCheckSchedule::scheduleIsValidatedAndStored()
{
    TWINOPS_FRESH_DATABASE(database);
    QTemporaryDir home;
    const QString key = createAdminKey(*database, daemonEnvironment(home.path(), kSecret));
    QVERIFY(key.startsWith(QLatin1String("twk_")));
    Daemon daemon;
    if (!serve(daemon, home, *database, QStringLiteral("serve")))
        return;
    ApiClient api(QUrl(daemon.baseUrl()));
    const QString path = QStringLiteral("/api/v1/admin/checks/schedule");

    const auto initial = api.get(path, key);
    QCOMPARE(initial.status, 200);
    QCOMPARE(initial.object()[QStringLiteral("interval_minutes")].toInt(-1), 0);
    QCOMPARE(initial.object()[QStringLiteral("checklist")].toString(), QStringLiteral("staging"));
    QVERIFY(initial.object()[QStringLiteral("last_run")].isNull());
    QCOMPARE(api.get(path).status, 401);

    const auto problemOf = [&](const QJsonObject &body, const QString &field) {
        const auto reply = putSchedule(api, key, body);
        return reply.status == 422
            ? reply.object()[QStringLiteral("error")][QStringLiteral("details")][field].toString()
            : QStringLiteral("status %1").arg(reply.status);
    };
    QVERIFY(problemOf({}, QStringLiteral("interval_minutes")).contains(QLatin1String("from 0 (off) to 10080")));
    QVERIFY(problemOf({{QStringLiteral("interval_minutes"), -1}}, QStringLiteral("interval_minutes"))
                .contains(QLatin1String("from 0")));
    QVERIFY(problemOf({{QStringLiteral("interval_minutes"), 10081}}, QStringLiteral("interval_minutes"))
                .contains(QLatin1String("to 10080")));
    QCOMPARE(problemOf({{QStringLiteral("interval_minutes"), 1.5}}, QStringLiteral("interval_minutes")),
             QStringLiteral("must be an integer"));
    QCOMPARE(problemOf({{QStringLiteral("interval_minutes"), 5}, {QStringLiteral("checklist"), QStringLiteral("nope")}},
                       QStringLiteral("checklist")),
             QStringLiteral("is not a built-in checklist"));

    // A long interval: stored and shown, and the first run (none before) starts at once.
    const auto set = putSchedule(api, key, QJsonObject{{QStringLiteral("interval_minutes"), 600}});
    QVERIFY2(set.status == 200, qPrintable(set.describe()));
    QCOMPARE(set.object()[QStringLiteral("interval_minutes")].toInt(), 600);
    QVERIFY(set.object()[QStringLiteral("updated_by")].toString().startsWith(QLatin1String("api-key ")));
    const QJsonObject withRun
        = pollUntil([&] { return api.get(path, key).object(); },
                    [](const QJsonObject &schedule) {
                        const QString status
                            = schedule[QStringLiteral("last_run")][QStringLiteral("status")].toString();
                        return !status.isEmpty() && status != QLatin1String("running");
                    });
    QCOMPARE(withRun[QStringLiteral("last_run")][QStringLiteral("started_by")].toString(), QStringLiteral("schedule"));
    QVERIFY2(daemon.stop(), qPrintable(daemon.describe()));
}

void TestCheckSchedule::scheduledRunsAreStoredAndFailuresAlert()
{
    TWINOPS_FRESH_DATABASE(database);
    QTemporaryDir home;
    const QString key = createAdminKey(*database, daemonEnvironment(home.path(), kSecret));
    QVERIFY(key.startsWith(QLatin1String("twk_")));
    Daemon daemon;
    if (!serve(daemon, home, *database, QStringLiteral("serve")))
        return;
    ApiClient api(QUrl(daemon.baseUrl()));
    // A real 401 spike: the runbook's "no 401/403 spike" item reads the daemon's counters since it started.
    for (int i = 0; i < 60; ++i)
        QCOMPARE(api.get(QStringLiteral("/api/v1/admin/checks")).status, 401);
    QCOMPARE(putSchedule(api, key, QJsonObject{{QStringLiteral("interval_minutes"), 1}}).status, 200);

    // Scheduled runs, stored: at least three, the automated items without the smoke tests.
    const auto trend
        = [&] { return api.get(QStringLiteral("/api/v1/admin/checks/trend?scheduled=true"), key).object(); };
    const QJsonObject three
        = pollUntil(trend, [](const QJsonObject &t) { return t[QStringLiteral("runs")].toArray().size() >= 3; });
    const QJsonArray runs = three[QStringLiteral("runs")].toArray();
    QVERIFY2(runs.size() >= 3, qPrintable(QString::fromUtf8(QJsonDocument(three).toJson())));
    for (const QJsonValue &run : runs)
        QCOMPARE(run[QStringLiteral("started_by")].toString(), QStringLiteral("schedule"));
    QVERIFY(runs.first()[QStringLiteral("started_at")].toString()
            < runs.last()[QStringLiteral("started_at")].toString());
    const auto stored
        = api.get(QStringLiteral("/api/v1/admin/checks/runs/") + runs.last()[QStringLiteral("id")].toString(), key);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.object()[QStringLiteral("status")].toString(), QStringLiteral("failed"));
    for (const QJsonValue &item : stored.object()[QStringLiteral("results")].toArray()) {
        QCOMPARE(item[QStringLiteral("kind")].toString(), QStringLiteral("automated"));
        QVERIFY(!item[QStringLiteral("item_id")].toString().startsWith(QLatin1String("smoke-")));
    }

    // The trend: the spike failed every run, health passed every run, the smoke items were not run.
    const QStringList auth = statusesOf(trendItem(three, QStringLiteral("auth-failures")));
    QCOMPARE(auth.size(), runs.size());
    QVERIFY2(auth.count(QStringLiteral("fail")) == auth.size(), qPrintable(auth.join(u',')));
    const QStringList health = statusesOf(trendItem(three, QStringLiteral("health")));
    QVERIFY2(health.count(QStringLiteral("pass")) == health.size(), qPrintable(health.join(u',')));
    const QStringList smoke = statusesOf(trendItem(three, QStringLiteral("smoke-auth")));
    QVERIFY2(smoke.count(QStringLiteral("-")) == smoke.size(), qPrintable(smoke.join(u',')));
    QCOMPARE(api.get(QStringLiteral("/api/v1/admin/checks/trend?limit=2&scheduled=true"), key)
                 .object()[QStringLiteral("runs")]
                 .toArray()
                 .size(),
             2);
    QCOMPARE(api.get(QStringLiteral("/api/v1/admin/checks/trend?limit=0"), key).status, 400);
    QCOMPARE(api.get(QStringLiteral("/api/v1/admin/checks/trend?scheduled=maybe"), key).status, 400);
    QCOMPARE(api.get(QStringLiteral("/api/v1/admin/checks/trend?checklist=nope"), key).status, 400);

    // The failure is an alert of the shipped rule, labelled with its item; nothing else of the run fires.
    QDeadlineTimer deadline(kTimeoutMs);
    while (scheduledAlertItems(api, key, QStringLiteral("firing")).isEmpty() && !deadline.hasExpired())
        QTest::qWait(100);
    QCOMPARE(scheduledAlertItems(api, key, QStringLiteral("firing")), QStringList{QStringLiteral("auth-failures")});

    // No throwaway tenant was signed up by the scheduled runs.
    const auto db = database->connect();
    const auto tenants = db->query(QStringLiteral("SELECT count(*) FROM tenants"));
    TWINOPS_VERIFY_OK(tenants);
    QCOMPARE(tenants->first().integer(0), 0);

    // Off: nobody watches, so the alert resolves (after the damping) and no new run starts.
    QCOMPARE(putSchedule(api, key, QJsonObject{{QStringLiteral("interval_minutes"), 0}}).status, 200);
    deadline.setRemainingTime(kTimeoutMs);
    while (!scheduledAlertItems(api, key, QStringLiteral("firing")).isEmpty() && !deadline.hasExpired())
        QTest::qWait(100);
    QVERIFY(scheduledAlertItems(api, key, QStringLiteral("firing")).isEmpty());
    const auto history = api.get(QStringLiteral("/api/v1/admin/alerts/history?rule_id=") + kScheduledFailedRule, key);
    QStringList states;
    for (const QJsonValue &entry : history.object()[QStringLiteral("items")].toArray())
        states.append(entry[QStringLiteral("state")].toString());
    QVERIFY2(states.contains(QStringLiteral("firing")) && states.contains(QStringLiteral("resolved")),
             qPrintable(states.join(u',')));
    QVERIFY2(daemon.stop(), qPrintable(daemon.describe()));
}

void TestCheckSchedule::twoInstancesStartEachRunOnce()
{
    QFETCH_GLOBAL(Dialect, dialect);
    if (dialect != Dialect::Postgres)
        QSKIP("two instances share a PostgreSQL database");
    TWINOPS_FRESH_DATABASE(database);
    QTemporaryDir home;
    const QString key = createAdminKey(*database, daemonEnvironment(home.path(), kSecret));
    QVERIFY(key.startsWith(QLatin1String("twk_")));
    Daemon first;
    Daemon second;
    if (!serve(first, home, *database, QStringLiteral("first"))
        || !serve(second, home, *database, QStringLiteral("second")))
        return;
    ApiClient api(QUrl(first.baseUrl()));
    QCOMPARE(putSchedule(api, key, QJsonObject{{QStringLiteral("interval_minutes"), 1}}).status, 200);
    // The schedule set through the first is the second's too; every run starts a full interval after the one before.
    ApiClient other(QUrl(second.baseUrl()));
    QCOMPARE(other.get(QStringLiteral("/api/v1/admin/checks/schedule"), key)
                 .object()[QStringLiteral("interval_minutes")]
                 .toInt(),
             1);
    const auto db = database->connect();
    const auto starts = [&] {
        QList<QDateTime> times;
        const auto rows
            = db->query(QStringLiteral("SELECT started_at FROM checklist_runs WHERE started_by = 'schedule' "
                                       "ORDER BY started_at"));
        if (rows.ok()) {
            for (const Row row : *rows)
                times.append(row.time(0));
        }
        return times;
    };
    QDeadlineTimer deadline(kTimeoutMs);
    while (starts().size() < 5 && !deadline.hasExpired())
        QTest::qWait(100);
    const QList<QDateTime> times = starts();
    QVERIFY(times.size() >= 5);
    for (qsizetype i = 1; i < times.size(); ++i)
        QVERIFY2(times.at(i - 1).msecsTo(times.at(i)) >= 1000,
                 qPrintable(QStringLiteral("runs %1 and %2 started %3 ms apart")
                                .arg(i - 1)
                                .arg(i)
                                .arg(times.at(i - 1).msecsTo(times.at(i)))));
    QVERIFY2(first.stop(), qPrintable(first.describe()));
    QVERIFY2(second.stop(), qPrintable(second.describe()));
}

bool TestCheckSchedule::serve(Daemon &daemon, QTemporaryDir &home, const TestDatabase &database, const QString &name)
{
    QProcessEnvironment environment = daemonEnvironment(home.path(), kSecret);
    environment.insert(QStringLiteral("TWINOPS_CHECK_SCHEDULE_UNIT_MS"), QStringLiteral("1000"));
    environment.insert(QStringLiteral("TWINOPS_ALERT_INTERVAL_MS"), QStringLiteral("200"));
    environment.insert(QStringLiteral("TWINOPS_ALERT_KEEP_FIRING_MS"), QStringLiteral("500"));
    if (!daemon.serve(databaseArgument(database), environment, home.filePath(name + QStringLiteral(".log")))) {
        QTest::qFail(qPrintable(QStringLiteral("twinopsd did not start: ") + daemon.describe()), __FILE__, __LINE__);
        return false;
    }
    return true;
}

QTEST_GUILESS_MAIN(TestCheckSchedule)
#include "tst_checkschedule.moc"
