#include "dashboardspanel.h"

#include "checks/check.h"
#include "metricsseriesmodel.h"

#include <QComboBox>
#include <QCursor>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QEvent>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPen>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLineSeries>
#include <QtCharts/QVXYModelMapper>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>
#include <optional>

namespace twinops {

namespace {

// Readable on the light and on the dark chart theme alike.
QColor badColour(bool dark)
{
    return dark ? QColor(0xef, 0x53, 0x50) : QColor(0xc6, 0x28, 0x28);
}

QColor goodColour(bool dark)
{
    return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32);
}

QPen thresholdPen(bool dark)
{
    QPen pen(badColour(dark));
    pen.setStyle(Qt::DashLine);
    pen.setWidthF(1.5);
    return pen;
}

// Three significant digits (0.004, 12.5, 95), without switching to an exponent for large rates.
QString formatValue(double value)
{
    return std::abs(value) >= 1000 ? QString::number(value, 'f', 0) : QString::number(value, 'g', 3);
}

} // namespace

struct DashboardsPanel::Tile
{
    int column;
    QString unit; // appended to the value, e.g. " %" or "/s"
    std::optional<double> limit; // the runbook's, in the column's unit
    bool limitIsMaximum = true;
    QLabel *value = nullptr;
    QLabel *verdict = nullptr;
};

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
        line->setPen(thresholdPen(false));
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

// A custom range's is rangeSpanMs().
qint64 spanOf(MetricsSeriesModel::Range range)
{
    switch (range) {
    case MetricsSeriesModel::Range::Live: return 15 * 60 * 1000;
    case MetricsSeriesModel::Range::Hour: return 3600 * 1000;
    case MetricsSeriesModel::Range::Day:
    case MetricsSeriesModel::Range::Custom: return 24 * 3600 * 1000;
    }
    return 0;
}

constexpr qint64 kLongestCustomRangeDays = 7; // a minute a row: 10 080 rows, what a chart still draws smoothly

} // namespace

