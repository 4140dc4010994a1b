#include "jobs/workerpool.h"

#include "core/ids.h"
#include "core/logging.h"
#include "jobs/jobqueue.h"
#include "metrics/metricsregistry.h"
#include "storage/postgresdatabase.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QThread>

#include <libpq-fe.h>
#include <sys/select.h>

namespace twinops {

Q_LOGGING_CATEGORY(lcJobs, "twinops.jobs", QtInfoMsg)

void JobHandlers::add(std::shared_ptr<JobHandler> handler)
{
    m_handlers.push_back(std::move(handler));
}

JobHandler *JobHandlers::find(const QString &type) const
{
    for (const auto &handler : m_handlers) {
        if (handler->type() == type)
            return handler.get();
    }
    return nullptr;
}

QStringList JobHandlers::types() const
{
    QStringList types;
    for (const auto &handler : m_handlers)
        types << handler->type();
    return types;
}

namespace {

std::unique_ptr<Database> connectUntilStopped(const DatabaseUrl &url, const std::atomic<bool> &stopping,
                                              const char *who)
{
    bool reported = false;
    while (!stopping) {
        auto db = Database::open(url);
        if (db.ok())
            return std::move(db).value();
        if (!reported)
            qCWarning(lcJobs).noquote() << who << "waiting for the database:" << db.error().message;
        reported = true;
        QThread::msleep(500);
    }
    return nullptr;
}

} // namespace

// One worker thread: claim a batch, run it in as few transactions as the jobs allow, repeat.
class JobWorker final : public QThread
{
public:
    JobWorker(WorkerPool &pool, int index)
        : m_pool(pool)
        , m_index(index)
        , m_owner(pool.m_options.owner + QStringLiteral("/worker-%1").arg(index))
    {
        setObjectName(QStringLiteral("job-worker-%1").arg(index));
        auto &metrics = pool.m_metrics;
        m_rescued = &metrics.counter(QStringLiteral("twinops_jobs_rescued_total"),
                                     QStringLiteral("Jobs whose lease expired and were rescued"));
        m_claims = &metrics.counter(QStringLiteral("twinops_job_claims_total"),
                                    QStringLiteral("Claim queries that returned at least one job"));
    }

protected:
    void run() override
    {
        m_db = connectUntilStopped(m_pool.m_url, m_pool.m_stopping, "job worker");
        if (!m_db)
            return;
        JobQueue queue(*m_db);
        QElapsedTimer sinceRescue;
        sinceRescue.start();
        bool firstRescue = true;
        const WorkerPoolOptions &o = m_pool.m_options;
        while (!m_pool.m_stopping) {
            // One rescuer per process is enough; every process has one, so a dead process's jobs come back.
            if (m_index == 0 && (firstRescue || sinceRescue.elapsed() >= o.rescueInterval.count())) {
                firstRescue = false;
                sinceRescue.restart();
                auto rescued = queue.rescueExpired(o.maxCrashes);
                if (rescued.ok() && !rescued->isEmpty()) {
                    m_rescued->add(quint64(rescued->size()));
                    qCWarning(lcJobs) << "rescued" << rescued->size() << "jobs whose lease expired";
                }
            }
            auto claim = queue.claim(m_owner, o.batchSize, o.lease);
            if (!claim.ok()) {
                qCWarning(lcJobs).noquote() << m_owner << "cannot claim:" << claim.error().message;
                m_pool.waitForWork(o.pollInterval);
                continue;
            }
            if (claim->jobs.isEmpty()) {
                m_pool.waitForWork(o.pollInterval);
                continue;
            }
            m_claims->inc();
            process(queue, *claim);
        }
        m_db.reset();
    }

private:
    struct Finished
    {
        Job job;
        QJsonObject result;
        QList<JobContext::Line> lines;
        double seconds = 0;
    };

    void process(JobQueue &queue, const Claim &claim)
    {
        const WorkerPoolOptions &o = m_pool.m_options;
        QList<Job> remaining = claim.jobs;
        QElapsedTimer sinceHeartbeat;
        sinceHeartbeat.start();
        bool oneAtATime = false; // after a failure or a lost lease, isolate every job in its own transaction
        while (!remaining.isEmpty()) {
            if (m_pool.m_stopping) {
                QStringList ids;
                for (const Job &job : remaining)
                    ids << job.id;
                if (auto released = queue.release(claim.leaseToken, ids); !released.ok())
                    qCWarning(lcJobs).noquote() << "could not release jobs on shutdown:" << released.error().message;
                return;
            }
            if (sinceHeartbeat.elapsed() > o.lease.count() / 3) {
                (void)queue.heartbeat(claim.leaseToken, o.lease);
                sinceHeartbeat.restart();
            }
            const int consumed = runTransaction(queue, claim.leaseToken, remaining, oneAtATime);
            if (consumed < 0) {
                oneAtATime = true; // nothing consumed: retry the same jobs one by one
                continue;
            }
            remaining.remove(0, consumed);
        }
    }

