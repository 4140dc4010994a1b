#include "alerts/alertinputs.h"

#include "checks/checkschedule.h"
#include "jobs/errorsignature.h"
#include "metrics/metricfamilies.h"
#include "metrics/metricsrollup.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>
#include <map>

namespace twinops {

namespace {

QMap<QString, QString> labelMap(const QString &canonical)
{
    QMap<QString, QString> labels;
    if (canonical.isEmpty())
        return labels;
    const QJsonObject object = QJsonDocument::fromJson(canonical.toUtf8()).object();
    for (auto it = object.begin(); it != object.end(); ++it)
        labels.insert(it.key(), it.value().toString());
    return labels;
}

std::optional<double> ratio(double part, double whole)
{
    return whole > 0 ? std::optional<double>(part / whole) : std::nullopt;
}

bool statusStartsWith(const QMap<QString, QString> &labels, QChar digit)
{
    return labels.value(QStringLiteral("status")).startsWith(digit);
}

QList<AlertSample> one(std::optional<double> value)
{
    return {AlertSample{{}, value}};
}

} // namespace

Result<MetricsWindow> AlertInputs::rollupWindow(Database &db, const QDateTime &now, int seconds)
{
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       db.query(QStringLiteral("SELECT name, labels, count, sum, buckets FROM metric_rollups "
                                               "WHERE name IN ($1, $2, $3, $4) AND minute_at >= $5"),
                                {metricfamily::httpRequests(), metricfamily::chatTtft(), metricfamily::jobAttempts(),
                                 metricfamily::databaseErrors(), MetricsRollup::minuteOf(now.addSecs(-seconds))}));
    // Summed per series over the minutes and instances first: a few samples per series, whatever the row count.
    std::map<std::pair<QString, QString>, double> sums;
    for (const Row row : rows) {
        const QString name = row.text(0);
        const QString labels = row.text(1);
        if (row.isNull(4)) {
            sums[{name, labels}] += row.real(3);
            continue;
        }
        sums[{name + QStringLiteral("_count"), labels}] += double(row.integer(2));
        sums[{name + QStringLiteral("_sum"), labels}] += row.real(3);
        for (const QJsonValue &entry : row.jsonArray(4)) {
            const QJsonObject bucket = entry.toObject();
            QMap<QString, QString> withLe = labelMap(labels);
            withLe.insert(QStringLiteral("le"), bucket.value(QStringLiteral("le")).toString());
            QJsonObject key;
            for (auto it = withLe.begin(); it != withLe.end(); ++it)
                key.insert(it.key(), it.value());
            sums[{name + QStringLiteral("_bucket"), MetricsRollup::canonicalLabels(key)}]
                += double(bucket.value(QStringLiteral("count")).toInteger());
        }
    }
    MetricsWindow window;
    window.seconds = seconds;
    window.scrapedAt = now;
    window.after.reserve(qsizetype(sums.size()));
    for (const auto &[key, value] : sums)
        window.after.append(MetricSample{key.first, labelMap(key.second), value});
    return window;
}

Result<const MetricsWindow *> AlertInputs::window(int seconds)
{
    auto it = m_windows.find(seconds);
    if (it == m_windows.end()) {
        TWINOPS_TRY_ASSIGN(const MetricsWindow read, rollupWindow(m_db, m_now, seconds));
        it = m_windows.insert(seconds, read); // implicitly shared lists: no deep copy
    }
    return &*it;
}

Result<QList<AlertSample>> AlertInputs::evaluate(const AlertRule &rule)
{
    const QString &kind = rule.kind;
    if (kind == QLatin1String("queue_stalled")) {
        if (!m_queue) {
            TWINOPS_TRY_ASSIGN(m_queue, JobQueue(m_db).stats());
        }
        return one(m_queue->stalled(m_now) ? 1.0 : 0.0);
    }
    if (kind == QLatin1String("checklist_item_failed")) {
        if (!m_checklistItems) {
            TWINOPS_TRY_ASSIGN(m_checklistItems, checklistItemsFailed());
        }
        return *m_checklistItems;
    }
    const int seconds = rule.windowSeconds();
    if (kind == QLatin1String("new_job_error"))
        return newJobErrors(seconds);
    TWINOPS_TRY_ASSIGN(const MetricsWindow *w, window(seconds));
    const double minutes = seconds / 60.0;
    if (kind == QLatin1String("error_rate"))
        return one(
            ratio(w->increase(metricfamily::httpRequests(), [](const auto &l) { return statusStartsWith(l, u'5'); }),
                  w->increase(metricfamily::httpRequests())));
    if (kind == QLatin1String("ttft_p95"))
        return one(w->quantile(metricfamily::chatTtft(), 0.95));
    if (kind == QLatin1String("auth_failure_rate"))
        return one(ratio(w->increase(metricfamily::httpRequests(),
                                     [](const auto &l) {
                                         const QString status = l.value(QStringLiteral("status"));
                                         return status == QLatin1String("401") || status == QLatin1String("403");
                                     }),
                         w->increase(metricfamily::httpRequests())));
    if (kind == QLatin1String("database_errors"))
        return one(w->increase(metricfamily::databaseErrors()));
    const QString type = rule.params.value(QStringLiteral("type")).toString();
    if (kind == QLatin1String("job_success_rate")) {
        const auto outcome = [&](const char *which) {
            return w->increase(metricfamily::jobAttempts(), [&](const auto &l) {
                return l.value(QStringLiteral("type")) == type
                    && l.value(QStringLiteral("outcome")) == QLatin1String(which);
            });
        };
        // As the checklist's jobSuccessCheck: cancelled attempts were stopped on purpose and do not count.
        const double completed = outcome("completed");
        return one(ratio(completed, completed + outcome("retried") + outcome("discarded") + outcome("lost")));
    }
    if (kind == QLatin1String("discarded_jobs_per_minute"))
        return one(w->increase(metricfamily::jobAttempts(), [&](const auto &l) {
            return l.value(QStringLiteral("outcome")) == QLatin1String("discarded")
                && (type.isEmpty() || l.value(QStringLiteral("type")) == type);
        }) / minutes);
    if (kind == QLatin1String("login_failures_per_minute"))
        return one(w->increase(metricfamily::httpRequests(), [](const auto &l) {
            return l.value(QStringLiteral("route")) == QLatin1String("/api/v1/auth/login")
                && l.value(QStringLiteral("status")) == QLatin1String("401");
        }) / minutes);
    if (kind == QLatin1String("route_server_errors_per_minute")) {
        QMap<QString, double> byRoute;
        for (const MetricSample &sample : w->after) {
            if (sample.name == metricfamily::httpRequests() && statusStartsWith(sample.labels, u'5'))
                byRoute[sample.labels.value(QStringLiteral("route"))] += sample.value;
        }
        QList<AlertSample> samples;
        for (auto it = byRoute.cbegin(); it != byRoute.cend(); ++it)
            samples.append({QJsonObject{{QStringLiteral("route"), it.key()}}, it.value() / minutes});
        return samples;
    }
    return Error::badRequest(QStringLiteral("unknown alert kind %1").arg(kind));
}

