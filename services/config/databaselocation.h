#pragma once

#include "core/result.h"
#include "storage/databaseurl.h"

namespace twinops {

// The database both programs use: the --database option, else TWINOPS_DATABASE_URL, else twinops.db in the
// platform's app-data location (e.g. ~/.local/share/TwinOps/twinops/twinops.db on Linux).
Result<DatabaseUrl> resolveDatabaseUrl(const QString &commandLineValue);
QString defaultDatabasePath();

} // namespace twinops
