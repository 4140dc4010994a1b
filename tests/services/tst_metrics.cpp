// Metrics: bucket placement, quantiles, snapshot deltas, exact counts under concurrency, the registry's identity
// rules, and the exact Prometheus text and JSON it renders.
#include "metrics/counter.h"
#include "metrics/histogram.h"
#include "metrics/metricsregistry.h"

#include <QJsonArray>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>

using namespace twinops;

class TestMetrics final : public QObject
{
    Q_OBJECT
private slots:
    void valueOnABoundGoesIntoThatBucket_data();
    void valueOnABoundGoesIntoThatBucket();
    void nanGoesToInfAndBoundsAreSanitized();
    void quantileInterpolatesInsideTheBucket_data();
    void quantileInterpolatesInsideTheBucket();
    void quantileEdgeCases();
    void deltaIsTheWindowBetweenSnapshots();
    void latencyBucketsAreAscendingAndCoverTheRunbook();

    void concurrentRecordingIsExact();
    void concurrentRegistrationYieldsOneSeries();

    void sameNameAndLabelsReturnSameObject();
    void labelValuesAndHelpAreEscaped();
    void numbersAreFormattedForPrometheus_data();
    void numbersAreFormattedForPrometheus();
    void prometheusTextGolden();
    void gaugeCallbackIsReadAtScrapeAndCanBeReplaced();
    void snapshotJsonShape();
    void emptyRegistryRendersNothing();
};

namespace {

const std::vector<double> kQuarterBounds{0.25, 0.5, 1};

// The single series a test registered under `name`, as rendered in the text format.
QByteArray sampleLines(const QByteArray &text, const QByteArray &name)
{
    QByteArray result;
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith(name))
            result += line + '\n';
    return result;
}

} // namespace

void TestMetrics::valueOnABoundGoesIntoThatBucket_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("bucket");
    QTest::newRow("negative") << -1.0 << 0;
    QTest::newRow("zero") << 0.0 << 0;
    QTest::newRow("below first") << 0.125 << 0;
    QTest::newRow("on first") << 0.25 << 0;
    QTest::newRow("just above first") << std::nextafter(0.25, 1.0) << 1;
    QTest::newRow("on second") << 0.5 << 1;
    QTest::newRow("between") << 0.75 << 2;
    QTest::newRow("on last") << 1.0 << 2;
    QTest::newRow("just above last") << std::nextafter(1.0, 2.0) << 3;
    QTest::newRow("far above") << 1e9 << 3;
    QTest::newRow("+inf") << std::numeric_limits<double>::infinity() << 3;
}

void TestMetrics::valueOnABoundGoesIntoThatBucket()
{
    QFETCH(double, value);
    QFETCH(int, bucket);
    Histogram histogram(kQuarterBounds);
    histogram.observe(value);
    const Histogram::Snapshot snapshot = histogram.snapshot();
    QCOMPARE(snapshot.counts.size(), size_t(4));
    for (int i = 0; i < 4; ++i)
        QCOMPARE(snapshot.counts[size_t(i)], quint64(i == bucket ? 1 : 0));
    QCOMPARE(snapshot.count, quint64(1));
    QCOMPARE(snapshot.sum, value);
    QCOMPARE(snapshot.bounds, kQuarterBounds);
}

void TestMetrics::nanGoesToInfAndBoundsAreSanitized()
{
    Histogram histogram(kQuarterBounds);
    histogram.observe(std::numeric_limits<double>::quiet_NaN());
    const Histogram::Snapshot snapshot = histogram.snapshot();
    QCOMPARE(snapshot.counts.back(), quint64(1));
    QCOMPARE(snapshot.count, quint64(1));
    QVERIFY(std::isnan(snapshot.sum));

    Histogram noBounds({});
    noBounds.observe(3);
    QCOMPARE(noBounds.snapshot().counts, std::vector<quint64>({1}));
    QCOMPARE(Histogram::quantile(noBounds.snapshot(), 0.5), 0.0);
}

