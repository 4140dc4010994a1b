#pragma once

#include "core/result.h"
#include "jobs/job.h"
#include "storage/database.h"

namespace twinops {

// The durable queue: the jobs table of the same database, so an enqueue commits with the change that caused it.
class JobQueue
{
public:
    explicit JobQueue(Database &db) : m_db(db) { }

    // Idempotent per (type, idempotency key): a duplicate returns the job that already exists.
    Result<Job> enqueue(const NewJob &job);
    Result<Job> get(const QString &tenantId, const QString &id);

private:
    Database &m_db;
};

Job jobFromRow(const Row &row); // columns in jobColumns() order
const QString &jobColumns();

} // namespace twinops
