#include "metricsseriesmodel.h"

#include "admin/adminclient.h"
#include "checks/check.h"
#include "checks/monitoring.h"
#include "metrics/metricfamilies.h"
#include "metrics/metricsrollup.h"

#include <QUrlQuery>

#include <algorithm>
#include <cmath>

namespace twinops {

namespace {

// What one row is computed from, whether two live snapshots or one minute of rollups.
struct Interval
{
    double seconds = 1;
    double requests = 0;
    double serverErrors = 0;
    double unauthorized = 0;
    double forbidden = 0;
    QHash<QString, Histogram::Snapshot> latencyByRoute;
    Histogram::Snapshot ttft;
    double completed = 0;
    double unsuccessful = 0;
    double queueDepth = 0;
    double oldest = 0;

    void countRequest(const QJsonObject &labels, double amount)
    {
        const QString status = labels.value(QStringLiteral("status")).toString();
        requests += amount;
        if (status.startsWith(u'5'))
            serverErrors += amount;
        else if (status == QLatin1String("401"))
            unauthorized += amount;
        else if (status == QLatin1String("403"))
            forbidden += amount;
    }
    void countJob(const QJsonObject &labels, double amount)
    {
        const QString outcome = labels.value(QStringLiteral("outcome")).toString();
        if (outcome == QLatin1String("completed"))
            completed += amount;
        else if (outcome == QLatin1String("retried") || outcome == QLatin1String("discarded")
                 || outcome == QLatin1String("lost"))
            unsuccessful += amount;
    }
    static bool waiting(const QJsonObject &labels)
    {
        const QString state = labels.value(QStringLiteral("state")).toString();
        return state == QLatin1String("available") || state == QLatin1String("retryable");
    }
};

QJsonArray seriesOf(const QJsonObject &snapshot, const QString &name)
{
    return snapshot.value(name).toObject().value(QStringLiteral("series")).toArray();
}

Histogram::Snapshot histogramOf(const QJsonObject &series)
{
    return histogramFromBuckets(series.value(QStringLiteral("buckets")).toArray(),
                                series.value(QStringLiteral("sum")).toDouble());
}

// The observations between two snapshots of one histogram series (all of `now` when there was none before).
Histogram::Snapshot histogramIncrease(const QJsonObject &now, const QJsonObject &before)
{
    const Histogram::Snapshot later = histogramOf(now);
    if (before.isEmpty())
        return later;
    const Histogram::Snapshot earlier = histogramOf(before);
    if (earlier.bounds != later.bounds || earlier.count > later.count)
        return later;
    return Histogram::delta(later, earlier);
}

QString routeOf(const QJsonObject &series)
{
    return series.value(QStringLiteral("labels")).toObject().value(QStringLiteral("route")).toString();
}

void setRates(std::array<double, MetricsSeriesModel::ColumnCount> &values, const Interval &interval)
{
    using M = MetricsSeriesModel;
    const double seconds = std::max(interval.seconds, 0.001);
    values[M::RequestsPerSecond] = interval.requests / seconds;
    values[M::ErrorRatePercent] = interval.requests > 0 ? 100.0 * interval.serverErrors / interval.requests : 0.0;
    values[M::UnauthorizedPerSecond] = interval.unauthorized / seconds;
    values[M::ForbiddenPerSecond] = interval.forbidden / seconds;
    values[M::AuthFailurePercent]
        = interval.requests > 0 ? 100.0 * (interval.unauthorized + interval.forbidden) / interval.requests : 0.0;
    values[M::TtftP95Seconds] = Histogram::quantile(interval.ttft, 0.95);
    values[M::JobsCompletedPerSecond] = interval.completed / seconds;
    const double finished = interval.completed + interval.unsuccessful;
    values[M::JobSuccessPercent] = finished > 0 ? 100.0 * interval.completed / finished : 100.0;
    values[M::QueueDepth] = interval.queueDepth;
    values[M::OldestWaitingSeconds] = interval.oldest;
}

} // namespace

MetricsSeriesModel::MetricsSeriesModel(AdminClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
    m_timer.setInterval(std::chrono::seconds(1));
    connect(&m_timer, &QTimer::timeout, this, [this] { m_range == Range::Live ? poll() : loadHistory(); });
}

int MetricsSeriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_points.size());
}

int MetricsSeriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MetricsSeriesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Point &point = m_points[size_t(index.row())];
    if (index.column() == Time) {
        if (role == RawRole)
            return point.at;
        if (role == Qt::DisplayRole)
            return double(point.at.toMSecsSinceEpoch());
        if (role == Qt::ToolTipRole)
            return point.at.toLocalTime().toString(Qt::ISODate);
        return {};
    }
    if (role == Qt::DisplayRole || role == RawRole)
        return point.values[size_t(index.column())];
    return {};
}

QVariant MetricsSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case RequestsPerSecond: return tr("Requests/s");
    case ErrorRatePercent: return tr("5xx %");
    case UnauthorizedPerSecond: return tr("401/s");
    case ForbiddenPerSecond: return tr("403/s");
    case LatencyP50Seconds: return tr("p50 (s)");
    case LatencyP95Seconds: return tr("p95 (s)");
    case LatencyP99Seconds: return tr("p99 (s)");
    case TtftP95Seconds: return tr("TTFT p95 (s)");
    case JobsCompletedPerSecond: return tr("Jobs completed/s");
    case JobSuccessPercent: return tr("Job success %");
    case QueueDepth: return tr("Queue depth");
    case OldestWaitingSeconds: return tr("Oldest waiting (s)");
    case AuthFailurePercent: return tr("401/403 %");
    default: return {};
    }
}

void MetricsSeriesModel::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (!active) {
        m_timer.stop();
        // A rate across the time nobody watched would be one long flat interval: start afresh when shown.
        m_previous = {};
        m_previousAt = {};
        return;
    }
    if (m_range == Range::Live)
        poll();
    else
        loadHistory();
    m_timer.start();
}

void MetricsSeriesModel::setRange(Range range)
{
    if (range != m_range)
        restart(range);
}

void MetricsSeriesModel::setCustomRange(const QDateTime &from, const QDateTime &to)
{
    m_customFrom = from.toUTC();
    m_customTo = to.toUTC();
    restart(Range::Custom);
}

