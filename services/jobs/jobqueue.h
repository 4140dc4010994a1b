#pragma once

#include "core/result.h"
#include "jobs/job.h"
#include "jobs/queuestatements.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <QJsonObject>
#include <QList>
#include <QMap>

#include <functional>
#include <limits>
#include <optional>

namespace twinops {

struct JobFilter
{
    QString tenantId; // empty = every tenant (platform admin only)
    std::optional<JobState> state;
    QString type;
    QString twinId;
    QString text; // in the payload or the last error
    QStringList ids = {}; // only these jobs (well-formed uuids); empty = no restriction. The initialiser
                          // keeps brace-initialisations that name only the fields above complete.
    QString errorSignature = {}; // only the jobs whose last error has this signature (jobs/errorsignature.h)
    QDateTime updatedSince = {}; // only the jobs changed at or after this time
};

struct JobLogLine
{
    qint64 id = 0;
    int attempt = 0;
    QString level;
    QString message;
    QDateTime createdAt;
};

// The jobs whose last errors share a signature (GET /api/v1/admin/jobs/error-groups).
struct ErrorGroup
{
    QString signature;
    QString exampleJobId; // one job of the group and its full message
    QString exampleMessage;
    qint64 count = 0;
    QDateTime firstSeen; // the group's oldest and newest updated_at
    QDateTime lastSeen;
    QMap<QString, qint64> byTenant; // "" = platform jobs
    QMap<QString, qint64> byState;
};

struct QueueStats
{
    QHash<QString, qint64> byState;
    QDateTime oldestAvailable; // run_at of the oldest job that could run now; invalid if none
    QDateTime lastStarted; // the most recent claim; invalid if never
    qint64 available = 0;
    qint64 running = 0;

    // The stall watchdog's rule (/health, twinops_job_queue_stalled and the queue_stalled alert): jobs have waited
    // over kStallSeconds and none was claimed meanwhile (no worker runs in any process, or every worker is wedged).
    static constexpr qint64 kStallSeconds = 60;
    double oldestAvailableAgeSeconds(const QDateTime &now) const
    {
        return oldestAvailable.isValid() ? double(oldestAvailable.msecsTo(now)) / 1000.0 : 0.0;
    }
    bool stalled(const QDateTime &now) const
    {
        const qint64 sinceClaim = lastStarted.isValid() ? lastStarted.secsTo(now) : std::numeric_limits<qint64>::max();
        return oldestAvailableAgeSeconds(now) > kStallSeconds && sinceClaim > kStallSeconds;
    }
};

// A claimed job and the lease that lets its worker finish it.
struct Claim
{
    QList<Job> jobs;
    QString leaseToken;
    QDateTime leaseExpiresAt;
};

// The durable queue: the jobs table of the same database, so an enqueue commits with the change that caused it.
// Every state change is one conditional statement, so two processes can never both finish a job: completion and
// failure require the lease token of the claim, and the rescuer only takes leases that have expired.
class JobQueue
{
public:
    explicit JobQueue(Database &db)
        : m_db(db)
        , m_sql(QueueStatements::of(db.dialect()))
    { }

    // Idempotent per (type, idempotency key): a duplicate returns the job that already exists.
    Result<Job> enqueue(const NewJob &job);
    // Many jobs in one transaction (duplicates by idempotency key are skipped); returns how many were new.
    Result<int> enqueueBatch(const QList<NewJob> &jobs);

    Result<Job> get(const QString &tenantId, const QString &id); // tenantId empty = any tenant (admin)
    Result<Page<Job>> list(const JobFilter &filter, const PageRequest &page);
    Result<qint64> count(const JobFilter &filter);
    // How many jobs of each state match the filter (states without jobs are absent), in one statement.
    Result<QHash<QString, qint64>> countByState(const JobFilter &filter);
    Result<QList<JobLogLine>> logs(const QString &tenantId, const QString &jobId);
    Result<QueueStats> stats(const QString &tenantId = {});

    // Manual operations with the state rules enforced (409 otherwise).
    Result<Job> cancel(const QString &tenantId, const QString &id, const QString &actor);
    Result<Job> retry(const QString &tenantId, const QString &id, const QString &actor);
    // All or nothing over a set of ids; returns the jobs changed.
    Result<QList<Job>> cancelMany(const QString &tenantId, const QStringList &ids, const QString &actor);
    Result<QList<Job>> retryMany(const QString &tenantId, const QStringList &ids, const QString &actor);
    Result<QStringList> ids(const JobFilter &filter, int limit);
    // Gives up jobs that wait to run (scheduled, available, retryable): discarded, never run again unless retried.
    Result<Job> discard(const QString &tenantId, const QString &id, const QString &actor);
    Result<QList<Job>> discardMany(const QString &tenantId, const QStringList &ids, const QString &actor);

    // The jobs matching the filter that have an error signature, grouped by it: the largest groups first, at most
    // `limit` of them.
    Result<QList<ErrorGroup>> errorGroups(const JobFilter &filter, int limit);

    // --- the worker's side ---
    // The next jobs by priority, or with `platformType` only the platform (tenantless) jobs of that type.
    Result<Claim> claim(const QString &owner, int limit, std::chrono::milliseconds lease,
                        const QString &platformType = {});
    // Extends the lease of every job still running under the token; returns how many it holds.
    Result<int> heartbeat(const QString &leaseToken, std::chrono::milliseconds lease);
    // Marks jobs completed if they still hold the lease; returns how many did.
    struct Completion
    {
        QString id;
        QJsonObject result;
    };
    Result<int> complete(const QString &leaseToken, const QList<Completion> &completions);
    // A failed attempt: retryable with backoff, or discarded (attempts exhausted / permanent), or cancelled.
    Result<bool> fail(const Job &job, const QString &leaseToken, const Error &error,
                      std::chrono::milliseconds retryDelay, bool permanent);
    // Gives back claimed jobs that were never started (graceful shutdown): available again, attempt not spent.
    Status release(const QString &leaseToken, const QStringList &ids);
    // Returns expired leases to retryable (or discards jobs that crashed their worker maxCrashes times).
    Result<QList<Job>> rescueExpired(int maxCrashes);

    struct LogEntry
    {
        QString jobId;
        QString tenantId;
        int attempt = 0;
        QString level;
        QString message;
    };
    // The error line of an attempt that did not succeed, written by the worker (JobCompleter) and the rescuer alike:
    // the one shape the job detail's attempt timeline reads. `next` is "retrying in S s" or "not retried".
    // "attempt 2 by host:1/worker-3 failed after 1.250 s: timeout; retrying in 15.0 s"
    static QString failedAttemptLine(int attempt, const QString &worker, qint64 ranMs, const QString &error,
                                     const QString &next);
    Status writeLogs(const QList<LogEntry> &entries);

private:
    // All or nothing: every id must exist (and be the tenant's) and allow the operation.
    Result<QList<Job>> many(const QString &tenantId, const QStringList &ids,
                            const std::function<Result<Job>(const QString &id)> &operation);
    Result<Job> transition(const QString &tenantId, const QString &id, const QString &sql, const QVariantList &extra,
                           const QString &refusal, const QString &logLine);
    // Wakes idle workers in every process (PostgreSQL's NOTIFY); nothing where the dialect has no notifications.
    Status notify();

    Database &m_db;
    const QueueStatements &m_sql;
};

Job jobFromRow(const Row &row); // columns in QueueStatements::jobColumns order

} // namespace twinops
