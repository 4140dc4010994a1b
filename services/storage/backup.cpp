#include "storage/backup.h"

#include "core/ids.h"
#include "core/logging.h"
#include "core/privatefiles.h"
#include "storage/migrator.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QStandardPaths>
#include <QThread>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <libpq-fe.h>
#include <memory>
#include <sqlite3.h>
#include <unistd.h>

namespace twinops {

namespace {

// The backup API copies this many pages (4 KiB each) per step, and the copy pauses between steps: it holds only a
// read transaction on the source (WAL: writers go on), and the pauses leave the disk to the server's own work.
constexpr int kPagesPerStep = 1024;
constexpr unsigned long kPauseBetweenStepsMs = 5;
// How long a step may keep failing with SQLITE_BUSY/LOCKED (a long write transaction elsewhere) before giving up.
constexpr int kBusyTimeoutMs = 30'000;

enum class BackupKind { Sqlite, PgDump, Unknown };

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

QString fourDigits(int version)
{
    return QStringLiteral("%1").arg(version, 4, 10, QLatin1Char('0'));
}

// --- SQLite through its C API: the online backup API has no Qt equivalent. ---

struct SqliteCloser
{
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
};
using SqliteConnection = std::unique_ptr<sqlite3, SqliteCloser>;

Result<SqliteConnection> openSqlite(const QString &path, int flags)
{
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    SqliteConnection db(raw); // sqlite3_open_v2 returns a handle to close even when it fails
    if (rc != SQLITE_OK)
        return Error::unavailable(
            QStringLiteral("cannot open %1: %2")
                .arg(path, raw ? QString::fromUtf8(sqlite3_errmsg(raw)) : QString::fromUtf8(sqlite3_errstr(rc))));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    return db;
}

Error sqliteError(sqlite3 *db, const QString &context)
{
    return Error::unavailable(QStringLiteral("%1: %2").arg(context, QString::fromUtf8(sqlite3_errmsg(db))));
}

// Every row of a statement without parameters, each column as text.
Result<QList<QStringList>> sqliteRows(sqlite3 *db, const QString &sql, const QString &context)
{
    sqlite3_stmt *raw = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v2(db, utf8.constData(), int(utf8.size()), &raw, nullptr) != SQLITE_OK)
        return sqliteError(db, context);
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> statement(raw, sqlite3_finalize);
    QList<QStringList> rows;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
        QStringList row;
        for (int i = 0; i < sqlite3_column_count(raw); ++i)
            row.append(QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(raw, i)),
                                         sqlite3_column_bytes(raw, i)));
        rows.append(row);
    }
    if (rc != SQLITE_DONE)
        return sqliteError(db, context);
    return rows;
}

Status sqliteExecute(sqlite3 *db, const char *sql, const QString &context)
{
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return sqliteError(db, context);
    return {};
}

// The rows of schema_migrations (empty when the table does not exist).
Result<QList<AppliedMigration>> sqliteApplied(sqlite3 *db, const QString &context)
{
    TWINOPS_TRY_ASSIGN(const auto exists,
                       sqliteRows(db,
                                  QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                                 "name = 'schema_migrations'"),
                                  context));
    if (exists.first().first() == QLatin1String("0"))
        return QList<AppliedMigration>{};
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        sqliteRows(db, QStringLiteral("SELECT version, name, checksum FROM schema_migrations ORDER BY version"),
                   context));
    QList<AppliedMigration> applied;
    for (const QStringList &row : rows)
        applied.append({row.at(0).toInt(), row.at(1), row.at(2), {}});
    return applied;
}

int highestVersion(const QList<AppliedMigration> &applied)
{
    int version = 0;
    for (const AppliedMigration &migration : applied)
        version = std::max(version, migration.version);
    return version;
}

// Pausing between steps spares a live source; a restore holds the target's write lock from its first step to its
// last, so it copies in one go.
enum class Pace { Paused, AllAtOnce };