Result<QList<AlertSample>> AlertInputs::checklistItemsFailed()
{
    // Off means nobody watches: the newest scheduled run, however old, would keep its failures firing for ever.
    TWINOPS_TRY_ASSIGN(const CheckSchedule schedule, CheckScheduleRepository(m_db).get());
    if (!schedule.enabled())
        return QList<AlertSample>();
    TWINOPS_TRY_ASSIGN(
        const QList<ChecklistRun> runs,
        ChecklistRunRepository(m_db).finishedRuns(schedule.checklistId, 1, QString::fromLatin1(kScheduledRunStarter)));
    QList<AlertSample> samples;
    if (runs.isEmpty())
        return samples;
    // A warning is the run's own finding to read, not a page: only a failure counts.
    for (const ChecklistItemResult &item : runs.first().items) {
        if (!item.item.manual())
            samples.append({QJsonObject{{QStringLiteral("item"), item.item.id},
                                        {QStringLiteral("checklist"), schedule.checklistId}},
                            item.result.status == CheckStatus::Fail ? 1.0 : 0.0});
    }
    return samples;
}

QString AlertInputs::signatureOf(const QString &error)
{
    if (!m_signatures)
        return errorSignature(error);
    auto it = m_signatures->constFind(error);
    if (it != m_signatures->constEnd())
        return *it;
    if (m_signatures->size() >= 50'000) // a day of distinct errors is far less; this bounds a storm
        m_signatures->clear();
    return *m_signatures->insert(error, errorSignature(error));
}

Result<QList<AlertSample>> AlertInputs::newJobErrors(int seconds)
{
    // The errors of the window and of the 24 hours before it; a signature seen only in the window is new. At most
    // the newest 10 000 errors are read, so a storm of failures costs a bounded round (docs/alerts.md).
    if (!m_jobErrors) {
        const int span = std::max(seconds, m_jobErrorWindow) + 24 * 3600;
        TWINOPS_TRY_ASSIGN(const Rows rows,
                           m_db.query(QStringLiteral("SELECT type, last_error, updated_at FROM jobs "
                                                     "WHERE last_error IS NOT NULL AND updated_at >= $1 "
                                                     "ORDER BY updated_at DESC LIMIT 10000"),
                                      {m_now.addSecs(-span)}));
        QList<JobError> errors;
        errors.reserve(rows.size());
        for (const Row row : rows)
            errors.append({row.text(0), signatureOf(row.text(1)), row.time(2)});
        m_jobErrors = std::move(errors);
    }
    const QDateTime windowStart = m_now.addSecs(-seconds);
    const QDateTime dayBefore = windowStart.addSecs(-24 * 3600);
    QHash<QString, int> recent; // signature → failures in the window
    QHash<QString, QString> typeOf;
    QSet<QString> seenBefore;
    for (const JobError &error : std::as_const(*m_jobErrors)) {
        if (error.at >= windowStart) {
            ++recent[error.signature];
            typeOf.insert(error.signature, error.type);
        } else if (error.at >= dayBefore) {
            seenBefore.insert(error.signature);
        }
    }
    QList<AlertSample> samples;
    for (auto it = recent.cbegin(); it != recent.cend(); ++it) {
        if (!seenBefore.contains(it.key()))
            samples.append(
                {QJsonObject{{QStringLiteral("signature"), it.key()}, {QStringLiteral("type"), typeOf.value(it.key())}},
                 double(it.value())});
    }
    return samples;
}

} // namespace twinops