void MetricsSeriesModel::restart(Range range)
{
    m_range = range;
    ++m_generation; // late answers for the old range are dropped
    m_pollInFlight = false;
    if (m_historyPending > 0) {
        m_historyPending = 0;
        emit loadingChanged(false); // the dropped load never ends by itself
    }
    m_previous = {};
    m_previousAt = {};
    m_history.clear();
    m_historyFrom = {};
    m_historyTo = {};
    beginResetModel();
    m_points.clear();
    endResetModel();
    if (!m_instances.isEmpty()) {
        m_instances.clear();
        emit instancesChanged(m_instances);
    }
    m_timer.stop();
    m_timer.setInterval(range == Range::Live ? m_pollIntervalMs : 60'000);
    if (m_active) {
        range == Range::Live ? poll() : loadHistory();
        m_timer.start();
    }
}

void MetricsSeriesModel::setPollInterval(std::chrono::milliseconds interval)
{
    m_pollIntervalMs = int(std::max<qint64>(10, interval.count()));
    if (m_range == Range::Live)
        m_timer.setInterval(m_pollIntervalMs);
}

void MetricsSeriesModel::setLiveCapacity(int rows)
{
    m_liveCapacity = std::max(2, rows);
}

void MetricsSeriesModel::setLatencyRoute(const QString &route)
{
    if (route == m_latencyRoute)
        return;
    m_latencyRoute = route;
    if (m_points.empty())
        return;
    for (Point &point : m_points)
        fillLatency(point);
    emit dataChanged(index(0, LatencyP50Seconds), index(rowCount() - 1, LatencyP99Seconds));
}

QStringList MetricsSeriesModel::historyMetricNames()
{
    return {metricfamily::httpRequests(), metricfamily::httpRequestDuration(), metricfamily::chatTtft(),
            metricfamily::jobAttempts(),  metricfamily::jobsByState(),         metricfamily::jobQueueOldestAvailable()};
}

void MetricsSeriesModel::poll()
{
    if (m_pollInFlight)
        return;
    m_pollInFlight = true;
    if (m_previous.isEmpty())
        askConnectedInstance(); // once per Live run: the coverage line names it
    const quint64 generation = m_generation;
    m_client.get(QStringLiteral("/api/v1/admin/metrics"), this, [this, generation](const AdminReply &reply) {
        if (generation != m_generation)
            return;
        m_pollInFlight = false;
        if (!reply.ok()) {
            reportError(tr("Cannot read the metrics: %1").arg(reply.errorText()));
            return;
        }
        reportError(QString());
        if (m_active && m_range == Range::Live)
            addSnapshot(reply.body, QDateTime::currentDateTimeUtc());
    });
}

void MetricsSeriesModel::addSnapshot(const QJsonObject &snapshot, const QDateTime &at)
{
    QStringList seen;
    for (const QJsonValue &entry : seriesOf(snapshot, metricfamily::httpRequestDuration()))
        seen.append(routeOf(entry.toObject()));
    noteRoutes(seen);

    const QJsonObject previous = m_previous;
    const QDateTime previousAt = m_previousAt;
    m_previous = snapshot;
    m_previousAt = at;
    if (!previousAt.isValid() || previousAt >= at)
        return;

    Interval interval;
    interval.seconds = double(previousAt.msecsTo(at)) / 1000.0;
    auto counters = [&](const QString &name, auto count) {
        const QHash<QString, QJsonObject> before = MetricsRollup::seriesByLabels(seriesOf(previous, name));
        for (const QJsonValue &entry : seriesOf(snapshot, name)) {
            const QJsonObject item = entry.toObject();
            const QJsonObject labels = item.value(QStringLiteral("labels")).toObject();
            const double earlier
                = before.value(MetricsRollup::canonicalLabels(labels)).value(QStringLiteral("value")).toDouble();
            const double amount
                = MetricsRollup::counterIncrease(item.value(QStringLiteral("value")).toDouble(), earlier);
            if (amount > 0)
                count(labels, amount);
        }
    };
    counters(metricfamily::httpRequests(),
             [&](const QJsonObject &labels, double amount) { interval.countRequest(labels, amount); });
    counters(metricfamily::jobAttempts(),
             [&](const QJsonObject &labels, double amount) { interval.countJob(labels, amount); });

    const QHash<QString, QJsonObject> latencyBefore
        = MetricsRollup::seriesByLabels(seriesOf(previous, metricfamily::httpRequestDuration()));
    for (const QJsonValue &entry : seriesOf(snapshot, metricfamily::httpRequestDuration())) {
        const QJsonObject item = entry.toObject();
        const Histogram::Snapshot moved = histogramIncrease(
            item, latencyBefore.value(MetricsRollup::canonicalLabels(item.value(QStringLiteral("labels")).toObject())));
        if (moved.count > 0) {
            Histogram::Snapshot &route = interval.latencyByRoute[routeOf(item)];
            route = mergeHistograms(route, moved);
        }
    }
    const QHash<QString, QJsonObject> ttftBefore
        = MetricsRollup::seriesByLabels(seriesOf(previous, metricfamily::chatTtft()));
    for (const QJsonValue &entry : seriesOf(snapshot, metricfamily::chatTtft())) {
        const QJsonObject item = entry.toObject();
        interval.ttft = mergeHistograms(interval.ttft,
                                        histogramIncrease(item,
                                                          ttftBefore.value(MetricsRollup::canonicalLabels(
                                                              item.value(QStringLiteral("labels")).toObject()))));
    }
    for (const QJsonValue &entry : seriesOf(snapshot, metricfamily::jobsByState())) {
        const QJsonObject item = entry.toObject();
        if (Interval::waiting(item.value(QStringLiteral("labels")).toObject()))
            interval.queueDepth += item.value(QStringLiteral("value")).toDouble();
    }
    for (const QJsonValue &entry : seriesOf(snapshot, metricfamily::jobQueueOldestAvailable()))
        interval.oldest = std::max(interval.oldest, entry.toObject().value(QStringLiteral("value")).toDouble());

    Point point;
    point.at = at;
    setRates(point.values, interval);
    point.latencyByRoute = std::move(interval.latencyByRoute);
    fillLatency(point);
    append(std::move(point));
}

void MetricsSeriesModel::append(Point point)
{
    if (int(m_points.size()) >= m_liveCapacity) {
        const int excess = int(m_points.size()) - m_liveCapacity + 1;
        beginRemoveRows({}, 0, excess - 1);
        m_points.erase(m_points.begin(), m_points.begin() + excess);
        endRemoveRows();
    }
    const int row = int(m_points.size());
    beginInsertRows({}, row, row);
    m_points.push_back(std::move(point));
    endInsertRows();
}

void MetricsSeriesModel::fillLatency(Point &point) const
{
    Histogram::Snapshot merged;
    for (auto it = point.latencyByRoute.cbegin(); it != point.latencyByRoute.cend(); ++it) {
        if (m_latencyRoute.isEmpty() || it.key() == m_latencyRoute)
            merged = mergeHistograms(merged, it.value());
    }
    point.values[LatencyP50Seconds] = Histogram::quantile(merged, 0.5);
    point.values[LatencyP95Seconds] = Histogram::quantile(merged, 0.95);
    point.values[LatencyP99Seconds] = Histogram::quantile(merged, 0.99);
}

void MetricsSeriesModel::noteRoutes(const QStringList &seen)
{
    bool changed = false;
    for (const QString &route : seen) {
        if (!route.isEmpty() && !m_routes.contains(route)) {
            m_routes.append(route);
            changed = true;
        }
    }
    if (!changed)
        return;
    m_routes.sort();
    emit routesChanged(m_routes);
}

void MetricsSeriesModel::loadHistory()
{
    if (m_historyPending > 0)
        return;
    const quint64 generation = ++m_generation;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Whole minutes only: the current one is still being written.
    m_historyTo = MetricsRollup::minuteOf(now);
    if (m_range == Range::Custom) {
        const QDateTime toMinute = MetricsRollup::minuteOf(m_customTo);
        m_historyTo = std::min(m_historyTo, toMinute < m_customTo ? toMinute.addSecs(60) : toMinute);
        m_historyFrom = std::min(MetricsRollup::minuteOf(m_customFrom), m_historyTo);
    } else {
        m_historyFrom = m_historyTo.addSecs(m_range == Range::Day ? -24 * 3600 : -3600);
    }
    if (m_historyFrom >= m_historyTo) { // a custom range in the future: no whole minute to ask for yet
        setHistory({}, m_historyFrom, m_historyTo);
        return;
    }
    m_history.clear();
    const QStringList names = historyMetricNames();
    m_historyPending = int(names.size()) + 1;
    emit loadingChanged(true);
    askConnectedInstance(); // the connected process may have been restarted (a new host:pid) since the last load
    for (const QString &name : names) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("name"), name);
        query.addQueryItem(QStringLiteral("from"), m_historyFrom.toString(Qt::ISODate));
        query.addQueryItem(QStringLiteral("to"), m_historyTo.addMSecs(-1).toString(Qt::ISODateWithMs));
        m_client.get(QStringLiteral("/api/v1/admin/metrics/history?") + query.toString(QUrl::FullyEncoded), this,
                     [this, generation, name](const AdminReply &reply) { historyArrived(generation, name, reply); });
    }
}