// Copies every page of `from` into `to` in steps, as one write transaction on `to`: a reader of `to` sees the old
// database or the new one. The caller holds a read transaction on `from`, so the copy is one snapshot: without it,
// a write by another connection between two steps would restart the copy, and a busy server could starve it.
Status copyPages(sqlite3 *from, sqlite3 *to, Pace pace, const QString &context)
{
    sqlite3_backup *backup = sqlite3_backup_init(to, "main", from, "main");
    if (!backup)
        return sqliteError(to, context);
    auto finish = qScopeGuard([backup] { sqlite3_backup_finish(backup); });
    QDeadlineTimer stalled(kBusyTimeoutMs);
    for (;;) {
        const int rc = sqlite3_backup_step(backup, pace == Pace::Paused ? kPagesPerStep : -1);
        if (rc == SQLITE_DONE)
            break;
        if (rc == SQLITE_OK) {
            stalled.setRemainingTime(kBusyTimeoutMs);
        } else if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) {
            return Error::unavailable(QStringLiteral("%1: %2").arg(context, QString::fromUtf8(sqlite3_errstr(rc))));
        } else if (stalled.hasExpired()) {
            return Error::unavailable(
                QStringLiteral("%1: the database stayed locked for %2 s").arg(context).arg(kBusyTimeoutMs / 1000));
        }
        QThread::msleep(kPauseBetweenStepsMs);
    }
    finish.dismiss();
    if (sqlite3_backup_finish(backup) != SQLITE_OK)
        return sqliteError(to, context);
    return {};
}

// --- Files ---

// A name next to `file` for the copy being written, unique to this run.
QString temporaryNameFor(const QString &file)
{
    return QStringLiteral("%1.%2.tmp").arg(file, newId().left(8));
}

void removeWithCompanions(const QString &path)
{
    for (const char *suffix : {"", "-journal", "-wal", "-shm"})
        QFile::remove(path + QLatin1String(suffix));
}

// Makes the rename durable: the directory entry is on disk once this returns.
void syncDirectory(const QString &directory)
{
    const int fd = ::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

Status refuseExisting(const QString &file, bool overwrite)
{
    if (!overwrite && QFileInfo::exists(file))
        return Error::conflict(QStringLiteral("%1 exists; add --force to replace it").arg(file));
    return {};
}

Status moveIntoPlace(const QString &temporary, const QString &file)
{
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(file).constData()) != 0)
        return Error::unavailable(QStringLiteral("cannot rename %1 to %2: %3").arg(temporary, file, systemError()));
    syncDirectory(QFileInfo(file).absolutePath());
    return {};
}

BackupKind kindOf(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return BackupKind::Unknown;
    const QByteArray head = f.read(16);
    if (head == QByteArray("SQLite format 3\0", 16))
        return BackupKind::Sqlite;
    if (head.startsWith("PGDMP"))
        return BackupKind::PgDump;
    return BackupKind::Unknown;
}

// --- SQLite backup ---

Result<BackupSummary> backupSqlite(const QString &database, const QString &file, bool overwrite)
{
    if (!QFileInfo(database).isFile())
        return Error::unavailable(QStringLiteral("there is no database at %1").arg(database));
    TWINOPS_TRY(refuseExisting(file, overwrite));
    const QString temporary = temporaryNameFor(file);
    TWINOPS_TRY(createPrivateFileIfMissing(temporary)); // the copy holds every tenant's data: 0600 from the start
    auto cleanUp = qScopeGuard([&] { removeWithCompanions(temporary); });
    const QString context = QStringLiteral("backing up %1").arg(database);
    int version = 0;
    {
        TWINOPS_TRY_ASSIGN(const SqliteConnection source, openSqlite(database, SQLITE_OPEN_READWRITE));
        // A read transaction pins one snapshot of the WAL for the whole copy; writers are not blocked by it.
        TWINOPS_TRY(sqliteExecute(source.get(), "BEGIN", context));
        TWINOPS_TRY(sqliteRows(source.get(), QStringLiteral("SELECT count(*) FROM sqlite_master"), context));
        TWINOPS_TRY_ASSIGN(const SqliteConnection copy, openSqlite(temporary, SQLITE_OPEN_READWRITE));
        TWINOPS_TRY(copyPages(source.get(), copy.get(), Pace::Paused, context));
        TWINOPS_TRY(sqliteExecute(source.get(), "COMMIT", context));
        // One self-contained file: the copy's header says WAL like its source's; a rollback journal needs no -wal.
        TWINOPS_TRY(sqliteExecute(copy.get(), "PRAGMA journal_mode = DELETE", context));
        TWINOPS_TRY_ASSIGN(const auto applied, sqliteApplied(copy.get(), context));
        version = highestVersion(applied);
    }
    TWINOPS_TRY(moveIntoPlace(temporary, file));
    cleanUp.dismiss();
    return BackupSummary{file, QFileInfo(file).size(), version};
}