DashboardsPanel::DashboardsPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_model(new MetricsSeriesModel(client, this))
    , m_range(new QComboBox(this))
    , m_route(new QComboBox(this))
    , m_scope(new QComboBox(this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_apply(new QPushButton(tr("Apply"), this))
    , m_resetZoom(new QPushButton(tr("Reset zoom"), this))
    , m_error(new QLabel(this))
    , m_coverage(new QLabel(this))
    , m_hovered(new QLabel(this))
{
    m_range->setObjectName(QStringLiteral("dashboardRange"));
    m_range->addItem(tr("Live (15 min)"), int(MetricsSeriesModel::Range::Live));
    m_range->addItem(tr("Last hour"), int(MetricsSeriesModel::Range::Hour));
    m_range->addItem(tr("Last 24 hours"), int(MetricsSeriesModel::Range::Day));
    m_range->addItem(tr("Custom…"), int(MetricsSeriesModel::Range::Custom));
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setCalendarPopup(true);
        edit->hide();
    }
    m_from->setObjectName(QStringLiteral("customFrom"));
    m_to->setObjectName(QStringLiteral("customTo"));
    m_apply->setObjectName(QStringLiteral("applyCustomRange"));
    m_apply->hide();
    m_resetZoom->setObjectName(QStringLiteral("resetZoom"));
    m_resetZoom->setToolTip(tr("Drag across a chart to zoom every chart to that time span"));
    m_resetZoom->setEnabled(false);
    m_route->setObjectName(QStringLiteral("latencyRoute"));
    m_route->addItem(tr("All routes"), QString());
    m_route->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_scope->setObjectName(QStringLiteral("dashboardInstances"));
    m_scope->addItem(tr("This instance"), int(MetricsSeriesModel::Scope::ConnectedInstance));
    m_scope->addItem(tr("All instances (summed)"), int(MetricsSeriesModel::Scope::AllInstances));
    m_scope->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_error->setObjectName(QStringLiteral("dashboardsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();
    m_coverage->setObjectName(QStringLiteral("dashboardsCoverage"));
    m_coverage->setWordWrap(true);
    m_hovered->setObjectName(QStringLiteral("hoveredValue"));
    m_hovered->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Range:"), this));
    bar->addWidget(m_range);
    bar->addWidget(m_from);
    bar->addWidget(m_to);
    bar->addWidget(m_apply);
    bar->addWidget(m_resetZoom);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Instances:"), this));
    bar->addWidget(m_scope);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Latency of:"), this));
    bar->addWidget(m_route);
    bar->addStretch(1);
    bar->addWidget(m_hovered);
    auto *tiles = new QHBoxLayout;
    auto *grid = new QGridLayout;
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_coverage);
    layout->addWidget(m_error);
    layout->addLayout(tiles);
    layout->addLayout(grid, 1);

    const Thresholds runbook;
    using M = MetricsSeriesModel;
    auto tile = [&](const QString &objectName, const QString &caption, int column, const QString &unit,
                    std::optional<double> limit = std::nullopt, bool limitIsMaximum = true) {
        auto *frame = new QFrame(this);
        frame->setObjectName(objectName);
        frame->setFrameShape(QFrame::StyledPanel);
        auto *box = new QVBoxLayout(frame);
        box->setContentsMargins(8, 4, 8, 4);
        auto *t = new Tile{column, unit, limit, limitIsMaximum, new QLabel(frame), new QLabel(frame)};
        t->value->setObjectName(objectName + QStringLiteral("Value"));
        QFont big = t->value->font();
        big.setPointSizeF(big.pointSizeF() * 1.6);
        big.setBold(true);
        t->value->setFont(big);
        t->verdict->setObjectName(objectName + QStringLiteral("Verdict"));
        t->verdict->setVisible(limit.has_value());
        t->verdict->setWordWrap(true); // seven tiles side by side fit a 1280 px window
        box->addWidget(new QLabel(caption, frame));
        box->addWidget(t->value);
        box->addWidget(t->verdict);
        tiles->addWidget(frame, 1);
        m_tiles.append(t);
    };
    tile(QStringLiteral("requestsTile"), tr("Requests"), M::RequestsPerSecond, tr("/s"));
    tile(QStringLiteral("errorRateTile"), tr("Error rate (5xx)"), M::ErrorRatePercent, tr(" %"),
         runbook.maxErrorRate * 100.0);
    tile(QStringLiteral("authFailureTile"), tr("401/403 share"), M::AuthFailurePercent, tr(" %"),
         runbook.maxAuthFailureRate * 100.0);
    tile(QStringLiteral("latencyTile"), tr("Latency p95"), M::LatencyP95Seconds, tr(" s"));
    tile(QStringLiteral("ttftTile"), tr("TTFT p95"), M::TtftP95Seconds, tr(" s"), runbook.maxTtftP95Seconds);
    tile(QStringLiteral("jobSuccessTile"), tr("Job success"), M::JobSuccessPercent, tr(" %"),
         runbook.minJobSuccessRate * 100.0, false);
    tile(QStringLiteral("queueDepthTile"), tr("Waiting jobs"), M::QueueDepth, QString());
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
        chart->left->setTruncateLabels(false); // an elided "…" says nothing; the labels are short enough to fit
        chart->chart->addAxis(chart->left, Qt::AlignLeft);
        chart->view = new QChartView(chart->chart, this);
        chart->view->setObjectName(objectName);
        chart->view->setRenderHint(QPainter::Antialiasing);
        chart->view->setMinimumSize(280, 200);
        chart->view->setRubberBand(QChartView::HorizontalRubberBand);
        grid->addWidget(chart->view, row, column);
        m_charts.append(chart);
        return chart;
    };
    // Axes carry no titles: the legend names every series, and a title does not fit beside a small chart.
    auto addRight = [](Chart *chart) {
        chart->right = new QValueAxis(chart->chart);
        chart->right->setMin(0);
        chart->right->setLabelFormat(QStringLiteral("%.3g"));
        chart->right->setTruncateLabels(false);
        chart->chart->addAxis(chart->right, Qt::AlignRight);
    };

    Chart *requests = make(QStringLiteral("requestsChart"), tr("Requests per second"), 0, 0);
    requests->addSeries(m_model, M::RequestsPerSecond, tr("requests/s"));

    Chart *errors = make(QStringLiteral("errorsChart"), tr("Error rate (5xx share, %)"), 0, 1);
    errors->addSeries(m_model, M::ErrorRatePercent, tr("5xx %"));
    errors->addThreshold(QStringLiteral("errorRateThreshold"),
                         tr("runbook limit %1 %").arg(formatValue(runbook.maxErrorRate * 100.0)),
                         runbook.maxErrorRate * 100.0);

    Chart *auth = make(QStringLiteral("authChart"), tr("Authentication failures per second"), 0, 2);
    auth->addSeries(m_model, M::UnauthorizedPerSecond, tr("401/s"));
    auth->addSeries(m_model, M::ForbiddenPerSecond, tr("403/s"));
    // The runbook limits the share of refused requests, not their rate: the share gets the right axis.
    addRight(auth);
    auth->rightAtLeast = 0;
    auth->addSeries(m_model, M::AuthFailurePercent, tr("401/403 %"), true);
    auth->addThreshold(QStringLiteral("authFailureThreshold"),
                       tr("runbook limit %1 %").arg(formatValue(runbook.maxAuthFailureRate * 100.0)),
                       runbook.maxAuthFailureRate * 100.0, true);

    Chart *latency = make(QStringLiteral("latencyChart"), tr("Request latency (s)"), 1, 0);
    latency->leftAtLeast = 0.01;
    latency->addSeries(m_model, M::LatencyP50Seconds, tr("p50"));
    latency->addSeries(m_model, M::LatencyP95Seconds, tr("p95"));
    latency->addSeries(m_model, M::LatencyP99Seconds, tr("p99"));

    Chart *ttft = make(QStringLiteral("ttftChart"), tr("Chat time to first token, p95 (s)"), 1, 1);
    ttft->addSeries(m_model, M::TtftP95Seconds, tr("TTFT p95"));
    ttft->addThreshold(QStringLiteral("ttftThreshold"),
                       tr("runbook limit %1 s").arg(formatValue(runbook.maxTtftP95Seconds)), runbook.maxTtftP95Seconds);

    Chart *jobs = make(QStringLiteral("jobsChart"), tr("Jobs"), 1, 2);
    addRight(jobs);
    jobs->rightIsPercent = true;
    jobs->addSeries(m_model, M::JobsCompletedPerSecond, tr("done/s"));
    jobs->addSeries(m_model, M::JobSuccessPercent, tr("success %"), true);
    jobs->addThreshold(QStringLiteral("jobSuccessThreshold"),
                       tr("runbook min %1 %").arg(formatValue(runbook.minJobSuccessRate * 100.0)),
                       runbook.minJobSuccessRate * 100.0, true);

    Chart *queue = make(QStringLiteral("queueChart"), tr("Job queue"), 2, 0);
    addRight(queue);
    queue->addSeries(m_model, M::QueueDepth, tr("waiting jobs"));
    queue->addSeries(m_model, M::OldestWaitingSeconds, tr("oldest waiting (s)"), true);

    for (Chart *chart : std::as_const(m_charts)) {
        for (const QList<QLineSeries *> *side : {&chart->leftSeries, &chart->rightSeries}) {
            for (QLineSeries *series : *side) {
                connect(series, &QLineSeries::hovered, this, [this, chart, series](const QPointF &at, bool entered) {
                    if (entered)
                        showNearest(*chart, *series, at);
                    else
                        QToolTip::hideText();
                });
            }
        }
    }

    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const auto range = MetricsSeriesModel::Range(m_range->currentData().toInt());
        const bool custom = range == MetricsSeriesModel::Range::Custom;
        for (QWidget *widget : std::initializer_list<QWidget *>{m_from, m_to, m_apply})
            widget->setVisible(custom);
        if (custom) {
            if (!m_model->customFrom().isValid()) { // the last six hours to start from
                m_to->setDateTime(QDateTime::currentDateTime());
                m_from->setDateTime(m_to->dateTime().addSecs(-6 * 3600));
            }
            applyCustomRange();
            return;
        }
        for (Chart *chart : std::as_const(m_charts))
            chart->x->setFormat(range == MetricsSeriesModel::Range::Live ? QStringLiteral("HH:mm:ss")
                                                                         : QStringLiteral("HH:mm"));
        m_zoom.reset();
        m_resetZoom->setEnabled(false);
        m_model->setRange(range);
        updateCoverage();
    });
    connect(m_apply, &QPushButton::clicked, this, &DashboardsPanel::applyCustomRange);
    connect(m_resetZoom, &QPushButton::clicked, this, [this] {
        m_zoom.reset();
        m_resetZoom->setEnabled(false);
        rescale();
    });
    connect(m_model, &MetricsSeriesModel::instancesChanged, this, &DashboardsPanel::updateCoverage);
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setScope(MetricsSeriesModel::Scope(m_scope->currentData().toInt()));
        updateCoverage();
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
            updateTiles();
        });
    };
    connect(m_model, &QAbstractItemModel::rowsInserted, this, schedule);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, schedule);
    connect(m_model, &QAbstractItemModel::modelReset, this, schedule);
    connect(m_model, &QAbstractItemModel::dataChanged, this, schedule);
    applyPalette();
    rescale();
    updateTiles();
    updateCoverage();
    // Connected last: building the charts moves the axes too.
    for (Chart *chart : std::as_const(m_charts)) {
        connect(chart->x, &QDateTimeAxis::rangeChanged, this, [this](const QDateTime &from, const QDateTime &to) {
            if (!m_settingTimeAxes)
                zoomTo(from, to);
        });
    }
}

