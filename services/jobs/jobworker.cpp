#include "jobs/jobworker.h"

#include "core/logging.h"
#include "jobs/jobcompleter.h"
#include "jobs/jobqueue.h"
#include "jobs/poolsignal.h"
#include "jobs/workerheartbeats.h"
#include "jobs/workerpool.h"
#include "metrics/metricsregistry.h"

#include <QElapsedTimer>

namespace twinops {

JobWorker::JobWorker(DatabaseUrl url, PoolSignal &signal, const WorkerPoolOptions &options, const JobHandlers &handlers,
                     MetricsRegistry &metrics, int index)
    : m_url(std::move(url))
    , m_signal(signal)
    , m_options(options)
    , m_executor(handlers)
    , m_metrics(metrics)
    , m_owner(options.owner + QStringLiteral("/worker-%1").arg(index))
    , m_index(index)
    , m_claims(&metrics.counter(QStringLiteral("twinops_job_claims_total"),
                                QStringLiteral("Claim queries that returned at least one job")))
{
    setObjectName(QStringLiteral("job-worker-%1").arg(index));
    if (index == 0)
        m_rescuer.emplace(metrics, options.rescueInterval, options.maxCrashes);
}

void JobWorker::run()
{
    m_db = connectUntilStopped(m_url, m_signal, "job worker");
    if (!m_db)
        return;
    JobQueue queue(*m_db);
    JobCompleter completer(*m_db, m_metrics, m_owner);
    while (!m_signal.stopping()) {
        beat();
        if (m_rescuer)
            m_rescuer->rescueIfDue(queue);
        auto claim = queue.claim(m_owner, m_options.batchSize, m_options.lease, m_options.platformJobType);
        if (!claim.ok()) {
            qCWarning(lcJobs).noquote() << m_owner << "cannot claim:" << claim.error().message;
            m_signal.waitForWork(m_options.pollInterval);
            continue;
        }
        if (claim->jobs.isEmpty()) {
            m_signal.waitForWork(m_options.pollInterval);
            continue;
        }
        m_claims->inc();
        process(queue, completer, *claim);
    }
    m_db.reset();
}

void JobWorker::beat()
{
    if (m_options.heartbeats)
        m_options.heartbeats->beat(m_index);
}

void JobWorker::hold(const QString &jobId, const QString &jobType, int inHand)
{
    if (m_options.heartbeats)
        m_options.heartbeats->holding(m_index, jobId, jobType, inHand);
}

void JobWorker::process(JobQueue &queue, JobCompleter &completer, const Claim &claim)
{
    QList<Job> remaining = claim.jobs;
    QElapsedTimer sinceHeartbeat;
    sinceHeartbeat.start();
    bool oneAtATime = false; // after a failure or a lost lease, isolate every job in its own transaction
    while (!remaining.isEmpty()) {
        if (m_signal.stopping()) {
            QStringList ids;
            for (const Job &job : remaining)
                ids << job.id;
            if (auto released = queue.release(claim.leaseToken, ids); !released.ok())
                qCWarning(lcJobs).noquote() << "could not release jobs on shutdown:" << released.error().message;
            hold({}, {}, 0);
            return;
        }
        if (sinceHeartbeat.elapsed() > m_options.lease.count() / 3) {
            (void)queue.heartbeat(claim.leaseToken, m_options.lease);
            sinceHeartbeat.restart();
        }
        hold(remaining.front().id, remaining.front().type, int(remaining.size()));
        const int consumed = runTransaction(completer, claim.leaseToken, remaining, oneAtATime);
        beat();
        if (consumed < 0) {
            oneAtATime = true; // nothing consumed: retry the same jobs one by one
            continue;
        }
        remaining.remove(0, consumed);
    }
    hold({}, {}, 0);
}

// Runs jobs from the front of `jobs` in one transaction. Returns how many it finished (completed or failed),
// or -1 when the transaction had to be rolled back and the caller should isolate jobs.
int JobWorker::runTransaction(JobCompleter &completer, const QString &leaseToken, const QList<Job> &jobs,
                              bool oneAtATime)
{
    if (m_executor.callsNetwork(jobs.front().type))
        return runOutsideTransaction(completer, leaseToken, jobs.front());
    QElapsedTimer elapsed;
    elapsed.start();
    QList<JobExecution> finished;
    std::optional<JobExecution> failed;
    {
        auto tx = Transaction::begin(*m_db);
        if (!tx.ok()) {
            qCWarning(lcJobs).noquote() << "cannot begin:" << tx.error().message;
            QThread::msleep(200);
            return 0;
        }
        for (const Job &job : jobs) {
            if (!finished.isEmpty() && (oneAtATime || elapsed.elapsed() >= m_options.batchTime.count()))
                break;
            if (m_executor.callsNetwork(job.type))
                break; // it runs alone, after this transaction
            JobExecution execution = m_executor.execute(*m_db, job);
            if (!execution.result.ok()) {
                failed = std::move(execution);
                break;
            }
            finished.append(std::move(execution));
        }
        if (failed && !finished.isEmpty())
            return -1; // roll back the batch; the successful ones run again, alone
        if (!finished.isEmpty()) {
            switch (completer.complete(*tx, leaseToken, finished)) {
            case JobCompleter::Outcome::Committed: return int(finished.size());
            case JobCompleter::Outcome::LeaseLost: return 1; // leave it to its new owner
            case JobCompleter::Outcome::RolledBack: return -1;
            case JobCompleter::Outcome::CommitFailed: return int(jobs.size()); // the rescuer owns these jobs now
            }
        }
    } // the failed job's transaction rolls back here: none of its writes survive
    completer.fail(leaseToken, *failed, m_executor.retryPolicy(failed->job.type));
    return 1;
}

// A job whose handler calls the network: it runs with no transaction open, then its completion commits in one
// of its own. Always consumes the job (a lost lease or a failed commit leaves it to the rescuer, as in a batch).
int JobWorker::runOutsideTransaction(JobCompleter &completer, const QString &leaseToken, const Job &job)
{
    JobExecution execution = m_executor.execute(*m_db, job);
    if (!execution.result.ok()) {
        completer.fail(leaseToken, execution, m_executor.retryPolicy(job.type));
        return 1;
    }
    auto tx = Transaction::begin(*m_db);
    if (!tx.ok()) {
        qCWarning(lcJobs).noquote() << "cannot begin the completion of" << job.id
                                    << "; its lease will expire:" << tx.error().message;
        return 1;
    }
    (void)completer.complete(*tx, leaseToken, {execution}); // every outcome leaves the job to its owner or rescuer
    return 1;
}

} // namespace twinops