// --- PostgreSQL through its client programs ---

// A libpq URI split for a client program: the connection string without the password (the command line is public
// through ps) and the password, which goes in PGPASSWORD.
struct PostgresTarget
{
    QString conninfo;
    QString password;
};

QString quotedConninfoValue(const QString &value)
{
    QString quoted = value;
    quoted.replace(QLatin1String("\\"), QLatin1String("\\\\")).replace(QLatin1String("'"), QLatin1String("\\'"));
    return u'\'' + quoted + u'\'';
}

Result<PostgresTarget> postgresTarget(const DatabaseUrl &url)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(url.postgresUri().toUtf8().constData(), &error);
    if (!options) {
        const QString reason = error ? QString::fromUtf8(error).trimmed() : QStringLiteral("out of memory");
        PQfreemem(error);
        return Error::badRequest(QStringLiteral("invalid PostgreSQL URL %1: %2").arg(url.redacted(), reason));
    }
    PostgresTarget target;
    QStringList pairs;
    for (const PQconninfoOption *option = options; option->keyword; ++option) {
        if (!option->val)
            continue;
        const QString value = QString::fromUtf8(option->val);
        if (qstrcmp(option->keyword, "password") == 0)
            target.password = value;
        else
            pairs.append(QString::fromLatin1(option->keyword) + u'=' + quotedConninfoValue(value));
    }
    PQconninfoFree(options);
    target.conninfo = pairs.join(u' ');
    return target;
}

// Runs pg_dump or pg_restore to completion; its standard output, or its first error line as the error.
Result<QByteArray> runClient(const QString &tool, const QStringList &arguments, const PostgresTarget &target)
{
    const QString program = QStandardPaths::findExecutable(tool);
    if (program.isEmpty())
        return Error::unavailable(QStringLiteral("%1 is not installed (or not on PATH): install postgresql-client, "
                                                 "of the server's major version or newer")
                                      .arg(tool));
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!target.password.isEmpty())
        environment.insert(QStringLiteral("PGPASSWORD"), target.password);
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    process.closeWriteChannel();
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QStringList lines = QString::fromUtf8(process.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts);
        QString reason = lines.isEmpty() ? process.errorString() : lines.first();
        for (const QString &line : lines) {
            if (line.contains(QLatin1String("error:"))) {
                reason = line;
                break;
            }
        }
        if (!target.password.isEmpty())
            reason.replace(target.password, QStringLiteral("***"));
        return Error::unavailable(QStringLiteral("%1 failed: %2").arg(tool, reason.trimmed()));
    }
    return process.readAllStandardOutput();
}

Result<int> postgresSchemaVersion(const DatabaseUrl &url)
{
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> db, Database::open(url));
    TWINOPS_TRY_ASSIGN(const auto applied, Migrator(*db, {}).readApplied());
    return highestVersion(applied);
}

Result<BackupSummary> backupPostgres(const DatabaseUrl &url, const QString &file, bool overwrite)
{
    TWINOPS_TRY(refuseExisting(file, overwrite));
    TWINOPS_TRY_ASSIGN(const PostgresTarget target, postgresTarget(url));
    TWINOPS_TRY_ASSIGN(const int version, postgresSchemaVersion(url));
    const QString temporary = temporaryNameFor(file);
    TWINOPS_TRY(createPrivateFileIfMissing(temporary)); // pg_dump truncates it and keeps the mode
    auto cleanUp = qScopeGuard([&] { QFile::remove(temporary); });
    // pg_dump reads one snapshot (a repeatable-read transaction), so the archive is consistent while the server
    // writes; --no-password fails instead of prompting.
    TWINOPS_TRY(runClient(QStringLiteral("pg_dump"),
                          {QStringLiteral("--format=custom"), QStringLiteral("--no-password"),
                           QStringLiteral("--file=") + temporary, QStringLiteral("--dbname=") + target.conninfo},
                          target));
    TWINOPS_TRY(moveIntoPlace(temporary, file));
    cleanUp.dismiss();
    return BackupSummary{file, QFileInfo(file).size(), version};
}

