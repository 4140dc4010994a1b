#include "command.h"
#include "storage/database.h"
#include "storage/migrator.h"

namespace twinops::app::commands {

namespace {

QString fourDigits(int version)
{
    return QStringLiteral("%1").arg(version, 4, 10, QLatin1Char('0'));
}

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> db, Database::open(url));
    const QString directory = invocation.value(QStringLiteral("migrations"));
    TWINOPS_TRY_ASSIGN(QList<Migration> shipped,
                       directory.isEmpty() ? Migrator::embedded(db->dialect()) : Migrator::fromDirectory(directory));
    const int latest = int(shipped.size());
    Migrator migrator(*db, std::move(shipped));
    QTextStream &out = standardOutput();
    if (invocation.isSet(QStringLiteral("status"))) {
        TWINOPS_TRY_ASSIGN(const MigrationStatus status, migrator.status());
        for (const AppliedMigration &m : status.applied)
            out << QStringLiteral("%1  %2  applied %3\n")
                       .arg(fourDigits(m.version), m.name.leftJustified(24), m.appliedAt.toString(Qt::ISODate));
        for (const Migration &m : status.pending)
            out << QStringLiteral("%1  %2  pending\n").arg(fourDigits(m.version), m.name.leftJustified(24));
        for (const AppliedMigration &m : status.newer)
            out << QStringLiteral("%1  %2  applied by the next release (this build runs on it)\n")
                       .arg(fourDigits(m.version), m.name.leftJustified(24));
        out << QStringLiteral("%1 applied, %2 pending on %3")
                   .arg(status.applied.size())
                   .arg(status.pending.size())
                   .arg(db->description())
            << Qt::endl;
        return 0;
    }
    int target = latest;
    if (invocation.isSet(QStringLiteral("to"))) {
        TWINOPS_TRY_ASSIGN(target, invocation.integer(QStringLiteral("to"), 0, latest));
    }
    TWINOPS_TRY_ASSIGN(const QList<MigrationStep> steps,
                       migrator.migrateTo(target, invocation.isSet(QStringLiteral("force"))));
    if (!migrator.snapshot().isEmpty())
        out << QStringLiteral("snapshot %1\n").arg(migrator.snapshot());
    for (const MigrationStep &step : steps)
        out << QStringLiteral("%1 %2 %3\n")
                   .arg(step.down ? QStringLiteral("reverted") : QStringLiteral("applied"),
                        fourDigits(step.migration.version), step.migration.name);
    out << QStringLiteral("%1 step(s); %2 is at version %3").arg(steps.size()).arg(db->description()).arg(target)
        << Qt::endl;
    return 0;
}

} // namespace

Command migrate()
{
    return {
        .name = QStringLiteral("migrate"),
        .synopsis = QStringLiteral("[--status | --to N [--force]]"),
        .summary = QStringLiteral("Apply pending database migrations, move the schema to a version, or list their state."),
        .description = QStringLiteral("A migration changed or removed after it was applied stops it with a one-line "
                                      "error, and nothing changes. Going down refuses, listing the tables and columns "
                                      "whose data it would delete, unless --force.\n\nBefore it changes a SQLite database "
                                      "(not a new one), it copies it next to itself as FILE.<UTC time>.v<version>.bak "
                                      "and keeps the last 5 of them."),
        .options = {
            QCommandLineOption(QStringLiteral("status"),
                               QStringLiteral("Show applied and pending migrations; change nothing.")),
            QCommandLineOption(QStringLiteral("to"),
                               QStringLiteral("Move the schema up or down to version N (0 = empty), one transaction "
                                              "per step."),
                               QStringLiteral("N")),
            QCommandLineOption(QStringLiteral("force"),
                               QStringLiteral("With --to: go down even when a step deletes data.")),
            QCommandLineOption(QStringLiteral("migrations"),
                               QStringLiteral("Use the NNNN_name.sql files of DIR instead of the embedded ones (for "
                                              "developers)."),
                               QStringLiteral("DIR")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
