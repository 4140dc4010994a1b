#include "jobs/jobexecutor.h"

#include "jobs/jobhandlers.h"

#include <QElapsedTimer>

namespace twinops {

JobExecution JobExecutor::execute(Database &db, const Job &job) const
{
    JobContext context(db, job);
    QElapsedTimer timer;
    timer.start();
    JobHandler *handler = m_handlers.find(job.type);
    auto result = handler
        ? handler->run(context)
        : Result<QJsonObject>(Error::validation(
            QStringLiteral("type"), QStringLiteral("no handler for job type %1 in this build").arg(job.type)));
    return {job, std::move(result), context.lines(), double(timer.nsecsElapsed()) / 1e9};
}

RetryPolicy JobExecutor::retryPolicy(const QString &type) const
{
    JobHandler *handler = m_handlers.find(type);
    return handler ? handler->retryPolicy() : RetryPolicy();
}

bool JobExecutor::callsNetwork(const QString &type) const
{
    JobHandler *handler = m_handlers.find(type);
    return handler && handler->callsNetwork();
}

} // namespace twinops
