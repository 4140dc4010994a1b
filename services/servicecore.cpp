#include "servicecore.h"

#include "core/logging.h"
#include "storage/migrator.h"

namespace twinops {

ServiceCore::ServiceCore(CoreOptions options)
    : m_options(std::move(options))
{ }

ServiceCore::~ServiceCore() = default;

Result<std::unique_ptr<ServiceCore>> ServiceCore::start(const CoreOptions &options)
{
    std::unique_ptr<ServiceCore> core(new ServiceCore(options));
    auto db = Database::open(options.database);
    if (!db.ok())
        return db.error();
    core->m_database = std::move(db).value();
    if (options.migrate) {
        auto shipped = Migrator::embedded(core->m_database->dialect());
        if (!shipped.ok())
            return shipped.error();
        Migrator migrator(*core->m_database, *shipped);
        auto applied = migrator.migrate();
        if (!applied.ok())
            return applied.error();
    }
    qCInfo(lcCore).noquote() << "service core started on" << core->m_database->description();
    return core;
}

} // namespace twinops
