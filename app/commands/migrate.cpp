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
    Migrator migrator(*db, std::move(shipped));
    QTextStream &out = standardOutput();
    if (invocation.isSet(QStringLiteral("status"))) {
        TWINOPS_TRY_ASSIGN(const MigrationStatus status, migrator.status());
        for (const AppliedMigration &m : status.applied)
            out << QStringLiteral("%1  %2  applied %3\n")
                       .arg(fourDigits(m.version), m.name.leftJustified(24), m.appliedAt.toString(Qt::ISODate));
        for (const Migration &m : status.pending)
            out << QStringLiteral("%1  %2  pending\n").arg(fourDigits(m.version), m.name.leftJustified(24));
        out << QStringLiteral("%1 applied, %2 pending on %3")
                   .arg(status.applied.size())
                   .arg(status.pending.size())
                   .arg(db->description())
            << Qt::endl;
        return 0;
    }
    TWINOPS_TRY_ASSIGN(const QList<Migration> applied, migrator.migrate());
    for (const Migration &m : applied)
        out << QStringLiteral("applied %1 %2\n").arg(fourDigits(m.version), m.name);
    out << QStringLiteral("%1 migration(s) applied; %2 is up to date").arg(applied.size()).arg(db->description())
        << Qt::endl;
    return 0;
}

} // namespace

Command migrate()
{
    return {
        .name = QStringLiteral("migrate"),
        .synopsis = QStringLiteral("[--status]"),
        .summary = QStringLiteral("Apply pending database migrations (or list their state)."),
        .description = QStringLiteral("A migration changed or removed after it was applied stops it with a one-line "
                                      "error, and nothing changes."),
        .options = {
            QCommandLineOption(QStringLiteral("status"),
                               QStringLiteral("Show applied and pending migrations; change nothing.")),
            QCommandLineOption(QStringLiteral("migrations"),
                               QStringLiteral("Use the NNNN_name.sql files of DIR instead of the embedded ones (for "
                                              "developers)."),
                               QStringLiteral("DIR")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
