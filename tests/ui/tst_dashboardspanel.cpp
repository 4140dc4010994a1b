// The Dashboards panel on the Local environment: real HTTP traffic (some of it refused with 401) through the core's
// endpoint shows up in the live charts, the runbook thresholds are drawn where the runbook puts them, the history
// ranges load from the rollups, and polling stops when the panel is hidden. The stat tiles judge the latest row
// against the runbook in words, hovering a line names its nearest point, and a dark palette gives dark charts.
#include "checks/apiclient.h"
#include "consolefixture.h"
#include "dashboardspanel.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricsrollup.h"
#include "metricsseriesmodel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QLabel>
#include <QPalette>
#include <QPushButton>
#include <QTest>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
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
    void tilesJudgeTheLatestValues();
    void hoveringALineShowsItsNearestPoint();
    void chartsFollowADarkPalette();
    void draggingZoomsEveryChart();

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
    const QUrl base = m_fixture->serveHttp();
    QVERIFY(!base.isEmpty());
    ApiClient client(base, 5'000);

    DashboardsPanel panel(*m_fixture->local);
    MetricsSeriesModel *model = panel.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model->setPollInterval(std::chrono::milliseconds(100));
    QVERIFY(showAndWait(panel, {1200, 900}));
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
    QVERIFY(highest(chartSeries(panel, "authChart", QStringLiteral("401/403 %"))) > 0);
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
                    {"jobsChart", "jobSuccessThreshold", 95.0},
                    {"authChart", "authFailureThreshold", 5.0}};
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
    // Two minutes ago, 120 requests to this console's own instance were refused with 401: a rollup row the hour's
    // history must show as 2/s. Another instance sharing the database answered 60 in the same minute.
    const auto requests = [](MetricsRegistry &registry, const char *status, int count) {
        registry
            .counter(QStringLiteral("twinops_http_requests_total"), QStringLiteral("requests"),
                     {{QStringLiteral("route"), QStringLiteral("/api/v1/twins")},
                      {QStringLiteral("method"), QStringLiteral("GET")},
                      {QStringLiteral("status"), QLatin1String(status)}})
            .add(count);
    };
    MetricsRegistry registry;
    requests(registry, "401", 120);
    MetricsRegistry elsewhere;
    requests(elsewhere, "200", 60);
    const QString connected = m_fixture->core->instance();
    const QString other = QStringLiteral("other-host:2");
    const QDateTime twoMinutesAgo = QDateTime::currentDateTimeUtc().addSecs(-120);
    TWINOPS_VERIFY_OK(MetricsRollup(registry, connected).run(m_fixture->core->database(), twoMinutesAgo));
    TWINOPS_VERIFY_OK(MetricsRollup(elsewhere, other).run(m_fixture->core->database(), twoMinutesAgo));

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
    // Every request of that minute was refused: the share is over the runbook's limit.
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::AuthFailurePercent).data().toDouble(), 100.0);
    // By default the history describes the instance the console is connected to (what Live shows), names it, and
    // names the instance it leaves out.
    QCOMPARE(model->scope(), MetricsSeriesModel::Scope::ConnectedInstance);
    QCOMPARE(model->connectedInstance(), connected);
    QStringList both{connected, other};
    both.sort();
    QCOMPARE(model->instances(), both);
    auto *coverage = panel.findChild<QLabel *>(QStringLiteral("dashboardsCoverage"));
    auto *scope = panel.findChild<QComboBox *>(QStringLiteral("dashboardInstances"));
    QVERIFY(coverage && scope);
    QVERIFY(scope->isEnabled());
    QCOMPARE(scope->currentText(), QStringLiteral("This instance (%1)").arg(connected));
    QVERIFY(
        coverage->text().contains(QStringLiteral("instance %1, the one this console is connected to").arg(connected)));
    QVERIFY(coverage->text().contains(QStringLiteral("Not shown: %1").arg(other)));

    // All instances: the same minute sums both (120 refused + 60 answered), without another load.
    scope->setCurrentIndex(scope->findData(int(MetricsSeriesModel::Scope::AllInstances)));
    QCOMPARE(model->rowCount(), 60);
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::RequestsPerSecond).data().toDouble(), 3.0);
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::UnauthorizedPerSecond).data().toDouble(), 2.0);
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::AuthFailurePercent).data().toDouble(), 200.0 / 3.0);
    QVERIFY(coverage->text().contains(QStringLiteral("every instance sharing the database, summed")));
    QVERIFY(coverage->text().contains(connected) && coverage->text().contains(other));
    scope->setCurrentIndex(scope->findData(int(MetricsSeriesModel::Scope::ConnectedInstance)));
    QCOMPARE(model->index(withTraffic, MetricsSeriesModel::RequestsPerSecond).data().toDouble(), 2.0);

    // Live reads the connected instance's own counters: the scope has nothing to pick there.
    range->setCurrentIndex(0);
    QVERIFY(coverage->text().contains(QStringLiteral("the one this console is connected to, since it started")));
    QVERIFY(coverage->text().contains(connected));
    QVERIFY(!scope->isEnabled());
    QVERIFY(model->instances().isEmpty());
    range->setCurrentIndex(2);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 24 * 60, 10'000);
    QVERIFY(scope->isEnabled());

    // A custom range: the four minutes up to and with the refused requests, one row per minute.
    auto *from = panel.findChild<QDateTimeEdit *>(QStringLiteral("customFrom"));
    auto *to = panel.findChild<QDateTimeEdit *>(QStringLiteral("customTo"));
    auto *apply = panel.findChild<QPushButton *>(QStringLiteral("applyCustomRange"));
    QVERIFY(from && to && apply);
    QVERIFY(from->isHidden());
    range->setCurrentIndex(range->findData(int(MetricsSeriesModel::Range::Custom)));
    QVERIFY(from->isVisible() && to->isVisible());
    QCOMPARE(model->range(), MetricsSeriesModel::Range::Custom);
    const QDateTime start = MetricsRollup::minuteOf(twoMinutesAgo).addSecs(-3 * 60);
    from->setDateTime(start.toLocalTime());
    to->setDateTime(start.addSecs(4 * 60).toLocalTime());
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 4, 10'000);
    QCOMPARE(model->index(0, MetricsSeriesModel::Time).data(MetricsSeriesModel::RawRole).toDateTime(), start);
    QCOMPARE(model->index(3, MetricsSeriesModel::UnauthorizedPerSecond).data().toDouble(), 2.0);
    QCOMPARE(model->index(2, MetricsSeriesModel::UnauthorizedPerSecond).data().toDouble(), 0.0);
    QCOMPARE(model->instances(), both);
    QVERIFY(panel.findChild<QLabel *>(QStringLiteral("dashboardsError"))->isHidden());
    // A range that ends before it starts, or spans over a week, is refused in words; the rows stay.
    to->setDateTime(from->dateTime().addSecs(-60));
    QTest::mouseClick(apply, Qt::LeftButton);
    auto *error = panel.findChild<QLabel *>(QStringLiteral("dashboardsError"));
    QCOMPARE(error->text(), QStringLiteral("The custom range must start before it ends."));
    QVERIFY(error->isVisible());
    to->setDateTime(from->dateTime().addDays(8));
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(error->text(), QStringLiteral("The custom range is at most 7 days."));
    QCOMPARE(model->rowCount(), 4);
    QCOMPARE(model->customFrom(), start);
}

