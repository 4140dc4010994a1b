#pragma once

#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"
#include "tenancy/tenancy.h"

#include <functional>

namespace twinops {

// Tenants are the platform's top level, so this repository is the one that is not scoped by tenant: only
// platform-admin code paths use it.
class TenantRepository
{
public:
    explicit TenantRepository(Database &db)
        : m_db(db)
    { }

    Result<Tenant> create(const QString &name);
    Result<Tenant> get(const QString &id);
    // The names of the given tenants in one query, by id; ids that are not tenants are left out.
    Result<QHash<QString, QString>> names(const QStringList &ids);
    Result<Page<Tenant>> list(const PageRequest &page, const QString &search = {},
                              std::optional<TenantStatus> status = std::nullopt);
    Result<Tenant> update(const QString &id, const TenantPatch &patch);
    // Deletes the tenant and everything of it (what DELETE /api/v1/admin/tenants/{id} does). The tenant is suspended
    // first, so that its users and keys add nothing meanwhile; its largest tables (jobs with their logs, messages,
    // chunks, graph) go in batches outside any transaction, so that the write lock is never held for long; then the
    // tenant row, the rest by cascade and whatever `inTransaction` writes (the audit entry) commit together. A failure
    // half way leaves the tenant suspended with part of its data: calling again finishes it.
    Status removeWithData(const QString &id, const std::function<Status()> &inTransaction);
    // Deletes the tenant row; every tenant-owned table follows it by ON DELETE CASCADE (both schemas).
    Status remove(const QString &id);

private:
    Database &m_db;
};

// Shared by the repositories: the trimmed name, or a validation error naming the field.
Result<QString> validatedName(const QString &field, const QString &name, int maxLength = 100);
// "%text%" for LIKE … ESCAPE '\', lower-cased.
QString likePattern(const QString &text);

} // namespace twinops
