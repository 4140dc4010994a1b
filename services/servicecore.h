#pragma once

#include "core/result.h"
#include "storage/database.h"
#include "storage/databaseurl.h"

#include <memory>

namespace twinops {

struct CoreOptions
{
    DatabaseUrl database;
    bool migrate = true; // apply pending migrations on start
};

// The one composition root: it owns the service objects both programs share. Constructed on the thread that
// will own its main database connection; threads it starts open their own connections from databaseUrl().
class ServiceCore
{
public:
    static Result<std::unique_ptr<ServiceCore>> start(const CoreOptions &options);
    ~ServiceCore();

    const DatabaseUrl &databaseUrl() const { return m_options.database; }
    Database &database() { return *m_database; }

private:
    explicit ServiceCore(CoreOptions options);

    CoreOptions m_options;
    std::unique_ptr<Database> m_database;
};

} // namespace twinops
