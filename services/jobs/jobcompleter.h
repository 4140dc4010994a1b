#pragma once

#include "jobs/jobexecutor.h"
#include "jobs/jobqueue.h"

#include <QList>
#include <QString>

namespace twinops {

class Histogram;
class MetricsRegistry;
class Transaction;

// Records how executions ended, on the worker's connection: completions in one statement per batch (committed
// with the handlers' effects), failures in a transaction of their own, and the outcome metrics of both.
class JobCompleter final
{
public:
    JobCompleter(Database &db, MetricsRegistry &metrics, QString owner);

    enum class Outcome {
        Committed, // every execution completed, with its effects
        LeaseLost, // the batch's one job was rescued while it ran: its work is discarded, its new owner decides
        RolledBack, // nothing is written; the caller runs the jobs again one by one
        CommitFailed, // the claim will expire and the rescuer hands the jobs to another worker
    };
    // Completes the successful executions under the lease, writes their log lines and commits `transaction`.
    Outcome complete(Transaction &transaction, const QString &leaseToken, const QList<JobExecution> &executions);
    // Records a failed attempt (its effects already rolled back): retried after the policy's backoff, discarded,
    // or cancelled when the handler honoured a cancel request. Does nothing if the lease was lost meanwhile.
    void fail(const QString &leaseToken, const JobExecution &failed, const RetryPolicy &policy);

private:
    void count(const QString &type, const QString &outcome);
    Histogram &duration(const QString &type);

    Database &m_db;
    JobQueue m_queue;
    MetricsRegistry &m_metrics;
    const QString m_owner;
};

} // namespace twinops