void MetricsSeriesModel::historyArrived(quint64 generation, const QString &name, const AdminReply &reply)
{
    if (generation != m_generation)
        return;
    if (!reply.ok()) {
        m_historyPending = 0;
        ++m_generation; // the other answers of this load are no use now
        emit loadingChanged(false);
        reportError(tr("Cannot load the metric history: %1").arg(reply.errorText()));
        return;
    }
    m_history.insert(name, reply.body.value(QStringLiteral("points")).toArray());
    historyPartDone();
}

void MetricsSeriesModel::askConnectedInstance()
{
    const quint64 generation = m_generation;
    m_client.get(QStringLiteral("/health"), this, [this, generation](const AdminReply &reply) {
        // A degraded instance (503) still names itself; a failed call keeps the name known before.
        const QString name = reply.body.value(QStringLiteral("instance")).toString();
        if (!name.isEmpty() && name != m_connectedInstance) {
            m_connectedInstance = name;
            emit instancesChanged(m_instances);
        }
        if (generation == m_generation && m_historyPending > 0)
            historyPartDone();
    });
}

void MetricsSeriesModel::historyPartDone()
{
    if (--m_historyPending > 0)
        return;
    emit loadingChanged(false);
    reportError(QString());
    setHistory(m_history, m_historyFrom, m_historyTo);
}