// The schema_migrations rows of a pg_dump archive, from the COPY block pg_restore prints for that table.
Result<QList<AppliedMigration>> archiveApplied(const QString &file, const PostgresTarget &target)
{
    TWINOPS_TRY_ASSIGN(const QByteArray script,
                       runClient(QStringLiteral("pg_restore"),
                                 {QStringLiteral("--data-only"), QStringLiteral("--table=schema_migrations"),
                                  QStringLiteral("--file=-"), file},
                                 target));
    QList<AppliedMigration> applied;
    bool inCopy = false;
    bool found = false;
    for (const QByteArray &line : script.split('\n')) {
        if (!inCopy) {
            inCopy = line.startsWith("COPY public.schema_migrations ");
            found = found || inCopy;
            continue;
        }
        if (line == "\\.")
            break;
        const QList<QByteArray> fields = line.split('\t');
        if (fields.size() < 3)
            return Error::badRequest(QStringLiteral("%1 has an unreadable schema_migrations row").arg(file));
        applied.append({fields.at(0).toInt(), QString::fromUtf8(fields.at(1)), QString::fromUtf8(fields.at(2)), {}});
    }
    if (!found)
        return Error::badRequest(
            QStringLiteral("%1 is a PostgreSQL archive but not of a TwinOps database (no schema_migrations)")
                .arg(file));
    return applied;
}

// --- Restore ---

// Whether the database holds anything of ours: a table besides an empty schema_migrations.
Result<int> tablesHeld(Database &db)
{
    const QString sql = db.dialect() == Dialect::Postgres
        ? QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> "
                         "'schema_migrations'")
        : QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                         "ESCAPE '\\' AND name <> 'schema_migrations'");
    TWINOPS_TRY_ASSIGN(const auto tables, db.query(sql));
    TWINOPS_TRY_ASSIGN(const auto applied, Migrator(db, {}).readApplied());
    return int(tables.first().integer(0)) + int(applied.size());
}

Status refuseNonEmpty(const DatabaseUrl &url, bool replace)
{
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> db, Database::open(url));
    TWINOPS_TRY_ASSIGN(const int held, tablesHeld(*db));
    if (held > 0 && !replace)
        return Error::conflict(QStringLiteral("%1 is not empty: restore into an empty database, or add --force to "
                                              "replace what it holds")
                                   .arg(db->description()));
    return {};
}

// The backup's schema must be one this build runs on: the migrator's own rules (checksums, at most one ahead).
Status checkSchema(const QString &file, Dialect dialect, const QList<AppliedMigration> &applied)
{
    TWINOPS_TRY_ASSIGN(const auto shipped, Migrator::embedded(dialect));
    if (auto status = Migrator::validate(shipped, applied); !status.ok())
        return Error{
            status.error().code, QStringLiteral("cannot restore %1: %2").arg(file, status.error().message), {}, 0};
    return {};
}

// After loading, the database opens and the migrator accepts it.
Status verifyRestored(const DatabaseUrl &url)
{
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> db, Database::open(url));
    TWINOPS_TRY_ASSIGN(const auto shipped, Migrator::embedded(db->dialect()));
    TWINOPS_TRY(Migrator(*db, shipped).status());
    return {};
}