namespace {

// Two snapshots of a real registry, ten seconds apart: 90 requests answered 200 and 10 refused with 401 between them.
void addTenSecondsOfTraffic(MetricsSeriesModel &model, MetricsRegistry &registry, const QDateTime &start,
                            double refused)
{
    auto requests = [&registry](const QString &status) -> Counter & {
        return registry.counter(QStringLiteral("twinops_http_requests_total"), QStringLiteral("requests"),
                                {{QStringLiteral("route"), QStringLiteral("/api/v1/twins")},
                                 {QStringLiteral("method"), QStringLiteral("GET")},
                                 {QStringLiteral("status"), status}});
    };
    model.addSnapshot(registry.snapshotJson(), start);
    requests(QStringLiteral("200")).add(100 - refused);
    requests(QStringLiteral("401")).add(refused);
    model.addSnapshot(registry.snapshotJson(), start.addSecs(10));
}

QString tileText(const QWidget &panel, const QString &name)
{
    const auto *label = panel.findChild<QLabel *>(name);
    return label ? label->text() : QStringLiteral("<no %1>").arg(name);
}

} // namespace

void TestDashboardsPanel::tilesJudgeTheLatestValues()
{
    DashboardsPanel panel(*m_fixture->local); // never shown: only the snapshots below feed it
    MetricsSeriesModel *model = panel.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(tileText(panel, QStringLiteral("requestsTileValue")), QStringLiteral("—"));
    QCOMPARE(tileText(panel, QStringLiteral("authFailureTileVerdict")), QStringLiteral("no data yet"));

    MetricsRegistry registry;
    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-60);
    addTenSecondsOfTraffic(*model, registry, start, 10);
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, MetricsSeriesModel::AuthFailurePercent).data().toDouble(), 10.0);
    QTRY_COMPARE(tileText(panel, QStringLiteral("requestsTileValue")), QStringLiteral("10/s"));
    QCOMPARE(tileText(panel, QStringLiteral("authFailureTileValue")), QStringLiteral("10 %"));
    QCOMPARE(tileText(panel, QStringLiteral("authFailureTileVerdict")),
             QStringLiteral("Over the runbook limit of 5 %"));
    QCOMPARE(tileText(panel, QStringLiteral("errorRateTileValue")), QStringLiteral("0 %"));
    QCOMPARE(tileText(panel, QStringLiteral("errorRateTileVerdict")),
             QStringLiteral("OK: under the runbook limit of 1 %"));
    QCOMPARE(tileText(panel, QStringLiteral("jobSuccessTileVerdict")),
             QStringLiteral("OK: above the runbook minimum of 95 %"));
    QVERIFY(panel.findChild<QLabel *>(QStringLiteral("requestsTileVerdict"))->isHidden()); // no runbook limit
    // The colour agrees with the words.
    QVERIFY(panel.findChild<QLabel *>(QStringLiteral("authFailureTileVerdict"))
                ->styleSheet()
                .contains(QStringLiteral("#c62828")));

    // A newer row replaces the verdict: the tiles show the latest values, not the worst.
    addTenSecondsOfTraffic(*model, registry, start.addSecs(20), 1);
    QCOMPARE(model->rowCount(), 3);
    QTRY_COMPARE(tileText(panel, QStringLiteral("authFailureTileValue")), QStringLiteral("1 %"));
    QCOMPARE(tileText(panel, QStringLiteral("authFailureTileVerdict")),
             QStringLiteral("OK: under the runbook limit of 5 %"));
}

