#include "metrics/metricsrollup.h"

#include "metrics/metricsregistry.h"
#include "storage/database.h"

#include <QJsonDocument>
#include <QJsonValue>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace twinops {

namespace {

Q_LOGGING_CATEGORY(lcRollup, "twinops.metrics.rollup")

// Cumulative buckets minus the baseline's, bucket by bucket (same bounds: a family's bounds never change).
QJsonArray bucketIncrease(const QJsonArray &now, const QJsonArray &before)
{
    QJsonArray result;
    for (qsizetype i = 0; i < now.size(); ++i) {
        const QJsonObject bucket = now.at(i).toObject();
        const qint64 earlier
            = i < before.size() ? before.at(i).toObject().value(QStringLiteral("count")).toInteger() : 0;
        result.append(
            QJsonObject{{QStringLiteral("le"), bucket.value(QStringLiteral("le"))},
                        {QStringLiteral("count"),
                         MetricsRollup::counterIncrease(bucket.value(QStringLiteral("count")).toInteger(), earlier)}});
    }
    return result;
}

QVariant optionalReal(bool present, double value)
{
    return present && std::isfinite(value) ? QVariant(value) : QVariant();
}

} // namespace

MetricsRollup::MetricsRollup(MetricsRegistry &metrics, QString instance)
    : m_metrics(metrics)
    , m_instance(std::move(instance))
{ }

QString MetricsRollup::canonicalLabels(const QJsonObject &labels)
{
    if (labels.isEmpty())
        return QString();
    return QString::fromUtf8(QJsonDocument(labels).toJson(QJsonDocument::Compact));
}

QHash<QString, QJsonObject> MetricsRollup::seriesByLabels(const QJsonArray &series)
{
    QHash<QString, QJsonObject> result;
    for (const QJsonValue &entry : series) {
        const QJsonObject item = entry.toObject();
        result.insert(canonicalLabels(item.value(QStringLiteral("labels")).toObject()), item);
    }
    return result;
}

