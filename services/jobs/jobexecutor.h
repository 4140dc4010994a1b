#pragma once

#include "core/result.h"
#include "jobs/jobhandler.h"

#include <QJsonObject>
#include <QList>

namespace twinops {

class Database;
class JobHandlers;

// One run of one job's handler: its result or why it failed, the lines it logged and how long it took.
struct JobExecution
{
    Job job;
    Result<QJsonObject> result;
    QList<JobContext::Line> lines;
    double seconds = 0;
};

// Runs a job's handler on the caller's connection, inside the caller's transaction: the handler's writes commit
// with the job's completion (JobCompleter) or not at all. A type without a handler in this build fails the job.
class JobExecutor final
{
public:
    explicit JobExecutor(const JobHandlers &handlers)
        : m_handlers(handlers)
    { }

    JobExecution execute(Database &db, const Job &job) const;
    // How a failed job of this type is retried (the default policy when the type has no handler).
    RetryPolicy retryPolicy(const QString &type) const;
    // Whether the type's handler runs outside the worker's transaction (JobHandler::callsNetwork).
    bool callsNetwork(const QString &type) const;

private:
    const JobHandlers &m_handlers;
};

} // namespace twinops