void TestDashboardsPanel::hoveringALineShowsItsNearestPoint()
{
    DashboardsPanel panel(*m_fixture->local);
    MetricsSeriesModel *model = panel.model();
    MetricsRegistry registry;
    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-60);
    addTenSecondsOfTraffic(*model, registry, start, 10);
    addTenSecondsOfTraffic(*model, registry, start.addSecs(20), 1);
    QCOMPARE(model->rowCount(), 3);
    QLineSeries *share = chartSeries(panel, "authChart", QStringLiteral("401/403 %"));
    QVERIFY(share);
    QCOMPARE(share->count(), 3);

    // The line reports where the pointer is, between points: the panel names the nearest one.
    const QPointF first = share->at(0);
    const QPointF pointer(first.x() + 1'500, first.y() - 0.5);
    emit share->hovered(pointer, true);
    const QString expected = QStringLiteral("Authentication failures per second · 401/403 % at %1: 10")
                                 .arg(QDateTime::fromMSecsSinceEpoch(qint64(first.x())).toString(u"HH:mm:ss"));
    QCOMPARE(tileText(panel, QStringLiteral("hoveredValue")), expected);
    QCOMPARE(QDateTime::fromMSecsSinceEpoch(qint64(first.x())).toUTC(), start.addSecs(10));
}

