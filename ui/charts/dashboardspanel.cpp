#include "dashboardspanel.h"

#include "checks/check.h"
#include "metricsseriesmodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPen>
#include <QTimer>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLineSeries>
#include <QtCharts/QVXYModelMapper>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace twinops {

struct DashboardsPanel::Chart
{
    QChartView *view = nullptr;
    QChart *chart = nullptr;
    QDateTimeAxis *x = nullptr;
    QValueAxis *left = nullptr;
    QValueAxis *right = nullptr; // only where two units share a chart
    QList<QLineSeries *> leftSeries;
    QList<QLineSeries *> rightSeries;
    struct Threshold
    {
        QLineSeries *line;
        double value;
        bool onRight;
    };
    QList<Threshold> thresholds;
    double leftAtLeast = 1; // the smallest top of the axis, so that a quiet chart is not all noise
    double rightAtLeast = 1;
    bool rightIsPercent = false; // fixed 0 … 100

    void addSeries(MetricsSeriesModel *model, int column, const QString &name, bool onRight = false)
    {
        auto *series = new QLineSeries(chart);
        series->setName(name);
        series->setObjectName(name);
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(onRight ? right : left);
        (onRight ? rightSeries : leftSeries).append(series);
        // The mapper follows the model's inserts and removals, so a tick costs one point, not a redraw of all.
        auto *mapper = new QVXYModelMapper(series);
        mapper->setXColumn(MetricsSeriesModel::Time);
        mapper->setYColumn(column);
        mapper->setSeries(series);
        mapper->setModel(model);
    }

    void addThreshold(const QString &objectName, const QString &name, double value, bool onRight = false)
    {
        auto *line = new QLineSeries(chart);
        line->setObjectName(objectName);
        line->setName(name);
        QPen pen(QColor(0xc6, 0x28, 0x28));
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(1.5);
        line->setPen(pen);
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(onRight ? right : left);
        thresholds.append({line, value, onRight});
    }
};

namespace {

double highest(const QList<QLineSeries *> &series)
{
    double top = 0;
    for (const QLineSeries *s : series) {
        const QList<QPointF> points = s->points();
        for (const QPointF &point : points)
            top = std::max(top, point.y());
    }
    return top;
}

qint64 spanOf(MetricsSeriesModel::Range range)
{
    switch (range) {
    case MetricsSeriesModel::Range::Live: return 15 * 60 * 1000;
    case MetricsSeriesModel::Range::Hour: return 3600 * 1000;
    case MetricsSeriesModel::Range::Day: return 24 * 3600 * 1000;
    }
    return 0;
}

} // namespace

