#include "metrics/metricsregistry.h"

#include <QJsonArray>
#include <QLocale>
#include <QLoggingCategory>
#include <QMutexLocker>

#include <algorithm>
#include <cmath>

namespace twinops {

namespace {

Q_LOGGING_CATEGORY(lcMetrics, "twinops.metrics")

// Prometheus' data model: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names the same without ':'.
bool isValidName(const QString &name, bool allowColon)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t c = name.at(i).unicode();
        const bool letter
            = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_' || (allowColon && c == u':');
        const bool digit = c >= u'0' && c <= u'9';
        if (!letter && !(digit && i > 0))
            return false;
    }
    return true;
}

// Misuse is a programming error: it stops a debug build at once, and costs a release build only the
// offending series.
bool require(bool condition, const QString &name, const char *rule)
{
    if (!condition) {
        qCWarning(lcMetrics, "metric %s: %s; its series will not be exported", qUtf8Printable(name), rule);
        Q_ASSERT_X(false, "MetricsRegistry", rule);
    }
    return condition;
}

// The names a family takes in a scrape, as samples or as its OpenMetrics family name: a counter x_total is family x
// (with x_created), a histogram x writes x_bucket, x_sum and x_count (and OpenMetrics x_created), an info gauge
// x_info is family x. Two families that share one would be merged or refused by the scraper.
QStringList claimedNames(const QString &name, MetricsRegistry::Type type)
{
    QStringList names{name};
    if (type == MetricsRegistry::Type::Counter) {
        const QString family = name.chopped(int(qstrlen("_total")));
        names << family << family + QStringLiteral("_created");
    } else if (type == MetricsRegistry::Type::Histogram) {
        for (const char *suffix : {"_bucket", "_sum", "_count", "_created"})
            names << name + QLatin1String(suffix);
    } else if (name.endsWith(QStringLiteral("_info"))) {
        names << name.chopped(int(qstrlen("_info")));
    }
    return names;
}

QByteArray typeName(MetricsRegistry::Type type)
{
    switch (type) {
    case MetricsRegistry::Type::Counter: return QByteArrayLiteral("counter");
    case MetricsRegistry::Type::Gauge: return QByteArrayLiteral("gauge");
    case MetricsRegistry::Type::Histogram: return QByteArrayLiteral("histogram");
    }
    Q_UNREACHABLE();
    return {};
}

// Integers without an exponent, everything else as the shortest text that reads back as the same double
// (so "0.1" rather than "0.10000000000000001"), in the spellings Prometheus' parser accepts.
QByteArray formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    const double magnitude = std::abs(value);
    if (value == std::trunc(value) && magnitude < 1e15)
        return QByteArray::number(qint64(value));
    // Qt's shortest 'g' writes 0.0005 as "5e-04"; fixed notation is used where it stays short.
    const char format = magnitude >= 1e-4 && magnitude < 1e15 ? 'f' : 'g';
    return QByteArray::number(value, format, QLocale::FloatingPointShortest);
}

QByteArray escaped(const QString &text, bool escapeQuotes)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray result;
    result.reserve(utf8.size());
    for (char c : utf8) {
        if (c == '\\')
            result += "\\\\";
        else if (c == '\n')
            result += "\\n";
        else if (c == '"' && escapeQuotes)
            result += "\\\"";
        else
            result += c;
    }
    return result;
}

// {a="x",b="y"}, with the bucket's le last; empty when there is nothing to put in it.
QByteArray labelBlock(const MetricsRegistry::Labels &labels, const QByteArray &le = {})
{
    if (labels.isEmpty() && le.isNull())
        return {};
    QByteArray result = "{";
    for (const auto &[name, value] : labels) {
        if (result.size() > 1)
            result += ',';
        result += name.toUtf8() + "=\"" + escaped(value, true) + '"';
    }
    if (!le.isNull()) {
        if (result.size() > 1)
            result += ',';
        result += "le=\"" + le + '"';
    }
    result += '}';
    return result;
}

QJsonValue jsonNumber(double value)
{
    // JSON has no NaN or infinity.
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue();
}

} // namespace

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Counter &MetricsRegistry::counter(const QString &name, const QString &help, const Labels &labels)
{
    QMutexLocker lock(&m_mutex);
    Series *series = findOrCreate(name, help, Type::Counter, labels, {}, false);
    return *(series ? series : &detached(Type::Counter, {}))->counter;
}