void TestMetrics::quantileInterpolatesInsideTheBucket_data()
{
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expected");
    // 100 observations, bounds 1, 2, 4, 8: 50 in (0,1], 30 in (1,2], 15 in (2,4], 5 in (4,8].
    QTest::newRow("p0") << 0.0 << 0.0;
    QTest::newRow("p25") << 0.25 << 0.5;
    QTest::newRow("p50") << 0.5 << 1.0;
    QTest::newRow("p65") << 0.65 << 1.5;
    QTest::newRow("p80") << 0.8 << 2.0;
    QTest::newRow("p90") << 0.9 << 2.0 + 2.0 * 10.0 / 15.0;
    QTest::newRow("p95") << 0.95 << 4.0;
    QTest::newRow("p99") << 0.99 << 7.2;
    QTest::newRow("p100") << 1.0 << 8.0;
    QTest::newRow("q above 1 is clamped") << 1.5 << 8.0;
}

void TestMetrics::quantileInterpolatesInsideTheBucket()
{
    QFETCH(double, q);
    QFETCH(double, expected);
    Histogram histogram({1, 2, 4, 8});
    for (int i = 0; i < 50; ++i)
        histogram.observe(0.5);
    for (int i = 0; i < 30; ++i)
        histogram.observe(1.5);
    for (int i = 0; i < 15; ++i)
        histogram.observe(3);
    for (int i = 0; i < 5; ++i)
        histogram.observe(6);
    QCOMPARE(Histogram::quantile(histogram.snapshot(), q), expected);
}

void TestMetrics::quantileEdgeCases()
{
    Histogram histogram({1, 2, 4});
    QCOMPARE(Histogram::quantile(histogram.snapshot(), 0.95), 0.0);

    // Everything above the last bound: the highest finite bound is the best answer the buckets allow.
    histogram.observe(100);
    QCOMPARE(Histogram::quantile(histogram.snapshot(), 0.5), 4.0);

    // q = 0 starts at the first non-empty bucket's lower edge, never 0/0.
    Histogram later({1, 2, 4});
    later.observe(3);
    QCOMPARE(Histogram::quantile(later.snapshot(), 0.0), 2.0);
    QCOMPARE(Histogram::quantile(later.snapshot(), 0.5), 3.0);

    // A non-positive first bound is returned as is, as Prometheus does.
    Histogram negative({-1, 0, 1});
    negative.observe(-5);
    QCOMPARE(Histogram::quantile(negative.snapshot(), 0.5), -1.0);
}

void TestMetrics::deltaIsTheWindowBetweenSnapshots()
{
    Histogram histogram({1, 2, 4, 8});
    for (int i = 0; i < 100; ++i)
        histogram.observe(0.5);
    const Histogram::Snapshot earlier = histogram.snapshot();
    for (int i = 0; i < 10; ++i)
        histogram.observe(6);
    histogram.observe(3);
    const Histogram::Snapshot later = histogram.snapshot();

    const Histogram::Snapshot window = Histogram::delta(later, earlier);
    QCOMPARE(window.bounds, later.bounds);
    QCOMPARE(window.counts, std::vector<quint64>({0, 0, 1, 10, 0}));
    QCOMPARE(window.count, quint64(11));
    QCOMPARE(window.sum, 63.0);
    // Over the whole life the median is in the first bucket; over the window it is in (4, 8].
    QVERIFY(Histogram::quantile(later, 0.5) <= 1.0);
    QCOMPARE(Histogram::quantile(window, 0.5), 4.0 + 4.0 * (5.5 - 1.0) / 10.0);

    const Histogram::Snapshot nothing = Histogram::delta(later, later);
    QCOMPARE(nothing.count, quint64(0));
    QCOMPARE(nothing.sum, 0.0);
    QCOMPARE(Histogram::quantile(nothing, 0.95), 0.0);
}

void TestMetrics::latencyBucketsAreAscendingAndCoverTheRunbook()
{
    const std::vector<double> bounds = Histogram::latencyBucketsSeconds();
    QCOMPARE(bounds.front(), 0.0005);
    QCOMPARE(bounds.back(), 30.0);
    QVERIFY(std::adjacent_find(bounds.begin(), bounds.end(), std::greater_equal<double>()) == bounds.end());
    QVERIFY(std::find(bounds.begin(), bounds.end(), 3.0) != bounds.end());
}

