#pragma once

#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"
#include "tenancy/tenancy.h"

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
    Result<Page<Tenant>> list(const PageRequest &page, const QString &search = {});
    Result<Tenant> update(const QString &id, const TenantPatch &patch);
    Status remove(const QString &id);

private:
    Database &m_db;
};

// Shared by the repositories: the trimmed name, or a validation error naming the field.
Result<QString> validatedName(const QString &field, const QString &name, int maxLength = 100);
// "%text%" for LIKE … ESCAPE '\', lower-cased.
QString likePattern(const QString &text);

} // namespace twinops