void TestDashboardsPanel::chartsFollowADarkPalette()
{
    DashboardsPanel panel(*m_fixture->local);
    // The themes paint the background with a gradient: its first colour is the one at the top.
    auto backgroundLightness = [&panel](const char *chart) {
        const QBrush brush = panel.findChild<QChartView *>(QLatin1String(chart))->chart()->backgroundBrush();
        const QGradient *gradient = brush.gradient();
        return (gradient ? gradient->stops().constFirst().second : brush.color()).lightness();
    };
    QPalette dark = panel.palette();
    dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    panel.setPalette(dark);
    for (const char *name :
         {"requestsChart", "errorsChart", "authChart", "latencyChart", "ttftChart", "jobsChart", "queueChart"}) {
        QVERIFY2(backgroundLightness(name) < 128, name);
        QCOMPARE(panel.findChild<QChartView *>(QLatin1String(name))->chart()->theme(), QChart::ChartThemeDark);
    }
    // The theme does not take the thresholds' dashes away.
    QLineSeries *limit = chartSeries(panel, "authChart", QStringLiteral("authFailureThreshold"));
    QVERIFY(limit);
    QCOMPARE(limit->pen().style(), Qt::DashLine);
    QVERIFY(limit->pen().color().lightness() > 100); // readable on the dark background

    QPalette light = dark;
    light.setColor(QPalette::Window, QColor(0xf0, 0xf0, 0xf0));
    light.setColor(QPalette::WindowText, Qt::black);
    panel.setPalette(light);
    QVERIFY(backgroundLightness("authChart") > 128);
    QCOMPARE(chartSeries(panel, "authChart", QStringLiteral("authFailureThreshold"))->pen().style(), Qt::DashLine);
}

void TestDashboardsPanel::draggingZoomsEveryChart()
{
    DashboardsPanel panel(*m_fixture->local);
    MetricsSeriesModel *model = panel.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model->setPollInterval(std::chrono::milliseconds(100));
    QVERIFY(showAndWait(panel, {1400, 1000}));
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= 5, 10'000);
    auto *resetZoom = panel.findChild<QPushButton *>(QStringLiteral("resetZoom"));
    QVERIFY(resetZoom);
    QVERIFY(!resetZoom->isEnabled()); // new points move the axes, which is no zoom
    auto timeAxis = [&panel](const char *chart) {
        return qobject_cast<QDateTimeAxis *>(
            panel.findChild<QChartView *>(QLatin1String(chart))->chart()->axes(Qt::Horizontal).constFirst());
    };
    QDateTimeAxis *requestsAxis = timeAxis("requestsChart");
    QDateTimeAxis *queueAxis = timeAxis("queueChart");
    QCOMPARE(queueAxis->min(), requestsAxis->min());
    const qint64 before = requestsAxis->min().msecsTo(requestsAxis->max());

    // Drag across the middle half of the requests chart's plot area.
    auto *view = panel.findChild<QChartView *>(QStringLiteral("requestsChart"));
    const QRectF plot = view->chart()->plotArea();
    const QPoint left = view->mapFromScene(QPointF(plot.left() + plot.width() / 4, plot.center().y()));
    const QPoint right = view->mapFromScene(QPointF(plot.right() - plot.width() / 4, plot.center().y()));
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, left);
    QTest::mouseMove(view->viewport(), right);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, right);
    QVERIFY(resetZoom->isEnabled());
    const QDateTime zoomedFrom = requestsAxis->min();
    const QDateTime zoomedTo = requestsAxis->max();
    const qint64 zoomed = zoomedFrom.msecsTo(zoomedTo);
    QVERIFY2(zoomed < before * 3 / 4 && zoomed > before / 4, qPrintable(QString::number(zoomed)));
    // Every chart shows the same span, and it stays while new points arrive.
    QCOMPARE(queueAxis->min(), zoomedFrom);
    QCOMPARE(queueAxis->max(), zoomedTo);
    const int rows = model->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > rows + 2, 10'000);
    QCOMPARE(requestsAxis->max(), zoomedTo);

    // Reset zoom: the axes follow the data again, from the oldest row to the newest or further (hidden, so that no
    // newer one comes).
    panel.hide();
    QTest::mouseClick(resetZoom, Qt::LeftButton);
    QVERIFY(!resetZoom->isEnabled());
    auto timeOfRow = [model](int row) {
        return model->index(row, MetricsSeriesModel::Time).data(MetricsSeriesModel::RawRole).toDateTime();
    };
    QCOMPARE(requestsAxis->min(), timeOfRow(0));
    QVERIFY(requestsAxis->max() >= timeOfRow(model->rowCount() - 1));
    QVERIFY(requestsAxis->max() > zoomedTo);
    QCOMPARE(queueAxis->max(), requestsAxis->max());
}

QTEST_MAIN(TestDashboardsPanel)
#include "tst_dashboardspanel.moc"