void TestMetrics::concurrentRecordingIsExact()
{
    constexpr int kThreads = 4;
    constexpr int kPerThread = 100'000;
    MetricsRegistry registry;
    Histogram &histogram = registry.histogram(QStringLiteral("twinops_test_duration_seconds"), QStringLiteral("h"), {},
                                              {0.25, 0.5, 0.75, 1});
    Counter &counter = registry.counter(QStringLiteral("twinops_test_events_total"), QStringLiteral("c"));
    Gauge &gauge = registry.gauge(QStringLiteral("twinops_test_level"), QStringLiteral("g"));

    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kPerThread; ++i) {
                // Multiples of 0.25 add up exactly in any order.
                histogram.observe(0.25 * (i % 4 + 1));
                counter.inc();
                gauge.add(i % 2 == 0 ? 1.0 : -0.5);
            }
        });
    }
    // A scrape in the middle must not disturb the recording.
    QVERIFY(!registry.prometheusText().isEmpty());
    for (std::thread &thread : threads)
        thread.join();

    const Histogram::Snapshot snapshot = histogram.snapshot();
    QCOMPARE(snapshot.count, quint64(kThreads * kPerThread));
    QCOMPARE(snapshot.counts, std::vector<quint64>({100'000, 100'000, 100'000, 100'000, 0}));
    QCOMPARE(snapshot.sum, 250'000.0);
    QCOMPARE(counter.value(), quint64(kThreads * kPerThread));
    QCOMPARE(gauge.value(), 100'000.0);
}

void TestMetrics::concurrentRegistrationYieldsOneSeries()
{
    MetricsRegistry registry;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&registry] {
            for (int i = 0; i < 2000; ++i)
                registry
                    .counter(QStringLiteral("twinops_test_requests_total"), QStringLiteral("c"),
                             {{QStringLiteral("route"), QString::number(i % 8)}})
                    .inc();
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    for (int route = 0; route < 8; ++route)
        QCOMPARE(registry
                     .counter(QStringLiteral("twinops_test_requests_total"), QStringLiteral("c"),
                              {{QStringLiteral("route"), QString::number(route)}})
                     .value(),
                 quint64(1000));
    const QJsonObject json = registry.snapshotJson();
    QCOMPARE(json.value(QStringLiteral("twinops_test_requests_total"))[QStringLiteral("series")].toArray().size(), 8);
}

void TestMetrics::sameNameAndLabelsReturnSameObject()
{
    MetricsRegistry registry;
    const QString name = QStringLiteral("twinops_http_requests_total");
    const QString help = QStringLiteral("HTTP requests.");
    const auto route = std::pair(QStringLiteral("route"), QStringLiteral("/a"));
    const auto status = std::pair(QStringLiteral("status"), QStringLiteral("200"));

    Counter &first = registry.counter(name, help, {route, status});
    QCOMPARE(&registry.counter(name, help, {route, status}), &first);
    // Label order at the call site does not matter; the family's order is used.
    QCOMPARE(&registry.counter(name, help, {status, route}), &first);
    Counter &other = registry.counter(name, help, {route, {QStringLiteral("status"), QStringLiteral("500")}});
    QVERIFY(&other != &first);

    Gauge &gauge = registry.gauge(QStringLiteral("twinops_jobs_running"), help);
    QCOMPARE(&registry.gauge(QStringLiteral("twinops_jobs_running"), help), &gauge);

    Histogram &histogram = registry.histogram(QStringLiteral("twinops_ttft_seconds"), help, {route});
    QCOMPARE(&registry.histogram(QStringLiteral("twinops_ttft_seconds"), help, {route}), &histogram);
    QCOMPARE(histogram.bounds(), Histogram::latencyBucketsSeconds());

    // Addresses survive many later registrations.
    for (int i = 0; i < 1000; ++i)
        registry.counter(name, help, {route, {QStringLiteral("status"), QString::number(i)}});
    first.inc();
    QCOMPARE(registry.counter(name, help, {route, status}).value(), quint64(1));
}

void TestMetrics::labelValuesAndHelpAreEscaped()
{
    MetricsRegistry registry;
    registry
        .counter(QStringLiteral("twinops_test_total"), QStringLiteral("Help with \\ and \"quotes\"\nand a newline."),
                 {{QStringLiteral("path"), QStringLiteral("C:\\dir\\\"x\"\nnext ü")}})
        .inc();
    const QByteArray text = registry.prometheusText();
    QCOMPARE(text,
             QByteArray("# HELP twinops_test_total Help with \\\\ and \"quotes\"\\nand a newline.\n"
                        "# TYPE twinops_test_total counter\n"
                        "twinops_test_total{path=\"C:\\\\dir\\\\\\\"x\\\"\\nnext \xc3\xbc\"} 1\n"));
}

void TestMetrics::numbersAreFormattedForPrometheus_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("negative zero") << -0.0 << QByteArray("0");
    QTest::newRow("integer") << 42.0 << QByteArray("42");
    QTest::newRow("negative integer") << -7.0 << QByteArray("-7");
    QTest::newRow("large integer") << 123456789012345.0 << QByteArray("123456789012345");
    QTest::newRow("huge") << 1e20 << QByteArray("1e+20");
    QTest::newRow("fraction") << 0.1 << QByteArray("0.1");
    QTest::newRow("smallest bucket") << 0.0005 << QByteArray("0.0005");
    QTest::newRow("tiny") << 1e-7 << QByteArray("1e-07");
    QTest::newRow("third") << 1.0 / 3.0 << QByteArray("0.3333333333333333");
    QTest::newRow("negative fraction") << -2.5 << QByteArray("-2.5");
    QTest::newRow("+inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
}

void TestMetrics::numbersAreFormattedForPrometheus()
{
    QFETCH(double, value);
    QFETCH(QByteArray, expected);
    MetricsRegistry registry;
    registry.gauge(QStringLiteral("twinops_test_value"), QStringLiteral("v")).set(value);
    QCOMPARE(sampleLines(registry.prometheusText(), "twinops_test_value "),
             QByteArray("twinops_test_value " + expected + '\n'));
    // Whatever we print reads back as the same double.
    if (std::isfinite(value))
        QCOMPARE(expected.toDouble(), value);
}

void TestMetrics::prometheusTextGolden()
{
    MetricsRegistry registry;
    // Registered out of order: the output is sorted by family name, then by label values.
    registry.gaugeCallback(QStringLiteral("twinops_uptime_seconds"),
                           QStringLiteral("Seconds since the process started."), {}, [] { return 12.5; });
    Counter &twins = registry.counter(QStringLiteral("twinops_http_requests_total"),
                                      QStringLiteral("HTTP requests by route and status."),
                                      {{QStringLiteral("route"), QStringLiteral("/api/v1/twins")},
                                       {QStringLiteral("status"), QStringLiteral("200")}});
    Counter &login = registry.counter(QStringLiteral("twinops_http_requests_total"),
                                      QStringLiteral("HTTP requests by route and status."),
                                      {{QStringLiteral("status"), QStringLiteral("401")},
                                       {QStringLiteral("route"), QStringLiteral("/api/v1/auth/login")}});
    Gauge &running = registry.gauge(QStringLiteral("twinops_jobs_running"), QStringLiteral("Jobs being processed."));
    Histogram &duration = registry.histogram(
        QStringLiteral("twinops_http_request_duration_seconds"), QStringLiteral("Time from request to response."),
        {{QStringLiteral("route"), QStringLiteral("/api/v1/twins")}}, {0.1, 0.5, 1});
    registry.histogram(QStringLiteral("twinops_http_request_duration_seconds"),
                       QStringLiteral("Time from request to response."),
                       {{QStringLiteral("route"), QStringLiteral("/api/v1/auth/login")}}, {0.1, 0.5, 1});
    twins.add(3);
    login.inc();
    running.set(2);
    duration.observe(0.25);
    duration.observe(0.5);
    duration.observe(2);

    const QByteArray expected
        = "# HELP twinops_http_request_duration_seconds Time from request to response.\n"
          "# TYPE twinops_http_request_duration_seconds histogram\n"
          "twinops_http_request_duration_seconds_bucket{route=\"/api/v1/auth/login\",le=\"0.1\"} 0\n"
          "twinops_http_request_duration_seconds_bucket{route=\"/api/v1/auth/login\",le=\"0.5\"} 0\n"
          "twinops_http_request_duration_seconds_bucket{route=\"/api/v1/auth/login\",le=\"1\"} 0\n"
          "twinops_http_request_duration_seconds_bucket{route=\"/api/v1/auth/login\",le=\"+Inf\"} 0\n"
          "twinops_http_request_duration_seconds_sum{route=\"/api/v1/auth/login\"} 0\n"
          "twinops_http_request_duration_seconds_count{route=\"/api/v1/auth/login\"} 0\n"
          "twinops_http_request_duration_seconds_bucket{route=\"/api/v1/twins\",le=\"0.1\"} 0\n"
          "twinops_http_request_duration_seconds_bucket{route=\"/api/v1/twins\",le=\"0.5\"} 2\n"
          "twinops_http_request_duration_seconds_bucket{route=\"/api/v1/twins\",le=\"1\"} 2\n"
          "twinops_http_request_duration_seconds_bucket{route=\"/api/v1/twins\",le=\"+Inf\"} 3\n"
          "twinops_http_request_duration_seconds_sum{route=\"/api/v1/twins\"} 2.75\n"
          "twinops_http_request_duration_seconds_count{route=\"/api/v1/twins\"} 3\n"
          "# HELP twinops_http_requests_total HTTP requests by route and status.\n"
          "# TYPE twinops_http_requests_total counter\n"
          "twinops_http_requests_total{route=\"/api/v1/auth/login\",status=\"401\"} 1\n"
          "twinops_http_requests_total{route=\"/api/v1/twins\",status=\"200\"} 3\n"
          "# HELP twinops_jobs_running Jobs being processed.\n"
          "# TYPE twinops_jobs_running gauge\n"
          "twinops_jobs_running 2\n"
          "# HELP twinops_uptime_seconds Seconds since the process started.\n"
          "# TYPE twinops_uptime_seconds gauge\n"
          "twinops_uptime_seconds 12.5\n";
    QCOMPARE(registry.prometheusText(), expected);
    QCOMPARE(QByteArray(MetricsRegistry::kPrometheusContentType),
             QByteArray("text/plain; version=0.0.4; charset=utf-8"));
}

void TestMetrics::gaugeCallbackIsReadAtScrapeAndCanBeReplaced()
{
    MetricsRegistry registry;
    std::atomic<int> depth{3};
    const MetricsRegistry::Labels labels{{QStringLiteral("queue"), QStringLiteral("ingest")}};
    registry.gaugeCallback(QStringLiteral("twinops_jobs_queued"), QStringLiteral("Jobs waiting."), labels,
                           [&depth] { return double(depth.load()); });
    const QByteArray line = "twinops_jobs_queued{queue=\"ingest\"} ";
    QCOMPARE(sampleLines(registry.prometheusText(), line), QByteArray(line + "3\n"));
    depth = 9;
    QCOMPARE(sampleLines(registry.prometheusText(), line), QByteArray(line + "9\n"));

    // Replacing it takes effect at the next scrape. The callback may itself register and record (it runs
    // without the registry's lock, so this would deadlock otherwise).
    registry.gaugeCallback(QStringLiteral("twinops_jobs_queued"), QStringLiteral("Jobs waiting."), labels, [&registry] {
        Counter &scrapes = registry.counter(QStringLiteral("twinops_test_scrapes_total"), QStringLiteral("Scrapes."));
        scrapes.inc();
        return double(scrapes.value());
    });
    QCOMPARE(sampleLines(registry.prometheusText(), line), QByteArray(line + "1\n"));
    QCOMPARE(sampleLines(registry.prometheusText(), "twinops_test_scrapes_total"),
             QByteArray("twinops_test_scrapes_total 2\n")); // the callback's family sorts first
    QCOMPARE(sampleLines(registry.prometheusText(), line), QByteArray(line + "3\n"));
}

void TestMetrics::snapshotJsonShape()
{
    MetricsRegistry registry;
    registry
        .counter(QStringLiteral("twinops_jobs_total"), QStringLiteral("Jobs finished."),
                 {{QStringLiteral("outcome"), QStringLiteral("succeeded")}})
        .add(5);
    registry.gauge(QStringLiteral("twinops_jobs_running"), QStringLiteral("Jobs being processed.")).set(1.5);
    registry.gaugeCallback(QStringLiteral("twinops_db_up"), QStringLiteral("Database reachable."), {},
                           [] { return std::numeric_limits<double>::quiet_NaN(); });
    Histogram &ttft = registry.histogram(QStringLiteral("twinops_ttft_seconds"), QStringLiteral("Time to first token."),
                                         {}, {1, 2, 4});
    for (double value : {0.5, 0.5, 1.5, 3.0})
        ttft.observe(value);

    const QJsonObject json = registry.snapshotJson();
    QCOMPARE(json.keys(),
             QStringList({QStringLiteral("twinops_db_up"), QStringLiteral("twinops_jobs_running"),
                          QStringLiteral("twinops_jobs_total"), QStringLiteral("twinops_ttft_seconds")}));

    const QJsonObject jobs = json.value(QStringLiteral("twinops_jobs_total")).toObject();
    QCOMPARE(jobs.value(QStringLiteral("type")).toString(), QStringLiteral("counter"));
    QCOMPARE(jobs.value(QStringLiteral("help")).toString(), QStringLiteral("Jobs finished."));
    const QJsonObject jobSeries = jobs.value(QStringLiteral("series")).toArray().at(0).toObject();
    QCOMPARE(jobSeries.value(QStringLiteral("labels")).toObject(),
             QJsonObject({{QStringLiteral("outcome"), QStringLiteral("succeeded")}}));
    QCOMPARE(jobSeries.value(QStringLiteral("value")).toInteger(), 5);

    const QJsonObject running = json.value(QStringLiteral("twinops_jobs_running")).toObject();
    QCOMPARE(running.value(QStringLiteral("type")).toString(), QStringLiteral("gauge"));
    const QJsonObject runningSeries = running.value(QStringLiteral("series")).toArray().at(0).toObject();
    QCOMPARE(runningSeries.value(QStringLiteral("labels")).toObject(), QJsonObject());
    QCOMPARE(runningSeries.value(QStringLiteral("value")).toDouble(), 1.5);

    // JSON has no NaN: a gauge that cannot be read is null.
    QVERIFY(json.value(QStringLiteral("twinops_db_up"))[QStringLiteral("series")][0][QStringLiteral("value")].isNull());

    const QJsonObject histogram = json.value(QStringLiteral("twinops_ttft_seconds")).toObject();
    QCOMPARE(histogram.value(QStringLiteral("type")).toString(), QStringLiteral("histogram"));
    const QJsonObject series = histogram.value(QStringLiteral("series")).toArray().at(0).toObject();
    QCOMPARE(series.keys(),
             QStringList({QStringLiteral("buckets"), QStringLiteral("count"), QStringLiteral("labels"),
                          QStringLiteral("p50"), QStringLiteral("p95"), QStringLiteral("p99"), QStringLiteral("sum")}));
    QCOMPARE(series.value(QStringLiteral("count")).toInteger(), 4);
    QCOMPARE(series.value(QStringLiteral("sum")).toDouble(), 5.5);
    QCOMPARE(series.value(QStringLiteral("p50")).toDouble(), 1.0);
    QCOMPARE(series.value(QStringLiteral("p95")).toDouble(), 2.0 + 2.0 * (3.8 - 3.0));
    QCOMPARE(series.value(QStringLiteral("p99")).toDouble(), 2.0 + 2.0 * (3.96 - 3.0));
    const QJsonArray buckets = series.value(QStringLiteral("buckets")).toArray();
    QCOMPARE(buckets.size(), 4);
    const QStringList les{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("4"), QStringLiteral("+Inf")};
    const QList<int> cumulative{2, 3, 4, 4};
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        QCOMPARE(buckets.at(i)[QStringLiteral("le")].toString(), les.at(i));
        QCOMPARE(buckets.at(i)[QStringLiteral("count")].toInt(), cumulative.at(i));
    }
}

void TestMetrics::emptyRegistryRendersNothing()
{
    MetricsRegistry registry;
    QVERIFY(registry.prometheusText().isEmpty());
    QVERIFY(registry.snapshotJson().isEmpty());
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