    // Runs jobs from the front of `jobs` in one transaction. Returns how many it finished (completed or failed),
    // or -1 when the transaction had to be rolled back and the caller should isolate jobs.
    int runTransaction(JobQueue &queue, const QString &token, const QList<Job> &jobs, bool oneAtATime)
    {
        const WorkerPoolOptions &o = m_pool.m_options;
        QElapsedTimer elapsed;
        elapsed.start();
        QList<Finished> finished;
        std::optional<Error> failure;
        QList<JobContext::Line> failureLines;
        {
            auto tx = Transaction::begin(*m_db);
            if (!tx.ok()) {
                qCWarning(lcJobs).noquote() << "cannot begin:" << tx.error().message;
                QThread::msleep(200);
                return 0;
            }
            for (const Job &job : jobs) {
                if (!finished.isEmpty() && (oneAtATime || elapsed.elapsed() >= o.batchTime.count()))
                    break;
                JobContext context(*m_db, job);
                QElapsedTimer timer;
                timer.start();
                JobHandler *handler = m_pool.m_handlers.find(job.type);
                auto result = handler ? handler->run(context)
                                      : Result<QJsonObject>(Error::validation(
                                          QStringLiteral("type"),
                                          QStringLiteral("no handler for job type %1 in this build").arg(job.type)));
                if (!result.ok()) {
                    failure = result.error();
                    failureLines = context.lines();
                    break;
                }
                finished.append({job, *result, context.lines(), double(timer.nsecsElapsed()) / 1e9});
            }
            if (failure && !finished.isEmpty())
                return -1; // roll back the batch; the successful ones run again, alone
            if (!finished.isEmpty()) {
                QList<JobQueue::Completion> completions;
                QList<JobQueue::LogEntry> logs;
                for (const Finished &f : finished) {
                    completions.append({f.job.id, f.result});
                    // A success adds no line of its own: the job row keeps who ran it (lease_owner) and when
                    // (started_at, finished_at), and a log row per job was a sixth of the queue's cost.
                    for (const JobContext::Line &line : f.lines)
                        logs.append(
                            {f.job.id, f.job.tenantId, f.job.attempt, jobLogLevelName(line.level), line.message});
                }
                auto completed = queue.complete(token, completions);
                if (!completed.ok() || *completed != finished.size()) {
                    if (completed.ok() && finished.size() == 1) {
                        // The only job lost its lease (rescued while we ran it): leave it to its new owner.
                        qCWarning(lcJobs).noquote()
                            << "job" << finished.first().job.id << "lost its lease; its work is discarded";
                        count(finished.first().job.type, QStringLiteral("lost"));
                        return 1;
                    }
                    return -1;
                }
                if (auto written = queue.writeLogs(logs); !written.ok())
                    return -1;
                if (auto committed = tx->commit(); !committed.ok()) {
                    qCWarning(lcJobs).noquote()
                        << "commit failed; the claim will expire and be rescued:" << committed.error().message;
                    return int(jobs.size()); // drop the claim: the rescuer owns these jobs now
                }
                for (const Finished &f : finished) {
                    count(f.job.type, QStringLiteral("completed"));
                    duration(f.job.type).observe(f.seconds);
                }
                return int(finished.size());
            }
        } // the failed job's transaction rolls back here: none of its writes survive
        recordFailure(queue, token, jobs.first(), *failure, failureLines);
        return 1;
    }

    void recordFailure(JobQueue &queue, const QString &token, const Job &job, const Error &error,
                       const QList<JobContext::Line> &lines)
    {
        JobHandler *handler = m_pool.m_handlers.find(job.type);
        const RetryPolicy policy = handler ? handler->retryPolicy() : RetryPolicy();
        const bool permanent = isPermanentFailure(error);
        const auto delay = policy.delayAfter(job.attempt, QRandomGenerator::global()->generateDouble());
        auto tx = Transaction::begin(*m_db);
        if (!tx.ok())
            return;
        auto failed = queue.fail(job, token, error, delay, permanent);
        if (!failed.ok() || !*failed)
            return; // lease lost: the new owner decides
        QList<JobQueue::LogEntry> logs;
        for (const JobContext::Line &line : lines)
            logs.append({job.id, job.tenantId, job.attempt, jobLogLevelName(line.level), line.message});
        const bool retried = !permanent && job.attempt < job.maxAttempts && !job.cancelRequested;
        logs.append(
            {job.id, job.tenantId, job.attempt, QStringLiteral("error"),
             QStringLiteral("attempt %1 by %2 failed: %3%4")
                 .arg(job.attempt)
                 .arg(m_owner, error.describe(),
                      retried ? QStringLiteral("; retrying in %1 s").arg(double(delay.count()) / 1000.0, 0, 'f', 1)
                              : QStringLiteral("; not retried"))});
        (void)queue.writeLogs(logs);
        if (tx->commit().ok())
            count(job.type,
                  retried                   ? QStringLiteral("retried")
                      : job.cancelRequested ? QStringLiteral("cancelled")
                                            : QStringLiteral("discarded"));
    }

