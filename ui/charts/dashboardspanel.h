#pragma once

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QLabel;

namespace twinops {

class AdminClient;
class MetricsSeriesModel;

// The dashboards (issue #6): requests, errors, 401/403, latency of one route, time to first token, jobs and the
// queue, live from the environment's metrics snapshot (every second while visible, nothing while hidden) or from
// the per-minute rollups for the last hour or day. Every chart is fed from MetricsSeriesModel through model
// mappers; the runbook's thresholds are dashed lines. This folder is the only one that includes QtCharts.
class DashboardsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardsPanel(AdminClient &client, QWidget *parent = nullptr);
    ~DashboardsPanel() override;

    MetricsSeriesModel *model() const { return m_model; }
    // Shows the shortest range that reaches back to `since` (live 15 min, last hour, last 24 hours) and the latency
    // of `route` when given: where an alert that became active then leads.
    void showRangeCovering(const QDateTime &since, const QString &route = {});

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Chart;
    void rescale();
    void updateRoutes(const QStringList &routes);

    MetricsSeriesModel *m_model;
    QComboBox *m_range;
    QComboBox *m_route;
    QLabel *m_error;
    QList<Chart *> m_charts;
    QString m_wantedRoute; // selected once the model lists it (showRangeCovering)
    bool m_rescalePending = false;
};

} // namespace twinops