Result<BackupSummary> restoreSqlite(const DatabaseUrl &url, const QString &file, bool replace)
{
    const QString context = QStringLiteral("restoring %1").arg(file);
    TWINOPS_TRY_ASSIGN(const SqliteConnection backup, openSqlite(file, SQLITE_OPEN_READONLY));
    TWINOPS_TRY_ASSIGN(const auto integrity,
                       sqliteRows(backup.get(), QStringLiteral("PRAGMA integrity_check"), context));
    if (integrity.isEmpty() || integrity.first().first() != QLatin1String("ok"))
        return Error::badRequest(QStringLiteral("%1 fails SQLite's integrity check: %2")
                                     .arg(file, integrity.isEmpty() ? QString() : integrity.first().first()));
    TWINOPS_TRY_ASSIGN(const auto applied, sqliteApplied(backup.get(), context));
    if (applied.isEmpty())
        return Error::badRequest(
            QStringLiteral("%1 is a SQLite database but not a TwinOps backup (no schema_migrations)").arg(file));
    TWINOPS_TRY(checkSchema(file, Dialect::Sqlite, applied));
    TWINOPS_TRY(refuseNonEmpty(url, replace));
    {
        // Loaded through the backup API, in one write transaction of the database itself: its WAL and any process
        // that has it open stay coherent, which renaming a file over it would not give.
        TWINOPS_TRY(sqliteExecute(backup.get(), "BEGIN", context));
        TWINOPS_TRY(sqliteRows(backup.get(), QStringLiteral("SELECT count(*) FROM sqlite_master"), context));
        TWINOPS_TRY_ASSIGN(const SqliteConnection target, openSqlite(url.sqlitePath(), SQLITE_OPEN_READWRITE));
        TWINOPS_TRY(copyPages(backup.get(), target.get(), Pace::AllAtOnce, context));
        TWINOPS_TRY(sqliteExecute(backup.get(), "COMMIT", context));
    }
    TWINOPS_TRY(verifyRestored(url));
    return BackupSummary{file, QFileInfo(file).size(), highestVersion(applied)};
}

// The tables of an archive, from its table of contents: "215; 1259 16386 TABLE public jobs owner".
QSet<QString> archiveTables(const QByteArray &listing)
{
    static const QRegularExpression table(QStringLiteral("^\\d+;\\s+\\d+\\s+\\d+\\s+TABLE\\s+public\\s+(\\S+)\\s"),
                                          QRegularExpression::MultilineOption);
    QSet<QString> tables;
    for (auto it = table.globalMatch(QString::fromUtf8(listing)); it.hasNext();)
        tables.insert(it.next().captured(1));
    return tables;
}

// pg_restore --clean drops only what the archive has: a table the target has and the backup lacks (a newer
// migration's) would stay behind, and the next migrate would fail on it. Its release must take it away first.
Status refuseLeftovers(const DatabaseUrl &url, const QSet<QString> &archived, int version)
{
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> db, Database::open(url));
    TWINOPS_TRY_ASSIGN(
        const auto tables,
        db->query(QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")));
    QStringList leftovers;
    for (const Row row : tables) {
        if (!archived.contains(row.text(0)))
            leftovers.append(row.text(0));
    }
    if (leftovers.isEmpty())
        return {};
    return Error::conflict(QStringLiteral("%1 has tables the backup lacks (%2), which --force would leave behind: "
                                          "move it to the backup's version first (twinopsd migrate --to %3, with the "
                                          "release that made them), or restore into an empty database")
                               .arg(db->description(), leftovers.join(QStringLiteral(", ")))
                               .arg(version));
}

Result<BackupSummary> restorePostgres(const DatabaseUrl &url, const QString &file, bool replace)
{
    TWINOPS_TRY_ASSIGN(const PostgresTarget target, postgresTarget(url));
    const auto listed = runClient(QStringLiteral("pg_restore"), {QStringLiteral("--list"), file}, target);
    if (!listed.ok())
        return Error::badRequest(
            QStringLiteral("%1 is not a readable pg_dump archive: %2").arg(file, listed.error().message));
    TWINOPS_TRY_ASSIGN(const auto applied, archiveApplied(file, target));
    TWINOPS_TRY(checkSchema(file, Dialect::Postgres, applied));
    TWINOPS_TRY(refuseNonEmpty(url, replace));
    if (replace)
        TWINOPS_TRY(refuseLeftovers(url, archiveTables(*listed), highestVersion(applied)));
    // One transaction: a failure leaves the database as it was. Objects belong to whoever restores (--no-owner),
    // since the role that dumped may not exist here.
    QStringList arguments{QStringLiteral("--no-owner"),           QStringLiteral("--no-acl"),
                          QStringLiteral("--single-transaction"), QStringLiteral("--exit-on-error"),
                          QStringLiteral("--no-password"),        QStringLiteral("--dbname=") + target.conninfo};
    if (replace)
        arguments << QStringLiteral("--clean") << QStringLiteral("--if-exists");
    arguments << file;
    TWINOPS_TRY(runClient(QStringLiteral("pg_restore"), arguments, target));
    TWINOPS_TRY(verifyRestored(url));
    return BackupSummary{file, QFileInfo(file).size(), highestVersion(applied)};
}

QString snapshotPattern(const QString &database)
{
    return QStringLiteral("^%1\\.\\d{8}T\\d{6}\\.\\d{3}Z\\.v\\d{4}\\.bak$")
        .arg(QRegularExpression::escape(QFileInfo(database).fileName()));
}

} // namespace

