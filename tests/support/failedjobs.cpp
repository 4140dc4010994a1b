#include "failedjobs.h"

#include "jobs/jobqueue.h"

#include <QUuid>

namespace twinops::test {

QStringList failJobs(Database &db, const QString &tenantId, const QStringList &messages, bool permanent)
{
    JobQueue queue(db);
    QStringList ids;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        NewJob job;
        job.type = QStringLiteral("test.fails");
        job.tenantId = tenantId;
        job.maxAttempts = 3;
        job.idempotencyKey = QUuid::createUuid().toString(QUuid::WithoutBraces);
        auto added = queue.enqueue(job);
        if (!added.ok())
            return {};
        ids << added->id;
    }
    auto claim = queue.claim(QStringLiteral("test worker"), int(ids.size()), std::chrono::minutes(1));
    if (!claim.ok() || claim->jobs.size() != ids.size())
        return {};
    for (const Job &job : std::as_const(claim->jobs)) {
        const QString message = messages.at(ids.indexOf(job.id));
        auto failed = queue.fail(job, claim->leaseToken, Error::internal(message), std::chrono::minutes(5), permanent);
        if (!failed.ok() || !*failed)
            return {};
    }
    return ids;
}

} // namespace twinops::test
