#pragma once

#include "core/result.h"
#include "storage/databaseurl.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>

namespace twinops {

class Database;
class MetricsRegistry;
class MetricsRollupThread;

// How long per-minute metric history is kept unless configured (TWINOPS_METRICS_RETENTION_DAYS).
inline constexpr std::chrono::hours kDefaultMetricsRetention{24 * 30};

// Turns the process's MetricsRegistry into per-minute history in metric_rollups (docs/decisions.md,
// "Console (issue #6)", Dashboards), so that the dashboards can show more than the console has watched live and history
// survives restarts. One row per minute, instance, metric and label set:
//   counter    count = sum = the increase within the minute; min, max, buckets NULL
//   histogram  count, sum = the observations within the minute; buckets = their [{le, count}] (cumulative, as
//              in /admin/metrics); min, max NULL (a histogram does not know them)
//   gauge      sum = the last value read in the minute, min/max = the extremes read, count = how many reads
// Counters and histograms that did not move in a minute get no row, which keeps a quiet process's table small.
// `labels` is the label set as compact JSON with sorted keys ('' for none), so equal sets compare equal.
//
// run() may be called any number of times per minute: the minute's rows are rewritten with everything since
// the minute began, so the interval only decides how fresh the current minute is. Not thread-safe: one thread
// runs it (MetricsRollupWriter's).
class MetricsRollup final
{
public:
    MetricsRollup(MetricsRegistry &metrics, QString instance);

    // Reads the registry and writes the rows of the minute `now` falls in, in one transaction. A failed write
    // is retried by the next run in the same minute; once the minute is over its increase goes to the next one.
    Status run(Database &db, const QDateTime &now);

    static QString canonicalLabels(const QJsonObject &labels);
    // The "series" of a snapshotJson() family by canonicalLabels(), to pair each series with its earlier read.
    static QHash<QString, QJsonObject> seriesByLabels(const QJsonArray &series);
    // What a counter (or a histogram's count or bucket) grew by between two reads. One that went down belongs to a
    // restarted process or a replaced registry and counts from zero.
    template<typename T> static T counterIncrease(T now, T before) { return now >= before ? now - before : now; }
    static QDateTime minuteOf(const QDateTime &time); // UTC, seconds and milliseconds cut off

private:
    struct GaugeMinute
    {
        qint64 reads = 0;
        double last = 0;
        double min = 0;
        double max = 0;
    };

    MetricsRegistry &m_metrics;
    QString m_instance;
    QDateTime m_minute; // the minute the rows in hand belong to
    QJsonObject m_baseline; // the registry when m_minute began (empty: the process's start)
    QJsonObject m_last; // the registry at the latest run
    QHash<QString, GaugeMinute> m_gauges; // of m_minute, by name and labels
};

// Runs a MetricsRollup every `interval` on a thread of its own with its own database connection (never on the
// GUI thread), and once more when destroyed so that the last partial minute is kept. `beforeRun` is called on
// that thread with its connection just before each run (the core refreshes the queue gauges there). Once an hour
// (and at its first run) it deletes the rows older than `retention`, every instance's; zero keeps them all.
class MetricsRollupWriter final
{
public:
    MetricsRollupWriter(DatabaseUrl url, MetricsRegistry &metrics, QString instance,
                        std::chrono::milliseconds interval = std::chrono::minutes(1),
                        std::function<void(Database &)> beforeRun = {},
                        std::chrono::hours retention = kDefaultMetricsRetention);
    ~MetricsRollupWriter();
    Q_DISABLE_COPY_MOVE(MetricsRollupWriter)

    // Completed runs (successful or not): lets tests wait for a tick instead of sleeping.
    int runs() const;

private:
    std::unique_ptr<MetricsRollupThread> m_thread;
};

// The rows of one metric (every metric for an empty name) with minute_at in [from, to], oldest first, as the
// history route returns them: [{minute_at, name, instance, labels: {…}, count, sum, min, max, buckets}] (min, max,
// buckets null where absent). At most `limit` rows.
Result<QJsonArray> readMetricHistory(Database &db, const QString &name, const QDateTime &from, const QDateTime &to,
                                     int limit = 50'000);

// Deletes the rows of every instance with minute_at before `before`; how many. A day of minutes per statement,
// so a first prune of a long history never holds the (SQLite: only) write lock for long.
Result<qint64> pruneMetricHistory(Database &db, const QDateTime &before);

} // namespace twinops
