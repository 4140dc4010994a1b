#pragma once

#include "metrics/counter.h"
#include "metrics/histogram.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace twinops {

// Every metric of the process, for /metrics (Prometheus text), the desktop dashboards and the per-minute
// rollups. Owned by the composition root and passed by reference; not a singleton, so tests get their own.
//
// Registration takes a mutex and is meant for startup (one series per route, per job kind …): callers keep
// the returned reference, which stays valid for the registry's lifetime, and record through it without a
// lock. Asking again for the same name and labels returns the same object.
//
// Misuse (a name without "twinops_", a counter without "_total", one name with two types, label names that
// differ from the family's, a name that collides with another family's: twinops_jobs beside twinops_jobs_total,
// or x_count beside a histogram x) asserts in debug builds; a release build logs it and returns a series that
// works but is never exported, so a bad metric cannot break the scrape of the good ones.
class MetricsRegistry final
{
public:
    // (name, value) pairs. The first registration of a family fixes its label names and their order;
    // later ones may list the same names in any order.
    using Labels = QList<std::pair<QString, QString>>;
    enum class Type { Counter, Gauge, Histogram };

    // The Content-Type of prometheusText().
    static constexpr const char *kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    MetricsRegistry();
    ~MetricsRegistry();
    Q_DISABLE_COPY_MOVE(MetricsRegistry)

    Counter &counter(const QString &name, const QString &help, const Labels &labels = {});
    Gauge &gauge(const QString &name, const QString &help, const Labels &labels = {});
    // Bounds are fixed by the family's first registration.
    Histogram &histogram(const QString &name, const QString &help, const Labels &labels = {},
                         const std::vector<double> &bounds = Histogram::latencyBucketsSeconds());
    // A gauge read when scraped (queue depth from the database, uptime …). The function is called on the
    // scraping thread without the registry's lock held, so it must be thread-safe and may use the registry.
    // Registering the same name and labels again replaces the function.
    void gaugeCallback(const QString &name, const QString &help, const Labels &labels, std::function<double()> read);

    // The text exposition format 0.0.4: families sorted by name, series by label values.
    QByteArray prometheusText() const;
    // {family: {type, help, series: [{labels: {…}, value}]}}; a histogram series has count, sum, p50, p95,
    // p99 and buckets: [{le, count}] with cumulative counts and le as in the text format ("0.5", "+Inf").
    QJsonObject snapshotJson() const;

private:
    struct Series
    {
        Labels labels; // in the family's label order
        std::unique_ptr<Counter> counter;
        std::unique_ptr<Gauge> gauge;
        std::unique_ptr<Histogram> histogram;
        // Shared so that a scrape can call it outside the lock while a registration replaces it.
        std::shared_ptr<const std::function<double()>> callback;
    };
    struct Family
    {
        QString name;
        QString help;
        Type type = Type::Counter;
        QStringList labelNames;
        std::vector<double> bounds;
        std::map<QStringList, Series> series; // by label values in labelNames order; nodes never move
    };
    // What a scrape reads, gathered under the lock; families and series are never removed, so the
    // pointers stay valid after it is released.
    struct SeriesView
    {
        const Series *series;
        std::shared_ptr<const std::function<double()>> callback;
    };
    struct FamilyView
    {
        const Family *family;
        std::vector<SeriesView> series;
    };

    // Finds or creates the series (computed: a gaugeCallback's, which has no Gauge); nullptr on misuse.
    // Called with m_mutex held.
    Series *findOrCreate(const QString &name, const QString &help, Type type, const Labels &labels,
                         const std::vector<double> &bounds, bool computed);
    Series &detached(Type type, const std::vector<double> &bounds);
    std::vector<FamilyView> collect() const;

    mutable QMutex m_mutex;
    std::map<QString, Family> m_families;
    std::vector<std::unique_ptr<Series>> m_detached; // misused registrations: alive, never exported
};

} // namespace twinops
