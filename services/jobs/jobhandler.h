#pragma once

#include "core/result.h"
#include "jobs/job.h"
#include "storage/database.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <chrono>

namespace twinops {

// How a job type retries: exponential backoff with jitter and a cap. Defaults: 15 s, ×2, capped at 30 min,
// ±25 %. How many attempts a job gets is its own max_attempts (8 unless the enqueuer says otherwise).
struct RetryPolicy
{
    std::chrono::milliseconds base{15'000};
    double factor = 2.0;
    std::chrono::milliseconds cap{30 * 60'000};
    double jitter = 0.25;

    // The delay before retrying after failed attempt `attempt` (1-based); `unit` in [0, 1) picks the jitter.
    std::chrono::milliseconds delayAfter(int attempt, double unit) const;

    // When each attempt after `nextAttempt` (which runs at `nextRun`) would start if every attempt failed at
    // once: the window the jitter allows, up to `maxAttempts`. What support staff read as "the retries ahead".
    struct Window
    {
        int attempt;
        QDateTime earliest;
        QDateTime latest;
    };
    QList<Window> schedule(int nextAttempt, const QDateTime &nextRun, int maxAttempts) const;
};

enum class JobLogLevel { Debug, Info, Warning, Error };
QString jobLogLevelName(JobLogLevel level);

// What a handler sees while it runs. Everything it writes through db() commits together with the job's
// completion, or not at all: a worker that lost its lease, crashed or failed leaves no effect behind.
class JobContext
{
public:
    JobContext(Database &db, const Job &job)
        : m_db(db)
        , m_job(job)
    { }

    Database &db() { return m_db; }
    const Job &job() const { return m_job; }
    // Lines kept in job_logs with the attempt.
    void log(JobLogLevel level, const QString &message) { m_lines.append({level, message}); }
    // Long handlers check this between steps and return jobCancelled() when it is set.
    bool cancelRequested();

    struct Line
    {
        JobLogLevel level;
        QString message;
    };
    const QList<Line> &lines() const { return m_lines; }

private:
    Database &m_db;
    const Job &m_job;
    QList<Line> m_lines;
};

// A handler returns its result (stored in jobs.result) or an Error. ValidationFailed, NotFound and BadRequest
// mean retrying cannot help: the job is discarded at once. Every other error is retried per the policy.
class JobHandler
{
public:
    virtual ~JobHandler() = default;
    virtual QString type() const = 0;
    virtual RetryPolicy retryPolicy() const { return {}; }
    // A handler that calls the network (a webhook) must not hold the worker's transaction open meanwhile (on
    // SQLite that is the one write lock): it runs alone, outside any transaction, and its completion commits after
    // it returns. Its effect is then at least once, not exactly once: a lost lease or a failed commit runs it again.
    virtual bool callsNetwork() const { return false; }
    virtual Result<QJsonObject> run(JobContext &context) = 0;
};

// The error a handler returns when it honoured a cancel request (ErrorCode::Cancelled: the job ends cancelled).
Error jobCancelled();
bool isPermanentFailure(const Error &error);

} // namespace twinops
