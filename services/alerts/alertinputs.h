#pragma once

#include "alerts/alertrule.h"
#include "checks/monitoring.h"
#include "core/result.h"
#include "jobs/jobqueue.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace twinops {

class Database;

// One value of a rule's expression: the series' labels (empty for the kinds without a label) and the value, absent
// when there was nothing to compute it from (a ratio without requests): no data is not a breach, as in Prometheus.
struct AlertSample
{
    QJsonObject labels;
    std::optional<double> value;
};

// What one evaluation round reads, each at most once however many rules need it: the metric windows (from
// metric_rollups, every instance's rows, so one evaluating instance sees them all), the queue's statistics and the
// job errors. Metrics therefore reach the rules through the rollups, as fresh as TWINOPS' rollup interval.
class AlertInputs final
{
public:
    // `signatures` (optional) remembers errorSignature() of error texts across rounds: normalising every error of
    // the last day at every round was most of a round's cost (docs/benchmarks.md).
    AlertInputs(Database &db, QDateTime now, QHash<QString, QString> *signatures = nullptr)
        : m_db(db)
        , m_now(std::move(now))
        , m_signatures(signatures)
    { }

    Result<QList<AlertSample>> evaluate(const AlertRule &rule);
    // The widest window of the new_job_error rules about to be evaluated: the job errors are read once, for it.
    void setJobErrorWindow(int seconds) { m_jobErrorWindow = seconds; }

    // The rollups of the last `seconds` as a MetricsWindow ("after" only: the rows already hold increases), so that
    // the checklist's MetricsWindow::increase and ::quantile compute the runbook's numbers for the alerts too.
    static Result<MetricsWindow> rollupWindow(Database &db, const QDateTime &now, int seconds);

private:
    Result<const MetricsWindow *> window(int seconds);
    Result<QList<AlertSample>> newJobErrors(int seconds);
    Result<QList<AlertSample>> checklistItemsFailed();

    Database &m_db;
    QDateTime m_now;
    QString signatureOf(const QString &error);

    QHash<QString, QString> *m_signatures;
    QHash<int, MetricsWindow> m_windows;
    struct JobError
    {
        QString type;
        QString signature;
        QDateTime at;
    };
    std::optional<QList<JobError>> m_jobErrors; // the last day and m_jobErrorWindow, read once per round
    int m_jobErrorWindow = 0;
    std::optional<QueueStats> m_queue;
    std::optional<QList<AlertSample>> m_checklistItems; // read once per round
};

} // namespace twinops
