#include "command.h"
#include "storage/backup.h"

namespace twinops::app::commands {

namespace {

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    if (invocation.arguments().isEmpty())
        return Outcome::usage(QStringLiteral("restore needs the backup FILE to read"));
    TWINOPS_TRY_ASSIGN(const BackupSummary backup,
                       restoreDatabase(url, invocation.arguments().first(), invocation.isSet(QStringLiteral("force"))));
    standardOutput() << QStringLiteral("restored %1 (schema version %2, %3 bytes) into %4")
                            .arg(backup.file)
                            .arg(backup.schemaVersion)
                            .arg(backup.bytes)
                            .arg(url.redacted())
                     << Qt::endl;
    return 0;
}

} // namespace

Command restore()
{
    return {
        .name = QStringLiteral("restore"),
        .arguments = {QStringLiteral("FILE")},
        .synopsis = QStringLiteral("[--force]"),
        .summary = QStringLiteral("Load a backup made by twinopsd backup into an empty database."),
        .description = QStringLiteral(
            "FILE is checked first (SQLite: integrity check and schema; PostgreSQL: pg_restore --list) and must have "
            "a schema this release runs on. A database that already holds tables is refused unless --force. A "
            "SQLite backup goes into a SQLite database and a PostgreSQL one into PostgreSQL (to move between them, "
            "use twinopsd copy). Stop the servers using the database first; the next start migrates it as usual."),
        .options = {
            QCommandLineOption(QStringLiteral("force"),
                               QStringLiteral("Replace what the database holds (SQLite: in one transaction; "
                                              "PostgreSQL: pg_restore --clean --if-exists in one transaction).")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
