#include "checks/monitoring.h"

#include "checks/apiclient.h"
#include "metrics/metricfamilies.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <limits>

namespace twinops {

namespace {

// name{a="x",b="y"} value [timestamp]; label values may contain escaped quotes, backslashes and newlines.
std::optional<MetricSample> parseLine(QStringView line)
{
    MetricSample sample;
    qsizetype i = 0;
    while (i < line.size() && !line.at(i).isSpace() && line.at(i) != u'{')
        ++i;
    sample.name = line.first(i).toString();
    if (sample.name.isEmpty())
        return std::nullopt;
    if (i < line.size() && line.at(i) == u'{') {
        ++i;
        while (i < line.size() && line.at(i) != u'}') {
            const qsizetype equals = line.indexOf(u'=', i);
            if (equals < 0 || equals + 1 >= line.size() || line.at(equals + 1) != u'"')
                return std::nullopt;
            const QString key = line.sliced(i, equals - i).trimmed().toString();
            QString value;
            qsizetype j = equals + 2;
            for (; j < line.size() && line.at(j) != u'"'; ++j) {
                if (line.at(j) == u'\\' && j + 1 < line.size()) {
                    ++j;
                    value += line.at(j) == u'n' ? u'\n' : line.at(j);
                } else {
                    value += line.at(j);
                }
            }
            if (j >= line.size())
                return std::nullopt;
            sample.labels.insert(key, value);
            i = j + 1;
            if (i < line.size() && line.at(i) == u',')
                ++i;
        }
        if (i >= line.size())
            return std::nullopt;
        ++i; // the closing brace
    }
    const QList<QStringView> rest = line.sliced(i).trimmed().split(u' ', Qt::SkipEmptyParts);
    if (rest.isEmpty())
        return std::nullopt;
    bool ok = false;
    const QStringView number = rest.first();
    if (number == u"+Inf")
        sample.value = std::numeric_limits<double>::infinity();
    else if (number == u"-Inf")
        sample.value = -std::numeric_limits<double>::infinity();
    else if (number == u"NaN")
        sample.value = std::numeric_limits<double>::quiet_NaN();
    else
        sample.value = number.toDouble(&ok);
    if (!ok && std::isfinite(sample.value))
        return std::nullopt;
    return sample;
}

double sumOf(const QList<MetricSample> &samples, const QString &name,
             const std::function<bool(const QMap<QString, QString> &)> &filter)
{
    double total = 0;
    for (const MetricSample &sample : samples) {
        if (sample.name == name && (!filter || filter(sample.labels)))
            total += sample.value;
    }
    return total;
}

QString percent(double ratio)
{
    return QStringLiteral("%1 %").arg(ratio * 100.0, 0, 'f', 2);
}

bool statusIs(const QMap<QString, QString> &labels, QChar firstDigit)
{
    return labels.value(QStringLiteral("status")).startsWith(firstDigit);
}

} // namespace

Result<QList<MetricSample>> parsePrometheusText(const QByteArray &text)
{
    QList<MetricSample> samples;
    const QString all = QString::fromUtf8(text);
    int number = 0;
    for (QStringView line : QStringView(all).split(u'\n')) {
        ++number;
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        auto sample = parseLine(line);
        if (!sample)
            return Error::badRequest(QStringLiteral("metrics line %1 is not Prometheus text: %2")
                                         .arg(number)
                                         .arg(line.left(120).toString()));
        samples.append(std::move(*sample));
    }
    return samples;
}

double MetricsWindow::increase(const QString &name,
                               const std::function<bool(const QMap<QString, QString> &)> &filter) const
{
    // A counter that went down means the target restarted within the window: then "after" is the increase.
    const double start = sumOf(before, name, filter);
    const double end = sumOf(after, name, filter);
    return end >= start ? end - start : end;
}

std::optional<double> MetricsWindow::quantile(const QString &histogram, double p) const
{
    const QString bucketName = histogram + QStringLiteral("_bucket");
    QMap<double, double> buckets; // upper bound → cumulative count increase
    for (const MetricSample &sample : after) {
        if (sample.name != bucketName)
            continue;
        const QString le = sample.labels.value(QStringLiteral("le"));
        const double bound = le == QLatin1String("+Inf") ? std::numeric_limits<double>::infinity() : le.toDouble();
        buckets[bound] += 0; // present even when nothing moved
    }
    for (auto it = buckets.begin(); it != buckets.end(); ++it) {
        const double bound = it.key();
        it.value() = increase(bucketName, [bound](const QMap<QString, QString> &labels) {
            const QString le = labels.value(QStringLiteral("le"));
            const double value = le == QLatin1String("+Inf") ? std::numeric_limits<double>::infinity() : le.toDouble();
            return value == bound;
        });
    }
    if (buckets.isEmpty())
        return std::nullopt;
    const double total = buckets.last();
    if (total <= 0)
        return std::nullopt;
    const double rank = p * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (auto it = buckets.cbegin(); it != buckets.cend(); ++it) {
        if (it.value() >= rank) {
            if (std::isinf(it.key()))
                return lowerBound; // above the largest finite bucket: all we know is "at least this"
            const double inBucket = it.value() - lowerCount;
            const double fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 1.0;
            return lowerBound + (it.key() - lowerBound) * fraction;
        }
        lowerBound = it.key();
        lowerCount = it.value();
    }
    return lowerBound;
}

Histogram::Snapshot histogramFromBuckets(const QJsonArray &buckets, double sum)
{
    Histogram::Snapshot snapshot;
    snapshot.sum = sum;
    quint64 previous = 0;
    for (const QJsonValue &entry : buckets) {
        const QJsonObject bucket = entry.toObject();
        const QString le = bucket.value(QStringLiteral("le")).toString();
        const auto cumulative = quint64(std::max<qint64>(0, bucket.value(QStringLiteral("count")).toInteger()));
        const quint64 inBucket = cumulative >= previous ? cumulative - previous : 0;
        previous = std::max(previous, cumulative);
        if (le == QLatin1String("+Inf")) {
            snapshot.counts.push_back(inBucket);
            break;
        }
        bool ok = false;
        const double bound = le.toDouble(&ok);
        if (!ok || (!snapshot.bounds.empty() && bound <= snapshot.bounds.back()))
            continue;
        snapshot.bounds.push_back(bound);
        snapshot.counts.push_back(inBucket);
    }
    if (snapshot.counts.size() == snapshot.bounds.size())
        snapshot.counts.push_back(0); // no +Inf entry: nothing above the last bound
    snapshot.count = previous;
    return snapshot;
}

Histogram::Snapshot mergeHistograms(Histogram::Snapshot a, const Histogram::Snapshot &b)
{
    if (b.count == 0)
        return a;
    if (a.count == 0 && a.bounds.empty())
        return b;
    if (a.bounds != b.bounds || a.counts.size() != b.counts.size())
        return a;
    for (size_t i = 0; i < a.counts.size(); ++i)
        a.counts[i] += b.counts[i];
    a.count += b.count;
    a.sum += b.sum;
    return a;
}

Result<MetricsWindow> scrapeMetricsWindow(const TargetEnvironment &target, const std::function<bool()> &stopRequested)
{
    ApiClient client(target.baseUrl, target.requestTimeoutMs);
    auto scrape = [&]() -> Result<QList<MetricSample>> {
        const ApiReply reply = client.get(QStringLiteral("/metrics"));
        if (reply.status != 200)
            return Error::unavailable(QStringLiteral("cannot scrape metrics: %1").arg(reply.describe()));
        return parsePrometheusText(reply.body);
    };
    MetricsWindow window;
    if (target.thresholds.windowSeconds > 0) {
        TWINOPS_TRY_ASSIGN(window.before, scrape());
        QDeadlineTimer waited(std::chrono::seconds(target.thresholds.windowSeconds));
        while (!waited.hasExpired()) {
            if (stopRequested && stopRequested())
                return Error::unavailable(QStringLiteral("stopped during the metrics window"));
            QThread::msleep(static_cast<unsigned long>(std::min<qint64>(100, waited.remainingTime())));
        }
        window.seconds = target.thresholds.windowSeconds;
    }
    TWINOPS_TRY_ASSIGN(window.after, scrape());
    window.scrapedAt = QDateTime::currentDateTimeUtc();
    return window;
}

CheckResult errorRateCheck(const MetricsWindow &window, const Thresholds &thresholds)
{
    const QString name = metricfamily::httpRequests();
    const double total = window.increase(name);
    const double errors = window.increase(name, [](const auto &labels) { return statusIs(labels, u'5'); });
    const QJsonObject evidence{{QStringLiteral("requests"), total},
                               {QStringLiteral("server_errors"), errors},
                               {QStringLiteral("window_s"), window.seconds},
                               {QStringLiteral("threshold"), thresholds.maxErrorRate}};
    if (total <= 0)
        return CheckResult::skipped(QStringLiteral("no requests in the window"), evidence);
    const double rate = errors / total;
    const QString text = QStringLiteral("%1 of %2 requests answered 5xx (%3; limit %4)")
                             .arg(errors)
                             .arg(total)
                             .arg(percent(rate), percent(thresholds.maxErrorRate));
    return rate < thresholds.maxErrorRate ? CheckResult::pass(text, evidence) : CheckResult::fail(text, evidence);
}

CheckResult ttftCheck(const MetricsWindow &window, const Thresholds &thresholds)
{
    const QString name = metricfamily::chatTtft();
    const std::optional<double> p95 = window.quantile(name, 0.95);
    const double chats = window.increase(name + QStringLiteral("_count"));
    QJsonObject evidence{{QStringLiteral("chats"), chats},
                         {QStringLiteral("window_s"), window.seconds},
                         {QStringLiteral("threshold_s"), thresholds.maxTtftP95Seconds}};
    if (!p95)
        return CheckResult::skipped(QStringLiteral("no chats in the window"), evidence);
    evidence.insert(QStringLiteral("p95_s"), *p95);
    const QString text = QStringLiteral("p95 time to first token %1 s over %2 chats (limit %3 s)")
                             .arg(*p95, 0, 'f', 3)
                             .arg(chats)
                             .arg(thresholds.maxTtftP95Seconds);
    return *p95 < thresholds.maxTtftP95Seconds ? CheckResult::pass(text, evidence) : CheckResult::fail(text, evidence);
}

CheckResult jobSuccessCheck(const MetricsWindow &window, const Thresholds &thresholds)
{
    const QString name = metricfamily::jobAttempts();
    auto outcome = [&](const QString &which) {
        return window.increase(name, [&which](const auto &labels) {
            return labels.value(QStringLiteral("type")) == QLatin1String("graph_extraction")
                && labels.value(QStringLiteral("outcome")) == which;
        });
    };
    const double completed = outcome(QStringLiteral("completed"));
    // Cancelled jobs were stopped on purpose and say nothing about the extractor.
    const double unsuccessful
        = outcome(QStringLiteral("retried")) + outcome(QStringLiteral("discarded")) + outcome(QStringLiteral("lost"));
    const QJsonObject evidence{{QStringLiteral("completed"), completed},
                               {QStringLiteral("failed_attempts"), unsuccessful},
                               {QStringLiteral("window_s"), window.seconds},
                               {QStringLiteral("threshold"), thresholds.minJobSuccessRate}};
    if (completed + unsuccessful <= 0)
        return CheckResult::skipped(QStringLiteral("no graph extraction job finished in the window"), evidence);
    const double rate = completed / (completed + unsuccessful);
    const QString text = QStringLiteral("%1 of %2 graph extraction attempts succeeded (%3; needs more than %4)")
                             .arg(completed)
                             .arg(completed + unsuccessful)
                             .arg(percent(rate), percent(thresholds.minJobSuccessRate));
    return rate > thresholds.minJobSuccessRate ? CheckResult::pass(text, evidence) : CheckResult::fail(text, evidence);
}

CheckResult authFailureCheck(const MetricsWindow &window, const Thresholds &thresholds)
{
    const QString name = metricfamily::httpRequests();
    const double total = window.increase(name);
    const double unauthorised = window.increase(
        name, [](const auto &labels) { return labels.value(QStringLiteral("status")) == QLatin1String("401"); });
    const double forbidden = window.increase(
        name, [](const auto &labels) { return labels.value(QStringLiteral("status")) == QLatin1String("403"); });
    const QJsonObject evidence{{QStringLiteral("requests"), total},
                               {QStringLiteral("status_401"), unauthorised},
                               {QStringLiteral("status_403"), forbidden},
                               {QStringLiteral("window_s"), window.seconds},
                               {QStringLiteral("threshold"), thresholds.maxAuthFailureRate}};
    if (total <= 0)
        return CheckResult::skipped(QStringLiteral("no requests in the window"), evidence);
    const double rate = (unauthorised + forbidden) / total;
    const QString text = QStringLiteral("%1 × 401 and %2 × 403 of %3 requests (%4; a spike is over %5)")
                             .arg(unauthorised)
                             .arg(forbidden)
                             .arg(total)
                             .arg(percent(rate), percent(thresholds.maxAuthFailureRate));
    return rate <= thresholds.maxAuthFailureRate ? CheckResult::pass(text, evidence)
                                                 : CheckResult::fail(text, evidence);
}

CheckResult databaseErrorCheck(const MetricsWindow &window, const Thresholds &thresholds)
{
    const double errors = window.increase(metricfamily::databaseErrors());
    const bool exported = std::any_of(window.after.cbegin(), window.after.cend(), [](const MetricSample &sample) {
        return sample.name == metricfamily::databaseErrors();
    });
    const QJsonObject evidence{{QStringLiteral("database_errors"), errors},
                               {QStringLiteral("window_s"), window.seconds},
                               {QStringLiteral("threshold"), thresholds.maxDatabaseErrors}};
    if (!exported)
        return CheckResult::warn(QStringLiteral("the target exports no twinops_database_errors_total"), evidence);
    const QString text
        = QStringLiteral("%1 requests failed on the database (limit %2)").arg(errors).arg(thresholds.maxDatabaseErrors);
    return errors <= thresholds.maxDatabaseErrors ? CheckResult::pass(text, evidence)
                                                  : CheckResult::fail(text, evidence);
}

} // namespace twinops
