#include "jobs/jobhandler.h"

#include <algorithm>
#include <cmath>

namespace twinops {

std::chrono::milliseconds RetryPolicy::delayAfter(int attempt, double unit) const
{
    const double exponential = double(base.count()) * std::pow(factor, std::max(0, attempt - 1));
    const double capped = std::min(exponential, double(cap.count()));
    const double jittered = capped * (1.0 + jitter * (2.0 * unit - 1.0));
    return std::chrono::milliseconds(qint64(std::max(0.0, jittered)));
}

QList<RetryPolicy::Window> RetryPolicy::schedule(int nextAttempt, const QDateTime &nextRun, int maxAttempts) const
{
    QList<Window> windows;
    QDateTime earliest = nextRun;
    QDateTime latest = nextRun;
    for (int failed = nextAttempt; failed < maxAttempts; ++failed) {
        earliest = earliest.addMSecs(delayAfter(failed, 0.0).count());
        latest = latest.addMSecs(delayAfter(failed, 1.0).count());
        windows.append({failed + 1, earliest, latest});
    }
    return windows;
}

QString jobLogLevelName(JobLogLevel level)
{
    switch (level) {
    case JobLogLevel::Debug: return QStringLiteral("debug");
    case JobLogLevel::Info: return QStringLiteral("info");
    case JobLogLevel::Warning: return QStringLiteral("warning");
    case JobLogLevel::Error: return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

bool JobContext::cancelRequested()
{
    auto rows = m_db.query(QStringLiteral("SELECT cancel_requested FROM jobs WHERE id = $1"), {m_job.id});
    return rows.ok() && !rows->isEmpty() && rows->first().boolean(0);
}

Error jobCancelled()
{
    return {ErrorCode::Cancelled, QStringLiteral("cancelled on request"), {}, 0};
}

bool isPermanentFailure(const Error &error)
{
    return error.code == ErrorCode::ValidationFailed || error.code == ErrorCode::NotFound
        || error.code == ErrorCode::BadRequest;
}

} // namespace twinops
