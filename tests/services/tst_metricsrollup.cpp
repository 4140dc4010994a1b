// Metric rollups: the per-minute increase of counters and histograms and the last value of gauges land in
// metric_rollups, a minute is rewritten by later runs within it, the next minute starts where it ended, and the
// core's writer (on its own thread, at an injected interval) feeds the history route, and rows past the retention
// are deleted.
#include "admin/inprocessadminapi.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricsrollup.h"
#include "servicecore.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

class TestMetricsRollup final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void rollupStoresPerMinuteIncreases();
    void coreWriterFeedsTheHistoryRoute();
    void historyRouteRejectsBadTimes();
    void pruneDeletesOnlyOlderRows();
    void writerPrunesPastTheRetention();
};

namespace {

const QDateTime kMinute = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

QJsonObject only(const QJsonArray &points, const QDateTime &minute)
{
    QJsonArray matching;
    for (const QJsonValue &point : points)
        if (QDateTime::fromString(point.toObject().value(QStringLiteral("minute_at")).toString(), Qt::ISODate)
            == minute)
            matching.append(point);
    if (matching.size() != 1)
        qWarning("%lld rows at %s", qlonglong(matching.size()), qPrintable(minute.toString(Qt::ISODate)));
    return matching.size() == 1 ? matching.first().toObject() : QJsonObject();
}

// A core on the test's database whose rollup writer runs every `interval` (0: never); null, with a warning, when it
// does not start.
std::unique_ptr<ServiceCore> startCore(const TestDatabase &database, std::chrono::milliseconds interval)
{
    CoreOptions options{database.url()};
    options.passwordCost = PasswordHasher::Cost::Minimal;
    options.metricsRollupInterval = interval;
    auto started = ServiceCore::start(std::move(options));
    if (!started.ok()) {
        qWarning("the core did not start: %s", qPrintable(started.error().message));
        return nullptr;
    }
    return std::move(started).value();
}

// One row of `name` at `minute`, as the writer of `instance` would leave it.
bool insertRow(Database &db, const QDateTime &minute, const QString &name,
               const QString &instance = QStringLiteral("a"))
{
    return db
        .query(QStringLiteral("INSERT INTO metric_rollups (minute_at, instance, name, labels, count, sum) "
                              "VALUES ($1, $2, $3, '', 1, 1)"),
               {minute, instance, name})
        .ok();
}

qint64 rowCount(Database &db, const QString &name)
{
    auto rows = db.query(QStringLiteral("SELECT count(*) FROM metric_rollups WHERE name = $1"), {name});
    return rows.ok() ? rows->first().integer(0) : -1;
}

} // namespace

