// The Dashboards panel on the Local environment: real HTTP traffic (some of it refused with 401) through the core's
// endpoint shows up in the live charts, the runbook thresholds are drawn where the runbook puts them, the history
// ranges load from the rollups, and polling stops when the panel is hidden.
#include "checks/apiclient.h"
#include "consolefixture.h"
#include "dashboardspanel.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricsrollup.h"
#include "metricsseriesmodel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QTest>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>

using namespace twinops;
using namespace twinops::test;

class TestDashboardsPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();
    void liveChartsFollowRealTraffic();
    void thresholdsAreTheRunbooks();
    void historyRangeLoadsMinutes();

private:
    std::unique_ptr<ConsoleFixture> m_fixture;
};

void TestDashboardsPanel::init()
{
    m_fixture = ConsoleFixture::create(currentDialect());
    QVERIFY(m_fixture);
}

void TestDashboardsPanel::cleanup()
{
    m_fixture.reset();
}

void TestDashboardsPanel::liveChartsFollowRealTraffic()
{
    EndpointOptions http;
    http.port = 0;
    TWINOPS_VERIFY_OK(m_fixture->core->serveHttp(http, QByteArray(32, 'd')));
    ApiClient client(QUrl(m_fixture->core->endpoint()->baseUrl()), 5'000);

    DashboardsPanel panel(*m_fixture->local);
    MetricsSeriesModel *model = panel.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model->setPollInterval(std::chrono::milliseconds(100));
    panel.resize(1200, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(model->isActive());
    QCOMPARE(panel.findChild<QComboBox *>(QStringLiteral("dashboardRange"))->currentIndex(), 0);

    // Traffic while the panel polls: rates come from the difference between snapshots.
    auto traffic = [&client] {
        QCOMPARE(client.get(QStringLiteral("/health")).status, 200);
        QCOMPARE(client.get(QStringLiteral("/api/v1/twins")).status, 401);
        QCOMPARE(client.get(QStringLiteral("/api/v1/twins"), QStringLiteral("not-a-token")).status, 401);
    };
    QTRY_VERIFY_WITH_TIMEOUT((traffic(),
                              highest(chartSeries(panel, "requestsChart", QStringLiteral("requests/s"))) > 0
                                  && highest(chartSeries(panel, "authChart", QStringLiteral("401/s"))) > 0),
                             20'000);
    // 401s are not server errors, and nobody was forbidden.
    QCOMPARE(highest(chartSeries(panel, "errorsChart", QStringLiteral("5xx %"))), 0.0);
    QCOMPARE(highest(chartSeries(panel, "authChart", QStringLiteral("403/s"))), 0.0);
    bool sawUnauthorized = false;
    for (int row = 0; row < model->rowCount(); ++row)
        sawUnauthorized |= model->index(row, MetricsSeriesModel::UnauthorizedPerSecond).data().toDouble() > 0;
    QVERIFY(sawUnauthorized);
    QVERIFY(panel.findChild<QLabel *>(QStringLiteral("dashboardsError"))->isHidden());

    // Every chart is there, and each plots one point per model row.
    for (const char *name :
         {"requestsChart", "errorsChart", "authChart", "latencyChart", "ttftChart", "jobsChart", "queueChart"})
        QVERIFY2(panel.findChild<QChartView *>(QLatin1String(name)), name);
    QCOMPARE(chartSeries(panel, "latencyChart", QStringLiteral("p95"))->count(), model->rowCount());

    // The route picker lists the routes seen; picking one rewrites the latency columns in place.
    auto *route = panel.findChild<QComboBox *>(QStringLiteral("latencyRoute"));
    QVERIFY(route);
    QTRY_VERIFY(route->findData(QStringLiteral("/health")) > 0);
    route->setCurrentIndex(route->findData(QStringLiteral("/health")));
    QCOMPARE(model->latencyRoute(), QStringLiteral("/health"));

    // Hidden: no more polling.
    panel.hide();
    QVERIFY(!model->isActive());
    const int rows = model->rowCount();
    traffic();
    QTest::qWait(400);
    QCOMPARE(model->rowCount(), rows);
}

void TestDashboardsPanel::thresholdsAreTheRunbooks()
{
    DashboardsPanel panel(*m_fixture->local);
    const struct
    {
        const char *chart;
        const char *line;
        double value;
    } expected[] = {{"errorsChart", "errorRateThreshold", 1.0},
                    {"ttftChart", "ttftThreshold", 3.0},
                    {"jobsChart", "jobSuccessThreshold", 95.0}};
    for (const auto &threshold : expected) {
        QLineSeries *line = chartSeries(panel, threshold.chart, QLatin1String(threshold.line));
        QVERIFY2(line, threshold.line);
        QCOMPARE(line->pen().style(), Qt::DashLine);
        QCOMPARE(line->count(), 2);
        QCOMPARE(line->at(0).y(), threshold.value);
        QCOMPARE(line->at(1).y(), threshold.value);
        QVERIFY(line->at(0).x() < line->at(1).x());
    }
}

void TestDashboardsPanel::historyRangeLoadsMinutes()
{
    // Two minutes ago, 120 requests were refused with 401: a rollup row the hour's history must show as 2/s.
    MetricsRegistry registry;
    registry
        .counter(QStringLiteral("twinops_http_requests_total"), QStringLiteral("requests"),
                 {{QStringLiteral("route"), QStringLiteral("/api/v1/twins")},
                  {QStringLiteral("method"), QStringLiteral("GET")},
                  {QStringLiteral("status"), QStringLiteral("401")}})
        .add(120);
    const QDateTime twoMinutesAgo = QDateTime::currentDateTimeUtc().addSecs(-120);
    TWINOPS_VERIFY_OK(
        MetricsRollup(registry, QStringLiteral("test:1")).run(m_fixture->core->database(), twoMinutesAgo));

    DashboardsPanel panel(*m_fixture->local);
    MetricsSeriesModel *model = panel.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto *range = panel.findChild<QComboBox *>(QStringLiteral("dashboardRange"));
    QVERIFY(range);
    range->setCurrentIndex(1); // the last hour, one row per minute from the rollups
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 60, 10'000);
    QCOMPARE(model->range(), MetricsSeriesModel::Range::Hour);
    QVERIFY(panel.findChild<QLabel *>(QStringLiteral("dashboardsError"))->isHidden());
    int withTraffic = -1;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, MetricsSeriesModel::RequestsPerSecond).data().toDouble() > 0) {
            QCOMPARE(withTraffic, -1);
            withTraffic = row;
        }
    }
    QVERIFY(withTraffic >= 0);
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::Time).data(MetricsSeriesModel::RawRole).toDateTime(),
             MetricsRollup::minuteOf(twoMinutesAgo));
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::RequestsPerSecond).data().toDouble(), 2.0);
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::UnauthorizedPerSecond).data().toDouble(), 2.0);
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::ErrorRatePercent).data().toDouble(), 0.0);
    QCOMPARE(highest(chartSeries(panel, "authChart", QStringLiteral("401/s"))), 2.0);
    range->setCurrentIndex(2);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 24 * 60, 10'000);
}

QTEST_MAIN(TestDashboardsPanel)
#include "tst_dashboardspanel.moc"