Result<BackupSummary> backupDatabase(const DatabaseUrl &url, const QString &file, bool overwrite)
{
    if (file.isEmpty())
        return Error::badRequest(QStringLiteral("name the backup file"));
    const QString absolute = QFileInfo(file).absoluteFilePath();
    if (!QFileInfo(absolute).dir().exists())
        return Error::badRequest(
            QStringLiteral("the folder %1 does not exist").arg(QFileInfo(absolute).absolutePath()));
    if (url.dialect() == Dialect::Sqlite && absolute == url.sqlitePath())
        return Error::badRequest(QStringLiteral("the backup file cannot be the database itself"));
    return url.dialect() == Dialect::Postgres ? backupPostgres(url, absolute, overwrite)
                                              : backupSqlite(url.sqlitePath(), absolute, overwrite);
}

Result<BackupSummary> restoreDatabase(const DatabaseUrl &url, const QString &file, bool replace)
{
    if (!QFileInfo(file).isFile())
        return Error::badRequest(QStringLiteral("there is no backup file %1").arg(file));
    const BackupKind kind = kindOf(file);
    if (kind == BackupKind::Unknown)
        return Error::badRequest(
            QStringLiteral("%1 is neither a SQLite backup nor a pg_dump custom-format archive").arg(file));
    const bool intoPostgres = url.dialect() == Dialect::Postgres;
    if (!intoPostgres && QFileInfo(file).absoluteFilePath() == url.sqlitePath())
        return Error::badRequest(QStringLiteral("the backup file cannot be the database itself"));
    if ((kind == BackupKind::Sqlite) == intoPostgres)
        return Error::badRequest(
            QStringLiteral("%1 is a %2 backup and the database is %3: restore it into a %2 database, then move the "
                           "data with twinopsd copy")
                .arg(file, kind == BackupKind::Sqlite ? QStringLiteral("SQLite") : QStringLiteral("PostgreSQL"),
                     intoPostgres ? QStringLiteral("PostgreSQL") : QStringLiteral("SQLite")));
    return intoPostgres ? restorePostgres(url, file, replace) : restoreSqlite(url, file, replace);
}

Result<QString> snapshotBeforeMigrating(const QString &path, int schemaVersion)
{
    const QString snapshot
        = QStringLiteral("%1.%2.v%3.bak")
              .arg(path, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss.zzz'Z'")),
                   fourDigits(schemaVersion));
    TWINOPS_TRY(backupSqlite(path, snapshot, false));
    const QStringList all = snapshotsOf(path);
    for (qsizetype i = 0; i + kKeptSnapshots < all.size(); ++i) {
        if (!QFile::remove(all.at(i)))
            qCWarning(lcStorage).noquote() << "cannot delete the old snapshot" << all.at(i);
    }
    return snapshot;
}

QStringList snapshotsOf(const QString &path)
{
    const QFileInfo database(path);
    const QDir directory = database.absoluteDir();
    const QRegularExpression pattern(snapshotPattern(path));
    QStringList snapshots;
    // The fixed-width UTC time follows the database's name, so name order is time order.
    for (const QString &name :
         directory.entryList({database.fileName() + QStringLiteral(".*.bak")}, QDir::Files, QDir::Name)) {
        if (pattern.match(name).hasMatch())
            snapshots.append(directory.filePath(name));
    }
    return snapshots;
}

} // namespace twinops
