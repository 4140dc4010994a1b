#include "jobs/jobcompleter.h"

#include "core/logging.h"
#include "metrics/metricfamilies.h"
#include "metrics/metricsregistry.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>

namespace twinops {

JobCompleter::JobCompleter(Database &db, MetricsRegistry &metrics, QString owner)
    : m_db(db)
    , m_queue(db)
    , m_metrics(metrics)
    , m_owner(std::move(owner))
{ }

JobCompleter::Outcome JobCompleter::complete(Transaction &transaction, const QString &leaseToken,
                                             const QList<JobExecution> &executions)
{
    QList<JobQueue::Completion> completions;
    QList<JobQueue::LogEntry> logs;
    for (const JobExecution &e : executions) {
        completions.append({e.job.id, e.result.value()});
        // A success adds no line of its own: the job row keeps who ran it (lease_owner) and when
        // (started_at, finished_at), and a log row per job was a sixth of the queue's cost.
        for (const JobContext::Line &line : e.lines)
            logs.append({e.job.id, e.job.tenantId, e.job.attempt, jobLogLevelName(line.level), line.message});
    }
    auto completed = m_queue.complete(leaseToken, completions);
    if (!completed.ok() || *completed != executions.size()) {
        if (completed.ok() && executions.size() == 1) {
            qCWarning(lcJobs).noquote() << "job" << executions.first().job.id
                                        << "lost its lease; its work is discarded";
            count(executions.first().job.type, QStringLiteral("lost"));
            return Outcome::LeaseLost;
        }
        return Outcome::RolledBack;
    }
    if (auto written = m_queue.writeLogs(logs); !written.ok())
        return Outcome::RolledBack;
    if (auto committed = transaction.commit(); !committed.ok()) {
        qCWarning(lcJobs).noquote() << "commit failed; the claim will expire and be rescued:"
                                    << committed.error().message;
        return Outcome::CommitFailed;
    }
    for (const JobExecution &e : executions) {
        count(e.job.type, QStringLiteral("completed"));
        duration(e.job.type).observe(e.seconds);
    }
    return Outcome::Committed;
}

void JobCompleter::fail(const QString &leaseToken, const JobExecution &failed, const RetryPolicy &policy)
{
    const Job &job = failed.job;
    const Error &error = failed.result.error();
    const bool permanent = isPermanentFailure(error);
    const auto delay = policy.delayAfter(job.attempt, QRandomGenerator::global()->generateDouble());
    auto tx = Transaction::begin(m_db);
    if (!tx.ok())
        return;
    auto recorded = m_queue.fail(job, leaseToken, error, delay, permanent);
    if (!recorded.ok() || !*recorded)
        return; // lease lost: the new owner decides
    QList<JobQueue::LogEntry> logs;
    for (const JobContext::Line &line : failed.lines)
        logs.append({job.id, job.tenantId, job.attempt, jobLogLevelName(line.level), line.message});
    const bool retried = !permanent && job.attempt < job.maxAttempts && !job.cancelRequested;
    // How long the attempt ran since its claim: the line's own time minus this is when it started, which the jobs row
    // keeps for the latest attempt only (the job detail's attempt timeline reads it back).
    const qint64 ranMs = job.startedAt.isValid()
        ? std::max<qint64>(0, job.startedAt.msecsTo(QDateTime::currentDateTimeUtc()))
        : qint64(failed.seconds * 1000);
    logs.append({job.id, job.tenantId, job.attempt, QStringLiteral("error"),
                 JobQueue::failedAttemptLine(
                     job.attempt, m_owner, ranMs, error.describe(),
                     retried ? QStringLiteral("retrying in %1 s").arg(double(delay.count()) / 1000.0, 0, 'f', 1)
                             : QStringLiteral("not retried"))});
    (void)m_queue.writeLogs(logs);
    if (tx->commit().ok())
        count(job.type,
              retried                   ? QStringLiteral("retried")
                  : job.cancelRequested ? QStringLiteral("cancelled")
                                        : QStringLiteral("discarded"));
}

void JobCompleter::count(const QString &type, const QString &outcome)
{
    m_metrics
        .counter(metricfamily::jobAttempts(), QStringLiteral("Job attempts by type and outcome"),
                 {{QStringLiteral("type"), type}, {QStringLiteral("outcome"), outcome}})
        .inc();
}

Histogram &JobCompleter::duration(const QString &type)
{
    return m_metrics.histogram(QStringLiteral("twinops_job_duration_seconds"),
                               QStringLiteral("Handler run time by job type"), {{QStringLiteral("type"), type}});
}

} // namespace twinops
