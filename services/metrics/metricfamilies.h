#pragma once

#include <QString>

// The metric families that more than one part of TwinOps writes or reads (docs/metrics.md): the code that exports a
// family, the runbook's monitoring checks, the alert inputs and the console's charts must agree on each name. (The
// alert rules' PromQL texts name them too, as the text an operator reads and copies.)
namespace twinops::metricfamily {

inline QString httpRequests()
{
    return QStringLiteral("twinops_http_requests_total");
}
inline QString httpRequestDuration()
{
    return QStringLiteral("twinops_http_request_duration_seconds");
}
inline QString chatTtft()
{
    return QStringLiteral("twinops_chat_ttft_seconds");
}
inline QString jobAttempts()
{
    return QStringLiteral("twinops_job_attempts_total");
}
inline QString databaseErrors()
{
    return QStringLiteral("twinops_database_errors_total");
}
inline QString jobsByState()
{
    return QStringLiteral("twinops_jobs");
}
inline QString jobQueueOldestAvailable()
{
    return QStringLiteral("twinops_job_queue_oldest_available_seconds");
}

} // namespace twinops::metricfamily