QDateTime MetricsRollup::minuteOf(const QDateTime &time)
{
    const qint64 ms = time.toMSecsSinceEpoch();
    return QDateTime::fromMSecsSinceEpoch(ms - ((ms % 60'000) + 60'000) % 60'000, Qt::UTC);
}

Status MetricsRollup::run(Database &db, const QDateTime &now)
{
    const QDateTime minute = minuteOf(now);
    const QJsonObject snapshot = m_metrics.snapshotJson();
    if (minute != m_minute) {
        if (m_minute.isValid())
            m_baseline = m_last; // the previous minute's rows are final; what came after its last run is ours
        m_minute = minute;
        m_gauges.clear();
    }
    m_last = snapshot;

    struct Pending
    {
        QString name;
        QString labels;
        qint64 count = 0;
        double sum = 0;
        QVariant min;
        QVariant max;
        QVariant buckets;
    };
    QList<Pending> rows;
    for (auto family = snapshot.constBegin(); family != snapshot.constEnd(); ++family) {
        const QJsonObject object = family.value().toObject();
        const QString type = object.value(QStringLiteral("type")).toString();
        const QHash<QString, QJsonObject> before
            = seriesByLabels(m_baseline.value(family.key()).toObject().value(QStringLiteral("series")).toArray());
        const QJsonArray series = object.value(QStringLiteral("series")).toArray();
        for (const QJsonValue &entry : series) {
            const QJsonObject item = entry.toObject();
            const QString labels = canonicalLabels(item.value(QStringLiteral("labels")).toObject());
            const QJsonObject earlier = before.value(labels);
            Pending row;
            row.name = family.key();
            row.labels = labels;
            if (type == QLatin1String("counter")) {
                row.count = counterIncrease(item.value(QStringLiteral("value")).toInteger(),
                                            earlier.value(QStringLiteral("value")).toInteger());
                if (row.count == 0)
                    continue;
                row.sum = double(row.count);
            } else if (type == QLatin1String("histogram")) {
                row.count = counterIncrease(item.value(QStringLiteral("count")).toInteger(),
                                            earlier.value(QStringLiteral("count")).toInteger());
                if (row.count == 0)
                    continue;
                row.sum = std::max(0.0,
                                   item.value(QStringLiteral("sum")).toDouble()
                                       - earlier.value(QStringLiteral("sum")).toDouble());
                const QJsonArray buckets = bucketIncrease(item.value(QStringLiteral("buckets")).toArray(),
                                                          earlier.value(QStringLiteral("buckets")).toArray());
                row.buckets = QString::fromUtf8(QJsonDocument(buckets).toJson(QJsonDocument::Compact));
            } else {
                const QJsonValue value = item.value(QStringLiteral("value"));
                if (!value.isDouble())
                    continue; // NaN or infinite: nothing to keep
                GaugeMinute &gauge = m_gauges[family.key() + u'\x1f' + labels];
                const double v = value.toDouble();
                gauge.min = gauge.reads == 0 ? v : std::min(gauge.min, v);
                gauge.max = gauge.reads == 0 ? v : std::max(gauge.max, v);
                gauge.last = v;
                ++gauge.reads;
                row.count = gauge.reads;
                row.sum = gauge.last;
                row.min = optionalReal(true, gauge.min);
                row.max = optionalReal(true, gauge.max);
            }
            rows.append(std::move(row));
        }
    }
    if (rows.isEmpty())
        return {};

    const QString sql
        = QStringLiteral("INSERT INTO metric_rollups (minute_at, instance, name, labels, count, sum, min, max, "
                         "buckets) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, %1) "
                         "ON CONFLICT (minute_at, instance, name, labels) DO UPDATE SET count = excluded.count, "
                         "sum = excluded.sum, min = excluded.min, max = excluded.max, buckets = excluded.buckets")
              .arg(db.dialect() == Dialect::Postgres ? QStringLiteral("$9::jsonb") : QStringLiteral("$9"));
    TWINOPS_TRY_ASSIGN(auto transaction, Transaction::begin(db));
    for (const Pending &row : rows) {
        TWINOPS_TRY(discardRows(db.query(
            sql, {m_minute, m_instance, row.name, row.labels, row.count, row.sum, row.min, row.max, row.buckets})));
    }
    return transaction.commit();
}

// The writer's thread: its own connection (opened lazily, so a database that is down at start is retried at
// every tick) and a timer, both living and dying on this thread.
class MetricsRollupThread final : public QThread
{
public:
    MetricsRollupThread(DatabaseUrl url, MetricsRegistry &metrics, QString instance, std::chrono::milliseconds interval,
                        std::function<void(Database &)> beforeRun, std::chrono::hours retention)
        : m_url(std::move(url))
        , m_rollup(metrics, std::move(instance))
        , m_interval(interval)
        , m_beforeRun(std::move(beforeRun))
        , m_retention(retention)
    {
        setObjectName(QStringLiteral("metrics-rollup"));
    }

    std::atomic<int> runs{0};

protected:
    void run() override
    {
        QTimer timer;
        timer.setInterval(m_interval);
        QObject::connect(&timer, &QTimer::timeout, &timer, [this] { tick(); });
        timer.start();
        exec();
        tick(); // the partial minute at shutdown
        m_db.reset();
    }

private:
    void tick()
    {
        if (!m_db) {
            auto opened = Database::open(m_url);
            if (!opened.ok()) {
                qCWarning(lcRollup).noquote()
                    << "cannot open the database for metric rollups:" << opened.error().message;
                ++runs;
                return;
            }
            m_db = std::move(opened).value();
        }
        if (m_beforeRun)
            m_beforeRun(*m_db);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (const Status written = m_rollup.run(*m_db, now); !written.ok())
            qCWarning(lcRollup).noquote() << "metric rollup failed:" << written.error().message;
        prune(now);
        ++runs;
    }

    void prune(const QDateTime &now)
    {
        if (m_retention.count() <= 0 || (m_lastPrune.isValid() && m_lastPrune.secsTo(now) < 3600))
            return;
        const auto removed = pruneMetricHistory(
            *m_db, now.addSecs(-std::chrono::duration_cast<std::chrono::seconds>(m_retention).count()));
        if (!removed.ok()) {
            qCWarning(lcRollup).noquote() << "pruning metric history failed:" << removed.error().message;
            return; // tried again at the next tick
        }
        m_lastPrune = now;
        if (*removed > 0)
            qCInfo(lcRollup).noquote() << "deleted" << *removed << "metric rollup rows older than"
                                       << m_retention.count() / 24 << "days";
    }

    DatabaseUrl m_url;
    MetricsRollup m_rollup;
    std::chrono::milliseconds m_interval;
    std::function<void(Database &)> m_beforeRun;
    std::chrono::hours m_retention;
    QDateTime m_lastPrune; // invalid until the first successful prune
    std::unique_ptr<Database> m_db;
};

MetricsRollupWriter::MetricsRollupWriter(DatabaseUrl url, MetricsRegistry &metrics, QString instance,
                                         std::chrono::milliseconds interval, std::function<void(Database &)> beforeRun,
                                         std::chrono::hours retention)
    : m_thread(std::make_unique<MetricsRollupThread>(std::move(url), metrics, std::move(instance), interval,
                                                     std::move(beforeRun), retention))
{
    m_thread->start(QThread::LowPriority);
}

MetricsRollupWriter::~MetricsRollupWriter()
{
    m_thread->quit();
    m_thread->wait();
}

int MetricsRollupWriter::runs() const
{
    return m_thread->runs.load();
}

Result<QJsonArray> readMetricHistory(Database &db, const QString &name, const QDateTime &from, const QDateTime &to,
                                     int limit)
{
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        db.query(
            QStringLiteral("SELECT minute_at, instance, labels, count, sum, min, max, buckets, name "
                           "FROM metric_rollups WHERE ($1 = '' OR name = $1) AND minute_at >= $2 AND minute_at <= $3 "
                           "ORDER BY minute_at, name, instance, labels LIMIT $4"),
            {name, from.toUTC(), to.toUTC(), qint64(limit)}));
    QJsonArray points;
    for (const Row row : rows) {
        const QByteArray buckets = row.bytes(7);
        points.append(
            QJsonObject{{QStringLiteral("minute_at"), row.time(0).toUTC().toString(Qt::ISODateWithMs)},
                        {QStringLiteral("name"), row.text(8)},
                        {QStringLiteral("instance"), row.text(1)},
                        {QStringLiteral("labels"), row.jsonObject(2)},
                        {QStringLiteral("count"), row.integer(3)},
                        {QStringLiteral("sum"), row.real(4)},
                        {QStringLiteral("min"), row.isNull(5) ? QJsonValue() : QJsonValue(row.real(5))},
                        {QStringLiteral("max"), row.isNull(6) ? QJsonValue() : QJsonValue(row.real(6))},
                        {QStringLiteral("buckets"),
                         row.isNull(7) ? QJsonValue() : QJsonValue(QJsonDocument::fromJson(buckets).array())}});
    }
    return points;
}

Result<qint64> pruneMetricHistory(Database &db, const QDateTime &before)
{
    qint64 removed = 0;
    for (;;) {
        // The primary key starts with minute_at: both statements are index range reads.
        TWINOPS_TRY_ASSIGN(
            const auto oldest,
            db.query(QStringLiteral("SELECT min(minute_at) FROM metric_rollups WHERE minute_at < $1"), {before}));
        if (oldest.isEmpty() || oldest.first().isNull(0))
            return removed;
        const QDateTime upTo = std::min(before, oldest.first().time(0).addDays(1));
        TWINOPS_TRY_ASSIGN(const auto deleted,
                           db.query(QStringLiteral("DELETE FROM metric_rollups WHERE minute_at < $1"), {upTo}));
        removed += deleted.rowsAffected();
        if (upTo == before)
            return removed;
    }
}

} // namespace twinops
