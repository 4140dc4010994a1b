#pragma once

#include "metrics/histogram.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <QTimer>

#include <array>
#include <chrono>
#include <deque>

namespace twinops {

class AdminClient;
struct AdminReply;

// The dashboards' time series, one row per point in time, one column per series. Live: successive
// GET /admin/metrics snapshots (polled while active, every second by default) become rates over the time between
// two snapshots; the last 15 minutes are kept. Hour / Day: the per-minute rollups of
// GET /admin/metrics/history, one row per minute, reloaded every minute while active.
//
// Live rows are appended (rowsInserted) and the oldest removed (rowsRemoved), so a chart's model mapper only ever
// touches the ends; a range switch resets. Each row keeps its latency histograms per route (only the routes that
// saw requests in that interval), so picking another route rewrites the three latency columns in place
// (dataChanged) instead of starting over. Rates that are undefined for an interval with nothing in it are 0 (error
// rate) and 100 (job success: nothing failed), so the lines stay continuous.
class MetricsSeriesModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Time, // ms since the epoch (what QDateTimeAxis plots); RawRole gives the QDateTime
        RequestsPerSecond,
        ErrorRatePercent, // 5xx share of all requests
        UnauthorizedPerSecond, // 401
        ForbiddenPerSecond, // 403
        LatencyP50Seconds, // of latencyRoute(), or every route
        LatencyP95Seconds,
        LatencyP99Seconds,
        TtftP95Seconds,
        JobsCompletedPerSecond,
        JobSuccessPercent, // completed / (completed + retried + discarded + lost); cancelled says nothing
        QueueDepth, // jobs available or waiting for a retry
        OldestWaitingSeconds,
        AuthFailurePercent, // (401 + 403) share of all requests: what the runbook's auth failure limit is about
        ColumnCount
    };
    enum Role { RawRole = Qt::UserRole + 1 };
    enum class Range { Live, Hour, Day, Custom };

    static constexpr int kLiveCapacity = 15 * 60; // rows at one snapshot a second

    explicit MetricsSeriesModel(AdminClient &client, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Polls (Live) or loads and refreshes (Hour, Day) only while active: the panel is active while visible.
    void setActive(bool active);
    bool isActive() const { return m_active; }
    void setRange(Range range); // resets the rows; Custom keeps the bounds of the last setCustomRange
    Range range() const { return m_range; }
    // The rollups' minutes from `from` to `to` (rounded out to whole minutes, the current one left out); resets.
    void setCustomRange(const QDateTime &from, const QDateTime &to);
    const QDateTime &customFrom() const { return m_customFrom; }
    const QDateTime &customTo() const { return m_customTo; }
    void setPollInterval(std::chrono::milliseconds interval);
    void setLiveCapacity(int rows); // for tests; at least 2

    // The route pattern whose latency the latency columns show; empty for every route.
    void setLatencyRoute(const QString &route);
    const QString &latencyRoute() const { return m_latencyRoute; }
    // The routes seen so far, sorted.
    const QStringList &routes() const { return m_routes; }
    // Hour / Day: every instance sharing the database that wrote a rollup in the range, sorted. Live reads one
    // instance's own counters, so this is empty there.
    const QStringList &instances() const { return m_instances; }
    // Which of them the history rows describe. By default the instance this console is connected to (the name its
    // GET /health answers, asked again with every load), so that Live and the history ranges describe the same
    // process; or every instance, summed.
    enum class Scope { ConnectedInstance, AllInstances };
    void setScope(Scope scope); // rebuilds the rows from the history already loaded
    Scope scope() const { return m_scope; }
    // The connected instance's name, once GET /health has answered; empty before, or if it names none.
    const QString &connectedInstance() const { return m_connectedInstance; }

    // One snapshot of GET /admin/metrics taken at `at`: from the second one on, appends a row. Public for tests.
    void addSnapshot(const QJsonObject &snapshot, const QDateTime &at);
    // Replaces the rows with the minutes [from, to) built from history points by metric name, of the instances the
    // scope takes (all of them while the connected one is not known).
    void setHistory(const QHash<QString, QJsonArray> &pointsByName, const QDateTime &from, const QDateTime &to);

    // The metric families the history ranges read.
    static QStringList historyMetricNames();

signals:
    // Words for the panel; an empty message means the last request succeeded again.
    void errorOccurred(const QString &message);
    void routesChanged(const QStringList &routes);
    // The instances in the range, or the connected instance, changed.
    void instancesChanged(const QStringList &instances);
    void loadingChanged(bool loading);

private:
    struct Point
    {
        QDateTime at;
        std::array<double, ColumnCount> values{};
        QHash<QString, Histogram::Snapshot> latencyByRoute; // the interval's observations, by route pattern
    };

    void restart(Range range);
    void poll();
    void loadHistory();
    void historyArrived(quint64 generation, const QString &name, const AdminReply &reply);
    void askConnectedInstance();
    void historyPartDone();
    void fillLatency(Point &point) const;
    void noteRoutes(const QStringList &seen);
    void append(Point point);
    void reportError(const QString &message);

    AdminClient &m_client;
    QTimer m_timer;
    bool m_active = false;
    Range m_range = Range::Live;
    QDateTime m_customFrom;
    QDateTime m_customTo;
    int m_liveCapacity = kLiveCapacity;
    int m_pollIntervalMs = 1000;
    std::deque<Point> m_points;
    QString m_latencyRoute;
    QStringList m_routes;
    QStringList m_instances;
    Scope m_scope = Scope::ConnectedInstance;
    QString m_connectedInstance;
    QString m_lastError;

    // Live
    QJsonObject m_previous;
    QDateTime m_previousAt;
    bool m_pollInFlight = false;

    // History: one request per metric name; an answer for an older generation (range switched) is dropped.
    quint64 m_generation = 0;
    QHash<QString, QJsonArray> m_history; // the last load's points, kept for a change of scope
    int m_historyPending = 0; // answers still to come: one per metric name and GET /health
    QDateTime m_historyFrom;
    QDateTime m_historyTo;
};

} // namespace twinops
