#pragma once

#include "core/result.h"
#include "storage/databaseurl.h"

namespace twinops {

// The database both programs use: the --database option, else TWINOPS_DATABASE_URL, else twinops.db in the
// app-data directory.
Result<DatabaseUrl> resolveDatabaseUrl(const QString &commandLineValue);
QString defaultDatabasePath();

// Where the programs keep their data (the default database, the daemon's secrets/): $STATE_DIRECTORY, which systemd
// sets for a service with StateDirectory= (/var/lib/twinops), else the platform's app-data location
// (~/.local/share/TwinOps/twinops on Linux).
QString applicationDataDirectory();

} // namespace twinops