DashboardsPanel::~DashboardsPanel()
{
    qDeleteAll(m_charts); // the QCharts themselves belong to their views
    qDeleteAll(m_tiles);
}

void DashboardsPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

bool DashboardsPanel::isDark() const
{
    return palette().color(QPalette::Window).lightness() < 128;
}

void DashboardsPanel::applyPalette()
{
    const bool dark = isDark();
    if (m_themeDark == int(dark))
        return;
    m_themeDark = int(dark);
    for (Chart *chart : std::as_const(m_charts)) {
        // A theme resets every series' pen: the thresholds get theirs back.
        chart->chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        for (const Chart::Threshold &threshold : std::as_const(chart->thresholds))
            threshold.line->setPen(thresholdPen(dark));
    }
    m_error->setStyleSheet(QStringLiteral("color: %1;").arg(badColour(dark).name()));
    updateTiles();
}

void DashboardsPanel::updateTiles()
{
    const int rows = m_model->rowCount();
    const bool dark = isDark();
    for (Tile *tile : std::as_const(m_tiles)) {
        if (rows == 0) {
            tile->value->setText(QStringLiteral("—"));
            tile->value->setStyleSheet(QString());
            tile->verdict->setText(tr("no data yet"));
            tile->verdict->setStyleSheet(QString());
            continue;
        }
        const double value = m_model->index(rows - 1, tile->column).data(MetricsSeriesModel::RawRole).toDouble();
        tile->value->setText(formatValue(value) + tile->unit);
        if (!tile->limit)
            continue;
        const QString limit = formatValue(*tile->limit) + tile->unit;
        // The runbook's wording: "error rates < 1 %", "success rate > 95 %"; at the limit is already out.
        const bool within = tile->limitIsMaximum ? value < *tile->limit : value > *tile->limit;
        if (tile->limitIsMaximum)
            tile->verdict->setText(within ? tr("OK: under the runbook limit of %1").arg(limit)
                                          : tr("Over the runbook limit of %1").arg(limit));
        else
            tile->verdict->setText(within ? tr("OK: above the runbook minimum of %1").arg(limit)
                                          : tr("Below the runbook minimum of %1").arg(limit));
        const QString colour = QStringLiteral("color: %1;").arg((within ? goodColour(dark) : badColour(dark)).name());
        tile->value->setStyleSheet(colour);
        tile->verdict->setStyleSheet(colour);
    }
}