Gauge &MetricsRegistry::gauge(const QString &name, const QString &help, const Labels &labels)
{
    QMutexLocker lock(&m_mutex);
    Series *series = findOrCreate(name, help, Type::Gauge, labels, {}, false);
    return *(series ? series : &detached(Type::Gauge, {}))->gauge;
}

Histogram &MetricsRegistry::histogram(const QString &name, const QString &help, const Labels &labels,
                                      const std::vector<double> &bounds)
{
    QMutexLocker lock(&m_mutex);
    Series *series = findOrCreate(name, help, Type::Histogram, labels, bounds, false);
    return *(series ? series : &detached(Type::Histogram, bounds))->histogram;
}

void MetricsRegistry::gaugeCallback(const QString &name, const QString &help, const Labels &labels,
                                    std::function<double()> read)
{
    QMutexLocker lock(&m_mutex);
    if (Series *series = findOrCreate(name, help, Type::Gauge, labels, {}, true))
        series->callback = std::make_shared<const std::function<double()>>(std::move(read));
}

MetricsRegistry::Series *MetricsRegistry::findOrCreate(const QString &name, const QString &help, Type type,
                                                       const Labels &labels, const std::vector<double> &bounds,
                                                       bool computed)
{
    auto familyIt = m_families.find(name);
    if (familyIt == m_families.end()) {
        if (!require(name.startsWith(QStringLiteral("twinops_")) && isValidName(name, true), name,
                     "names are twinops_[a-zA-Z0-9_:]*")
            || !require(type != Type::Counter || name.endsWith(QStringLiteral("_total")), name,
                        "counter names end in _total"))
            return nullptr;
        QStringList labelNames;
        for (const auto &label : labels) {
            const QString &labelName = label.first;
            if (!require(isValidName(labelName, false) && !labelName.startsWith(QStringLiteral("__")), name,
                         "label names are [a-zA-Z_][a-zA-Z0-9_]* and do not start with __")
                || !require(type != Type::Histogram || labelName != QStringLiteral("le"), name,
                            "le is reserved for histogram buckets")
                || !require(!labelNames.contains(labelName), name, "a label name appears twice"))
                return nullptr;
            labelNames << labelName;
        }
        const QStringList claimed = claimedNames(name, type);
        for (const auto &[otherName, other] : m_families) {
            const QStringList taken = claimedNames(otherName, other.type);
            if (!require(std::none_of(claimed.begin(), claimed.end(),
                                      [&taken](const QString &one) { return taken.contains(one); }),
                         name,
                         "its name collides with another family's (a counter x_total is family x; a histogram "
                         "x owns x_bucket, x_sum, x_count)"))
                return nullptr;
        }
        familyIt = m_families.try_emplace(name).first;
        Family &family = familyIt->second;
        family.name = name;
        family.help = help;
        family.type = type;
        family.labelNames = labelNames;
        family.bounds = bounds;
    }
    Family &family = familyIt->second;
    if (!require(family.type == type, name, "registered before with another type"))
        return nullptr;
    Q_ASSERT_X(type != Type::Histogram || family.bounds == bounds, "MetricsRegistry",
               "a histogram family has one set of bounds (the first registration's are used)");

    // The series key: values in the family's label order, whatever order the caller listed them in.
    if (!require(labels.size() == family.labelNames.size(), name, "label names differ from the family's"))
        return nullptr;
    QStringList key;
    Labels ordered;
    for (const QString &labelName : std::as_const(family.labelNames)) {
        const auto it = std::find_if(labels.begin(), labels.end(),
                                     [&labelName](const auto &label) { return label.first == labelName; });
        if (!require(it != labels.end(), name, "label names differ from the family's"))
            return nullptr;
        key << it->second;
        ordered << *it;
    }

    auto [seriesIt, created] = family.series.try_emplace(key);
    Series &series = seriesIt->second;
    if (created) {
        series.labels = ordered;
        if (type == Type::Counter)
            series.counter = std::make_unique<Counter>();
        else if (type == Type::Gauge && !computed)
            series.gauge = std::make_unique<Gauge>();
        else if (type == Type::Histogram)
            series.histogram = std::make_unique<Histogram>(family.bounds);
        return &series;
    }
    // A gauge is either set by the program or computed at scrape time, never both.
    if (type == Type::Gauge && !require(computed == !series.gauge, name, "one series is both a gauge and a callback"))
        return nullptr;
    return &series;
}

MetricsRegistry::Series &MetricsRegistry::detached(Type type, const std::vector<double> &bounds)
{
    auto series = std::make_unique<Series>();
    series->counter = std::make_unique<Counter>();
    series->gauge = std::make_unique<Gauge>();
    if (type == Type::Histogram)
        series->histogram = std::make_unique<Histogram>(bounds);
    m_detached.push_back(std::move(series));
    return *m_detached.back();
}