DashboardsPanel::DashboardsPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_model(new MetricsSeriesModel(client, this))
    , m_range(new QComboBox(this))
    , m_route(new QComboBox(this))
    , m_error(new QLabel(this))
{
    m_range->setObjectName(QStringLiteral("dashboardRange"));
    m_range->addItem(tr("Live (15 min)"), int(MetricsSeriesModel::Range::Live));
    m_range->addItem(tr("Last hour"), int(MetricsSeriesModel::Range::Hour));
    m_range->addItem(tr("Last 24 hours"), int(MetricsSeriesModel::Range::Day));
    m_route->setObjectName(QStringLiteral("latencyRoute"));
    m_route->addItem(tr("All routes"), QString());
    m_route->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_error->setObjectName(QStringLiteral("dashboardsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Range:"), this));
    bar->addWidget(m_range);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Latency of:"), this));
    bar->addWidget(m_route);
    bar->addStretch(1);
    auto *grid = new QGridLayout;
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_error);
    layout->addLayout(grid, 1);

    const Thresholds runbook;
    using M = MetricsSeriesModel;
    auto make = [&](const QString &objectName, const QString &title, int row, int column) {
        auto *chart = new Chart;
        chart->chart = new QChart;
        chart->chart->setTitle(title);
        chart->chart->legend()->setAlignment(Qt::AlignBottom);
        chart->x = new QDateTimeAxis(chart->chart);
        chart->x->setFormat(QStringLiteral("HH:mm:ss"));
        chart->x->setTickCount(4);
        chart->chart->addAxis(chart->x, Qt::AlignBottom);
        chart->left = new QValueAxis(chart->chart);
        chart->left->setMin(0);
        chart->left->setLabelFormat(QStringLiteral("%.3g")); // 0.004 s, 250, 99.5: short enough for a small chart
        chart->chart->addAxis(chart->left, Qt::AlignLeft);
        chart->view = new QChartView(chart->chart, this);
        chart->view->setObjectName(objectName);
        chart->view->setRenderHint(QPainter::Antialiasing);
        chart->view->setMinimumSize(280, 200);
        grid->addWidget(chart->view, row, column);
        m_charts.append(chart);
        return chart;
    };
    // Axes carry no titles: the legend names every series, and a title does not fit beside a small chart.
    auto addRight = [](Chart *chart) {
        chart->right = new QValueAxis(chart->chart);
        chart->right->setMin(0);
        chart->right->setLabelFormat(QStringLiteral("%.3g"));
        chart->chart->addAxis(chart->right, Qt::AlignRight);
    };

    Chart *requests = make(QStringLiteral("requestsChart"), tr("Requests per second"), 0, 0);
    requests->addSeries(m_model, M::RequestsPerSecond, tr("requests/s"));

    Chart *errors = make(QStringLiteral("errorsChart"), tr("Error rate (5xx share, %)"), 0, 1);
    errors->addSeries(m_model, M::ErrorRatePercent, tr("5xx %"));
    errors->addThreshold(QStringLiteral("errorRateThreshold"), tr("runbook limit"), runbook.maxErrorRate * 100.0);

    Chart *auth = make(QStringLiteral("authChart"), tr("Authentication failures per second"), 0, 2);
    auth->addSeries(m_model, M::UnauthorizedPerSecond, tr("401/s"));
    auth->addSeries(m_model, M::ForbiddenPerSecond, tr("403/s"));

    Chart *latency = make(QStringLiteral("latencyChart"), tr("Request latency (s)"), 1, 0);
    latency->leftAtLeast = 0.01;
    latency->addSeries(m_model, M::LatencyP50Seconds, tr("p50"));
    latency->addSeries(m_model, M::LatencyP95Seconds, tr("p95"));
    latency->addSeries(m_model, M::LatencyP99Seconds, tr("p99"));

    Chart *ttft = make(QStringLiteral("ttftChart"), tr("Chat time to first token, p95 (s)"), 1, 1);
    ttft->addSeries(m_model, M::TtftP95Seconds, tr("TTFT p95"));
    ttft->addThreshold(QStringLiteral("ttftThreshold"), tr("runbook limit"), runbook.maxTtftP95Seconds);

    Chart *jobs = make(QStringLiteral("jobsChart"), tr("Jobs"), 1, 2);
    addRight(jobs);
    jobs->rightIsPercent = true;
    jobs->addSeries(m_model, M::JobsCompletedPerSecond, tr("done/s"));
    jobs->addSeries(m_model, M::JobSuccessPercent, tr("success %"), true);
    jobs->addThreshold(QStringLiteral("jobSuccessThreshold"), tr("runbook min"), runbook.minJobSuccessRate * 100.0,
                       true);

    Chart *queue = make(QStringLiteral("queueChart"), tr("Job queue"), 2, 0);
    addRight(queue);
    queue->addSeries(m_model, M::QueueDepth, tr("waiting jobs"));
    queue->addSeries(m_model, M::OldestWaitingSeconds, tr("oldest waiting (s)"), true);

    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const auto range = MetricsSeriesModel::Range(m_range->currentData().toInt());
        for (Chart *chart : std::as_const(m_charts))
            chart->x->setFormat(range == MetricsSeriesModel::Range::Live ? QStringLiteral("HH:mm:ss")
                                                                         : QStringLiteral("HH:mm"));
        m_model->setRange(range);
    });
    connect(m_route, &QComboBox::currentIndexChanged, this,
            [this] { m_model->setLatencyRoute(m_route->currentData().toString()); });
    connect(m_model, &MetricsSeriesModel::routesChanged, this, &DashboardsPanel::updateRoutes);
    connect(m_model, &MetricsSeriesModel::errorOccurred, this, [this](const QString &message) {
        m_error->setText(message);
        m_error->setVisible(!message.isEmpty());
    });
    // Axes follow the data once per change, after the mappers have moved the points.
    auto schedule = [this] {
        if (m_rescalePending)
            return;
        m_rescalePending = true;
        QTimer::singleShot(0, this, [this] {
            m_rescalePending = false;
            rescale();
        });
    };
    connect(m_model, &QAbstractItemModel::rowsInserted, this, schedule);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, schedule);
    connect(m_model, &QAbstractItemModel::modelReset, this, schedule);
    connect(m_model, &QAbstractItemModel::dataChanged, this, schedule);
    rescale();
}