void DashboardsPanel::updateCoverage()
{
    const QString connected = m_model->connectedInstance();
    const bool live = m_model->range() == MetricsSeriesModel::Range::Live;
    m_scope->setItemText(0, connected.isEmpty() ? tr("This instance") : tr("This instance (%1)").arg(connected));
    // Live reads the connected instance's own counters: there is nothing else to pick.
    m_scope->setEnabled(!live);
    m_scope->setToolTip(live ? tr("Live shows the instance this console is connected to; the history ranges can sum "
                                  "every instance sharing the database")
                             : QString());
    // "instance a:1, the one this console is connected to"
    const QString named = connected.isEmpty() ? tr("the one instance this console is connected to")
                                              : tr("instance %1, the one this console is connected to").arg(connected);
    if (live) {
        m_coverage->setText(tr("Live: the counters of %1, since it started.").arg(named));
        return;
    }
    const QStringList &instances = m_model->instances();
    if (m_model->scope() == MetricsSeriesModel::Scope::AllInstances || connected.isEmpty()) {
        m_coverage->setText(
            instances.isEmpty()
                ? tr("History: the per-minute rollups of every instance sharing the database (none in this range "
                     "yet).")
                : tr("History: the per-minute rollups of every instance sharing the database, summed (instances: %1).")
                      .arg(instances.join(QStringLiteral(", "))));
        return;
    }
    QStringList others = instances;
    others.removeAll(connected);
    QString text = tr("History: the per-minute rollups of %1, as Live shows it").arg(named);
    if (!instances.contains(connected))
        text += tr(" (none in this range yet)");
    text += others.isEmpty()
        ? QStringLiteral(".")
        : tr(". Not shown: %1 (pick All instances to sum them).").arg(others.join(QStringLiteral(", ")));
    m_coverage->setText(text);
}

