#include "command.h"
#include "storage/database.h"
#include "storage/databasecopy.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <atomic>
#include <csignal>

namespace twinops::app::commands {

namespace {

constexpr qint64 kProgressIntervalMs = 2000;

// Set by SIGINT/SIGTERM: the copy stops between two batches and empties the target, instead of leaving half a copy.
std::atomic<bool> g_interrupted{false};

extern "C" void interrupt(int)
{
    g_interrupted.store(true);
}

Result<DatabaseUrl> urlOption(const Invocation &invocation, const QString &option)
{
    const QString text = invocation.value(option);
    if (text.isEmpty())
        return Error::badRequest(QStringLiteral("--%1 URL is required").arg(option));
    auto url = DatabaseUrl::parse(text);
    if (!url.ok())
        return Error::badRequest(QStringLiteral("--%1: %2").arg(option, url.error().message));
    return url;
}

// Opening a SQLite file creates it: a mistyped source must not become a new empty database.
Status sourceExists(const DatabaseUrl &url)
{
    if (url.dialect() == Dialect::Sqlite && !QFileInfo(url.sqlitePath()).isFile())
        return Error::notFound(QStringLiteral("the source %1 does not exist").arg(url.redacted()));
    return {};
}

Outcome run(const Invocation &invocation)
{
    const auto from = urlOption(invocation, QStringLiteral("from"));
    if (!from.ok())
        return Outcome::usage(from.error().message);
    const auto to = urlOption(invocation, QStringLiteral("to"));
    if (!to.ok())
        return Outcome::usage(to.error().message);
    TWINOPS_TRY(sourceExists(*from));
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> source, Database::open(*from));
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> target, Database::open(*to));

    QTextStream err(stderr);
    QElapsedTimer sinceLine;
    sinceLine.start();
    QString current;
    DatabaseCopy copy(*source, *target);
    copy.setProgressCallback([&](const CopyProgress &progress) {
        const bool copying = progress.phase == CopyProgress::Phase::Copying;
        const QString step = QStringLiteral("%1 %2 (%3/%4)")
                                 .arg(copying ? QStringLiteral("copying") : QStringLiteral("verifying"), progress.table)
                                 .arg(progress.tableIndex + 1)
                                 .arg(progress.tableCount);
        if (step != current) {
            current = step;
            err << "twinopsd: " << step;
            if (copying)
                err << ": " << progress.rowsTotal << " rows";
            err << Qt::endl;
            sinceLine.restart();
        } else if (sinceLine.elapsed() >= kProgressIntervalMs) {
            err << "twinopsd:   " << progress.table << ": " << progress.rowsDone;
            if (copying)
                err << " of " << progress.rowsTotal;
            err << " rows" << Qt::endl;
            sinceLine.restart();
        }
    });
    g_interrupted.store(false);
    copy.setCancelFlag(&g_interrupted);
    std::signal(SIGINT, interrupt);
    std::signal(SIGTERM, interrupt);
    const Result<CopyReport> report = copy.run();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!report.ok())
        return report.error();

    QTextStream &out = standardOutput();
    QStringList differing;
    out << QStringLiteral("%1 %2 %3 %4\n")
               .arg(QStringLiteral("table").leftJustified(24), QStringLiteral("source").rightJustified(10),
                    QStringLiteral("copy").rightJustified(10), QStringLiteral("checksum"));
    for (const TableVerification &table : report->tables) {
        out << QStringLiteral("%1 %2 %3 %4\n")
                   .arg(table.table.leftJustified(24))
                   .arg(table.sourceRows, 10)
                   .arg(table.targetRows, 10)
                   .arg(table.matches() ? QStringLiteral("ok ") + QString::fromLatin1(table.targetChecksum.left(16))
                                        : QStringLiteral("DIFFERS"));
        if (!table.matches())
            differing.append(table.table);
    }
    out << QStringLiteral("copied %1 rows in %2 tables from %3 to %4 (schema version %5)")
               .arg(report->rows())
               .arg(report->tables.size())
               .arg(from->redacted(), to->redacted())
               .arg(report->schemaVersion)
        << Qt::endl;
    if (!differing.isEmpty())
        return Error::internal(
            QStringLiteral("verification failed: %1 differ between the source and the copy (row "
                           "count or checksum); do not use the copy, and drop it before copying again")
                .arg(differing.join(QStringLiteral(", "))));
    out << "verified: every table has the same rows and checksum in both databases" << Qt::endl;
    return 0;
}

} // namespace

Command copy()
{
    return {
        .name = QStringLiteral("copy"),
        .synopsis = QStringLiteral("--from URL --to URL"),
        .summary = QStringLiteral("Copy every table of a database into a new, empty one (SQLite to PostgreSQL or back) "
                                  "and verify the copy."),
        .description = QStringLiteral(
            "The source must be at this build's schema version (run twinopsd migrate first); the target must be "
            "empty (no migration applied). The target is migrated, then each table is copied in foreign-key order in "
            "batches, keeping ids, times, hashes and job states, and each table's row count and checksum are "
            "compared at the end (exit 1 if any differs). The source is read in one snapshot; stop the service first "
            "so that nothing written after it is lost. A failed or interrupted copy empties the target again.\n\n"
            "Progress goes to stderr, the verification to stdout. Keep the PostgreSQL password out of the command "
            "line: libpq reads PGPASSWORD and ~/.pgpass."),
        .options = {
            QCommandLineOption(QStringLiteral("from"),
                               QStringLiteral("The database to copy: sqlite:///path/file.db, a file path, or "
                                              "postgres://user@host:port/db."),
                               QStringLiteral("URL")),
            QCommandLineOption(QStringLiteral("to"),
                               QStringLiteral("The empty database to copy into (created if a SQLite file does not "
                                              "exist)."),
                               QStringLiteral("URL")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
