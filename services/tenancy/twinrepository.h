#pragma once

#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"
#include "tenancy/tenancy.h"

#include <optional>

namespace twinops {

struct NewTwin
{
    QString name;
    QString description;
    QJsonObject settings;
};

// Twins of one tenant; every statement carries tenant_id = $1.
class TwinRepository
{
public:
    explicit TwinRepository(Database &db)
        : m_db(db)
    { }

    Result<Twin> create(const QString &tenantId, const NewTwin &twin);
    Result<Twin> get(const QString &tenantId, const QString &id);
    // onlyIds: an API key's twin allow-list; twins outside it are left out in SQL, so pages stay full.
    Result<Page<Twin>> list(const QString &tenantId, const PageRequest &page,
                            std::optional<TwinStatus> status = std::nullopt,
                            const std::optional<QStringList> &onlyIds = std::nullopt);
    Result<Twin> update(const QString &tenantId, const QString &id, const TwinPatch &patch);
    Status remove(const QString &tenantId, const QString &id); // cascades to sources, chats, graph

private:
    Database &m_db;
};

} // namespace twinops