void DashboardsPanel::showNearest(const Chart &chart, const QLineSeries &series, const QPointF &at)
{
    const QList<QPointF> points = series.points();
    if (points.isEmpty())
        return;
    const auto nearest = std::min_element(points.cbegin(), points.cend(), [&at](const QPointF &a, const QPointF &b) {
        return std::abs(a.x() - at.x()) < std::abs(b.x() - at.x());
    });
    const QString format = chart.x->format();
    const QString text
        = tr("%1 · %2 at %3: %4")
              .arg(chart.chart->title(), series.name(),
                   QDateTime::fromMSecsSinceEpoch(qint64(nearest->x())).toString(format), formatValue(nearest->y()));
    m_hovered->setText(text);
    QToolTip::showText(QCursor::pos(), text, chart.view);
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
    m_scope->setCurrentIndex(m_scope->findData(int(MetricsSeriesModel::Scope::AllInstances)));
    const int index = route.isEmpty() ? 0 : m_route->findData(route);
    if (index >= 0)
        m_route->setCurrentIndex(index);
    else
        m_wantedRoute = route; // the model lists the routes it has seen: selected once it does
}

void DashboardsPanel::applyCustomRange()
{
    const QDateTime from = m_from->dateTime();
    const QDateTime to = m_to->dateTime();
    QString problem;
    if (from >= to)
        problem = tr("The custom range must start before it ends.");
    else if (from.daysTo(to) > kLongestCustomRangeDays
             || (from.daysTo(to) == kLongestCustomRangeDays && from.time() < to.time()))
        problem = tr("The custom range is at most %1 days.").arg(kLongestCustomRangeDays);
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    if (!problem.isEmpty())
        return;
    const QString format = from.daysTo(to) >= 1 ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm");
    for (Chart *chart : std::as_const(m_charts))
        chart->x->setFormat(format);
    m_zoom.reset();
    m_resetZoom->setEnabled(false);
    m_model->setCustomRange(from, to);
    updateCoverage();
}

void DashboardsPanel::zoomTo(const QDateTime &from, const QDateTime &to)
{
    m_zoom = std::make_pair(from, to);
    m_resetZoom->setEnabled(true);
    rescale();
}

qint64 DashboardsPanel::rangeSpanMs() const
{
    if (m_model->range() == MetricsSeriesModel::Range::Custom)
        return m_model->customFrom().msecsTo(m_model->customTo());
    return spanOf(m_model->range());
}

void DashboardsPanel::rescale()
{
    const QScopedValueRollback<bool> ours(m_settingTimeAxes, true);
    const int rows = m_model->rowCount();
    qint64 last = QDateTime::currentMSecsSinceEpoch();
    qint64 first = last - rangeSpanMs();
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
        if (m_zoom)
            chart->x->setRange(m_zoom->first, m_zoom->second);
        else
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
