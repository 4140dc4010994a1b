#pragma once

#include "checks/check.h"
#include "core/result.h"
#include "metrics/histogram.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QMap>
#include <QString>

namespace twinops {

// One sample of Prometheus text format 0.0.4: name{labels} value.
struct MetricSample
{
    QString name;
    QMap<QString, QString> labels;
    double value = 0;
};

// Parses Prometheus text (comments and blank lines skipped). A malformed line is an error naming the line.
Result<QList<MetricSample>> parsePrometheusText(const QByteArray &text);

// Two scrapes of a target's /metrics and the counter increases between them. With one scrape (window 0) the
// "before" side is empty, so the deltas are everything since the target started.
struct MetricsWindow
{
    QList<MetricSample> before;
    QList<MetricSample> after;
    double seconds = 0;
    QDateTime scrapedAt;

    // The increase of the sum of every series of `name` whose labels match `filter` (a label → predicate).
    double increase(const QString &name, const std::function<bool(const QMap<QString, QString> &)> &filter = {}) const;
    // The p-quantile (0..1) of a histogram's observations in the window, interpolated within the bucket as
    // Prometheus' histogram_quantile() does; nullopt when nothing was observed.
    std::optional<double> quantile(const QString &histogram, double p) const;
};

// Scrapes GET {base}/metrics, waits `windowSeconds`, scrapes again. The wait ends early (with an error) when
// `stopRequested` says so.
Result<MetricsWindow> scrapeMetricsWindow(const TargetEnvironment &target,
                                          const std::function<bool()> &stopRequested = {});

// A histogram as /admin/metrics and metric_rollups carry it (buckets: [{le, count}], cumulative, le as in the
// text format) in Histogram's terms, so that Histogram::delta and Histogram::quantile (the same Prometheus
// interpolation as MetricsWindow::quantile) serve the dashboards too. Malformed entries are skipped.
Histogram::Snapshot histogramFromBuckets(const QJsonArray &buckets, double sum = 0);
// Adds b's observations to a (e.g. every route, or every minute of a range); a is returned unchanged when the
// bounds differ and b has observations, so mismatched series are never mixed.
Histogram::Snapshot mergeHistograms(Histogram::Snapshot a, const Histogram::Snapshot &b);

// The runbook's monitoring thresholds, each as a check result computed from one window.
CheckResult errorRateCheck(const MetricsWindow &window, const Thresholds &thresholds);
CheckResult ttftCheck(const MetricsWindow &window, const Thresholds &thresholds);
CheckResult jobSuccessCheck(const MetricsWindow &window, const Thresholds &thresholds);
CheckResult authFailureCheck(const MetricsWindow &window, const Thresholds &thresholds);
CheckResult databaseErrorCheck(const MetricsWindow &window, const Thresholds &thresholds);

} // namespace twinops