    void count(const QString &type, const QString &outcome)
    {
        m_pool.m_metrics
            .counter(QStringLiteral("twinops_jobs_total"), QStringLiteral("Job attempts by type and outcome"),
                     {{QStringLiteral("type"), type}, {QStringLiteral("outcome"), outcome}})
            .inc();
    }

    Histogram &duration(const QString &type)
    {
        return m_pool.m_metrics.histogram(QStringLiteral("twinops_job_duration_seconds"),
                                          QStringLiteral("Handler run time by job type"),
                                          {{QStringLiteral("type"), type}});
    }

    WorkerPool &m_pool;
    const int m_index;
    const QString m_owner;
    std::unique_ptr<Database> m_db;
    Counter *m_rescued;
    Counter *m_claims;
};

// PostgreSQL: LISTEN for enqueues from any process, so idle workers start at once instead of at the next poll.
class JobListener final : public QThread
{
public:
    explicit JobListener(WorkerPool &pool)
        : m_pool(pool)
    {
        setObjectName(QStringLiteral("job-listener"));
    }

protected:
    void run() override
    {
        while (!m_pool.m_stopping) {
            auto db = connectUntilStopped(m_pool.m_url, m_pool.m_stopping, "job listener");
            if (!db)
                return;
            auto *postgres = static_cast<PostgresDatabase *>(db.get());
            if (!db->query(QStringLiteral("LISTEN ") + QLatin1String(JobQueue::kNotifyChannel)).ok()) {
                QThread::msleep(500);
                continue;
            }
            while (!m_pool.m_stopping) {
                PGconn *conn = postgres->nativeHandle();
                if (!conn || PQstatus(conn) != CONNECTION_OK)
                    break;
                const int fd = PQsocket(conn);
                fd_set readable;
                FD_ZERO(&readable);
                FD_SET(fd, &readable);
                timeval timeout{0, 250'000}; // also how quickly stop() is noticed
                if (::select(fd + 1, &readable, nullptr, nullptr, &timeout) < 0 || !PQconsumeInput(conn))
                    break;
                bool notified = false;
                while (PGnotify *notify = PQnotifies(conn)) {
                    notified = true;
                    PQfreemem(notify);
                }
                if (notified)
                    m_pool.wake();
            }
        }
    }

private:
    WorkerPool &m_pool;
};

WorkerPool::WorkerPool(DatabaseUrl url, const JobHandlers &handlers, MetricsRegistry &metrics,
                       WorkerPoolOptions options)
    : m_url(std::move(url))
    , m_handlers(handlers)
    , m_metrics(metrics)
    , m_options(std::move(options))
{ }

WorkerPool::~WorkerPool()
{
    stop();
}

void WorkerPool::start()
{
    m_stopping = false;
    for (int i = 0; i < m_options.workers; ++i)
        m_threads.push_back(std::make_unique<JobWorker>(*this, i));
    if (m_options.workers > 0 && m_url.dialect() == Dialect::Postgres)
        m_threads.push_back(std::make_unique<JobListener>(*this));
    for (auto &thread : m_threads)
        thread->start();
    if (m_options.workers > 0)
        qCInfo(lcJobs).noquote() << "started" << m_options.workers << "job workers as" << m_options.owner;
}

void WorkerPool::stop()
{
    m_stopping = true;
    wake();
    for (auto &thread : m_threads)
        thread->wait();
    m_threads.clear();
}

void WorkerPool::wake()
{
    const std::lock_guard locker(m_mutex);
    ++m_wakeups;
    m_wakeUp.notify_all();
}

bool WorkerPool::waitForWork(std::chrono::milliseconds timeout)
{
    std::unique_lock locker(m_mutex);
    const quint64 seen = m_wakeups;
    if (m_stopping)
        return false;
    m_wakeUp.wait_for(locker, timeout);
    return m_wakeups != seen;
}

} // namespace twinops