void TestMetricsRollup::rollupStoresPerMinuteIncreases()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    MetricsRegistry registry;
    Counter &hits = registry.counter(QStringLiteral("twinops_test_hits_total"), QStringLiteral("hits"),
                                     {{QStringLiteral("route"), QStringLiteral("/x")}});
    Counter &idle = registry.counter(QStringLiteral("twinops_test_idle_total"), QStringLiteral("never moves"));
    Histogram &latency
        = registry.histogram(QStringLiteral("twinops_test_seconds"), QStringLiteral("latency"), {}, {0.25, 0.5, 1});
    Gauge &depth = registry.gauge(QStringLiteral("twinops_test_depth"), QStringLiteral("depth"));
    Q_UNUSED(idle);

    hits.add(3);
    latency.observe(0.1);
    latency.observe(0.3);
    latency.observe(7);
    depth.set(7);
    MetricsRollup rollup(registry, QStringLiteral("test:1"));
    TWINOPS_VERIFY_OK(rollup.run(*db, kMinute.addSecs(30)));
    // A later run in the same minute rewrites its rows with everything since the minute began.
    hits.add(2);
    depth.set(4);
    TWINOPS_VERIFY_OK(rollup.run(*db, kMinute.addSecs(50)));
    // The next minute starts where the previous one's last run ended.
    hits.add(4);
    depth.set(9);
    TWINOPS_VERIFY_OK(rollup.run(*db, kMinute.addSecs(70)));

    const QDateTime from = kMinute.addSecs(-60);
    const QDateTime to = kMinute.addSecs(600);
    auto counter = readMetricHistory(*db, QStringLiteral("twinops_test_hits_total"), from, to);
    TWINOPS_VERIFY_OK(counter);
    QCOMPARE(counter->size(), 2);
    const QJsonObject first = only(*counter, kMinute);
    QCOMPARE(first.value(QStringLiteral("count")).toInteger(), 5);
    QCOMPARE(first.value(QStringLiteral("instance")).toString(), QStringLiteral("test:1"));
    QCOMPARE(first.value(QStringLiteral("labels")).toObject(),
             (QJsonObject{{QStringLiteral("route"), QStringLiteral("/x")}}));
    QVERIFY(first.value(QStringLiteral("buckets")).isNull());
    QCOMPARE(only(*counter, kMinute.addSecs(60)).value(QStringLiteral("count")).toInteger(), 4);

    auto quiet = readMetricHistory(*db, QStringLiteral("twinops_test_idle_total"), from, to);
    TWINOPS_VERIFY_OK(quiet);
    QVERIFY2(quiet->isEmpty(), "a counter that did not move gets no row");

    auto histogram = readMetricHistory(*db, QStringLiteral("twinops_test_seconds"), from, to);
    TWINOPS_VERIFY_OK(histogram);
    QCOMPARE(histogram->size(), 1); // nothing observed in the second minute
    const QJsonObject observed = only(*histogram, kMinute);
    QCOMPARE(observed.value(QStringLiteral("count")).toInteger(), 3);
    QVERIFY(qAbs(observed.value(QStringLiteral("sum")).toDouble() - 7.4) < 1e-9);
    QVERIFY(observed.value(QStringLiteral("labels")).toObject().isEmpty());
    const QJsonArray buckets = observed.value(QStringLiteral("buckets")).toArray();
    QCOMPARE(buckets.size(), 4);
    QCOMPARE(buckets.at(0).toObject().value(QStringLiteral("le")).toString(), QStringLiteral("0.25"));
    QCOMPARE(buckets.at(0).toObject().value(QStringLiteral("count")).toInteger(), 1);
    QCOMPARE(buckets.at(1).toObject().value(QStringLiteral("count")).toInteger(), 2);
    QCOMPARE(buckets.at(3).toObject().value(QStringLiteral("le")).toString(), QStringLiteral("+Inf"));
    QCOMPARE(buckets.at(3).toObject().value(QStringLiteral("count")).toInteger(), 3);

    auto gauge = readMetricHistory(*db, QStringLiteral("twinops_test_depth"), from, to);
    TWINOPS_VERIFY_OK(gauge);
    QCOMPARE(gauge->size(), 2);
    const QJsonObject firstGauge = only(*gauge, kMinute);
    QCOMPARE(firstGauge.value(QStringLiteral("sum")).toDouble(), 4.0); // the last value read in the minute
    QCOMPARE(firstGauge.value(QStringLiteral("min")).toDouble(), 4.0);
    QCOMPARE(firstGauge.value(QStringLiteral("max")).toDouble(), 7.0);
    QCOMPARE(firstGauge.value(QStringLiteral("count")).toInteger(), 2);
    QCOMPARE(only(*gauge, kMinute.addSecs(60)).value(QStringLiteral("sum")).toDouble(), 9.0);

    // Outside the range: nothing.
    auto earlier = readMetricHistory(*db, QStringLiteral("twinops_test_hits_total"), from, kMinute.addSecs(-1));
    TWINOPS_VERIFY_OK(earlier);
    QVERIFY(earlier->isEmpty());
}

void TestMetricsRollup::coreWriterFeedsTheHistoryRoute()
{
    TWINOPS_FRESH_DATABASE(database);
    const std::unique_ptr<ServiceCore> core = startCore(*database, std::chrono::milliseconds(50));
    QVERIFY(core);
    core->metrics().counter(QStringLiteral("twinops_test_hits_total"), QStringLiteral("hits")).add(6);

    InProcessAdminApi api(*core);
    // Several runs may fall into two minutes; the minutes' increases add up to what was recorded.
    qint64 total = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const AdminReply reply
                = api.call("GET", QStringLiteral("/api/v1/admin/metrics/history?name=twinops_test_hits_total"), {});
            if (reply.status != 200)
                return false;
            total = 0;
            const QJsonArray points = reply.body.value(QStringLiteral("points")).toArray();
            for (const QJsonValue &point : points) {
                if (point.toObject().value(QStringLiteral("name")).toString()
                    != QLatin1String("twinops_test_hits_total"))
                    return false;
                total += point.toObject().value(QStringLiteral("count")).toInteger();
            }
            return total == 6;
        }(),
        10'000);

    // Without a name, every family of the range (the requests of this very test are not HTTP traffic).
    const AdminReply all = api.call("GET", QStringLiteral("/api/v1/admin/metrics/history"), {});
    QCOMPARE(all.status, 200);
    QVERIFY(!all.body.value(QStringLiteral("points")).toArray().isEmpty());
}