DashboardsPanel::~DashboardsPanel()
{
    qDeleteAll(m_charts); // the QCharts themselves belong to their views
}

void DashboardsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_model->setActive(true);
}

void DashboardsPanel::hideEvent(QHideEvent *event)
{
    m_model->setActive(false);
    QWidget::hideEvent(event);
}

void DashboardsPanel::updateRoutes(const QStringList &routes)
{
    const QString shown = m_route->currentData().toString();
    const QString current = m_wantedRoute.isEmpty() ? shown : m_wantedRoute;
    {
        const QSignalBlocker blocker(m_route);
        while (m_route->count() > 1)
            m_route->removeItem(1);
        for (const QString &route : routes)
            m_route->addItem(route, route);
        const int index = m_route->findData(current);
        m_route->setCurrentIndex(index < 0 ? 0 : index);
    }
    if (routes.contains(m_wantedRoute)) {
        m_wantedRoute.clear();
        if (m_route->currentData().toString() != shown)
            m_model->setLatencyRoute(m_route->currentData().toString());
    }
}

void DashboardsPanel::showRangeCovering(const QDateTime &since, const QString &route)
{
    const qint64 back = since.isValid() ? since.msecsTo(QDateTime::currentDateTimeUtc()) : 0;
    auto range = MetricsSeriesModel::Range::Day;
    for (const auto shorter : {MetricsSeriesModel::Range::Live, MetricsSeriesModel::Range::Hour}) {
        if (back <= spanOf(shorter)) {
            range = shorter;
            break;
        }
    }
    m_range->setCurrentIndex(m_range->findData(int(range)));
    const int index = route.isEmpty() ? 0 : m_route->findData(route);
    if (index >= 0)
        m_route->setCurrentIndex(index);
    else
        m_wantedRoute = route; // the model lists the routes it has seen: selected once it does
}

void DashboardsPanel::rescale()
{
    const int rows = m_model->rowCount();
    qint64 last = QDateTime::currentMSecsSinceEpoch();
    qint64 first = last - spanOf(m_model->range());
    if (rows > 0) {
        first = m_model->index(0, MetricsSeriesModel::Time)
                    .data(MetricsSeriesModel::RawRole)
                    .toDateTime()
                    .toMSecsSinceEpoch();
        last = m_model->index(rows - 1, MetricsSeriesModel::Time)
                   .data(MetricsSeriesModel::RawRole)
                   .toDateTime()
                   .toMSecsSinceEpoch();
        last = std::max(last, first + 10'000);
    }
    for (Chart *chart : std::as_const(m_charts)) {
        chart->x->setRange(QDateTime::fromMSecsSinceEpoch(first), QDateTime::fromMSecsSinceEpoch(last));
        double leftTop = std::max(chart->leftAtLeast, highest(chart->leftSeries));
        double rightTop = std::max(chart->rightAtLeast, highest(chart->rightSeries));
        for (const Chart::Threshold &threshold : std::as_const(chart->thresholds)) {
            threshold.line->replace(QList<QPointF>{{double(first), threshold.value}, {double(last), threshold.value}});
            double &top = threshold.onRight ? rightTop : leftTop;
            top = std::max(top, threshold.value * 1.25); // the line is always in view
        }
        chart->left->setRange(0, leftTop * 1.1);
        chart->left->applyNiceNumbers();
        if (chart->right) {
            chart->right->setRange(0, chart->rightIsPercent ? 100.0 : rightTop * 1.1);
            if (!chart->rightIsPercent)
                chart->right->applyNiceNumbers();
        }
    }
}

} // namespace twinops
