#pragma once

#include "core/result.h"
#include "jobs/job.h"
#include "knowledge/source.h"
#include "storage/database.h"
#include "storage/paging.h"

namespace twinops {

// Knowledge sources of a tenant's twins. Every statement carries tenant_id; approving enqueues the indexing job
// in the same transaction, so an approved source always has its job.
class SourceRepository
{
public:
    explicit SourceRepository(Database &db)
        : m_db(db)
    { }

    static constexpr int kMaxFilenameLength = 255;

    Result<Source> create(const QString &tenantId, const QString &twinId, const NewSource &source);
    Result<Source> get(const QString &tenantId, const QString &id);
    Result<Page<Source>> list(const QString &tenantId, const QString &twinId, const PageRequest &page);
    Status remove(const QString &tenantId, const QString &id);

    struct Approval
    {
        Source source;
        Job job;
    };
    Result<Approval> approve(const QString &tenantId, const QString &id);
    // All or nothing: every id must be this tenant's source (else NotFound) and pending (else Conflict).
    Result<QList<Approval>> approveAll(const QString &tenantId, const QStringList &ids);
    Result<Source> reject(const QString &tenantId, const QString &id);

private:
    Result<Approval> approveInTransaction(const QString &tenantId, const QString &id);
    Database &m_db;
};

} // namespace twinops