void MetricsSeriesModel::setScope(Scope scope)
{
    if (scope == m_scope)
        return;
    m_scope = scope;
    // A load in flight applies the scope when it ends; otherwise the rows are rebuilt from the last one.
    if (m_range != Range::Live && m_historyPending == 0 && m_historyFrom.isValid())
        setHistory(QHash<QString, QJsonArray>(m_history), m_historyFrom, m_historyTo);
}

void MetricsSeriesModel::setHistory(const QHash<QString, QJsonArray> &pointsByName, const QDateTime &from,
                                    const QDateTime &to)
{
    if (&pointsByName != &m_history)
        m_history = pointsByName; // kept for a change of scope
    m_historyFrom = from;
    m_historyTo = to;
    const QString only = m_scope == Scope::ConnectedInstance ? m_connectedInstance : QString();
    const QDateTime start = MetricsRollup::minuteOf(from);
    const int minutes = std::max(0, int(start.secsTo(to) / 60));
    std::vector<Interval> intervals(size_t(minutes), Interval{});
    // Queue gauges: every instance reads the same jobs table, so take the largest reading, never the sum.
    std::vector<QHash<QString, double>> waiting(static_cast<size_t>(minutes));
    QStringList seen;
    QStringList instances;
    auto each = [&](const QString &name, auto handle) {
        for (const QJsonValue &entry : pointsByName.value(name)) {
            const QJsonObject point = entry.toObject();
            const QString instance = point.value(QStringLiteral("instance")).toString();
            if (!instance.isEmpty() && !instances.contains(instance))
                instances.append(instance);
            if (!only.isEmpty() && instance != only)
                continue;
            const QDateTime at
                = QDateTime::fromString(point.value(QStringLiteral("minute_at")).toString(), Qt::ISODate);
            const qint64 minute = at.isValid() ? start.secsTo(at) / 60 : -1;
            if (minute >= 0 && minute < minutes)
                handle(size_t(minute), point, point.value(QStringLiteral("labels")).toObject());
        }
    };
    each(metricfamily::httpRequests(), [&](size_t m, const QJsonObject &p, const QJsonObject &labels) {
        intervals[m].countRequest(labels, p.value(QStringLiteral("count")).toDouble());
    });
    each(metricfamily::jobAttempts(), [&](size_t m, const QJsonObject &p, const QJsonObject &labels) {
        intervals[m].countJob(labels, p.value(QStringLiteral("count")).toDouble());
    });
    each(metricfamily::httpRequestDuration(), [&](size_t m, const QJsonObject &p, const QJsonObject &labels) {
        const QString route = labels.value(QStringLiteral("route")).toString();
        seen.append(route);
        Histogram::Snapshot &merged = intervals[m].latencyByRoute[route];
        merged = mergeHistograms(merged, histogramOf(p));
    });
    each(metricfamily::chatTtft(), [&](size_t m, const QJsonObject &p, const QJsonObject &) {
        intervals[m].ttft = mergeHistograms(intervals[m].ttft, histogramOf(p));
    });
    each(metricfamily::jobsByState(), [&](size_t m, const QJsonObject &p, const QJsonObject &labels) {
        if (Interval::waiting(labels)) {
            const QString state = labels.value(QStringLiteral("state")).toString();
            waiting[m][state] = std::max(waiting[m].value(state), p.value(QStringLiteral("sum")).toDouble());
        }
    });
    each(metricfamily::jobQueueOldestAvailable(), [&](size_t m, const QJsonObject &p, const QJsonObject &) {
        intervals[m].oldest = std::max(intervals[m].oldest, p.value(QStringLiteral("sum")).toDouble());
    });
    noteRoutes(seen);
    instances.sort();
    if (instances != m_instances) {
        m_instances = instances;
        emit instancesChanged(m_instances);
    }

    beginResetModel();
    m_points.clear();
    for (int m = 0; m < minutes; ++m) {
        Interval &interval = intervals[size_t(m)];
        interval.seconds = 60;
        for (double depth : std::as_const(waiting[size_t(m)]))
            interval.queueDepth += depth;
        Point point;
        point.at = start.addSecs(60 * m);
        setRates(point.values, interval);
        point.latencyByRoute = std::move(interval.latencyByRoute);
        fillLatency(point);
        m_points.push_back(std::move(point));
    }
    endResetModel();
}

void MetricsSeriesModel::reportError(const QString &message)
{
    if (message == m_lastError)
        return;
    m_lastError = message;
    emit errorOccurred(message);
}

} // namespace twinops
