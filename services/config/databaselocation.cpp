#include "config/databaselocation.h"

#include <QDir>
#include <QStandardPaths>

namespace twinops {

QString applicationDataDirectory()
{
    // systemd joins several StateDirectory= entries with colons; the unit names one, the first is ours.
    const QString state = qEnvironmentVariable("STATE_DIRECTORY").section(u':', 0, 0);
    return state.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : state;
}

QString defaultDatabasePath()
{
    return QDir(applicationDataDirectory()).filePath(QStringLiteral("twinops.db"));
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
