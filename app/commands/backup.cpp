#include "storage/backup.h"

#include "command.h"

namespace twinops::app::commands {

namespace {

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    if (invocation.arguments().isEmpty())
        return Outcome::usage(QStringLiteral("backup needs the FILE to write"));
    TWINOPS_TRY_ASSIGN(const BackupSummary backup,
                       backupDatabase(url, invocation.arguments().first(), invocation.isSet(QStringLiteral("force"))));
    standardOutput() << QStringLiteral("backed up %1 at schema version %2 to %3 (%4 bytes)")
                            .arg(url.redacted())
                            .arg(backup.schemaVersion)
                            .arg(backup.file)
                            .arg(backup.bytes)
                     << Qt::endl;
    return 0;
}

} // namespace

Command backup()
{
    return {
        .name = QStringLiteral("backup"),
        .arguments = {QStringLiteral("FILE")},
        .synopsis = QStringLiteral("[--force]"),
        .summary = QStringLiteral("Write a consistent snapshot of the database to FILE while it serves."),
        .description = QStringLiteral(
            "SQLite: the online backup API, into one self-contained SQLite file (mode 0600); writers go on meanwhile. "
            "PostgreSQL: pg_dump --format=custom (postgresql-client must be installed; the password goes to it "
            "through PGPASSWORD, never on its command line). FILE is written under a temporary name next to it and "
            "renamed when complete. Restore it with twinopsd restore."),
        .options = {
            QCommandLineOption(QStringLiteral("force"), QStringLiteral("Replace FILE if it exists.")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