std::vector<MetricsRegistry::FamilyView> MetricsRegistry::collect() const
{
    QMutexLocker lock(&m_mutex);
    std::vector<FamilyView> views;
    views.reserve(m_families.size());
    for (const auto &[name, family] : m_families) {
        FamilyView view{&family, {}};
        view.series.reserve(family.series.size());
        for (const auto &[key, series] : family.series)
            view.series.push_back({&series, series.callback});
        views.push_back(std::move(view));
    }
    return views;
}

QByteArray MetricsRegistry::prometheusText() const
{
    QByteArray out;
    for (const FamilyView &view : collect()) {
        const Family &family = *view.family;
        const QByteArray name = family.name.toUtf8();
        out += "# HELP " + name + ' ' + escaped(family.help, false) + '\n';
        out += "# TYPE " + name + ' ' + typeName(family.type) + '\n';
        for (const SeriesView &entry : view.series) {
            const Series &series = *entry.series;
            switch (family.type) {
            case Type::Counter:
                out += name + labelBlock(series.labels) + ' ' + QByteArray::number(series.counter->value()) + '\n';
                break;
            case Type::Gauge: {
                const double value = entry.callback ? (*entry.callback)() : series.gauge->value();
                out += name + labelBlock(series.labels) + ' ' + formatValue(value) + '\n';
                break;
            }
            case Type::Histogram: {
                const Histogram::Snapshot snapshot = series.histogram->snapshot();
                const std::vector<quint64> cumulative = snapshot.cumulative();
                for (size_t i = 0; i < cumulative.size(); ++i) {
                    const QByteArray le
                        = i < snapshot.bounds.size() ? formatValue(snapshot.bounds[i]) : QByteArrayLiteral("+Inf");
                    out += name + "_bucket" + labelBlock(series.labels, le) + ' ' + QByteArray::number(cumulative[i])
                        + '\n';
                }
                const QByteArray labels = labelBlock(series.labels);
                out += name + "_sum" + labels + ' ' + formatValue(snapshot.sum) + '\n';
                out += name + "_count" + labels + ' ' + QByteArray::number(snapshot.count) + '\n';
                break;
            }
            }
        }
    }
    return out;
}

QJsonObject MetricsRegistry::snapshotJson() const
{
    QJsonObject root;
    for (const FamilyView &view : collect()) {
        const Family &family = *view.family;
        QJsonArray seriesList;
        for (const SeriesView &entry : view.series) {
            const Series &series = *entry.series;
            QJsonObject labels;
            for (const auto &[labelName, labelValue] : series.labels)
                labels.insert(labelName, labelValue);
            QJsonObject item{{QStringLiteral("labels"), labels}};
            switch (family.type) {
            case Type::Counter: item.insert(QStringLiteral("value"), qint64(series.counter->value())); break;
            case Type::Gauge:
                item.insert(QStringLiteral("value"),
                            jsonNumber(entry.callback ? (*entry.callback)() : series.gauge->value()));
                break;
            case Type::Histogram: {
                const Histogram::Snapshot snapshot = series.histogram->snapshot();
                const std::vector<quint64> cumulative = snapshot.cumulative();
                QJsonArray buckets;
                for (size_t i = 0; i < cumulative.size(); ++i) {
                    const QByteArray le
                        = i < snapshot.bounds.size() ? formatValue(snapshot.bounds[i]) : QByteArrayLiteral("+Inf");
                    buckets.append(QJsonObject{{QStringLiteral("le"), QString::fromLatin1(le)},
                                               {QStringLiteral("count"), qint64(cumulative[i])}});
                }
                item.insert(QStringLiteral("count"), qint64(snapshot.count));
                item.insert(QStringLiteral("sum"), jsonNumber(snapshot.sum));
                item.insert(QStringLiteral("p50"), Histogram::quantile(snapshot, 0.5));
                item.insert(QStringLiteral("p95"), Histogram::quantile(snapshot, 0.95));
                item.insert(QStringLiteral("p99"), Histogram::quantile(snapshot, 0.99));
                item.insert(QStringLiteral("buckets"), buckets);
                break;
            }
            }
            seriesList.append(item);
        }
        root.insert(family.name,
                    QJsonObject{{QStringLiteral("type"), QString::fromLatin1(typeName(family.type))},
                                {QStringLiteral("help"), family.help},
                                {QStringLiteral("series"), seriesList}});
    }
    return root;
}

} // namespace twinops