void TestMetricsRollup::historyRouteRejectsBadTimes()
{
    TWINOPS_FRESH_DATABASE(database);
    const std::unique_ptr<ServiceCore> core = startCore(*database, std::chrono::milliseconds(0));
    QVERIFY(core);
    InProcessAdminApi api(*core);
    QCOMPARE(api.call("GET", QStringLiteral("/api/v1/admin/metrics/history?from=yesterday"), {}).status, 422);
    QCOMPARE(api.call("GET",
                      QStringLiteral("/api/v1/admin/metrics/history?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z"),
                      {})
                 .status,
             422);
    const AdminReply empty = api.call(
        "GET",
        QStringLiteral(
            "/api/v1/admin/metrics/history?name=twinops_none_total&from=2026-03-01T00:00:00Z&to=2026-03-01T01:00:00Z"),
        {});
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.body.value(QStringLiteral("points")).toArray().size(), 0);
}

void TestMetricsRollup::pruneDeletesOnlyOlderRows()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    // Three days and a half of minutes every 30 minutes, from two instances: more than one day per statement.
    const QDateTime start = kMinute.addDays(-3);
    int inserted = 0;
    for (QDateTime minute = start; minute <= kMinute.addSecs(12 * 3600); minute = minute.addSecs(1800)) {
        QVERIFY(insertRow(*db, minute, QStringLiteral("old_and_new"), QStringLiteral("a")));
        QVERIFY(insertRow(*db, minute, QStringLiteral("old_and_new"), QStringLiteral("b")));
        inserted += 2;
    }
    QCOMPARE(rowCount(*db, QStringLiteral("old_and_new")), inserted);

    // Before kMinute: 3 days x 48 half hours x 2 instances; kMinute itself and later stay.
    const auto removed = pruneMetricHistory(*db, kMinute);
    TWINOPS_VERIFY_OK(removed);
    QCOMPARE(*removed, qint64(3 * 48 * 2));
    QCOMPARE(rowCount(*db, QStringLiteral("old_and_new")), inserted - 3 * 48 * 2);
    auto oldest = db->query(QStringLiteral("SELECT min(minute_at) FROM metric_rollups"));
    TWINOPS_VERIFY_OK(oldest);
    QCOMPARE(oldest->first().time(0), kMinute);

    // Nothing older left: a second prune deletes nothing, as does one on an empty range.
    QCOMPARE(*pruneMetricHistory(*db, kMinute), qint64(0));
    QCOMPARE(*pruneMetricHistory(*db, start), qint64(0));
}

void TestMetricsRollup::writerPrunesPastTheRetention()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(insertRow(*db, MetricsRollup::minuteOf(now.addDays(-3)), QStringLiteral("expired")));
    QVERIFY(insertRow(*db, MetricsRollup::minuteOf(now.addSecs(-3600)), QStringLiteral("kept")));

    MetricsRegistry metrics;
    {
        // A retention of two days: the first run prunes.
        MetricsRollupWriter writer(database->url(), metrics, QStringLiteral("test"), std::chrono::milliseconds(20), {},
                                   std::chrono::hours(48));
        QTRY_VERIFY_WITH_TIMEOUT(writer.runs() >= 1, 10'000);
    }
    QCOMPARE(rowCount(*db, QStringLiteral("expired")), 0);
    QCOMPARE(rowCount(*db, QStringLiteral("kept")), 1);

    // Zero keeps everything.
    QVERIFY(insertRow(*db, MetricsRollup::minuteOf(now.addDays(-400)), QStringLiteral("ancient")));
    {
        MetricsRollupWriter writer(database->url(), metrics, QStringLiteral("test"), std::chrono::milliseconds(20), {},
                                   std::chrono::hours(0));
        QTRY_VERIFY_WITH_TIMEOUT(writer.runs() >= 1, 10'000);
    }
    QCOMPARE(rowCount(*db, QStringLiteral("ancient")), 1);
}

QTEST_GUILESS_MAIN(TestMetricsRollup)
#include "tst_metricsrollup.moc"
