#pragma once

#include <QDateTime>
#include <QWidget>

#include <optional>
#include <utility>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QPushButton;
class QLineSeries;

namespace twinops {

class AdminClient;
class MetricsSeriesModel;

// The dashboards (issue #6): requests, errors, 401/403, latency of one route, time to first token, jobs and the
// queue, live from the environment's metrics snapshot (every second while visible, nothing while hidden) or from
// the per-minute rollups for the last hour or day. Every chart is fed from MetricsSeriesModel through model
// mappers; the runbook's thresholds are dashed lines. Stat tiles above the charts give the latest values, judged in
// words against the runbook; hovering a line names the nearest point's time and value; the charts follow a dark
// palette. Dragging across a chart zooms every chart to that time span (Reset zoom undoes it); a custom range reads
// the rollups between two times. Live and, by default, the history ranges describe the one instance the console is
// connected to; the history can sum every instance sharing the database instead. This folder is the only one that
// includes QtCharts.
class DashboardsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardsPanel(AdminClient &client, QWidget *parent = nullptr);
    ~DashboardsPanel() override;

    MetricsSeriesModel *model() const { return m_model; }
    // Shows the shortest range that reaches back to `since` (live 15 min, last hour, last 24 hours) and the latency
    // of `route` when given: where an alert that became active then leads. The history ranges then sum every
    // instance, as the alert rules do.
    void showRangeCovering(const QDateTime &since, const QString &route = {});

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Chart;
    struct Tile;
    void rescale();
    void applyCustomRange();
    void zoomTo(const QDateTime &from, const QDateTime &to);
    qint64 rangeSpanMs() const;
    void updateTiles();
    void updateCoverage(); // the line above the charts and the scope's wording: which instances are shown
    void applyPalette();
    void showNearest(const Chart &chart, const QLineSeries &series, const QPointF &at);
    void updateRoutes(const QStringList &routes);
    bool isDark() const;

    MetricsSeriesModel *m_model;
    QComboBox *m_range;
    QComboBox *m_route;
    QComboBox *m_scope; // the history's instances: the connected one, or all summed
    QDateTimeEdit *m_from; // the custom range, shown while it is picked
    QDateTimeEdit *m_to;
    QPushButton *m_apply;
    QPushButton *m_resetZoom;
    QLabel *m_error;
    QLabel *m_coverage; // which instances the range describes
    QLabel *m_hovered; // the hovered point, also shown as a tooltip
    QList<Chart *> m_charts;
    QList<Tile *> m_tiles;
    int m_themeDark = -1; // the palette the charts were last themed for (-1: none yet)
    QString m_wantedRoute; // selected once the model lists it (showRangeCovering)
    bool m_rescalePending = false;
    std::optional<std::pair<QDateTime, QDateTime>> m_zoom; // the time span every chart shows while zoomed
    bool m_settingTimeAxes = false; // the axes move because of us, not because of a drag
};

} // namespace twinops
