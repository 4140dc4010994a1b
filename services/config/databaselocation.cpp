#include "config/databaselocation.h"

#include <QDir>
#include <QStandardPaths>

namespace twinops {

QString defaultDatabasePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("twinops.db"));
}

Result<DatabaseUrl> resolveDatabaseUrl(const QString &commandLineValue)
{
    if (!commandLineValue.isEmpty())
        return DatabaseUrl::parse(commandLineValue);
    const QString fromEnvironment = qEnvironmentVariable("TWINOPS_DATABASE_URL");
    if (!fromEnvironment.isEmpty())
        return DatabaseUrl::parse(fromEnvironment);
    return DatabaseUrl::sqliteFile(defaultDatabasePath());
}

} // namespace twinops
